"""The factor library: sourced values by dotted key, with overrides.

The default library is the packaged `facteurs/` folder (parsed once per
user, then unpickled from a private cache: see `load`); `--facteurs DIR` overlays a user folder; an inventory's
`hypotheses:` win over both. Lookup order (METHODE.md, "Factors and
overrides"): for `a.b.<x>`, hypotheses `a.b.<x>`, hypotheses `a.b`, library
`a.b.<x>`, library `a.b`; regional keys then fall back to the province.
"""

from __future__ import annotations

import functools
import math
import os
import stat
from dataclasses import dataclass, field

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

# The route a residue takes at a taker that uses it as an input category
# (METHODE.md, Territory [R2]); the material itself (direct reuse), or no
# category, takes the material's `filiere_defaut`; `categories_intrants.<c>.filiere`
# in matieres.yaml, when given, wins.
ROUTE_BY_CATEGORY = {
    "biomasse_combustible": "valorisation_energetique",
    "alimentation_animale": "alimentation_animale",
    "amendement_sol": "epandage",
    "granulats": "recyclage",
    "litiere": "recyclage",
    "ajouts_cimentaires": "recyclage",
}


def hierarchy_level(mode: str) -> int:
    """Rank of a mode in the LQE hierarchy: recycling 0, energy recovery 1, elimination 2."""
    if mode in ELIMINATION_MODES:
        return 2
    if mode in RECOVERY_MODES:
        return 1
    return 0


def steps_down(mode: str, route: str) -> bool:
    """Whether sending a stream managed by `mode` today to `route` moves it down the LQE hierarchy."""
    return hierarchy_level(route) > hierarchy_level(mode)


def taker_route(material: "Material", category: str | None, lib: "Library") -> str:
    """The route (a mode) of `material` at a taker using it as input `category` (None: its `filiere_defaut`).

    The one mapping of the audit's default `filiere` and the territory's
    matches (METHODE.md, Territory [R2]).
    """
    if category is None:
        return material.default_route
    spec = lib.input_categories.get(category)
    if isinstance(spec, dict) and spec.get("filiere"):
        return str(spec["filiere"])
    if category == material.key:
        return material.default_route
    return ROUTE_BY_CATEGORY.get(category, material.default_route)


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
    rate: str = ""  # `taux:` of a policy target: the rate it counts (recyclage | mise_en_valeur)

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


# --- Checking a factor file (METHODE.md "Factors"; issue 13: an overlay is checked
# as strictly as an inventory) ------------------------------------------------------

FACTOR_FIELDS = frozenset({
    "valeur", "valeurs", "unite", "source", "url", "annee", "confiance", "note", "plage",
    "proxy", "derive", "ref", "couche", "taux",
})
YEAR_FIELDS = frozenset({"annee", "valeur", "source", "url", "confiance", "note", "ref", "derive", "proxy", "plage"})
MAX_ABS = 1e9  # largest |valeur| accepted, in the factor's own unit
MIN_ABS = 1e-9  # smallest non-zero |valeur| (denormals and underflow refused)
MAX_OVERLAY_FILES = 200

_D = units.dims
_FRACTION = ("fraction", "une fraction entre 0 et 100 %")
_FRACTION_POS = ("fraction_pos", "une fraction supérieure à 0 et au plus 100 %")
_POSITIVE = ("pos", "une valeur strictement positive")
_NONNEG = ("nonneg", "une valeur positive ou nulle")
_ANY = ("any", "")
_AT_LEAST_ONE = ("ge1", "une valeur d'au moins 1")

