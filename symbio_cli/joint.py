"""Totals of METHODE.md: the retained scenarios gathered, and the joint lifts of each container.

Each scenario is computed alone against today; where several retained scenarios
touch one container (several takers, a `collecte` with substitutions, streams
sharing a container), the joint change of lifts can differ from the sum: the
difference is `ecart_conjoint_cad` in money and `ecart_conjoint_ges_tco2e` in the
GHG of collection trips (METHODE.md, Totals; R2 rules 2 and 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbio_cli.containers import ContainerState
from symbio_cli.numbers import message_number
from symbio_cli.result import ContainerResult


@dataclass
class Retained:
    """The retained scenarios of an audit, gathered stream by stream (METHODE.md, Totals)."""

    gains: float = 0.0
    revenue: float = 0.0
    pooling: float = 0.0
    area: float = 0.0
    area_value: float = 0.0
    elim: float = 0.0
    landfill_t: float = 0.0
    landfill_m3: float = 0.0
    levy: float = 0.0
    ghg_sum: float = 0.0
    excluded: float = 0.0  # tonnes of retained substitutions left out of the GHG total
    has_factor: bool = False
    any_retained: bool = False  # a retained scenario other than a mutualisation
    partial: bool = False
    after_modes: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)  # container (or "\0" + stream) -> [(stream, substitution)]
    collects: dict = field(default_factory=dict)  # container (or "\0" + stream) -> (stream, collecte, terms)
    pooled: dict = field(default_factory=dict)
    no_ghg: set = field(default_factory=set)  # containers touched by a scenario whose GHG is null

    def ghg(self, sc, key: str) -> None:
        """Rules 4–6: a null figure leaves its tonnes out; a collecte's leaves none."""
        self.any_retained = True
        if sc.ges_evites_tco2e is None:
            self.no_ghg.add(key)
            if sc.type == "substitution":
                self.excluded += sc.masse_detournee_t
                self.partial = True
        else:
            self.ghg_sum += sc.ges_evites_tco2e
            self.has_factor = self.has_factor or bool(sc.detail.get("ges_facteur"))

    def substitution(self, r, sc) -> None:
        self.revenue += sc.revenus_cad
        self.elim += sc.elimination_evitee_t
        self.landfill_t += sc.enfouissement_evite_t
        self.landfill_m3 += sc.enfouissement_evite_m3 or 0.0
        self.levy += sc.redevance_evitee_cad
        self.after_modes[r.mode] -= sc.masse_detournee_t
        self.after_modes[sc.filiere] = self.after_modes.get(sc.filiere, 0.0) + sc.masse_detournee_t


def _removal(items) -> tuple[float, float, float | None]:
    """Volume, mass and declared lifts after of substitutions leaving one container together."""
    v = sum(sc.detail["part"] * (st["volume"] or 0.0) for st, sc in items)
    m = sum(sc.masse_detournee_t for st, sc in items)
    declared = [sc.detail["levees_apres_declarees"] for st, sc in items
                if sc.detail["levees_apres_declarees"] is not None]
    return v, m, (min(declared) if declared else None)


def _separate(items) -> tuple[float, float]:
    """The container savings and trip GHG of scenarios computed alone (to compare with the joint change)."""
    money = sum(sc.detail["conteneur_avant_cad"] - sc.detail["conteneur_apres_cad"] for _, sc in items)
    ghg = sum(sc.detail.get("ges_levees_tco2e") or 0.0 for _, sc in items)
    return money, ghg


