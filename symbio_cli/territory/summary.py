"""The territory's summary: each firm's figures, totals by family, material and SCIAN sector, the offer/demand matrix.

Every match and every group belongs to one family and one material, and
each firm to one sector, so every table adds up to the territory's totals.
Under --anonymiser each published total is a `Cell` of the `Disclosure`,
registered with the firms that make it up and the equations that tie it to
the others, so that none of fewer than 3 firms shows or follows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from symbio_cli.territory.context import Context
from symbio_cli.territory.disclosure import Cell, Disclosure, hide_group, hide_match, public_position, public_scian
from symbio_cli.territory.firms import FirmData
from symbio_cli.territory.records import Breakdown, EnPlace, FirmRow, Group, Match, MatrixRow, SectorBreakdown, Totals
from symbio_cli.territory.sectors import UNKNOWN_SECTOR, sector_of

EPS = 1e-9
FAMILIES = ("pcpvm", "organiques", "crd", "autres")

# tables of published totals (Cell.table)
TOTAL, FAMILY, MATERIAL, SECTOR, GROUP, OFFER, DEMAND = "T", "F", "X", "S", "G", "O", "D"
# figures of a row (Cell.part): matches, pooling savings, the row total, t given, t received, offer, demand, in place
MATCHES, POOLING, ROW_TOTAL, GIVEN, RECEIVED, OFFERED, DEMANDED, IN_PLACE = "m", "e", "t", "d", "r", "o", "d", "p"


@dataclass
class _FirmTally:
    """One firm's own sums over the matches and groups it takes part in."""

    offre_t: float = 0.0
    demande_t: float = 0.0
    donne_t: float = 0.0
    recu_t: float = 0.0
    valeur_fournisseur_cad: float = 0.0
    cout_transport_cad: float = 0.0
    valeur_preneur_cad: float = 0.0
    economie_mutualisation_cad: float = 0.0
    ges_tco2e: float = 0.0
    ges_partiel: bool = False
    fournis: int = 0  # matches it supplies
    recus: int = 0  # matches it takes
    appariements: int = 0
    mutualisations: int = 0

    @property
    def valeur_appariements_cad(self) -> float:
        """What the matches bring it: avoided disposal less transport, and avoided purchases."""
        return self.valeur_fournisseur_cad - self.cout_transport_cad + self.valeur_preneur_cad


def _tally(firms: list[FirmData], matches: list[Match], groups: list[Group]) -> list[_FirmTally]:
    rows = [_FirmTally() for _ in firms]
    for i, f in enumerate(firms):
        rows[i].offre_t = sum(s.offre_t for s in f.flux)
        rows[i].demande_t = sum(d.masse_t for d in f.intrants)
    for m in matches:
        a, b = rows[m.i_fournisseur], rows[m.i_preneur]
        a.donne_t += m.quantite_t
        b.recu_t += m.quantite_t
        a.valeur_fournisseur_cad += m.valeur_fournisseur_cad
        a.cout_transport_cad += m.cout_transport_cad
        b.valeur_preneur_cad += m.valeur_preneur_cad
        a.fournis += 1
        b.recus += 1
        a.appariements += 1
        b.appariements += 1
        if m.ges_evites_tco2e is None:
            a.ges_partiel = b.ges_partiel = True
        else:
            a.ges_tco2e += m.ges_fournisseur_tco2e
            b.ges_tco2e += m.ges_preneur_tco2e
    for g in groups:
        for mb in g.membres:
            rows[mb.i_entreprise].economie_mutualisation_cad += mb.economie_cad
            rows[mb.i_entreprise].mutualisations += 1
    return rows


@dataclass
class _Tables:
    """What the summary groups by: family, material, sector, and the matrix' categories."""

    by_family: dict[str, tuple[list, list]] = field(default_factory=dict)  # key -> (matches, groups)
    by_material: dict[str, tuple[list, list]] = field(default_factory=dict)
    sector_firms: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    supplied: dict[str, list] = field(default_factory=lambda: defaultdict(list))  # sector -> matches it supplies
    received: dict[str, list] = field(default_factory=lambda: defaultdict(list))  # sector -> matches it takes
    offer: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))  # cat -> firm -> t/an
    offer_left: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    demand: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    demand_open: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    categories: list[str] = field(default_factory=list)