# Every factor key of the library belongs to one of these families: its dimension
# and its admissible values. An overlay key outside them is refused (it would be
# used by nothing, or used with a unit nobody checked).
KEY_RULES: tuple[tuple[str, frozenset, tuple[str, str], str], ...] = (
    ("tarif.*.*", _D(currency=1, mass=-1), _ANY, "$/t"),
    ("redevance.elimination", _D(currency=1, mass=-1), _NONNEG, "$/t"),
    ("redevance.fraction_recouvrement", units.DIMENSIONLESS, _FRACTION, "fraction (1 ou %)"),
    ("masse_volumique.*", _D(mass=1, length=-3), _POSITIVE, "kg/m³"),
    ("enfouissement.masse_volumique_en_place", _D(mass=1, length=-3), _POSITIVE, "kg/m³"),
    ("enfouissement.masse_volumique_en_place.*", _D(mass=1, length=-3), _POSITIVE, "kg/m³"),
    ("enfouissement.part_volume_recouvrement", units.DIMENSIONLESS, _FRACTION, "fraction (1 ou %)"),
    ("emission.*.*", _D(ghg=1, mass=-1), _ANY, "t CO2e/t"),
    ("transport.cout", _D(currency=1, mass=-1, length=-1), _NONNEG, "$/t/km"),
    ("transport.cout_voyage", _D(currency=1, trip=-1), _NONNEG, "$/voyage"),
    ("transport.charge_utile", _D(mass=1), _POSITIVE, "t"),
    ("transport.emission_vehicule", _D(ghg=1, length=-1), _NONNEG, "kg CO2e/km"),
    ("transport.facteur_route", units.DIMENSIONLESS, _AT_LEAST_ONE, "nombre sans unité (1)"),
    ("entreposage.loyer.*", _D(currency=1, length=-2, time=-1), _NONNEG, "$/m²/an"),
    ("entreposage.loyer_exterieur.*", _D(currency=1, length=-2, time=-1), _NONNEG, "$/m²/an"),
    ("contenant.*.surface", _D(length=2), _POSITIVE, "m²"),
    ("collecte.taux_remplissage", units.DIMENSIONLESS, _FRACTION_POS, "fraction (1 ou %)"),
    ("collecte.surcharge_carburant", units.DIMENSIONLESS, _FRACTION, "fraction (1 ou %)"),
    ("collecte.compaction", units.DIMENSIONLESS, _POSITIVE, "nombre sans unité (1)"),
    ("mutualisation.rabais_levee", units.DIMENSIONLESS, _FRACTION, "fraction (1 ou %)"),
    ("mutualisation.taux_remplissage", units.DIMENSIONLESS, _FRACTION_POS, "fraction (1 ou %)"),
    ("mutualisation.compaction", units.DIMENSIONLESS, _POSITIVE, "nombre sans unité (1)"),
    ("mutualisation.frais_gestion", _D(currency=1, time=-1), _NONNEG, "$/an"),
    ("mutualisation.contenant", _D(length=3), _POSITIVE, "vg³ ou m³"),
    ("mutualisation.frais_levee", _D(currency=1, lift=-1), _NONNEG, "$/levée"),
    ("mutualisation.location", _D(currency=1, time=-1), _NONNEG, "$/mois ou $/an"),
    ("mutualisation.charge_utile", _D(mass=1), _POSITIVE, "t"),
    ("politique.objectif.*", units.DIMENSIONLESS, _FRACTION, "fraction (1 ou %)"),
    ("combustible.*.emission", _D(ghg=1, energy=-1), _NONNEG, "kg CO2e/GJ"),
    ("pouvoir_calorifique.*", _D(energy=1, mass=-1), _POSITIVE, "GJ/t"),
)


def key_rule(key: str) -> tuple[frozenset, tuple[str, str], str] | None:
    """The (dimension, (constraint, words), unit hint) a factor key must have, or None."""
    import fnmatch

    parts = key.split(".")
    for pattern, dims, constraint, hint in KEY_RULES:
        pparts = pattern.split(".")
        if len(pparts) == len(parts) and all(fnmatch.fnmatchcase(k, p) for k, p in zip(parts, pparts)):
            return dims, constraint, hint
    return None


class _Bad(FactorError):
    """A factor problem at a path inside the factor's mapping (`on_key`: point at the key)."""

    def __init__(self, path: tuple, message: str, on_key: bool = False):
        self.path = path
        self.on_key = on_key
        super().__init__(message)


def _num(value, path: tuple) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(path, f"nombre attendu, pas « {str(value)[:40]} »")
    value = float(value)
    if not math.isfinite(value):
        raise _Bad(path, "nombre fini attendu (.nan et .inf refusés)")
    if abs(value) > MAX_ABS:
        raise _Bad(path, f"valeur hors d'échelle (au plus {MAX_ABS:.0e} en valeur absolue)")
    if value != 0 and abs(value) < MIN_ABS:
        raise _Bad(path, f"valeur trop petite (dénormalisée) : au moins {MIN_ABS:.0e} en valeur absolue, ou 0")
    return value