class Joint:
    """Joint lifts of all retained scenarios of each container (rules 2, 7): rows and differences."""

    def __init__(self, audit: "object", streams, containers, acc: Retained):
        self.audit, self.streams, self.containers, self.acc = audit, streams, containers, acc
        distances = any(c.distance is not None for c in containers.values()) or any(
            t.distance is not None for _, _, t in acc.collects.values())
        self.truck = (audit.factor("transport.emission_vehicule", quiet=True)
                      if (acc.removed or acc.collects) and distances else None)
        self.done: set = set()
        self.extra: list = []

    def row(self, c, lifts_after, cost_after, gap, ghg_gap, over=0.0, new=False) -> ContainerResult:
        return ContainerResult(
            id=c.id, partage=c.shared, flux=tuple(self.streams[i]["f"].id for i in c.streams),
            contenant_m3=c.terms.volume, capacite_m3=c.terms.capacity,
            levees_avant=0.0 if new else c.lifts, levees_besoin=float(c.need), levees_apres=lifts_after,
            levees_declarees=c.terms.declared is not None, cout_avant_cad=0.0 if new else c.cost,
            cout_apres_cad=cost_after, frais_levee_cad=c.terms.fee, surcharge=c.terms.surcharge,
            location_cad=c.terms.total_rental, surdimensionnement_cad=over, ecart_conjoint_cad=gap,
            ecart_conjoint_ges_tco2e=ghg_gap, nombre=c.terms.count, forfait_cad=c.terms.forfait,
            depassement_avant_cad=0.0 if new else c.terms.overage(c.lifts, c.mass),
            distance_km=None if c.distance is None else c.distance / 1000, nouveau=new,
        )

    def trips_gap(self, known: bool, keys, before: float, after: float, separate_ghg: float) -> float:
        """2 × EV × (Σ L_0 d_0 − Σ L_1 d_1) jointly, minus the scenarios' own trip terms."""
        if not known or self.truck is None or any(k in self.acc.no_ghg for k in keys):
            return 0.0
        return 2 * self.truck * (before - after) - separate_ghg

    def run(self):
        acc = self.acc
        rows, gap_total, ghg_total, sizing = [], 0.0, 0.0, 0.0
        keys = list(self.containers) + [k for k in list(acc.collects) + list(acc.removed) if k.startswith("\0")]
        for key in keys:
            if key in self.done:
                continue
            self.done.add(key)
            c = self.containers.get(key)
            if c is None:
                gap, ghg_gap = self.new_only(key)
            else:
                lifts1, cost1, gap, ghg_gap = self.existing(key, c)
                over = 0.0
                if c.lifts > c.need + 1:
                    over = c.terms.sizing(c.lifts, c.need)
                    sizing += over
                if over >= 0.5:  # a quick win worth 0 $ (e.g. a forfait) is no warning: nothing to act on
                    self.audit.warn("surdimensionnement",
                                    f"conteneur « {key} » : {message_number(c.lifts)} levées/an pour {c.need} nécessaires — "
                                    f"{message_number(over)} $/an à récupérer en ajustant l'horaire",
                                    self.audit.container_path(c, self.streams))
                rows.append(self.row(c, lifts1, cost1, gap, ghg_gap, over))
            gap_total += gap
            ghg_total += ghg_gap
        return rows + self.extra, gap_total, ghg_total, sizing

    def new_only(self, key: str) -> tuple[float, float]:
        """A stream without a container today that a collecte gives one."""
        coll = self.acc.collects.get(key)
        if coll is None:
            return 0.0, 0.0
        items = self.acc.removed.get(key, [])
        st, csc, terms = coll
        virt = self.audit.virtual(st["f"].id, terms, st["volume"] or 0.0, st["mass"], csc.detail["levees_apres"])
        lifts1, cost1, _, _ = virt.after(*_removal(items))
        separate, separate_ghg = _separate(items + [(st, csc)])
        gap = _clean(-cost1 - separate)
        ghg_gap = _clean(self.trips_gap(virt.distance is not None, (key,), 0.0, lifts1 * (virt.distance or 0.0),
                                        separate_ghg))
        virt.streams = [st["i"]]
        self.extra.append(self.row(virt, lifts1, cost1, gap, ghg_gap, new=True))
        return gap, ghg_gap

    def existing(self, key: str, c: ContainerState) -> tuple[float, float, float, float]:
        acc = self.acc
        pool = acc.pooled.get(key)
        if pool is not None:  # the plant's container after a retained pooling
            if pool.forme == "contrat_groupe":
                return c.lifts, pool.couts_cad + c.terms.total_rental + c.terms.overage(c.lifts, c.mass), 0.0, 0.0
            return float(pool.detail.get("levees_groupe") or 0.0), pool.couts_cad, 0.0, 0.0
        items = acc.removed.get(key, [])
        coll = acc.collects.get(key)
        if coll is not None:  # rule 2: the collecte first, then the substitutions, on its container
            st, csc, terms = coll
            virt = self.audit.virtual(key, terms, c.volume, c.mass, csc.detail["levees_apres"])
            lifts1, cost1, _, _ = virt.after(*_removal(items))
            separate, separate_ghg = _separate(items + [(st, csc)])
            d1 = terms.distance if terms.distance is not None else c.distance
            ghg_gap = self.trips_gap(c.distance is not None and d1 is not None, (key,), c.lifts * (c.distance or 0.0),
                                     lifts1 * (d1 or 0.0), separate_ghg)
            return lifts1, cost1, _clean((c.cost - cost1) - separate), _clean(ghg_gap)
        return self.plain(key, c, items)

    def plain(self, key: str, c: ContainerState, items) -> tuple[float, float, float, float]:
        """Substitutions leaving a container, and streams leaving it for a container of their own."""
        moving = [(st, csc, terms) for k2, (st, csc, terms) in self.acc.collects.items()
                  if k2.startswith("\0") and st["container"] == key]
        if not items and not moving:
            return c.lifts, c.cost, 0.0, 0.0
        v, m, declared = _removal(items)
        separate, separate_ghg = _separate(items)
        new_cost = trips_after = 0.0
        known = c.distance is not None
        keys = [key]
        for st, csc, terms in moving:
            own = self.acc.removed.get("\0" + st["f"].id, [])
            self.done.add("\0" + st["f"].id)
            keys.append("\0" + st["f"].id)
            left = 1.0 - sum(sc.detail["part"] for _, sc in own)
            v += (st["volume"] or 0.0) * left
            m += st["mass"] * left
            virt = self.audit.virtual(st["f"].id, terms, st["volume"] or 0.0, st["mass"], csc.detail["levees_apres"])
            l2, k2, _, _ = virt.after(*_removal(own))
            money, ghg = _separate(own + [(st, csc)])
            separate += money
            separate_ghg += ghg
            new_cost += k2
            d2 = terms.distance if terms.distance is not None else c.distance
            known = known and d2 is not None
            trips_after += l2 * (d2 or 0.0)
            virt.streams = [st["i"]]
            self.extra.append(self.row(virt, l2, k2, 0.0, 0.0, new=True))
        lifts1, cost1, _, _ = c.after(v, m, declared)
        trips_after += lifts1 * (c.distance or 0.0)
        ghg_gap = self.trips_gap(known, keys, c.lifts * (c.distance or 0.0), trips_after, separate_ghg)
        return lifts1, cost1, _clean((c.cost - cost1 - new_cost) - separate), _clean(ghg_gap)


def _clean(x: float) -> float:
    """A difference below rounding noise is 0 (no « écart de 0 $ » line)."""
    return 0.0 if abs(x) < 1e-9 else x