def _tables(ctx: Context, matches, groups, tally: list[_FirmTally], demand_left) -> _Tables:
    t = _Tables()
    for m in matches:
        t.by_family.setdefault(m.famille, ([], []))[0].append(m)
        t.by_material.setdefault(m.matiere, ([], []))[0].append(m)
    for g in groups:
        t.by_family.setdefault(g.famille, ([], []))[1].append(g)
        t.by_material.setdefault(g.matiere, ([], []))[1].append(g)
    firms = ctx.firms
    for i, f in enumerate(firms):
        if tally[i].appariements or tally[i].mutualisations:
            t.sector_firms[sector_of(f.scian)].append(i)
    for m in matches:
        t.supplied[sector_of(firms[m.i_fournisseur].scian)].append(m)
        t.received[sector_of(firms[m.i_preneur].scian)].append(m)
    given: dict[tuple[int, int], float] = defaultdict(float)
    taken: dict[tuple[int, int], float] = defaultdict(float)
    for m in matches:
        given[(m.i_fournisseur, m.i_flux)] += m.quantite_t
        taken[(m.i_preneur, m.i_intrant)] += m.quantite_t
    for i, f in enumerate(firms):
        for k, s in enumerate(f.flux):
            if s.offre_t > EPS:
                t.offer[s.matiere][i] += s.offre_t
                t.offer_left[s.matiere][i] += max(0.0, s.offre_t - given[(i, k)])
        for k, d in enumerate(f.intrants):
            t.demand[d.categorie][i] += d.masse_t
            t.demand_open[d.categorie][i] += max(0.0, demand_left[i][k] - taken[(i, k)])
    t.categories = sorted(set(t.offer) | set(t.demand))
    return t


# ---------------------------------------------------------------------------
# The published totals and how they add up (--anonymiser)


def _match_roles(ms) -> dict:
    """A total of matches is made up by its suppliers (what they give) and its takers (what they receive)."""
    return {"fournisseurs": {m.i_fournisseur for m in ms}, "preneurs": {m.i_preneur for m in ms}}


def _group_firms(gs) -> set[int]:
    return {mb.i_entreprise for g in gs for mb in g.membres}


def _row(cells: Disclosure, table: str, key: str, matches, groups) -> None:
    """A row of matches `m`, pooling savings `e` and their total `t` (made up of both parts' firms)."""
    m_, e_, t_ = (Cell(table, key, p) for p in (MATCHES, POOLING, ROW_TOTAL))
    cells.cell(m_, **_match_roles(matches))
    cells.cell(e_, membres=_group_firms(groups))
    _row_total(cells, t_, m_, e_)


def _row_total(cells: Disclosure, t_: Cell, m_: Cell, e_: Cell) -> None:
    cells.cell(t_, **cells.roles_of(m_, e_))
    cells.equation(t_, (m_, e_), "parent")


def _register(cells: Disclosure, ctx: Context, matches, groups, en_place, tally, t: _Tables) -> None:
    """Every published total, with the firms that make it up, and every equation between them."""
    firms = ctx.firms
    _row(cells, TOTAL, "", matches, groups)
    cells.cell(Cell(TOTAL, "", OFFERED), {i for i, f in enumerate(firms) if any(s.offre_t > EPS for s in f.flux)})
    cells.cell(Cell(TOTAL, "", DEMANDED), {i for i, f in enumerate(firms) if f.intrants})
    cells.cell(Cell(TOTAL, "", IN_PLACE), fournisseurs={e.i_fournisseur for e in en_place},
               preneurs={e.i_preneur for e in en_place if e.i_preneur >= 0})
    _register_families(cells, ctx, groups, t)
    _register_sectors(cells, tally, t)
    for cat in t.categories:
        cells.cell(Cell(OFFER, cat), set(t.offer.get(cat, {})))
        cells.cell(Cell(DEMAND, cat), set(t.demand.get(cat, {})))
    cells.equation(Cell(TOTAL, "", OFFERED), [Cell(OFFER, c) for c in t.categories])
    cells.equation(Cell(TOTAL, "", DEMANDED), [Cell(DEMAND, c) for c in t.categories])


