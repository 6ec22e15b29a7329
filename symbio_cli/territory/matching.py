"""Substitution matches: a residue of one firm replaces an input another firm buys (METHODE.md, "Territory").

A residue stream of firm A and an `intrant` of firm B ≠ A whose category is
in the stream material's `substitue`. Per tonne: value to A `T + R`, value to
B the input's price, transport `transport.cout × distance`; net value the sum
minus transport. Matches are allocated greedily by decreasing net value per
tonne, `q = min(supply left, demand left)`, never beyond a supply or a
demand; pairs with a net value ≤ 0 are not proposed.

Blocking: candidates are looked up by input category only, and each demand
explores the suppliers of its category by a best-first search over a
lat/lon grid whose cells carry an upper bound of the value (highest `T + R`
of the cell minus the cheapest transport to the cell's nearest point): a pair
whose bound is already beaten is never computed. The result is the same as
sorting all pairs (`allocate_naive`; tests check it).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from symbio_cli.factors import ELIMINATION_MODES, LANDFILL_MODES, steps_down
from symbio_cli.games import ceil
from symbio_cli.result import FactorUse
from symbio_cli.territory.context import Context
from symbio_cli.territory.disclosure import anon_text
from symbio_cli.territory.firms import FirmData, StreamIn, norm_name, route_for
from symbio_cli.territory.geo import EARTH_RADIUS_KM, gc_lower_bound, gc_rad
from symbio_cli.territory.records import Match

EPS = 1e-9
TWO_R = 2 * EARTH_RADIUS_KM
sin, sqrt, asin = math.sin, math.sqrt, math.asin
MATCH_CELL_DEG = 0.25  # grid of the match search (about 28 km north-south)


@dataclass
class Supply:
    order: int
    firm: int
    stream: int
    u: float  # T + R, $/t
    kf: float  # transport $/t per km of great-circle distance (cost × road factor)
    left: float
    p: float
    l: float
    c: float


@dataclass
class Demand:
    order: int
    firm: int
    index: int
    category: str
    price: float
    left: float
    p: float
    l: float
    c: float


class _Cells:
    """The suppliers of one input category on a lat/lon grid, each cell sorted by T + R."""

    def __init__(self, supplies: list[Supply]):
        cells: dict[tuple[int, int], list[Supply]] = defaultdict(list)
        step = math.radians(MATCH_CELL_DEG)
        for s in supplies:
            cells[(math.floor(s.p / step), math.floor(s.l / step))].append(s)
        self.cells = []
        for (i, j), members in sorted(cells.items()):
            members.sort(key=lambda s: (-s.u, s.order))
            p0, p1 = i * step, (i + 1) * step
            box = (p0, p1, j * step, (j + 1) * step, min(math.cos(p0), math.cos(p1)))
            self.cells.append((box, members, min(s.kf for s in members)))
        # per cell, a pointer past exhausted suppliers (union-find with path compression): a demand never
        # walks again over the suppliers that earlier demands used up
        self.alive = [list(range(len(members) + 1)) for _, members, _ in self.cells]

    def first_alive(self, ci: int, pos: int) -> int:
        """The first position ≥ pos of cell ci whose supplier has something left (len when none)."""
        nxt = self.alive[ci]
        members = self.cells[ci][1]
        root = pos
        while True:
            r = nxt[root]
            if r != root:
                root = r
            elif root < len(members) and members[root].left <= EPS:
                nxt[root] = root + 1
                root += 1
            else:
                break
        while pos != root:  # path compression
            nxt[pos], pos = root, nxt[pos]
        return root


class _Candidates:
    """Suppliers of one demand in decreasing net value per tonne (best-first search)."""

    def __init__(self, demand: Demand, cells: _Cells):
        self.d = demand
        self.heap: list = []
        for ci, (box, members, kfmin) in enumerate(cells.cells):
            reach = kfmin * gc_lower_bound(demand.p, demand.l, demand.c, box)
            bound = members[0].u + demand.price - reach
            self.heap.append((-bound, 0, ci, 0, reach))
        heapq.heapify(self.heap)
        self.cells = cells.cells
        self.grid = cells

    def next(self):
        """(value, supply) of the best remaining candidate, or None when none has a positive value."""
        d = self.d
        heap, cells, alive = self.heap, self.cells, self.grid.alive
        first_alive = self.grid.first_alive
        heappop, heappush, heapreplace = heapq.heappop, heapq.heappush, heapq.heapreplace
        price, dp, dl, dc, firm = d.price, d.p, d.l, d.c, d.firm
        while heap:
            top = heap[0]
            if top[1] == 1:
                heappop(heap)
                s = top[3]
                if s.left > EPS:
                    return -top[0], s
                continue
            if -top[0] <= 0:  # every bound left is ≤ 0: no profitable pair remains
                heap.clear()
                return None
            _, _, ci, pos, reach = top
            members = cells[ci][1]
            n = len(members)
            if alive[ci][pos] != pos or (pos < n and members[pos].left <= EPS):
                pos = first_alive(ci, pos)  # the bound of `pos` holds for any later member (sorted by u)
            if pos >= n:
                heappop(heap)
                continue
            s = members[pos]
            if pos + 1 < n:  # the cell's next member takes the place of this entry
                heapreplace(heap, (-(members[pos + 1].u + price - reach), 0, ci, pos + 1, reach))
            else:
                heappop(heap)
            if s.firm == firm:
                continue
            # gc_rad(s.p, s.l, s.c, d.p, d.l, d.c) inlined, term for term (same floats): the hot loop
            r = sqrt(sin((dp - s.p) / 2) ** 2 + s.c * dc * sin((dl - s.l) / 2) ** 2)
            gc = TWO_R * asin(r if r < 1.0 else 1.0)
            heappush(heap, (-(s.u + price - s.kf * gc), 1, s.order, s))
        return None


def allocate(supplies: list[Supply], demands: list[Demand], by_category: dict[str, list[Supply]]):
    """Greedy allocation by decreasing net value per tonne: [(value, supply, demand, q)]."""
    grids = {c: _Cells(members) for c, members in by_category.items() if members}
    heads: list = []
    gens = {}
    for d in demands:
        grid = grids.get(d.category)
        if grid is None or d.left <= EPS:
            continue
        gen = _Candidates(d, grid)
        gens[d.order] = gen
        best = gen.next()
        if best is not None:
            heads.append((-best[0], best[1].order, d.order, best[1], d))
    heapq.heapify(heads)
    out = []
    while heads:
        negv, _, _, s, d = heapq.heappop(heads)
        if -negv <= 0:
            break
        if s.left > EPS:
            q = min(s.left, d.left)
            s.left -= q
            d.left -= q
            out.append((-negv, s, d, q))
        if d.left > EPS:
            best = gens[d.order].next()
            if best is not None:
                heapq.heappush(heads, (-best[0], best[1].order, d.order, best[1], d))
    return out


def allocate_naive(supplies: list[Supply], demands: list[Demand], by_category) -> list:
    """The same allocation by sorting every pair (for tests on small sets)."""
    pairs = []
    for d in demands:
        for s in by_category.get(d.category, ()):
            if s.firm == d.firm:
                continue
            value = s.u + d.price - s.kf * gc_rad(s.p, s.l, s.c, d.p, d.l, d.c)
            if value > 0:
                pairs.append((-value, s.order, d.order, s, d))
    pairs.sort(key=lambda t: t[:3])
    out = []
    for negv, _, _, s, d in pairs:
        if s.left > EPS and d.left > EPS:
            q = min(s.left, d.left)
            s.left -= q
            d.left -= q
            out.append((-negv, s, d, q))
    return out




# ---------------------------------------------------------------------------
# The matches of a territory


def find_matches(ctx: Context, demand_left: list[list[float]]) -> tuple[list[Match], dict[str, FactorUse], bool]:
    """The matches ranked by decreasing net value, the factors they used, and whether their GHG is partial."""
    supplies, demands, by_category = _supplies_and_demands(ctx, demand_left)
    matches: list[Match] = []
    used_keys: dict[str, FactorUse] = {}
    partial = False
    for value, s, d, q in allocate(supplies, demands, by_category):
        m = _match(ctx, value, s, d, q, used_keys)
        partial = partial or m.ges_evites_tco2e is None
        matches.append(m)
    matches.sort(key=lambda m: (-m.valeur_cad, m.fournisseur, m.flux, m.preneur, m.intrant))
    matches = [replace(m, rang=k + 1) for k, m in enumerate(matches)]
    if matches:
        firms = ctx.firms
        used_keys.update({k: v for i in {m.i_fournisseur for m in matches}
                          for k, v in firms[i].factor_uses.items() if k.startswith(("tarif.", "redevance."))})
    return matches, used_keys, partial


def _supplies_and_demands(ctx: Context, demand_left: list[list[float]]):
    """Every located firm's supplies (residues with an offer) and demands (inputs still wanted)."""
    supplies: list[Supply] = []
    demands: list[Demand] = []
    by_category: dict[str, list[Supply]] = defaultdict(list)
    wanted = {d.categorie for f in ctx.firms for d in f.intrants}
    for i, f in enumerate(ctx.firms):
        if not ctx.located(i):
            continue
        p, l = math.radians(f.lat), math.radians(f.lon)
        c = math.cos(p)
        if f.cout_km is None:
            ctx.warnings.add("cout_transport_manquant",
                             f"transport.cout inconnu pour « {ctx.names[i]} » : transport compté 0 $", ctx.where(i))
        kf = (f.cout_km or 0.0) * f.route
        for k, s in enumerate(f.flux):
            if s.offre_t <= EPS:
                continue
            sup = Supply(len(supplies), i, k, s.tarif + s.redevance, kf, s.offre_t, p, l, c)
            supplies.append(sup)
            for cat in _categories(ctx, i, k, wanted):
                by_category[cat].append(sup)
        for k, d in enumerate(f.intrants):
            left = demand_left[i][k]
            if left > EPS:
                demands.append(Demand(len(demands), i, k, d.categorie, d.prix or 0.0, left, p, l, c))
    return supplies, demands, by_category


