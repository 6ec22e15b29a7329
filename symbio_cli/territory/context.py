"""What every step of one territory analysis shares: the firms in order, their published names, the options, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from symbio_cli.factors import Library
from symbio_cli.territory.firms import FirmData
from symbio_cli.territory.records import Options


class Warnings:
    """The analysis' warnings `(code, message, champ)`, each once, in the order first given."""

    def __init__(self):
        self.items: list[tuple[str, str, str]] = []
        self.seen: set = set()

    def add(self, code: str, message: str, champ: str = "") -> None:
        item = (code, message, champ)
        if item not in self.seen:
            self.seen.add(item)
            self.items.append(item)


@dataclass(frozen=True)
class Terms:
    """Territory-wide factors (library and --facteurs, never an inventory's hypotheses)."""

    route: float  # transport.facteur_route
    rebate: float | None  # mutualisation.rabais_levee (None: no group contract)
    management: float  # mutualisation.frais_gestion, $/an
    shared: dict  # mutualisation.{contenant, frais_levee, location, taux_remplissage}: None when absent


@dataclass
class Context:
    """One analysis: firms sorted by name, `names[i]` as published, and where warnings go."""

    firms: list[FirmData]
    names: list[str]
    lib: Library
    options: Options
    warnings: Warnings = field(default_factory=Warnings)

    def where(self, i: int, champ: str = "") -> str:
        """Where a warning about firm i points: its file (its code under --anonymiser), and a field."""
        place = self.names[i] if self.options.anonymiser else self.firms[i].fichier
        return place + (f": {champ}" if champ else "")

    def stream_id(self, i: int, k: int) -> str:
        """Stream k of firm i as published: its id, or under --anonymiser its material and rank
        among that firm's streams of the material (`bois_residus #2`): ids are chosen freely and
        can name the firm."""
        s = self.firms[i].flux[k]
        if not self.options.anonymiser:
            return s.id
        rank = sum(1 for x in self.firms[i].flux[:k + 1] if x.matiere == s.matiere)
        return f"{s.matiere} #{rank}"

    def located(self, i: int) -> bool:
        """Whether firm i has coordinates (else it takes part in no match and no group)."""
        f = self.firms[i]
        return f.lat is not None and f.lon is not None