def _register_families(cells: Disclosure, ctx: Context, groups, t: _Tables) -> None:
    """By family and by material (every match and group belongs to one of each), and each group."""
    family_of = {k: ctx.lib.materials[k].family for k in t.by_material}
    for table, rows in ((FAMILY, t.by_family), (MATERIAL, t.by_material)):
        for key, (ms, gs) in rows.items():
            _row(cells, table, key, ms, gs)
    for part in (MATCHES, POOLING, ROW_TOTAL):
        cells.equation(Cell(TOTAL, "", part), [Cell(FAMILY, k, part) for k in t.by_family])
        for fam in t.by_family:
            cells.equation(Cell(FAMILY, fam, part),
                           [Cell(MATERIAL, k, part) for k in t.by_material if family_of[k] == fam])
    for j, g in enumerate(groups):
        cells.cell(Cell(GROUP, str(j)), membres=_group_firms([g]))
    group_index = {id(g): j for j, g in enumerate(groups)}
    for key, (_, gs) in t.by_material.items():
        cells.equation(Cell(MATERIAL, key, POOLING), [Cell(GROUP, str(group_index[id(g)])) for g in gs])
    cells.equation(Cell(TOTAL, "", POOLING), [Cell(GROUP, str(j)) for j in range(len(groups))])
    cells.equation(Cell(TOTAL, "", POOLING), [Cell(MATERIAL, k, POOLING) for k in t.by_material])


def _register_sectors(cells: Disclosure, tally: list[_FirmTally], t: _Tables) -> None:
    """By SCIAN sector: tonnes given and received by the sector's matches; money and GHG each firm's own."""
    for key, idx in t.sector_firms.items():
        cells.cell(Cell(SECTOR, key, GIVEN), **_match_roles(t.supplied.get(key, ())))
        cells.cell(Cell(SECTOR, key, RECEIVED), **_match_roles(t.received.get(key, ())))
        cells.cell(Cell(SECTOR, key, MATCHES), {i for i in idx if tally[i].appariements})
        cells.cell(Cell(SECTOR, key, POOLING), membres={i for i in idx if tally[i].mutualisations})
        _row_total(cells, Cell(SECTOR, key, ROW_TOTAL), Cell(SECTOR, key, MATCHES), Cell(SECTOR, key, POOLING))
    for part, total in ((GIVEN, MATCHES), (RECEIVED, MATCHES), (MATCHES, MATCHES), (POOLING, POOLING),
                        (ROW_TOTAL, ROW_TOTAL)):
        cells.equation(Cell(TOTAL, "", total), [Cell(SECTOR, k, part) for k in t.sector_firms])


# ---------------------------------------------------------------------------
# The records as published


def summarise(ctx: Context, matches: list[Match], groups: list[Group], en_place: list[EnPlace], partial: bool,
              demand_left: list[list[float]]) -> dict:
    """The TerritoryResult fields of the summary: firms, matches, groups, in place, totals, breakdowns, matrix."""
    anonymous = ctx.options.anonymiser
    tally = _tally(ctx.firms, matches, groups)
    t = _tables(ctx, matches, groups, tally, demand_left)
    cells = Disclosure(anonymous)
    _register(cells, ctx, matches, groups, en_place, tally, t)
    cells.solve()
    out = dict(
        entreprises=tuple(_firm_rows(ctx, tally)),
        totaux=_totals(cells, ctx.firms, matches, groups, en_place, partial, tally),
        par_famille=_breakdown(cells, FAMILY, t.by_family,
                               lambda k: (FAMILIES.index(k) if k in FAMILIES else 99, k)),
        par_secteur=_sectors(cells, tally, t),
        par_matiere=_breakdown(cells, MATERIAL, t.by_material, lambda k: k),
        matrice=_matrix(cells, t, anonymous),
    )
    if anonymous:
        matches = [hide_match(m) for m in matches]
        groups = [hide_group(g, cells.hide(Cell(GROUP, str(j)))) for j, g in enumerate(groups)]
        en_place = [replace(e, quantite_t=None, gain_cad=None, ges_evites_tco2e=None, supprime=True) for e in en_place]
    return dict(out, appariements=tuple(matches), mutualisations=tuple(groups), en_place=tuple(en_place))


def _shown(cells: Disclosure, key: Cell, value):
    return None if cells.hide(key) else value