def _categories(ctx: Context, i: int, k: int, wanted: set[str]) -> list[str]:
    """The input categories wanted in the territory that stream k of firm i may feed.

    [R2] A use that moves the stream down the LQE hierarchy (recycled today →
    a boiler) is left out unless --descendre, with a warning that says so.
    """
    s = ctx.firms[i].flux[k]
    material = ctx.lib.materials[s.matiere]
    out = []
    for cat in material.substitutes:
        if cat not in wanted:
            continue
        route = route_for(cat, material, ctx.lib)
        if steps_down(s.mode, route) and not ctx.options.descendre:
            ctx.warnings.add(
                "descente_hierarchie",
                f"« {ctx.names[i]} », flux « {ctx.stream_id(i, k)} » : usage comme « {cat} » non proposé, il ferait descendre "
                f"le flux dans la hiérarchie des 3RV-E ({s.mode} → {route}) ; --descendre pour le proposer",
                ctx.where(i))
            continue
        out.append(cat)
    return out


def _match(ctx: Context, value: float, s: Supply, d: Demand, q: float, used_keys: dict) -> Match:
    """One allocated pair as a record (rank 0 until sorted); the factors it used go into `used_keys`."""
    firms, lib, options = ctx.firms, ctx.lib, ctx.options
    A, B = firms[s.firm], firms[d.firm]
    stream = A.flux[s.stream]
    intrant = B.intrants[d.index]
    material = lib.materials[stream.matiere]
    dist = gc_rad(s.p, s.l, s.c, d.p, d.l, d.c) * A.route
    transport = (A.cout_km or 0.0) * q * dist
    giver = q * (stream.tarif + stream.redevance)
    taker = q * (intrant.prix or 0.0)
    filiere = route_for(intrant.categorie, material, lib)
    trips = ceil(q / A.charge) if A.charge else 0
    ghg = _ghg(A, stream, filiere, q, trips, dist)
    for key in _match_keys(A, stream, filiere, ghg is not None):
        if key in A.factor_uses:
            used_keys.setdefault(key, A.factor_uses[key])
    if steps_down(stream.mode, filiere):
        ctx.warnings.add("descente_hierarchie",
                         f"« {ctx.names[s.firm]} », flux « {ctx.stream_id(s.firm, s.stream)} » → « {ctx.names[d.firm]} » : "
                         f"l'appariement fait descendre le flux dans la hiérarchie des 3RV-E "
                         f"({stream.mode} → {filiere}) ; proposé parce que --descendre est donné, à justifier",
                         ctx.where(s.firm))
    if ghg is None:
        ctx.warnings.add("ges_partiel",
                         f"facteur d'émission manquant pour « {stream.matiere} » ({stream.mode} → {filiere}) : "
                         f"appariements exclus du total des GES (total partiel)")
    eliminated = stream.mode in ELIMINATION_MODES and filiere not in ELIMINATION_MODES
    statut, reg = next(((st, sr) for preneur, st, sr in stream.pistes if norm_name(preneur) == norm_name(B.nom)),
                       ("idee", "inconnu"))
    share = options.attribution_ges
    return Match(
        rang=0, fournisseur=ctx.names[s.firm], flux=ctx.stream_id(s.firm, s.stream), preneur=ctx.names[d.firm],
        intrant=anon_text(intrant.nom, options, intrant.categorie, d.index), matiere=stream.matiere,
        categorie=intrant.categorie, famille=material.family, quantite_t=q, distance_km=dist,
        valeur_fournisseur_cad=giver, valeur_preneur_cad=taker, cout_transport_cad=transport,
        valeur_cad=giver + taker - transport, valeur_par_tonne_cad=value, ges_evites_tco2e=ghg,
        ges_fournisseur_tco2e=None if ghg is None else ghg * share,
        ges_preneur_tco2e=None if ghg is None else ghg * (1 - share),
        mode_actuel=stream.mode, filiere=filiere, voyages=trips, tarif_cad_t=stream.tarif,
        redevance_cad_t=stream.redevance, prix_intrant_cad_t=intrant.prix or 0.0,
        cout_transport_cad_t_km=A.cout_km or 0.0,
        enfouissement_evite_t=q if eliminated and stream.mode in LANDFILL_MODES else 0.0,
        elimination_evitee_t=q if eliminated else 0.0,
        redevance_evitee_cad=q * stream.redevance if eliminated else 0.0,
        statut=statut, statut_reglementaire=reg, demarche=material.note,
        descend_hierarchie=steps_down(stream.mode, filiere),
        i_fournisseur=s.firm, i_preneur=d.firm, i_flux=s.stream, i_intrant=d.index,
    )


def _match_keys(firm: FirmData, stream: StreamIn, filiere: str, with_ghg: bool):
    """The keys of the factors that entered a match's figures."""
    yield from ("transport.facteur_route", "transport.cout", "transport.charge_utile")
    if not with_ghg:
        return
    yield "transport.emission_vehicule"
    if filiere != stream.mode:
        for mode in (stream.mode, filiere):
            key = firm.ef_keys.get((stream.matiere, mode))
            if key:
                yield key


def _ghg(firm: FirmData, stream: StreamIn, filiere: str, q: float, trips: int, dist_km: float) -> float | None:
    """GHG avoided as in Substitution: q × (EF(mode) − EF(route)) − trips × 2 × d × truck."""
    if filiere == stream.mode:
        ghg = 0.0
    else:
        before = firm.ef.get((stream.matiere, stream.mode))
        after = firm.ef.get((stream.matiere, filiere))
        if before is None or after is None:
            return None
        ghg = q * (before - after)
    if q > 0:
        if firm.emission_km is None or not firm.charge:
            return None
        ghg -= trips * 2 * dist_km * firm.emission_km
    return ghg