def _check_value(key: str, value: float, scale: float, path: tuple, constraint: tuple[str, str]) -> None:
    kind, words = constraint
    canonical = value * scale
    if not math.isfinite(canonical):
        raise _Bad(path, "valeur hors d'échelle une fois convertie")
    ok = {
        "any": True,
        "nonneg": canonical >= 0,
        "pos": canonical > 0,
        "fraction": 0 <= canonical <= 1 + 1e-12,
        "fraction_pos": 0 < canonical <= 1 + 1e-12,
        "ge1": canonical >= 1 - 1e-12,
    }[kind]
    if not ok:
        shown = f"{value:g}"
        if kind == "nonneg" and canonical < 0:
            raise _Bad(path, f"valeur négative impossible ({shown}) : {words} est attendue")
        raise _Bad(path, f"valeur {shown} refusée : {words} est attendue")


def _factor_unit(merged: dict, spec: dict, path: tuple, rule: tuple | None) -> tuple:
    """The factor's unit as (text, scale, dims), kept apart so that the unit checks read in one place."""
    unit = merged.get("unite")
    if unit is None:
        raise _Bad(path, "« unite » manquante")
    if isinstance(unit, bool) or not isinstance(unit, (str, int)):
        raise _Bad(path + ("unite",), "unité attendue sous forme de texte (ex. $/t)")
    try:
        scale, dim = units.parse_unit(str(unit)) if str(unit) != "1" else (1.0, units.DIMENSIONLESS)
    except (ValueError, KeyError, TypeError) as exc:  # QuantityError is a ValueError
        raise _Bad(path + ("unite",), f"unité « {unit} » : {exc}") from None
    unit_path = path + ("unite",) if "unite" in spec else path[:1] + ("unite",)
    if rule is not None and dim != rule[0]:
        raise _Bad(unit_path, f"unité « {unit} » ({units.describe(dim)}) incompatible : "
                              f"{units.describe(rule[0])} attendue (ex. {rule[2]})")
    return unit, scale, dim


def _factor_range(merged: dict, path: tuple) -> tuple:
    """The raw (low, high) of `plage`, or (None, None): the range has its own shape rules."""
    plage = merged.get("plage")
    if plage is None:
        return None, None
    if not isinstance(plage, dict):
        raise _Bad(path + ("plage",), "section attendue : plage: {bas: …, haut: …}")
    extra = set(plage) - {"bas", "haut"}
    if extra:
        raise _Bad(path + ("plage",), f"champ inconnu « {min(extra, key=str)} » (bas, haut)")
    low = _num(plage.get("bas"), path + ("plage", "bas"))
    high = _num(plage.get("haut"), path + ("plage", "haut"))
    if low is not None and high is not None and low > high:
        raise _Bad(path + ("plage",), f"plage inversée (bas {low:g} > haut {high:g})")
    return low, high


def _factor_metadata(merged: dict, path: tuple, raw) -> tuple:
    """The checked (confidence, year), after the source and text/boolean fields: the provenance rules in one place."""
    if "source" not in merged:
        raise _Bad(path, "« source » manquante")
    for name in ("source", "note", "url", "couche"):
        if merged.get(name) is not None and not isinstance(merged.get(name), (str, int, float)):
            raise _Bad(path + (name,), "texte attendu")
    for name in ("proxy", "derive"):
        if name in merged and not isinstance(merged[name], bool):
            raise _Bad(path + (name,), "true ou false attendu")
    confidence = merged.get("confiance", "aucune" if raw is None else "faible")
    if confidence not in CONFIDENCES:
        raise _Bad(path + ("confiance",), f"« {str(confidence)[:40]} » : {', '.join(CONFIDENCES)} attendu")
    year = merged.get("annee")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200):
        raise _Bad(path + ("annee",), "année attendue (ex. 2024) ou null")
    return confidence, year


def _scaled(raw, scale: float):
    """`raw × scale`, or None when the raw figure is missing (a missing factor stays null)."""
    return None if raw is None else raw * scale


