"""The factor library: sourced values by dotted key, with overrides.

The default library is the packaged `facteurs/` folder (read through
importlib.resources); `--facteurs DIR` overlays a user folder; an inventory's
`hypotheses:` win over both. Lookup order (METHODE.md, "Factors and
overrides"): for `a.b.<x>`, hypotheses `a.b.<x>`, hypotheses `a.b`, library
`a.b.<x>`, library `a.b`; regional keys then fall back to the province.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from dataclasses import dataclass, field
from pathlib import Path

from symbio_cli import loader, units
from symbio_cli.errors import FactorError, Problem, field_name

SPECIAL_FILES = {"matieres.yaml", "regions.yaml"}
CONFIDENCES = ("haute", "moyenne", "faible", "aucune")
PROVINCE = "quebec"
MODES = (
    "reemploi", "recyclage", "compostage", "biomethanisation", "epandage",
    "alimentation_animale", "valorisation_energetique", "recouvrement_let",
    "enfouissement", "incineration",
)
RECYCLING_MODES = frozenset(MODES[:6])
RECOVERY_MODES = frozenset({"valorisation_energetique"})
ELIMINATION_MODES = frozenset({"enfouissement", "incineration", "recouvrement_let"})
LANDFILL_MODES = frozenset({"enfouissement", "recouvrement_let"})
LEVY_MODES = frozenset({"enfouissement", "incineration"})
FAMILIES = ("pcpvm", "organiques", "crd", "autres")


@dataclass(frozen=True)
class Factor:
    """One factor value with its provenance; `value` is in canonical units."""

    key: str
    value: float | None
    dims: frozenset
    unit: str
    raw: float | None
    source: str
    year: int | None
    confidence: str = "aucune"
    note: str = ""
    url: str = ""
    proxy: bool = False
    derived: bool = False
    low: float | None = None
    high: float | None = None
    raw_low: float | None = None  # the range as written, in `unit`
    raw_high: float | None = None
    layer: str = ""  # `couche`: the source layer (METHODE.md: GHG differences from one layer)
    origin: str = "bibliotheque"  # bibliotheque | utilisateur | hypothese
    by_year: tuple = ()  # ((year, Factor), ...) sorted

    @property
    def default(self) -> bool:
        """True for library values the inventory did not give."""
        return self.origin != "hypothese"


@dataclass(frozen=True)
class Material:
    """A residual material of the taxonomy."""

    key: str
    fr: str
    en: str
    family: str
    default_route: str
    substitutes: tuple[str, ...]
    note: str = ""


@dataclass
class Library:
    """Factors, materials, input categories, hazardous names and regions."""

    factors: dict[str, Factor] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    input_categories: dict[str, dict] = field(default_factory=dict)
    hazardous: dict[str, dict] = field(default_factory=dict)
    hazardous_rule: dict = field(default_factory=dict)
    regions: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @functools.cached_property
    def container_sizes(self) -> tuple[int, ...]:
        """Standard container sizes (vg³) that have a `contenant.<n>vg3.surface` factor."""
        sizes = []
        for key in self.factors:
            if key.startswith("contenant.") and key.endswith("vg3.surface"):
                try:
                    sizes.append(int(key.split(".")[1][:-3]))
                except ValueError:
                    continue
        return tuple(sorted(sizes))

    def get(self, key: str) -> Factor | None:
        """The library factor of exactly this key, if any."""
        return self.factors.get(key)

    def known_prefix(self, key: str) -> bool:
        """True when `key` names a factor or a level above some factors."""
        if key in self.factors:
            return True
        prefix = key + "."
        return any(k.startswith(prefix) for k in self.factors)

    def dims_under(self, key: str) -> set[frozenset]:
        """Dimensions of the factors at or below `key` (for checking hypotheses)."""
        prefix = key + "."
        return {f.dims for k, f in self.factors.items() if (k == key or k.startswith(prefix)) and f.dims is not None}


def _num(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FactorError(f"{where}: valeur numérique attendue")
    return float(value)


def _factor(key: str, spec: dict, where, origin: str, inherited: dict | None = None) -> Factor:
    """Build a Factor from its YAML mapping (one year or the whole)."""
    merged = dict(inherited or {})
    merged.update(spec)
    unit = merged.get("unite")
    if unit is None:
        raise FactorError(f"{where}: {key}: « unite » manquante")
    try:
        scale, dim = units.parse_unit(str(unit)) if str(unit) != "1" else (1.0, units.DIMENSIONLESS)
    except Exception as exc:
        raise FactorError(f"{where}: {key}: unité « {unit} » : {exc}") from None
    raw = _num(merged.get("valeur"), f"{where}: {key}")
    plage = merged.get("plage") or {}
    low = _num(plage.get("bas"), f"{where}: {key}.plage") if isinstance(plage, dict) else None
    high = _num(plage.get("haut"), f"{where}: {key}.plage") if isinstance(plage, dict) else None
    if "source" not in merged:
        raise FactorError(f"{where}: {key}: « source » manquante")
    confidence = str(merged.get("confiance", "aucune" if raw is None else "faible"))
    year = merged.get("annee")
    return Factor(
        key=key,
        value=None if raw is None else raw * scale,
        dims=dim,
        unit=str(unit),
        raw=raw,
        source=str(merged.get("source") or ""),
        year=year if isinstance(year, int) else None,
        confidence=confidence if confidence in CONFIDENCES else "faible",
        note=str(merged.get("note") or ""),
        url=str(merged.get("url") or ""),
        proxy=bool(merged.get("proxy", False)),
        derived=bool(merged.get("derive", False)),
        low=None if low is None else low * scale,
        high=None if high is None else high * scale,
        raw_low=low,
        raw_high=high,
        layer=str(merged.get("couche") or ""),
        origin=origin,
    )


def parse_factor(key: str, spec: dict, where: str, origin: str = "bibliotheque") -> Factor:
    """A factor from its YAML mapping, with its by-year values if any."""
    if not isinstance(spec, dict):
        raise FactorError(f"{where}: {key}: section attendue (valeur, unite, source, annee)")
    if "valeurs" in spec:
        rows = spec["valeurs"]
        if not isinstance(rows, list) or not rows:
            raise FactorError(f"{where}: {key}: « valeurs » doit être une liste d'années")
        head = {k: v for k, v in spec.items() if k != "valeurs"}
        per_year = []
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("annee"), int):
                raise FactorError(f"{where}: {key}: chaque élément de « valeurs » a une « annee »")
            per_year.append((row["annee"], _factor(key, row, where, origin, head)))
        per_year.sort(key=lambda item: item[0])
        last = per_year[-1][1]
        return Factor(**{**last.__dict__, "by_year": tuple(per_year)})
    if "valeur" not in spec:
        raise FactorError(f"{where}: {key}: « valeur » ou « valeurs » manquante")
    return _factor(key, spec, where, origin)


def _load_dir(lib: Library, files: list, origin: str) -> None:
    """Read every YAML file of one folder into the library (later wins)."""
    for name, opener in files:
        display = name
        with opener() as fh:
            raw = fh.read()
        text, _ = loader.decode(raw, display)  # a factor file's encoding warning is not the user's
        doc = loader.loads(text, display)
        if isinstance(doc, list):
            lib.problems.extend(doc)
            continue
        data = doc.data
        base = os.path.basename(name)
        if not isinstance(data, dict):
            lib.problems.append(Problem(display, 1, 1, "", "section attendue (clé: facteur)"))
            continue
        if base == "matieres.yaml":
            _load_materials(lib, data, doc)
            continue
        if base == "regions.yaml":
            lib.regions.update(data.get("regions") or {})
            continue
        for key, spec in data.items():
            try:
                lib.factors[key] = parse_factor(key, spec, display, origin)
            except FactorError as exc:  # positions are computed only for a problem
                line, col = doc.where((key,))
                lib.problems.append(Problem(display, line, col, key, str(exc).split(": ", 2)[-1]))


def _load_materials(lib: Library, data: dict, doc) -> None:
    for key, spec in (data.get("matieres") or {}).items():
        try:
            lib.materials[key] = Material(
                key=key,
                fr=spec["fr"],
                en=spec.get("en", spec["fr"]),
                family=spec.get("famille", "autres"),
                default_route=spec.get("filiere_defaut", "recyclage"),
                substitutes=tuple(spec.get("substitue") or (key,)),
                note=str(spec.get("note") or ""),
            )
        except (KeyError, TypeError, AttributeError):
            line, col = doc.where(("matieres", key))
            lib.problems.append(Problem(doc.file, line, col, key, "matière mal décrite (fr, en, famille, filiere_defaut, substitue)"))
    lib.input_categories.update(data.get("categories_intrants") or {})
    lib.hazardous.update(data.get("dangereuses") or {})
    if data.get("reglement_dangereuses"):
        lib.hazardous_rule = data["reglement_dangereuses"]


def _package_files() -> list:
    root = importlib.resources.files("symbio_cli.facteurs")
    items = sorted((item for item in root.iterdir() if item.name.endswith(".yaml")), key=lambda i: i.name)
    return [(f"facteurs/{item.name}", (lambda i=item: i.open("rb"))) for item in items]


def _dir_files(directory: str) -> list:
    path = Path(directory)
    return [(str(p), (lambda p=p: open(p, "rb"))) for p in sorted(path.glob("*.yaml"))]


@functools.lru_cache(maxsize=8)
def load(overlay: str | None = None) -> Library:
    """The default library, overlaid with a user folder when given (cached)."""
    lib = Library()
    _load_dir(lib, _package_files(), "bibliotheque")
    if overlay:
        if not os.path.isdir(overlay):
            lib.problems.append(Problem(overlay, None, None, "", "--facteurs : dossier introuvable"))
        else:
            _load_dir(lib, _dir_files(overlay), "utilisateur")
    return lib


def at_year(factor: Factor, year: int) -> tuple[Factor, str | None]:
    """The factor's value for `year`: exact, else the last earlier one (warning)."""
    if not factor.by_year:
        return factor, None
    first_year = factor.by_year[0][0]
    if year < first_year:
        raise FactorError(f"« {factor.key} » n'a pas de valeur avant {first_year} (année {year} demandée)")
    chosen = None
    for y, f in factor.by_year:
        if y <= year:
            chosen = (y, f)
    y, f = chosen
    warning = None
    if y != year:
        warning = f"« {factor.key} » : pas de valeur pour {year}, celle de {y} est utilisée"
    return f, warning


