"""Quantities: symbio's strict grammar for `nombre unité`, pint for conversion.

User text never reaches pint's string parser (see PIEGES.md): a regular
expression reads the number, a closed alias table reads the unit, and pint,
built from our own definitions file, only sees canonical unit names. Every
value is returned in canonical units (t, m, an, $, levée, voyage, t CO2e) as a
float, with its dimension, so the method computes on floats.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

from symbio_cli.errors import QuantityError

MAX_LENGTH = 80  # characters in one quantity string
warning_count = 0  # grows when a parse warns: callers skip looking for warnings otherwise
MAX_INT_DIGITS = 15

# French (and a few English) unit names -> (pint canonical name, exponent folded in).
_ALIASES: dict[str, str] = {
    # mass
    "t": "tonne", "tm": "tonne", "tonne": "tonne", "tonnes": "tonne",
    "tonne métrique": "tonne", "kg": "kilogram", "kilo": "kilogram", "kilos": "kilogram",
    "kilogramme": "kilogram", "kilogrammes": "kilogram", "g": "gram",
    "tc": "short_ton", "tonne courte": "short_ton", "tonnes courtes": "short_ton",
    "lb": "pound", "lbs": "pound", "livre": "pound", "livres": "pound",
    # length
    "m": "metre", "km": "kilometre", "mi": "mile", "pi": "foot", "vg": "yard",
    "yd": "yard", "ft": "foot",
    # volume
    "l": "litre", "L": "litre", "litre": "litre", "litres": "litre",
    # time
    "an": "year", "ans": "year", "année": "year", "années": "year", "annee": "year",
    "mois": "month", "semaine": "week", "semaines": "week", "sem": "week",
    "jour": "day", "jours": "day", "j": "day", "h": "hour", "heure": "hour",
    "heures": "hour",
    # money
    "$": "dollar", "$CA": "dollar", "CAD": "dollar", "dollar": "dollar",
    "dollars": "dollar",
    # counts of their own
    "levée": "lift", "levées": "lift", "levee": "lift", "levees": "lift",
    "voyage": "trip", "voyages": "trip",
    # greenhouse gases (after folding "t CO2e" into one word)
    "tCO2e": "tonne_co2e", "kgCO2e": "kilogram_co2e",
}
_PERCENT = {"%", "pct"}
_POWERS = {"²": 2, "³": 3}
_GHG_RE = re.compile(
    r"\b(t|kg|tonnes?)\s*(?:CO2e|CO₂e|CO2\s*-?\s*éq\.?|éq\.?\s*CO2|CO2eq|CO2-eq)",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(
    r"(?P<sign>[-+−]?)\s*(?P<int>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9])|[0-9]+)"
    r"(?:[.,](?P<frac>[0-9]+))?"
)
_NAME_RE = re.compile(r"^(?P<name>[^\d²³^]+?)(?:\^?(?P<exp>[123])|(?P<sup>[²³]))?$")


@dataclass(frozen=True)
class Quantity:
    """A validated quantity: its value in canonical units and its dimension."""

    value: float
    dims: frozenset  # of (dimension name, exponent)
    text: str = field(default="", compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __float__(self) -> float:
        return self.value


def dims(**exponents: int) -> frozenset:
    """A dimension as a frozenset, e.g. `dims(mass=1, time=-1)` for t/an."""
    return frozenset((f"[{k}]", v) for k, v in exponents.items() if v)


DIMENSIONLESS = frozenset()

# What users read when a dimension is wrong or expected.
_DIM_WORDS = {
    "[mass]": "masse", "[length]": "longueur", "[time]": "temps",
    "[currency]": "argent", "[lift]": "levées", "[trip]": "voyages", "[ghg]": "GES",
}


@functools.lru_cache(maxsize=256)
def describe(d: frozenset) -> str:
    """French description of a dimension, e.g. `masse/temps`."""
    if not d:
        return "nombre sans unité"
    d = dict(d)
    if d.get("[length]") == 3:
        d.pop("[length]")
        d["volume"] = 1
    elif d.get("[length]") == 2:
        d.pop("[length]")
        d["surface"] = 1
    d = frozenset(d.items())
    num = [(_DIM_WORDS.get(k, k), e) for k, e in sorted(d) if e > 0]
    den = [(_DIM_WORDS.get(k, k), -e) for k, e in sorted(d) if e < 0]

    def part(items):
        return "·".join(w if e == 1 else f"{w}^{e}" for w, e in items) or "1"

    return part(num) + ("/" + part(den) if den else "")


@functools.lru_cache(maxsize=1)
def registry():
    """The one pint registry, built from symbio's small definitions file."""
    import importlib.resources

    import pint

    reg = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    path = importlib.resources.files("symbio_cli").joinpath("unites.txt")
    with importlib.resources.as_file(path) as real:
        reg.load_definitions(str(real))
    return reg