def _factor(key: str, spec: dict, path: tuple, origin: str, inherited: dict | None = None,
            rule: tuple | None = None) -> Factor:
    """Build a Factor from its YAML mapping (one year or the whole), checking every field."""
    merged = dict(inherited or {})
    merged.update(spec)
    unit, scale, dim = _factor_unit(merged, spec, path, rule)
    raw = _num(merged.get("valeur"), path + ("valeur",))
    if raw is not None and rule is not None:
        _check_value(key, raw, scale, path + ("valeur",), rule[1])
    low, high = _factor_range(merged, path)
    confidence, year = _factor_metadata(merged, path, raw)
    return Factor(
        key=key,
        value=_scaled(raw, scale),
        dims=dim,
        unit=str(unit),
        raw=raw,
        source=str(merged.get("source") or ""),
        year=year if isinstance(year, int) else None,
        confidence=confidence,
        note=str(merged.get("note") or ""),
        url=str(merged.get("url") or ""),
        proxy=bool(merged.get("proxy", False)),
        derived=bool(merged.get("derive", False)),
        low=_scaled(low, scale),
        high=_scaled(high, scale),
        raw_low=low,
        raw_high=high,
        layer=str(merged.get("couche") or ""),
        origin=origin,
        rate=str(merged.get("taux") or ""),
    )


def parse_factor(key: str, spec: dict, where: str = "", origin: str = "bibliotheque",
                 expected: frozenset | None = None) -> Factor:
    """A factor from its YAML mapping, with its by-year values if any.

    Checks the key's family (KEY_RULES: dimension, sign, range), finite values,
    and the shape of every field; raises FactorError (a `_Bad` carrying the
    path of the faulty field) otherwise. `expected`: the dimension of the
    library's factor of the same key, for keys outside KEY_RULES.
    """
    path = (key,)
    if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
        raise _Bad(path, "clé pointée attendue (ex. tarif.enfouissement.mauricie)")
    rule = key_rule(key)
    if rule is None and expected is not None:
        rule = (expected, _ANY, units.label(expected) or "1")
    if rule is None:
        raise _Bad(path, "clé inconnue de la bibliothèque de facteurs (voir facteurs/FORMAT.md)", on_key=True)
    if not isinstance(spec, dict):
        raise _Bad(path, "section attendue (valeur, unite, source, annee)")
    unknown = sorted(set(spec) - FACTOR_FIELDS, key=str)
    if unknown:
        raise _Bad(path + (unknown[0],), on_key=True, message=f"champ inconnu « {unknown[0]} » ({', '.join(sorted(FACTOR_FIELDS))})")
    if "valeurs" in spec:
        rows = spec["valeurs"]
        if not isinstance(rows, list) or not rows:
            raise _Bad(path + ("valeurs",), "« valeurs » doit être une liste d'années")
        if "valeur" in spec:
            raise _Bad(path + ("valeur",), "« valeur » et « valeurs » à la fois : gardez l'un des deux")
        head = {k: v for k, v in spec.items() if k != "valeurs"}
        per_year = []
        for i, row in enumerate(rows):
            row_path = path + ("valeurs", i)
            if not isinstance(row, dict) or isinstance(row.get("annee"), bool) or not isinstance(row.get("annee"), int):
                raise _Bad(row_path, "chaque élément de « valeurs » est une section avec son « annee »")
            extra = sorted(set(row) - YEAR_FIELDS, key=str)
            if extra:
                raise _Bad(row_path + (extra[0],), f"champ inconnu « {extra[0]} »", on_key=True)
            per_year.append((row["annee"], _factor(key, row, row_path, origin, head, rule)))
        years = [y for y, _ in per_year]
        if len(set(years)) != len(years):
            raise _Bad(path + ("valeurs",), "année en double dans « valeurs »")
        per_year.sort(key=lambda item: item[0])
        last = per_year[-1][1]
        return Factor(**{**last.__dict__, "by_year": tuple(per_year)})
    if "valeur" not in spec:
        raise _Bad(path, "« valeur » ou « valeurs » manquante")
    return _factor(key, spec, path, origin, None, rule)


def _problem(doc, display: str, path: tuple, message: str, on_key: bool = False) -> Problem:
    line, col = doc.where(path, value=not on_key) if doc is not None else (None, None)
    return Problem(display, line, col, field_name(path) if path else "", message)


