"""Pooling groups: streams of one material and one mode at nearby firms (METHODE.md, "Territory").

Streams each in a container of their own, at different firms, are bucketed
by (material, mode) and by grid cells of the radius' size; groups are
cliques (every pair within the radius) grown from the stream with the most
neighbours. Firms within `rayon_partage` may share one container
(`conteneur_partage`), the others a group contract (`contrat_groupe`). A
group contract's cost is split in proportion to each member's own lift cost
today (`--repartition shapley`: Shapley value), a shared container's in
proportion to volume; a member who would pay more than alone leaves the
group (a safety net: the proportional split of a contract that saves money
never triggers it); a group is kept when it saves money. The cost games are
games.py's, the audit's own.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from symbio_cli import games
from symbio_cli.territory.context import Context, Terms
from symbio_cli.territory.firms import Container
from symbio_cli.territory.geo import EARTH_RADIUS_KM, gc_rad
from symbio_cli.territory.records import Group, Member

EPS = 1e-9
SHARED_MAX = games.EXACT_SHAPLEY_MAX  # a shared container: exact Shapley and core check


@dataclass
class Node:
    order: int
    firm: int
    stream: int
    lat: float
    lon: float
    p: float
    l: float
    c: float
    cont: Container
    volume: float | None


def _neighbours(nodes: list[Node], radius_km: float, route: float) -> dict[int, dict[int, float]]:
    """Pairs of nodes of different firms within `radius_km` by road, found through a grid.

    Returns, for each node, its neighbours with the squared chord between their
    unit vectors — a cheap stand-in for the distance that sorts the same way.
    """
    out: dict[int, dict[int, float]] = {n.order: {} for n in nodes}
    if radius_km <= 0 or len(nodes) < 2:
        return out
    gc_max = radius_km / route
    dlat = gc_max / EARTH_RADIUS_KM  # radians: great-circle ≥ R·Δφ
    pmax = max(abs(n.p) for n in nodes) + dlat
    cmin = math.cos(min(pmax, math.pi / 2 - 1e-6))
    # sin(d/2R) ≥ cos φmax · sin(Δλ/2): the widest Δλ a pair within the radius can have
    ratio = math.sin(gc_max / (2 * EARTH_RADIUS_KM)) / cmin
    dlon = 2 * math.asin(ratio) if ratio < 1 else 2 * math.pi
    # chord between unit vectors: |u − v| = 2 sin(d / 2R), monotone in d
    limit = (2 * math.sin(min(gc_max / (2 * EARTH_RADIUS_KM), math.pi / 2))) ** 2 * (1 + 1e-12)
    grid: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for n in nodes:
        vec = (n.c * math.cos(n.l), n.c * math.sin(n.l), math.sin(n.p))
        grid[(math.floor(n.p / dlat), math.floor(n.l / dlon))].append((n.order, n.firm, *vec))
    forward = ((0, 1), (1, -1), (1, 0), (1, 1))  # each pair of cells once
    for (i, j), members in grid.items():
        for a_list, b_list in _cell_pairs(members, [grid.get((i + di, j + dj)) for di, dj in forward]):
            for ao, af, ax, ay, az in a_list:
                oa = out[ao]
                for bo, bf, bx, by, bz in b_list:
                    if af == bf:
                        continue
                    dx, dy, dz = ax - bx, ay - by, az - bz
                    chord = dx * dx + dy * dy + dz * dz
                    if chord <= limit:
                        oa[bo] = chord
                        out[bo][ao] = chord
    return out


def _cell_pairs(members: list, others: list):
    """(a_list, b_list) blocks covering every pair within a cell and with its forward cells once."""
    for k, a in enumerate(members):
        yield (a,), members[k + 1:]
    for other in others:
        if other:
            yield members, other


def _grow(seed: int, nbrs: dict[int, dict[int, float]], taken: set[int], max_size: int | None) -> list[int]:
    """A clique from `seed`: its free neighbours from nearest to farthest, each a neighbour of every member so far."""
    near = sorted(((d, o) for o, d in nbrs[seed].items() if o not in taken))
    members = [seed]
    candidates = {o for _, o in near}
    for _, o in near:
        if max_size is not None and len(members) >= max_size:
            break
        if o in candidates:
            members.append(o)
            candidates &= nbrs[o].keys()
            if not candidates:
                break
    return members


def _cliques(nodes: list[Node], nbrs: dict[int, dict[int, float]], taken: set[int], evaluate, max_size: int | None):
    """Deterministic greedy groups: seed = most free neighbours; members within the radius of every member.

    Candidates are the seed's free neighbours from nearest to farthest; one
    joins when it is a neighbour of every member so far (the candidate set is
    the intersection of the members' neighbourhoods, which also keeps a firm
    at most once: nodes of one firm are never neighbours). `evaluate(members)`
    returns (group, members kept) or None.
    """
    by_order = {n.order: n for n in nodes}
    degree = {o: len(nb.keys() - taken) if taken else len(nb) for o, nb in nbrs.items() if o in by_order}
    heap = [(-d, o) for o, d in degree.items() if d and o not in taken]
    heapq.heapify(heap)
    tried: set[int] = set()
    groups = []
    while heap:
        negdeg, seed = heapq.heappop(heap)
        if seed in taken or seed in tried:
            continue
        if degree[seed] != -negdeg:  # stale: degrees only fall
            if degree[seed]:
                heapq.heappush(heap, (-degree[seed], seed))
            continue
        tried.add(seed)
        members = _grow(seed, nbrs, taken, max_size)
        kept = evaluate([by_order[o] for o in members]) if len(members) >= 2 else None
        if kept is None:
            continue
        group, kept_orders = kept
        groups.append(group)
        for o in kept_orders:
            taken.add(o)
            for x in nbrs[o]:
                if x in degree:
                    degree[x] -= 1
    return groups




# ---------------------------------------------------------------------------
# The groups of a territory


def find_groups(ctx: Context, terms: Terms) -> list[Group]:
    """Every pooling group that saves money, ranked by decreasing savings, members by decreasing savings."""
    groups: list[Group] = []
    for (material, mode), nodes in sorted(_buckets(ctx).items()):
        if len(nodes) < 2 or len({n.firm for n in nodes}) < 2:
            continue
        bucket = _Bucket(ctx, terms, material, ctx.lib.materials[material].family, mode)
        taken: set[int] = set()
        if ctx.options.rayon_partage_km > 0:
            close = _neighbours(nodes, ctx.options.rayon_partage_km, terms.route)
            groups += _cliques(nodes, close, taken, bucket.shared, SHARED_MAX)
        free = [n for n in nodes if n.order not in taken]
        if len(free) >= 2:
            near = _neighbours(free, ctx.options.rayon_km, terms.route)
            groups += _cliques(free, near, taken, bucket.contract, None)
    groups.sort(key=lambda g: (-g.economie_cad, g.matiere, g.mode, [m.entreprise for m in g.membres]))
    out = []
    for k, g in enumerate(groups):
        members = tuple(sorted(g.membres, key=lambda m: (-m.economie_cad, m.entreprise, m.flux)))
        out.append(replace(g, rang=k + 1, membres=members))
    return out


def _buckets(ctx: Context) -> dict[tuple[str, str], list[Node]]:
    """The streams that may pool, by (material, mode): own container, not pooled already, something offered."""
    buckets: dict[tuple[str, str], list[Node]] = defaultdict(list)
    order = 0
    for i, f in enumerate(ctx.firms):
        if not ctx.located(i):
            continue
        p, l = math.radians(f.lat), math.radians(f.lon)
        for k, s in enumerate(f.flux):
            if s.conteneur is None or s.mutualise or s.offre_t <= EPS:
                continue
            buckets[(s.matiere, s.mode)].append(
                Node(order, i, k, f.lat, f.lon, p, l, math.cos(p), s.conteneur, s.volume_m3))
            order += 1
    return buckets


@dataclass
class _Bucket:
    """The streams of one material and one mode: how a candidate group of them is priced and split."""

    ctx: Context
    terms: Terms
    material: str
    family: str
    mode: str

    def _member(self, n: Node, alone: float, share: float) -> Member:
        ctx = self.ctx
        return Member(ctx.names[n.firm], ctx.stream_id(n.firm, n.stream), n.cont.levees, n.volume,
                      alone, share, alone - share, i_entreprise=n.firm)

    def _maxdist(self, nodes: list[Node]) -> float:
        return max((gc_rad(a.p, a.l, a.c, b.p, b.l, b.c) * self.terms.route
                    for x, a in enumerate(nodes) for b in nodes[x + 1:]), default=0.0)

    def _group(self, forme: str, members: list[Node], alone: list[float], shares: list[float], pooled: float,
               blocking, lifts: float, **extra) -> tuple[Group, list[int]]:
        names = self.ctx.names
        g = Group(0, self.material, self.family, self.mode, forme,
                  tuple(self._member(n, alone[k], shares[k]) for k, n in enumerate(members)), pooled,
                  sum(alone) - pooled, blocking is None,
                  None if blocking is None else tuple(names[members[k].firm] for k in blocking),
                  self.ctx.options.repartition, self._maxdist(members), extra.pop("rebate", None),
                  self.terms.management, lifts, **extra)
        return g, [n.order for n in members]

    def shared(self, members: list[Node]):
        """A shared container for these members (those with a volume), or None when it saves nothing."""
        terms, management = self.terms.shared, self.terms.management
        members = [n for n in members if n.volume is not None]
        while len(members) >= 2:
            ref = max(members, key=lambda n: (n.cont.contenant_m3, -n.order)).cont
            volume = terms["contenant"] or ref.contenant_m3
            fee = terms["frais_levee"] if terms["frais_levee"] is not None else ref.frais_levee
            rental = terms["location"] if terms["location"] is not None else ref.location
            fill = terms["taux_remplissage"] or ref.remplissage
            cap = volume * fill * ref.compaction
            alone = [n.cont.cout for n in members]
            vols = [n.volume for n in members]
            n_ = len(members)
            cost = games.coalition_cost(alone, vols, [], False, cap, fee, ref.surcharge, rental, management)
            pooled = cost((1 << n_) - 1)
            if self.ctx.options.repartition == "shapley":
                shares = games.shapley(n_, cost)
            else:
                shares = games.proportional_split(pooled, vols)
            worst = max(range(n_), key=lambda k: (shares[k] - alone[k], k))
            if shares[worst] > alone[worst] + 1e-6:
                members = members[:worst] + members[worst + 1:]
                continue
            if sum(alone) - pooled <= 0.005:
                return None
            blocking = games.core_violation(n_, shares, cost)
            lifts = games.ceil(sum(vols) / cap) if cap > 0 else 0
            return self._group("conteneur_partage", members, alone, shares, pooled, blocking, float(lifts),
                               contenant_m3=volume, frais_levee_cad=fee,
                               i_frais_propre=terms["frais_levee"] is None)
        return None

    def contract(self, members: list[Node]):
        """A group contract for these members, or None when it saves nothing (or there is no rebate)."""
        rebate, management = self.terms.rebate, self.terms.management
        if rebate is None:
            return None
        while len(members) >= 2:
            # c_k = L_k × own fee × (1 + surcharge); c(S) = Σ_S (1 − r) c_k + G for |S| ≥ 2
            alone = [n.cont.levees * n.cont.frais_levee * (1 + n.cont.surcharge) for n in members]
            lifts = [n.cont.levees for n in members]
            pooled = games.contract_cost(alone, rebate, management)
            # the savings r Σ c_k − G grow with the group: when it saves nothing, no sub-group does
            if sum(alone) - pooled <= 0.005:
                return None
            if self.ctx.options.repartition == "shapley":
                shares = games.contract_shapley(alone, rebate, management)
            else:
                # in proportion to each member's own cost of its lifts today: x_k = c(N) × c_k / Σ c,
                # < c_k whenever the group saves, and in the core (a sub-group S would pay
                # (1 − r) Σ_S c + G ≥ Σ_S x when G ≥ 0). Lifts priced at each member's own fee make
                # a split by lifts charge the member with cheap lifts more than alone.
                shares = games.proportional_split(pooled, alone)
            worst = max(range(len(members)), key=lambda k: (shares[k] - alone[k], k))
            if shares[worst] > alone[worst] + 1e-6:  # safety net: a member who would pay more leaves
                members = members[:worst] + members[worst + 1:]
                continue
            blocking = games.contract_core_violation(alone, shares, rebate, management)
            return self._group("contrat_groupe", members, alone, shares, pooled, blocking, sum(lifts),
                               rebate=rebate)
        return None
