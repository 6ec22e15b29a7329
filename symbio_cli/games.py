"""Cooperative cost games of pooled collection (METHODE.md, "Mutualisation" and "Territory").

One module for the audit's mutualisation scenario (method.py) and the
territory's pooling groups (territory/pooling.py): the stand-alone and
coalition costs c(S), the proportional split, Shapley values and the core
check. Plain floats in CAD per year; coalitions are bit masks over players
0..n−1. It imports nothing of symbio, so both layers above can use it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

CEIL_TOLERANCE = 1e-9
EXACT_SHAPLEY_MAX = 15  # exact Shapley values and exhaustive core check up to 15 players
SHAPLEY_SAMPLES = 20_000  # else permutations sampled…
SHAPLEY_SEED = 0  # …with this seed
CORE_TOLERANCE = 1e-6  # relative: a coalition blocks when it would save more than this

CostGame = Callable[[int], float]


def ceil(x: float) -> int:
    """Ceiling with METHODE.md's tolerance (104,000000001 lifts is 104)."""
    return math.ceil(x - CEIL_TOLERANCE)


def coalition_cost(alone: list[float], volumes: list[float], lifts: list[float], group: bool, cap: float,
                   fee: float, surcharge: float, rental: float, management: float) -> CostGame:
    """c(S) of METHODE.md's mutualisation, for coalitions given as bit masks.

    c({k}) is k's stand-alone cost ($/an); a group contract (`group`) pays
    each member's lifts `lifts[k]` (/an) at the pooled `fee` ($/lift), a
    shared container the lifts its pooled volume needs (`volumes` in m³/an,
    `cap` in m³ per lift) plus its `rental` ($/an); both pay the coordination
    fee `management` ($/an) and the fuel `surcharge` (fraction) on lifts.
    """
    n = len(alone)

    def cost(mask: int) -> float:
        members = [k for k in range(n) if mask >> k & 1]
        if not members:
            return 0.0
        if len(members) == 1:
            return alone[members[0]]
        if group:
            return sum(lifts[k] for k in members) * fee * (1 + surcharge) + management
        total = sum(volumes[k] for k in members)
        need = ceil(total / cap) if cap > 0 and total > 0 else 0
        return need * fee * (1 + surcharge) + rental + management

    return cost


def proportional_split(total: float, weights: list[float]) -> list[float]:
    """`total` split in proportion to `weights` (equal parts when they sum to 0)."""
    n = len(weights)
    tw = sum(weights)
    return [total * w / tw if tw > 0 else total / n for w in weights]


def shapley(n: int, cost: CostGame) -> list[float]:
    """Shapley values of a cost game on players 0..n−1 (exact up to 15, else 20 000 permutations, seed 0)."""
    if n <= EXACT_SHAPLEY_MAX:
        values = [0.0] * n
        fact = [math.factorial(k) for k in range(n + 1)]
        cache: dict[int, float] = {}

        def c(mask):
            if mask not in cache:
                cache[mask] = cost(mask)
            return cache[mask]

        for i in range(n):
            bit = 1 << i
            for mask in range(1 << n):
                if mask & bit:
                    continue
                size = bin(mask).count("1")
                weight = fact[size] * fact[n - size - 1] / fact[n]
                values[i] += weight * (c(mask | bit) - c(mask))
        return values
    import random  # only sampled Shapley values need it (large groups)

    rng = random.Random(SHAPLEY_SEED)
    values = [0.0] * n
    order = list(range(n))
    for _ in range(SHAPLEY_SAMPLES):
        rng.shuffle(order)
        mask = 0
        previous = 0.0
        for i in order:
            mask |= 1 << i
            current = cost(mask)
            values[i] += current - previous
            previous = current
    return [v / SHAPLEY_SAMPLES for v in values]


def _core_tolerance(total: float) -> float:
    return CORE_TOLERANCE * max(1.0, abs(total))


def core_violation(n: int, shares: list[float], cost: CostGame) -> tuple[int, ...] | None:
    """A coalition that would pay less alone than its shares, or None (stable).

    Exhaustive up to 15 players; beyond, every singleton and pair, then 20 000
    coalitions drawn with seed 0.
    """
    if n <= EXACT_SHAPLEY_MAX:
        masks = range(1, (1 << n) - 1)
    else:  # all pairs and singletons, then a seeded sample
        import random  # only large groups draw coalitions

        rng = random.Random(SHAPLEY_SEED)
        pairs = [(1 << i) | (1 << j) for i, j in itertools.combinations(range(n), 2)]
        masks = [1 << i for i in range(n)] + pairs + [rng.getrandbits(n) for _ in range(20_000)]
    for mask in masks:
        if mask == 0:
            continue
        members = [i for i in range(n) if mask >> i & 1]
        total = sum(shares[i] for i in members)
        if total > cost(mask) + _core_tolerance(total):
            return tuple(members)
    return None


# ---------------------------------------------------------------------------
# The territory's group contract, in closed form (any number of members)


def contract_cost(alone: list[float], rebate: float, fee: float) -> float:
    """c(N) of a group contract: Σ (1 − r) c_k + G ($/an)."""
    return sum((1 - rebate) * c for c in alone) + fee


def contract_shapley(alone: list[float], rebate: float, fee: float) -> list[float]:
    """Exact Shapley values of the group-contract game, in closed form.

    c({k}) = c_k; c(S) = Σ_S (1 − r) c_k + G for |S| ≥ 2. By linearity:
    φ_k = a_k + G/n + b_k/n − (B − b_k)/(n(n − 1)), with a_k = (1 − r) c_k,
    b_k = r c_k, B = Σ b (tests check it against `shapley`).
    """
    n = len(alone)
    a = [(1 - rebate) * c for c in alone]
    b = [rebate * c for c in alone]
    total_b = sum(b)
    return [a[k] + fee / n + b[k] / n - (total_b - b[k]) / (n * (n - 1)) for k in range(n)]


def contract_core_violation(alone: list[float], shares: list[float], rebate: float,
                            fee: float) -> tuple[int, ...] | None:
    """A coalition that would pay less than its shares in the group-contract game, or None.

    Exact without enumerating: a singleton blocks when x_k > c_k; a coalition
    of two or more blocks when Σ_S (x_k − (1 − r) c_k) > G, and the best such
    S takes every positive term (at least the two largest).
    """
    for k, (x, c) in enumerate(zip(shares, alone)):
        if x > c + _core_tolerance(x):
            return (k,)
    gaps = sorted(((x - (1 - rebate) * c, k) for k, (x, c) in enumerate(zip(shares, alone))), reverse=True)
    chosen = [k for g, k in gaps if g > 0]
    if len(chosen) < 2:
        chosen = [k for _, k in gaps[:2]]
    n = len(alone)
    if len(chosen) == n:  # the grand coalition does not count: drop its smallest gap
        chosen = [k for _, k in gaps[:-1]]
    if len(chosen) < 2:
        return None
    total = sum(shares[k] for k in chosen)
    cost = sum((1 - rebate) * alone[k] for k in chosen) + fee
    if total > cost + _core_tolerance(total):
        return tuple(sorted(chosen))
    return None