def pint_base(name: str) -> tuple[float, frozenset]:
    """Factor to canonical base units and dimension of one unit, computed by pint."""
    reg = registry()
    base = (1 * getattr(reg, name)).to_base_units()
    return float(base.magnitude), frozenset(base.dimensionality.items())


@functools.lru_cache(maxsize=1)
def _single_units() -> dict[str, tuple[float, frozenset]]:
    """pint's conversions of every unit the alias table can name.

    pint builds them once from unites.txt; they are frozen in _unit_table.py so
    that a command does not pay pint's import (~70 ms) at every start.
    tests/test_units.py recomputes every entry with pint and fails if the frozen
    table and pint disagree (regenerate with `python -m symbio_cli.units`).
    """
    from symbio_cli._unit_table import TABLE

    return {name: (factor, frozenset(dims)) for name, (factor, dims) in TABLE.items()}


@functools.lru_cache(maxsize=4096)
def _convert(canonical: tuple[tuple[str, int], ...]) -> tuple[float, frozenset]:
    """Factor to canonical base units and dimension of a product of units."""
    single = _single_units()
    factor = 1.0
    exps: dict[str, int] = {}
    for name, exp in canonical:
        f, d = single[name]
        factor *= f ** exp
        for dim, e in d:
            exps[dim] = exps.get(dim, 0) + e * exp
    return factor, frozenset((k, v) for k, v in exps.items() if v)