@dataclass(frozen=True)
class Used:
    """A factor as it entered a figure (for `facteurs_utilises`)."""

    key: str
    value: float
    unit_label: str
    factor: Factor
    year: int | None


class Resolver:
    """Looks factors up for one inventory and records every one used."""

    def __init__(self, library: Library, hypotheses: dict[str, Factor], year: int):
        self.library = library
        self.hypotheses = hypotheses
        self.year = year
        self.used: dict[str, Used] = {}
        self.warnings: list[tuple[str, str, str]] = []  # (code, message, field)
        self._memo: dict[tuple, float | None] = {}
        self.found: dict[tuple, Factor] = {}  # memo key -> the factor that answered

    def _candidates(self, base: str, leaf: str | None):
        if leaf is not None:
            full = f"{base}.{leaf}"
            yield self.hypotheses.get(full)
            yield self.hypotheses.get(base)
            yield self.library.factors.get(full)
            yield self.library.factors.get(base)
        else:
            yield self.hypotheses.get(base)
            yield self.library.factors.get(base)

    def lookup(self, base: str, leaf: str | None = None, fallback: str | None = None,
               field: str | tuple = "", quiet: bool = False) -> float | None:
        """Value of `base.leaf` in canonical units, or None (with a warning) if missing.

        Memoized per audit: a factor is resolved, recorded and warned about once.
        """
        memo_key = (base, leaf, fallback, quiet)
        if memo_key in self._memo:
            return self._memo[memo_key]
        value = self._lookup(base, leaf, fallback, field, quiet)  # field: a path, named only if warned
        self._memo[memo_key] = value
        return value

    def _lookup(self, base, leaf, fallback, field, quiet) -> float | None:
        found = None
        for candidate in self._candidates(base, leaf):
            if candidate is not None and (candidate.value is not None or candidate.by_year):
                found = candidate
                break
        if found is None and fallback is not None and fallback != leaf:
            for candidate in self._candidates(base, fallback):
                if candidate is not None and (candidate.value is not None or candidate.by_year):
                    found = candidate
                    if leaf is not None:
                        self.warn("facteur_regional_absent",
                                  f"pas de valeur « {base}.{leaf} » : valeur provinciale « {candidate.key} » utilisée",
                                  field)
                    break
        if found is None:
            if quiet:
                return None
            wanted = f"{base}.{leaf}" if leaf else base
            self.warn("facteur_manquant", f"facteur « {wanted} » introuvable (aucune valeur sourcée) : donnez-le dans « hypotheses: »", field)
            return None
        factor, warning = at_year(found, self.year)
        if warning:
            self.warn("facteur_annee", warning, field)
        if factor.value is None:
            self.warn("facteur_manquant", f"facteur « {factor.key} » sans valeur pour {self.year}", field)
            return None
        self.used[factor.key] = Used(factor.key, factor.value, units.label(factor.dims), factor, factor.year)
        self.found[(base, leaf, fallback, quiet)] = factor
        return factor.value

    def warn(self, code: str, message: str, field: str | tuple = "") -> None:
        """Record a warning once (a path field is named by field_name())."""
        if isinstance(field, tuple):
            field = field_name(field)
        item = (code, message, field)
        if item not in self.warnings:
            self.warnings.append(item)