def _load_dir(lib: Library, files: list, origin: str) -> None:
    """Read every YAML file of one folder into the library (later wins)."""
    for name, opener in files:
        display = name
        doc = opener()
        if isinstance(doc, list):
            lib.problems.extend(p for p in doc if p.severity == "erreur")
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
            _load_regions(lib, data, doc)
            continue
        for key, spec in data.items():
            previous = lib.factors.get(key)
            try:
                lib.factors[key] = parse_factor(key, spec, display, origin,
                                                previous.dims if previous is not None else None)
            except _Bad as exc:  # positions are computed only for a problem
                lib.problems.append(_problem(doc, display, exc.path, str(exc), exc.on_key))
            except FactorError as exc:
                lib.problems.append(_problem(doc, display, (key,), str(exc)))


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _labels_problem(spec) -> str | None:
    if not isinstance(spec, dict):
        return "section attendue : {fr: …, en: …}"
    if not _is_text(spec.get("fr")):
        return "libellé « fr » manquant (texte)"
    if "en" in spec and not _is_text(spec.get("en")):
        return "libellé « en » : texte attendu"
    return None


_MATERIAL_SECTIONS = ("matieres", "categories_intrants", "dangereuses", "reglement_dangereuses")


def _material_sections(lib: Library, data: dict, doc) -> dict:
    """Each section of matieres.yaml as a mapping (empty when missing or malformed, with its problem)."""
    file = doc.file
    unknown = sorted(set(data) - set(_MATERIAL_SECTIONS), key=str)
    for key in unknown:
        lib.problems.append(_problem(doc, file, (key,), on_key=True, message="section inconnue (matieres, categories_intrants, dangereuses, reglement_dangereuses)"))
    sections = {}
    for section in _MATERIAL_SECTIONS:
        value = data.get(section)
        if value is None:
            sections[section] = {}
        elif not isinstance(value, dict):
            lib.problems.append(_problem(doc, file, (section,), "section attendue (clé: description), pas une liste ni un texte"))
            sections[section] = {}
        else:
            sections[section] = value
    return sections


def _input_category_problem(spec) -> str | None:
    """What is wrong with one input category (labels, then its route), or None."""
    problem = _labels_problem(spec)
    if problem is None and spec.get("filiere") is not None and spec["filiere"] not in MODES:
        problem = f"filière « {str(spec['filiere'])[:40]} » inconnue ({', '.join(MODES)})"
    return problem


def _hazardous_problem(spec) -> str | None:
    """What is wrong with one hazardous material (labels, then its synonyms), or None."""
    problem = _labels_problem(spec)
    if problem is None and "synonymes" in spec and not (
            isinstance(spec["synonymes"], list) and all(isinstance(s, str) for s in spec["synonymes"])):
        problem = "« synonymes » : liste de mots attendue"
    return problem


def _material_problem(spec, path: tuple) -> tuple:
    """(problem or None, path of the faulty field) for one material: its rules in the order they are reported."""
    problem = _labels_problem(spec)
    if problem is not None:
        return problem, path
    family = spec.get("famille", "autres")
    route = spec.get("filiere_defaut", "recyclage")
    subs = spec.get("substitue")
    if family not in FAMILIES:
        return f"famille « {str(family)[:40]} » inconnue ({', '.join(FAMILIES)})", path + ("famille",)
    if route not in MODES:
        return f"filière « {str(route)[:40]} » inconnue ({', '.join(MODES)})", path + ("filiere_defaut",)
    if subs is not None and not (isinstance(subs, list) and all(_is_text(s) for s in subs)):
        return "« substitue » : liste de catégories d'intrants attendue", path + ("substitue",)
    if spec.get("note") is not None and not isinstance(spec.get("note"), str):
        return "« note » : texte attendu", path + ("note",)
    return None, path


def _load_keyed(lib: Library, doc, section: str, entries: dict, check, target: dict) -> None:
    """Store each valid entry of one section in `target`, reporting the others: one loop for every keyed section."""
    for key, spec in entries.items():
        problem = check(spec)
        if problem:
            lib.problems.append(_problem(doc, doc.file, (section, key), problem))
        else:
            target[key] = spec