def _firm_rows(ctx: Context, tally: list[_FirmTally]) -> list[FirmRow]:
    """Each firm's own figures: never published under --anonymiser (a firm's row is a total of one firm)."""
    anonymous = ctx.options.anonymiser

    def own(v):
        return None if anonymous else v

    rows = []
    for i, f in enumerate(ctx.firms):
        r = tally[i]
        value = r.valeur_appariements_cad + r.economie_mutualisation_cad
        lat, lon = public_position(f.lat, f.lon) if anonymous else (f.lat, f.lon)
        rows.append(FirmRow(
            entreprise=ctx.names[i], fichier=None if anonymous else f.fichier, secteur=sector_of(f.scian),
            scian=public_scian(f.scian) if anonymous else f.scian, mrc=f.mrc,
            municipalite=None if anonymous else f.municipalite,
            lat=lat, lon=lon, flux=len(f.flux), offre_t=own(r.offre_t), demande_t=own(r.demande_t),
            donne_t=own(r.donne_t), recu_t=own(r.recu_t), valeur_fournisseur_cad=own(r.valeur_fournisseur_cad),
            cout_transport_cad=own(r.cout_transport_cad), valeur_preneur_cad=own(r.valeur_preneur_cad),
            economie_mutualisation_cad=own(r.economie_mutualisation_cad), valeur_cad=own(value),
            ges_tco2e=own(r.ges_tco2e), ges_partiel=r.ges_partiel, appariements=r.appariements,
            mutualisations=r.mutualisations, supprime=anonymous,
        ))
    return rows


def _breakdown(cells: Disclosure, table: str, rows: dict, order) -> tuple[Breakdown, ...]:
    """A total by family or material: matches, pooling savings and their sum, each hidden on its own."""
    out = []
    for key in sorted(rows, key=order):
        ms, gs = rows[key]
        m_, e_, t_ = (Cell(table, key, p) for p in (MATCHES, POOLING, ROW_TOTAL))
        ghg = sum(m.ges_evites_tco2e for m in ms if m.ges_evites_tco2e is not None)
        value = sum(m.valeur_cad for m in ms)
        saved = sum(g.economie_cad for g in gs)
        out.append(Breakdown(
            key, len(cells.firms[t_]), len(ms), _shown(cells, m_, sum(m.quantite_t for m in ms)),
            _shown(cells, m_, value), _shown(cells, m_, ghg), any(m.ges_evites_tco2e is None for m in ms), len(gs),
            _shown(cells, e_, saved), _shown(cells, t_, value + saved), any(cells.hide(c) for c in (m_, e_, t_))))
    return tuple(out)


def _sectors(cells: Disclosure, tally: list[_FirmTally], t: _Tables) -> tuple[SectorBreakdown, ...]:
    """A total by SCIAN sector: each firm's own figures, added up by the sector of the firm."""
    out = []
    for key in sorted(t.sector_firms, key=lambda k: (k == UNKNOWN_SECTOR, k)):
        rows = [tally[i] for i in t.sector_firms[key]]
        d_, r_, m_, e_, t_ = (Cell(SECTOR, key, p) for p in (GIVEN, RECEIVED, MATCHES, POOLING, ROW_TOTAL))
        value = sum(r.valeur_appariements_cad for r in rows)
        saved = sum(r.economie_mutualisation_cad for r in rows)
        out.append(SectorBreakdown(
            cle=key, entreprises=len(rows),
            appariements_fournis=int(sum(r.fournis for r in rows)),
            quantite_donnee_t=_shown(cells, d_, sum(r.donne_t for r in rows)),
            appariements_recus=int(sum(r.recus for r in rows)),
            quantite_recue_t=_shown(cells, r_, sum(r.recu_t for r in rows)),
            valeur_cad=_shown(cells, m_, value), ges_tco2e=_shown(cells, m_, sum(r.ges_tco2e for r in rows)),
            ges_partiel=any(r.ges_partiel for r in rows), mutualisations=sum(r.mutualisations for r in rows),
            economie_mutualisation_cad=_shown(cells, e_, saved), total_cad=_shown(cells, t_, value + saved),
            supprime=any(cells.hide(c) for c in (d_, r_, m_, e_, t_)),
        ))
    return tuple(out)


