"""Containers of METHODE.md: capacity, lifts needed, cost, and lifts after a change.

Canonical units (m³, t, $, m, per year). A container's terms come from the
inventory (`conteneurs:`, `gestion.collecte`, a scenario's `collecte`); the
method builds them (`method._Audit.terms`) and these classes do the arithmetic:
`L_need(S) = ceil(max(ΣV/cap, Σm/(N × charge_utile)))`, `K = L × frais_levee × N ×
(1 + surcharge) + location + overage` (or a forfait scaled by L / L_0), and the
[R2] lifts-after floor `max(L_0 − (L_need avant − L_need après), min(L_0, L_need après))`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbio_cli.errors import MethodError
from symbio_cli.games import ceil
from symbio_cli.numbers import message_number

EPS = 1e-9
# The most lifts (or trips) a year a count may reach, computed or declared (units: lifts per year are
# bounded at 10^6, two a minute): a tiny positive capacity would otherwise give 10^12 lifts and 10^14 $.
MAX_LIFTS = 1e6


def check_count(count: float, path: tuple, what: str, field: str, expected: str) -> None:
    """Refuse a computed count of lifts or trips above MAX_LIFTS a year (MethodError at `path + (field,)`).

    `what` names the capacity in French (« charge utile »), `expected` gives an example (« ex. 10 t »)."""
    if count > MAX_LIFTS:
        raise MethodError(path + (field,), (
            f"{what} trop petite : elle demande {message_number(count, 0)} {'voyages' if field == 'charge_voyage' else 'levées'} "
            f"par an ({message_number(MAX_LIFTS, 0)} au plus) ; donnez « {field} » en {expected}"))


@dataclass(slots=True)
class Terms:
    """A container's terms in canonical units (m³, t, $, m, per year).

    `fee` and `rental` are per container; `count` identical containers are
    lifted together ([R2] `nombre`), so capacity, lift price and rental are
    multiplied by it. `forfait` ($/an, [R2]) replaces the lift price for the
    schedule `forfait_lifts`, scaled by L / forfait_lifts after a change.
    """

    volume: float
    fill: float
    compaction: float
    fee: float
    surcharge: float
    rental: float  # $/an for one container
    payload: float | None  # t per lift, per container
    declared: float | None  # lifts per year
    count: float = 1.0
    included: float | None = None  # t included per lift, per container
    overage_price: float = 0.0  # $/t above the included tonnes
    forfait: float | None = None  # $/an for the whole service
    forfait_lifts: float | None = None  # the schedule the forfait pays for
    distance: float | None = None  # m, one way (GHG of collection trips)
    capacity: float = 0.0  # m³ per lift: contenant × taux_remplissage × compaction × nombre
    path: tuple = ()  # where the terms are written (conteneurs[i], flux[i].gestion.collecte…), for errors

    def __post_init__(self):
        self.capacity = self.volume * self.fill * self.compaction * self.count

    def need(self, volume: float, mass: float) -> int:
        """L_need(S) = ceil(max(ΣV/cap, Σm/(N × charge_utile)))."""
        ratio = volume / self.capacity if self.capacity > 0 else 0.0
        check_count(ratio, self.path, "capacité du conteneur (contenant × remplissage × compaction)", "contenant",
                    "m³ ou vg³ (ex. 40 vg³)")
        if self.payload:
            by_mass = mass / (self.count * self.payload)
            check_count(by_mass, self.path, "charge utile", "charge_utile", "t par levée (ex. 10 t)")
            ratio = max(ratio, by_mass)
        return ceil(ratio) if ratio > 0 else 0

    def lift_cost(self, lifts: float) -> float:
        """L × frais_levee × N × (1 + surcharge), or the forfait × L / L_0 (no surcharge)."""
        if self.forfait is not None:
            if not self.forfait_lifts:
                return self.forfait if lifts > 0 else 0.0
            return self.forfait * lifts / self.forfait_lifts
        return lifts * self.fee * self.count * (1 + self.surcharge)

    @property
    def total_rental(self) -> float:
        return self.rental * self.count

    def overage(self, lifts: float, mass: float) -> float:
        """max(0, Σm − L × N × tonnes_incluses) × surplus."""
        if self.included is None:
            return 0.0
        return max(0.0, mass - lifts * self.count * self.included) * self.overage_price

    def cost(self, lifts: float, mass: float = 0.0, rental: bool = True) -> float:
        """K = lift price + location annualized + overage."""
        return self.lift_cost(lifts) + (self.total_rental if rental else 0.0) + self.overage(lifts, mass)

    def sizing(self, lifts: float, need: float) -> float:
        """Right-sizing potential of `lifts - need` lifts a year (METHODE.md rules 10–11)."""
        if self.forfait is not None:
            return self.forfait * (lifts - need) / lifts if lifts > 0 else 0.0
        return (lifts - need) * self.fee * self.count * (1 + self.surcharge)


def lifts_after(l0: float, need_before: float, need_after: float) -> float:
    """[R2] L_1 = max(L_0 − (L_need(before) − L_need(after)), min(L_0, L_need(after)))."""
    return max(l0 - (need_before - need_after), min(l0, need_after))


@dataclass(slots=True)
class ContainerState:
    id: str
    shared: bool
    terms: Terms
    streams: list = field(default_factory=list)  # indexes
    volume: float = 0.0
    mass: float = 0.0
    need: int = 0
    lifts: float = 0.0
    cost: float = 0.0
    distance: float | None = None  # m, one way: the container's, else its streams' (rule 8)

    def after(self, removed_volume: float, removed_mass: float, declared_after: float | None,
              terms: Terms | None = None, l0: float | None = None, volume: float | None = None,
              mass: float | None = None) -> tuple[float, float, bool, int]:
        """Lifts, cost, emptied and need once some contents leave (METHODE.md, "After a change").

        `terms`/`l0`/`volume`/`mass` replace today's when a `collecte` changed the
        container first (rule 2).
        """
        terms = terms or self.terms
        v0 = self.volume if volume is None else volume
        m0 = self.mass if mass is None else mass
        l0 = self.lifts if l0 is None else l0
        volume = max(0.0, v0 - removed_volume)
        mass = max(0.0, m0 - removed_mass)
        emptied = volume <= EPS and mass <= EPS
        need_after = terms.need(volume, mass)
        if emptied:  # an emptied container is taken away: no lifts, no rental
            lifts = 0.0
        elif declared_after is not None:  # `levees_apres`: the container stays in use
            lifts = declared_after
        else:
            lifts = lifts_after(l0, terms.need(v0, m0), need_after)
        return lifts, terms.cost(lifts, mass, rental=not emptied), emptied, need_after