def table_source() -> str:
    """The text of _unit_table.py, computed by pint from unites.txt."""
    names = sorted(set(_ALIASES.values()))
    lines = ['"""pint\'s conversions of symbio\'s units, generated by `python -m symbio_cli.units`."""', "",
             "# name: (factor to canonical base units, ((dimension, exponent), ...))", "TABLE = {"]
    for name in names:
        factor, dims = pint_base(name)
        lines.append(f"    {name!r}: ({factor!r}, {tuple(sorted(dims))!r}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _lookup(name: str) -> str:
    """Canonical pint name of a French unit name, or a QuantityError with a hint."""
    if name in _ALIASES:
        return _ALIASES[name]
    folded = unicodedata.normalize("NFC", name)
    # lower case only for whole words: `M` must not become metres, nor `T` tonnes
    for candidate in (folded, folded.lower() if len(folded) > 2 else folded):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    hint = difflib.get_close_matches(name, list(_ALIASES) + ["%", "vg³", "m³", "m²"], n=1, cutoff=0.6)
    if not hint and folded.lower() in _ALIASES:  # `T`, `M`: case matters, say which one exists
        hint = [folded.lower()]
    msg = f"unité inconnue « {name} »"
    if hint:
        msg += f" (vouliez-vous dire « {hint[0]} » ?)"
    raise QuantityError(msg)


def _factor(word: str) -> tuple[str, int]:
    if word in _ALIASES:
        return _ALIASES[word], 1
    m = _NAME_RE.match(word)
    if not m:
        raise QuantityError(f"unité illisible « {word} »")
    name = m.group("name")
    exp = int(m.group("exp")) if m.group("exp") else _POWERS.get(m.group("sup") or "", 1)
    return _lookup(name), exp


@functools.lru_cache(maxsize=4096)
def parse_unit(text: str) -> tuple[float, frozenset]:
    """Factor to canonical units and dimension of a unit expression like `$/t/km`."""
    text = text.strip()
    if not text:
        return 1.0, DIMENSIONLESS
    if len(text) > MAX_LENGTH:
        raise QuantityError(f"unité trop longue ({len(text)} caractères, {MAX_LENGTH} au plus)")
    if text in _PERCENT:
        return 0.01, DIMENSIONLESS
    text = _GHG_RE.sub(lambda m: ("kg" if m.group(1).lower() == "kg" else "t") + "CO2e", text)
    parts = text.split("/")
    if len(parts) > 4:
        raise QuantityError(f"unité trop complexe « {text} »")
    canonical: list[tuple[str, int]] = []
    for i, part in enumerate(parts):
        words = [w for w in re.split(r"[\s·*.]+", part) if w]
        if not words:
            if i == 0 and len(parts) > 1:  # `1/semaine`: nothing above the bar
                continue
            raise QuantityError(f"unité incomplète « {text} »")
        if len(words) > 3:
            raise QuantityError(f"unité trop complexe « {text} »")
        sign = 1 if i == 0 else -1
        for word in words:
            if word in _PERCENT:
                raise QuantityError("« % » s'écrit seul (ex. 85 %)")
            name, exp = _factor(word)
            canonical.append((name, sign * exp))
    return _convert(tuple(canonical))


def parse_number(text: str) -> tuple[float, str, list[str]]:
    """Read the number at the start of `text`: value, rest of text, warnings."""
    m = _NUMBER_RE.match(text)
    if not m:
        raise QuantityError(f"nombre attendu au début de « {text} »")
    warnings: list[str] = []
    integer = re.sub(r"[ \u00a0\u202f]", "", m.group("int"))
    if len(integer) > MAX_INT_DIGITS:
        raise QuantityError(f"nombre trop grand « {m.group(0)} »")
    frac = m.group("frac") or ""
    sep = text[m.end("int")] if m.group("frac") is not None else ""
    if sep == "," and len(frac) == 3 and int(integer) != 0 and " " not in m.group("int"):
        grouped = f"{integer} {frac}"
        decimal = f"{integer},{frac.rstrip('0')}".rstrip(",")
        warnings.append(
            f"« {m.group(0).strip()} » est lu comme {decimal} (virgule décimale) ; "
            f"pour des milliers, écrivez « {grouped} »"
        )
    value = float(f"{integer}.{frac}" if frac else integer)
    if m.group("sign") in ("-", "−"):
        value = -value
    rest = text[m.end():]
    if re.match(r"[eE][-+]?\d", rest):
        raise QuantityError(f"notation scientifique non acceptée dans « {text} » : écrivez le nombre en entier (ex. 1 000)")
    if rest[:1] not in ("", " ", "\u00a0", "\u202f", "/", "%", "$") and not rest[:1].isalpha():
        raise QuantityError(f"nombre illisible « {text} »")
    return value, rest, warnings


def parse(text: object) -> Quantity:
    """Parse `nombre unité` into a Quantity in canonical units."""
    if isinstance(text, str) and len(text) <= MAX_LENGTH:
        q = _parse_text(text)  # inventories repeat the same strings: parse each once
        if q.warnings:
            global warning_count
            warning_count += 1
        return q
    return _parse(text)


@functools.lru_cache(maxsize=16384)
def _parse_text(text: str) -> Quantity:
    return _parse(text)


def _parse(text: object) -> Quantity:
    if isinstance(text, bool):
        raise QuantityError("quantité attendue, pas un booléen")
    if isinstance(text, (int, float)):
        if not math.isfinite(text):
            raise QuantityError("nombre fini attendu")
        return Quantity(float(text), DIMENSIONLESS, str(text))
    if not isinstance(text, str):
        raise QuantityError("quantité attendue sous forme de texte (ex. 18 t/mois)")
    if len(text) > MAX_LENGTH:
        raise QuantityError(f"quantité trop longue ({len(text)} caractères, {MAX_LENGTH} au plus)")
    stripped = text.strip()
    value, rest, warnings = parse_number(stripped)
    factor, dimension = parse_unit(rest)
    return Quantity(value * factor, dimension, text, tuple(warnings))


# Canonical unit labels for messages and reports.
CANONICAL_LABELS = {
    dims(mass=1, time=-1): "t/an",
    dims(length=3, time=-1): "m³/an",
    dims(mass=1): "t",
    dims(length=3): "m³",
    dims(length=2): "m²",
    dims(length=1): "m",
    dims(currency=1): "$",
    dims(currency=1, time=-1): "$/an",
    dims(currency=1, mass=-1): "$/t",
    dims(currency=1, length=-2, time=-1): "$/m²/an",
    dims(currency=1, mass=-1, length=-1): "$/t/m",
    dims(currency=1, length=-1): "$/m",
    dims(currency=1, trip=-1): "$/voyage",
    dims(currency=1, lift=-1): "$/levée",
    dims(mass=1, length=-3): "t/m³",
    dims(ghg=1, mass=-1): "t CO2e/t",
    dims(ghg=1, length=-1): "t CO2e/m",
    dims(ghg=1): "t CO2e",
    dims(time=-1): "/an",
    dims(lift=1, time=-1): "levées/an",
    DIMENSIONLESS: "",
}


@functools.lru_cache(maxsize=256)
def label(d: frozenset) -> str:
    """Canonical unit label of a dimension (`t/an`), or its description."""
    return CANONICAL_LABELS.get(d, describe(d))


def display(value: float, d: frozenset) -> tuple[float, str]:
    """A canonical value in the unit reports use (km rather than m for distances)."""
    exps = dict(d)
    length = exps.get("[length]", 0)
    if length == 1 and len(exps) == 1:
        return value / 1000, "km"
    if length == -1:
        rest = frozenset((k, v) for k, v in d if k != "[length]")
        base = CANONICAL_LABELS.get(rest, describe(rest)) or "1"
        return value * 1000, f"{base}/km"
    return value, label(d)


if __name__ == "__main__":  # regenerate the frozen table from pint
    import pathlib

    pathlib.Path(__file__).with_name("_unit_table.py").write_text(table_source(), encoding="utf-8")