def _matrix(cells: Disclosure, t: _Tables, anonymous: bool) -> tuple[MatrixRow, ...]:
    """The offer/demand matrix; under --anonymiser presence only, and what is left not published
    (with the offer it would give the tonnes exchanged)."""
    out = []
    for cat in t.categories:
        o, d = dict(t.offer.get(cat, {})), dict(t.demand.get(cat, {}))
        ol, dl = dict(t.offer_left.get(cat, {})), dict(t.demand_open.get(cat, {}))
        o_total = _shown(cells, Cell(OFFER, cat), sum(o.values())) if o else None
        d_total = _shown(cells, Cell(DEMAND, cat), sum(d.values())) if d else None
        if anonymous:
            o, d = dict.fromkeys(o), dict.fromkeys(d)
            ol, dl = dict.fromkeys(ol), dict.fromkeys(dl)
        out.append(MatrixRow(
            cat, o, d, o_total, d_total, len(set(o) | set(d)), anonymous, offre_reste=ol, demande_reste=dl,
            offre_reste_t=None if anonymous or not o else sum(ol.values()),
            demande_reste_t=None if anonymous or not d else sum(dl.values()),
        ))
    return tuple(out)


def _totals(cells: Disclosure, firms, matches, groups, en_place, partial: bool, tally) -> Totals:
    """The territory's totals: potential synergies, and those already in place apart."""
    ep_subs = [e for e in en_place if e.type == "substitution"]
    ep_pool = [e for e in en_place if e.type == "mutualisation"]
    value = sum(m.valeur_cad for m in matches)
    pooling = sum(g.economie_cad for g in groups)
    hide_p = cells.hide(Cell(TOTAL, "", IN_PLACE))

    def tm(v):
        return _shown(cells, Cell(TOTAL, "", MATCHES), v)

    def tp(v):
        return None if hide_p else v

    def msum(attr):
        return sum(getattr(m, attr) for m in matches if getattr(m, attr) is not None)

    return Totals(
        entreprises=len(firms), entreprises_localisees=sum(1 for f in firms if f.lat is not None and f.lon is not None),
        flux=sum(len(f.flux) for f in firms), intrants=sum(len(f.intrants) for f in firms),
        appariements=len(matches), quantite_t=tm(msum("quantite_t")),
        valeur_fournisseur_cad=tm(msum("valeur_fournisseur_cad")), valeur_preneur_cad=tm(msum("valeur_preneur_cad")),
        cout_transport_cad=tm(msum("cout_transport_cad")), valeur_cad=tm(value),
        ges_evites_tco2e=tm(msum("ges_evites_tco2e")), ges_partiel=partial,
        ges_fournisseurs_tco2e=tm(msum("ges_fournisseur_tco2e")), ges_preneurs_tco2e=tm(msum("ges_preneur_tco2e")),
        elimination_evitee_t=tm(msum("elimination_evitee_t")), enfouissement_evite_t=tm(msum("enfouissement_evite_t")),
        redevance_evitee_cad=tm(msum("redevance_evitee_cad")),
        mutualisations=len(groups), economie_mutualisation_cad=_shown(cells, Cell(TOTAL, "", POOLING), pooling),
        economies_totales_cad=_shown(cells, Cell(TOTAL, "", ROW_TOTAL), value + pooling),
        offre_t=_shown(cells, Cell(TOTAL, "", OFFERED), sum(r.offre_t for r in tally)),
        demande_t=_shown(cells, Cell(TOTAL, "", DEMANDED), sum(r.demande_t for r in tally)),
        en_place_substitutions=len(ep_subs), en_place_quantite_t=tp(sum(e.quantite_t for e in ep_subs)),
        en_place_gain_cad=tp(sum(e.gain_cad for e in ep_subs)),
        en_place_ges_evites_tco2e=tp(sum(e.ges_evites_tco2e for e in ep_subs if e.ges_evites_tco2e is not None)),
        en_place_ges_partiel=any(e.ges_evites_tco2e is None for e in ep_subs),
        en_place_mutualisations=len(ep_pool), en_place_economie_mutualisation_cad=tp(sum(e.gain_cad for e in ep_pool)),
        supprime=any(cells.hide(Cell(TOTAL, "", p)) for p in (MATCHES, POOLING, ROW_TOTAL, OFFERED, DEMANDED)),
        en_place_supprime=hide_p,
        ges_sans_facteur_t=tm(sum(m.quantite_t for m in matches if m.ges_evites_tco2e is None)),
    )