def _load_materials(lib: Library, data: dict, doc) -> None:
    file = doc.file
    sections = _material_sections(lib, data, doc)
    _load_keyed(lib, doc, "categories_intrants", sections["categories_intrants"], _input_category_problem,
                lib.input_categories)
    _load_keyed(lib, doc, "dangereuses", sections["dangereuses"], _hazardous_problem, lib.hazardous)
    if sections["reglement_dangereuses"]:
        problem = _labels_problem(sections["reglement_dangereuses"])
        if problem:
            lib.problems.append(_problem(doc, file, ("reglement_dangereuses",), problem))
        else:
            lib.hazardous_rule = sections["reglement_dangereuses"]
    for key, spec in sections["matieres"].items():
        problem, path = _material_problem(spec, ("matieres", key))
        if problem:
            lib.problems.append(_problem(doc, file, path, problem))
            continue
        lib.materials[key] = Material(
            key=key,
            fr=spec["fr"],
            en=spec.get("en", spec["fr"]),
            family=spec.get("famille", "autres"),
            default_route=spec.get("filiere_defaut", "recyclage"),
            substitutes=tuple(spec.get("substitue") or (key,)),
            note=str(spec.get("note") or ""),
        )


def _load_regions(lib: Library, data: dict, doc) -> None:
    unknown = sorted(set(data) - {"regions"}, key=str)
    for key in unknown:
        lib.problems.append(_problem(doc, doc.file, (key,), "section inconnue (regions)", on_key=True))
    regions = data.get("regions")
    if regions is None:
        return
    if not isinstance(regions, dict):
        lib.problems.append(_problem(doc, doc.file, ("regions",), "section attendue (région: {fr: …, en: …}), pas une liste ni un texte"))
        return
    for key, spec in regions.items():
        problem = _labels_problem(spec)
        if problem is None and not isinstance(key, str):
            problem = "clé de région : texte attendu"
        if problem:
            lib.problems.append(_problem(doc, doc.file, ("regions", key), problem))
        else:
            lib.regions[key] = spec


def _packaged_folder() -> str | None:
    """The folder of the packaged factor files, or None when they are not in a folder (a zip)."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "facteurs")
    if os.path.isdir(folder):
        return folder
    import importlib.util  # an editable install maps symbio_cli.facteurs to the checkout's facteurs/

    spec = importlib.util.find_spec("symbio_cli.facteurs")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        if os.path.isdir(location):
            return location
    return None


def _package_sources() -> list[tuple[str, bytes]]:
    """The packaged factor files as [("facteurs/<name>.yaml", bytes)], sorted by name.

    Read with os.scandir when the package is a folder (any install but a zip:
    no importlib.resources, whose import pulls pathlib, tempfile and shutil,
    about 30 ms); through importlib.resources otherwise. Raises OSError.
    """
    folder = _packaged_folder()
    if folder is not None:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in it if e.name.endswith(".yaml"))
        sources = []
        for name in names:
            with open(os.path.join(folder, name), "rb") as fh:
                sources.append((f"facteurs/{name}", fh.read()))
        return sources
    import importlib.resources

    root = importlib.resources.files("symbio_cli.facteurs")
    items = sorted((item for item in root.iterdir() if item.name.endswith(".yaml")), key=lambda i: i.name)
    return [(f"facteurs/{item.name}", item.read_bytes()) for item in items]


def _package_files(sources: list[tuple[str, bytes]] | None = None) -> list:
    """[(display name, opener)] of the packaged factor files (`sources`: already read)."""

    def opener(name: str, raw: bytes):
        text, _ = loader.decode(raw, name)  # a factor file's encoding warning is not the user's
        return loader.loads(text, name)

    return [(name, (lambda n=name, r=raw: opener(n, r))) for name, raw in (sources or _package_sources())]


# The sources whose code shapes the parsed packaged library (and its classes): part of the cache key.
CACHE_MODULES = ("factors.py", "units.py", "_unit_table.py", "loader.py", "errors.py", "numbers.py", "cache.py")
_PACKAGED: dict[str, bytes] = {}  # "pickle": the packaged library, pickled, once per process


def _packaged() -> Library:
    """A fresh copy of the packaged library: unpickled from the cache, else parsed (then cached)."""
    import pickle

    from symbio_cli import cache

    data = _PACKAGED.get("pickle")
    if data is not None:
        return pickle.loads(data)
    sources = _package_sources()
    path = cache.path_for("facteurs", CACHE_MODULES, sources)
    cached = cache.read(path, Library) if path is not None else None
    if cached is not None and not cached[1].problems:
        _PACKAGED["pickle"] = cached[0]
        return cached[1]
    lib = Library()
    _load_dir(lib, _package_files(sources), "bibliotheque")
    if not lib.problems:
        data = pickle.dumps(lib, protocol=cache.PROTOCOL)
        _PACKAGED["pickle"] = data
        if path is not None:
            cache.write(path, data)
    return lib


def _dir_files(directory: str, problems: list) -> list:
    """The overlay's `*.yaml` files, read only when they are regular files (never a FIFO
    or a device: loader.read checks with stat before opening, with size and node caps)."""
    try:
        with os.scandir(directory) as it:
            names = sorted(e.name for e in it if e.name.endswith((".yaml", ".yml")))
    except OSError as exc:
        problems.append(Problem(directory, None, None, "", f"--facteurs : dossier illisible ({exc.strerror or exc})"))
        return []
    if len(names) > MAX_OVERLAY_FILES:
        problems.append(Problem(directory, None, None, "", f"--facteurs : trop de fichiers ({len(names)} ; {MAX_OVERLAY_FILES} au plus)"))
        return []
    files = []
    for name in names:
        path = os.path.join(directory, name)
        if name.endswith(".yml"):
            problems.append(Problem(path, None, None, "", "extension « .yml » : un fichier de facteurs se termine par « .yaml »"))
            continue
        try:
            info = os.stat(path)
        except FileNotFoundError:
            problems.append(Problem(path, None, None, "", "lien symbolique brisé : fichier introuvable"))
            continue
        except OSError as exc:
            problems.append(Problem(path, None, None, "", f"lecture impossible : {exc.strerror or exc}"))
            continue
        if not stat.S_ISREG(info.st_mode):
            problems.append(Problem(path, None, None, "", "ce n'est pas un fichier ordinaire (dossier, tube ou périphérique) : un fichier de facteurs .yaml est attendu"))
            continue
        files.append((path, (lambda p=path: loader.read(p))))
    return files


@functools.lru_cache(maxsize=8)
def load(overlay: str | None = None) -> Library:
    """The packaged library, overlaid with the user folder `overlay` when given (memoized per process).

    Returns a Library (factor values in canonical units). Problems
    (file:line:column, French) land in `Library.problems`, never raised;
    callers refuse a library that has any. An overlay folder is read each
    time, on a fresh copy of the packaged library.

    The packaged library (13 YAML files, ~370 factors) is parsed once per
    user and kept, pickled, in a private cache (`cache.folder()`:
    `$XDG_CACHE_HOME/symbio` or `~/.cache/symbio`, 0700), in a file named by
    `cache.key()`: a BLAKE2b digest of the Python version, the pickle
    protocol, PyYAML's version, the sources of CACHE_MODULES and the packaged
    files' names and bytes, so that any change of these parses again. A
    library with problems is never cached; an unusable folder (a symbolic
    link, another owner, writable by others) or an unreadable, truncated or
    foreign cache file means parsing as without a cache, never an error.
    """
    try:
        lib = _packaged()
    except OSError as exc:  # the installed package itself is unreadable
        lib = Library()
        lib.problems.append(Problem("facteurs/", None, None, "", f"bibliothèque illisible ({exc.strerror or exc})"))
    if overlay:
        if not os.path.isdir(overlay):
            lib.problems.append(Problem(overlay, None, None, "", "--facteurs : dossier introuvable"))
        else:
            files = _dir_files(overlay, lib.problems)
            _load_dir(lib, files, "utilisateur")
    return lib


def route_for(lib: Library, material: Material, category: str | None = None,
              filiere: str | None = None) -> str:
    """The management route (a mode) of `material` at its taker: the one mapping of
    the audit and the territory (METHODE.md [R2], "Territory" and "Hierarchy").

    `filiere` given (a scenario's own) wins; else the taker's input `category`
    decides (`categories_intrants.<c>.filiere`, then ROUTE_BY_CATEGORY: fuel
    biomass → valorisation_energetique, never recyclage; aggregates and cement
    additions → recyclage, never épandage); a material used as itself, or no
    category, takes the material's `filiere_defaut` (the LQE hierarchy's
    highest usual route for it).
    """
    if filiere:
        return filiere
    return taker_route(material, category, lib)


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
