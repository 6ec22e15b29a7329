"""Quantities: symbio's strict grammar for `nombre unité`, pint for conversion.

User text never reaches pint's string parser (see PIEGES.md): a regular
expression reads the number, a closed alias table reads the unit, and pint,
built from our own definitions file, only sees canonical unit names. Every
value is returned in canonical units (t, m, an, $, levée, voyage, t CO2e) as a
float, with its dimension, so the method computes on floats.
"""

from __future__ import annotations

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
    # energy (heating values, fuel emission factors)
    "GJ": "gigajoule", "MJ": "megajoule",
}
_PERCENT = {"%", "pct"}
_POWERS = {"²": 2, "³": 3}
_GHG_RE = re.compile(
    r"\b(t|kg|tonnes?)\s*(?:CO2e|CO₂e|CO2\s*-?\s*éq\.?|éq\.?\s*CO2|CO2eq|CO2-eq)",
    re.IGNORECASE,
)
# Dashes that word processors put where a minus was typed (en dash from Word, U+2212 minus…).
TYPOGRAPHIC_MINUS = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
_NUMBER_RE = re.compile(
    r"(?P<sign>[-+" + TYPOGRAPHIC_MINUS + r"]?)\s*(?P<int>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9])|[0-9]+)"
    r"(?:[.,](?P<frac>[0-9]+))?"
)
_NAME_RE = re.compile(r"^(?P<name>[^\d²³^]+?)(?:\^?(?P<exp>[123])|(?P<sup>[²³]))?$")


@dataclass(frozen=True)
class Quantity:
    """A validated quantity: its value in canonical units and its dimension."""

    value: float
    dims: frozenset  # of (dimension name, exponent)
    text: str = field(default="", compare=False)
    warnings: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (code, French message)

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
    "[energy]": "énergie",
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


# Units that invoices use and symbio does not take, with what to write instead. The hint names the
# unit a Québec invoice means (a "ton" is a short ton, a "verge" of container a cubic yard).
_TONS = "« tc » (tonne courte de 907 kg, celle des factures en « tons ») ou « t » (tonne métrique)"
_CUBIC_YARDS = "« vg³ » (verge cube, 0,765 m³ : la taille des conteneurs)"
_GALLONS = ("« L » (litres : 1 gal US = 3,785 L, 1 gal impérial = 4,546 L) ; un résidu liquide demande "
            "aussi sa masse volumique (ex. masse_volumique: 0,9 kg/L)")
_ENERGY = ("les échanges d'énergie, de chaleur et de vapeur sont hors du champ de symbio "
           "(matières résiduelles seulement)")
_UNIT_HINTS: dict[str, str] = {
    **dict.fromkeys(("ton", "tons", "short ton", "short tons", "st", "tn"), _TONS),
    **dict.fromkeys(("verge", "verges", "verge cube", "verges cubes", "verge cubique", "verges cubiques",
                     "vgs", "cu yd", "cu yds", "cu yard", "cu yards", "cubic yard", "cubic yards", "yard cube",
                     "yards cubes", "yd cu", "cy", "cyd", "cyds", "yards", "yard", "verg"), _CUBIC_YARDS),
    **dict.fromkeys(("gal", "gals", "gallon", "gallons", "gal us", "gal imp", "gallon us", "gallons us",
                     "gallon imperial", "gallons imperiaux", "gpm", "usg"), _GALLONS),
    **dict.fromkeys(("j", "kj", "mj", "gj", "tj", "wh", "kwh", "mwh", "gwh", "btu", "mbtu", "mmbtu",
                     "therm", "thermie", "thermies", "w", "kw", "mw", "gw", "cal", "kcal", "ch", "hp"), None),
}


def _unit_hint(text: str) -> str | None:
    """The message for a unit of the hint table (case, accents and dots ignored), or None."""
    key = " ".join(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
                   .replace(".", " ").lower().split())
    if key not in _UNIT_HINTS:
        return None
    hint = _UNIT_HINTS[key]
    if hint is None:
        return f"« {text} » est une unité d'énergie ou de puissance : {_ENERGY}"
    if hint is _GALLONS:
        return f"unité « {text} » non acceptée : écrivez le volume en {hint}"
    if hint is _TONS:
        return f"unité « {text} » ambiguë : écrivez {hint}"
    return f"unité « {text} » non acceptée : écrivez {hint}"


def _same_word(a: str, b: str) -> bool:
    """True when a hint would only repeat what was typed: the same word but for capitals or accents
    (`TM` and `tm`, `Tonne` and `tonne`, `levee` and `levée`)."""
    def plain(text: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).casefold()
    return plain(a) == plain(b)


def _lookup(name: str) -> str:
    """Canonical pint name of a French unit name, or a QuantityError with a hint."""
    if name in _ALIASES:
        return _ALIASES[name]
    folded = unicodedata.normalize("NFC", name)
    # lower case only for whole words: `M` must not become metres, nor `T` tonnes
    for candidate in (folded, folded.lower() if len(folded) > 2 else folded):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    special = _unit_hint(name)
    if special:
        raise QuantityError(special)
    choices = [c for c in list(_ALIASES) + ["%", "vg³", "m³", "m²"] if not _same_word(c, name)]
    import difflib  # only for a misspelt unit

    hint = difflib.get_close_matches(name, choices, n=1, cutoff=0.75)
    if not hint and folded.lower() in _ALIASES and not _same_word(folded.lower(), name):
        hint = [folded.lower()]  # `T`, `M`: case matters, say which one exists
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
    every = 1.0  # `1/2 semaines`: a number under the bar means "every N units"
    for i, part in enumerate(parts):
        words = [w for w in re.split(r"[\s·*]+|\.(?!\d)", part) if w]
        if not words:
            if i == 0 and len(parts) > 1:  # `1/semaine`: nothing above the bar
                continue
            raise QuantityError(f"unité incomplète « {text} »")
        if i > 0 and _EVERY_N.match(words[0]):
            n = float(words[0].replace(",", "."))
            if not 0 < n <= 10_000:
                raise QuantityError(f"« /{words[0]} » : un nombre entre 0 et 10 000 est attendu sous la barre "
                                    "(ex. 1/2 semaines : une fois aux deux semaines)")
            every *= n
            words = words[1:]
            if not words:
                raise QuantityError(f"unité attendue après « /{part.strip()} » (ex. 1/2 semaines)")
        if len(words) > 3:
            raise QuantityError(f"unité trop complexe « {text} »")
        sign = 1 if i == 0 else -1
        whole = " ".join(words)
        if len(words) > 1 and whole in _ALIASES:  # `tonne métrique`
            canonical.append((_ALIASES[whole], sign))
            continue
        special = _unit_hint(whole)
        if special and (len(words) > 1 or words[0] not in _ALIASES):
            raise QuantityError(special)
        for word in words:
            if word in _PERCENT:
                raise QuantityError("« % » s'écrit seul (ex. 85 %)")
            name, exp = _factor(word)
            canonical.append((name, sign * exp))
    factor, dimension = _convert(tuple(canonical))
    return factor / every, dimension


_EVERY_N = re.compile(r"^\d{1,5}(?:[.,]\d{1,3})?$")
# `aux 2 semaines`, `toutes les deux semaines`, `chaque mois`: "every N units", read as `1/N unités`.
_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
                 "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20}
_EVERY_RE = re.compile(r"(?:^|(?<=\s))(?:aux|à\s+tous\s+les|à\s+toutes\s+les|toutes\s+les|tous\s+les|chaque)"
                       r"\s+(?:(?P<n>\d{1,5}(?:[.,]\d{1,3})?|" + "|".join(_NUMBER_WORDS) + r")\s+)?(?=\S)",
                       re.IGNORECASE)


_ONCE_RE = re.compile(r"^(?:(?P<n>\d{1,5}|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+fois|(?P<one>une?))"
                      r"(?=\s)", re.IGNORECASE)
_PER_RE = re.compile(r"\s+(?:par|chaque|/)\s+", re.IGNORECASE)
# One-word schedules of invoices: `hebdomadaire` is 1/semaine.
_SCHEDULES = {"hebdomadaire": "1/semaine", "quotidien": "1/jour", "quotidienne": "1/jour", "mensuel": "1/mois",
              "mensuelle": "1/mois", "annuel": "1/an", "annuelle": "1/an", "journalier": "1/jour",
              "journaliere": "1/jour", "journalière": "1/jour"}


def _every(text: str) -> str:
    """`aux 2 semaines` → `1/2 semaines`; `1 levée toutes les 3 semaines` → `1 levée/3 semaines`;
    `2 fois par semaine` → `2/semaine`; `une fois aux deux semaines` → `1/2 semaines`; `hebdomadaire` → `1/semaine`."""
    if text.lower() in _SCHEDULES:
        return _SCHEDULES[text.lower()]
    once = _ONCE_RE.match(text)
    if once:  # `2 fois par semaine`, `une fois aux deux semaines`, `une levée par mois`
        n = once.group("n") or once.group("one")
        n = str(_NUMBER_WORDS.get(n.lower(), n))
        text = n + text[once.end():]
    if not text[:1].isdigit() or not _EVERY_RE.search(text):
        text = _PER_RE.sub("/", text, count=1) if re.match(r"^\d", text) else text
    m = _EVERY_RE.search(text)
    if not m:
        return text
    n = m.group("n")
    if n and n.lower() in _NUMBER_WORDS:
        n = str(_NUMBER_WORDS[n.lower()])
    head = text[:m.start()].strip()
    return (head or "1") + "/" + (f"{n} " if n else "") + text[m.end():]


def parse_number(text: str) -> tuple[float, str, list[tuple[str, str]]]:
    """Read the number at the start of `text`: value, rest of text, warnings as (code, message)."""
    m = _NUMBER_RE.match(text)
    if not m:
        raise QuantityError(f"nombre attendu au début de « {text} »")
    warnings: list[tuple[str, str]] = []
    integer = re.sub(r"[ \u00a0\u202f]", "", m.group("int"))
    if len(integer) > MAX_INT_DIGITS:
        raise QuantityError(f"nombre trop grand « {m.group(0)} »")
    frac = m.group("frac") or ""
    sep = text[m.end("int")] if m.group("frac") is not None else ""
    if sep == "," and len(frac) == 3 and int(integer) != 0 and " " not in m.group("int"):
        grouped = f"{integer} {frac}"
        decimal = f"{integer},{frac.rstrip('0')}".rstrip(",")
        warnings.append((
            "lecture_nombre",
            (f"« {m.group(0).strip()} » est lu comme {decimal} (virgule décimale) ; "
             f"pour des milliers, écrivez « {grouped} »")))
    value = float(f"{integer}.{frac}" if frac else integer)
    sign = m.group("sign")
    if sign and sign in TYPOGRAPHIC_MINUS:
        warnings.append((
            "signe_moins",
            (f"« {sign} » (tiret typographique U+{ord(sign):04X}) lu comme un signe moins : "
             f"écrivez « -{text[m.end('sign'):].strip()} » avec le trait d'union du clavier")))
    if sign and sign != "+":
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
    stripped = _every(text.strip())
    value, rest, warnings = parse_number(stripped)
    factor, dimension = parse_unit(rest)
    if any(name == "[energy]" for name, _ in dimension):  # GJ is for factor files (energie.yaml) only
        raise QuantityError(f"« {rest.strip()} » est une unité d'énergie ou de puissance : {_ENERGY}")
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
    dims(ghg=1, energy=-1): "t CO2e/GJ",
    dims(energy=1, mass=-1): "GJ/t",
    dims(time=-1): "/an",
    dims(lift=1, time=-1): "levées/an",
    DIMENSIONLESS: "",
}


@functools.lru_cache(maxsize=256)
def label(d: frozenset) -> str:
    """Canonical unit label of a dimension (`t/an`), or its description."""
    return CANONICAL_LABELS.get(d, describe(d))


def display(value: float, d: frozenset) -> tuple[float, str]:
    """A canonical value in the unit reports use (km rather than m for distances,
    kg CO2e/GJ rather than t CO2e/GJ for fuels, as energie.yaml gives them)."""
    if d == _GHG_PER_ENERGY:
        return value * 1000, "kg CO2e/GJ"
    exps = dict(d)
    length = exps.get("[length]", 0)
    if length == 1 and len(exps) == 1:
        return value / 1000, "km"
    if length == -1:
        rest = frozenset((k, v) for k, v in d if k != "[length]")
        base = CANONICAL_LABELS.get(rest, describe(rest)) or "1"
        return value * 1000, f"{base}/km"
    return value, label(d)


# Dimensions of the inventory's fields, named once for the model, its checks and the method.
MASS_RATE = dims(mass=1, time=-1)
VOLUME_RATE = dims(length=3, time=-1)
VOLUME = dims(length=3)
MASS = dims(mass=1)
AREA = dims(length=2)
LENGTH = dims(length=1)
MONEY = dims(currency=1)
MONEY_RATE = dims(currency=1, time=-1)
PRICE = dims(currency=1, mass=-1)
DENSITY = dims(mass=1, length=-3)
PER_TIME = dims(time=-1)
LIFT_RATE = dims(lift=1, time=-1)
PER_LIFT = dims(currency=1, lift=-1)
MASS_PER_LIFT = dims(mass=1, lift=-1)
PER_TRIP = dims(currency=1, trip=-1)
PER_KM = dims(currency=1, length=-1)
PER_TKM = dims(currency=1, mass=-1, length=-1)
MASS_PER_TRIP = dims(mass=1, trip=-1)

_GHG_PER_ENERGY = dims(ghg=1, energy=-1)
_BY_LABEL = {v: k for k, v in CANONICAL_LABELS.items() if v}


def display_label(value: float, label_: str) -> tuple[float, str]:
    """`display` for a value known by its canonical label (`FactorUse.unite`): (0,05211, "t CO2e/GJ")
    → (52,11, "kg CO2e/GJ"); a label that is not canonical is returned unchanged."""
    d = _BY_LABEL.get(label_)
    return (value, label_) if d is None else display(value, d)


# ---------------------------------------------------------------------------
# Bounds: what a plant's inventory (or a factor overlay) can say. Beyond them a value is a typo or a unit
# slip, and a product of two of them would no longer print to the cent in a report.

_LIMITS = {  # largest magnitude, in canonical units
    dims(mass=1, time=-1): 1e9,  # t/an: a thousand times the largest plants
    dims(length=3, time=-1): 1e10,
    dims(mass=1): 1e6,
    dims(length=3): 1e5,
    dims(length=2): 1e8,
    dims(length=1): 1e8,  # m: 100 000 km
    dims(currency=1): 1e12,
    dims(currency=1, time=-1): 1e12,
    dims(currency=1, mass=-1): 1e7,
    dims(mass=1, length=-3): 100.0,
    dims(time=-1): 1e6,  # lifts per year: two a minute
    dims(lift=1, time=-1): 1e6,
    DIMENSIONLESS: 1e6,
}
DEFAULT_LIMIT = 1e12
SMALLEST = 1e-15  # a non-zero magnitude below this is a typo or a denormal float
# Rates that divide a capacity: zero, a denormal or an absurd value makes collection free or infinite.
# kind -> (lowest, highest, lowest as text, highest as text, what it is)
RATE_BOUNDS = {
    "taux_remplissage": (0.01, 1.0, "1 %", "100 %", "taux de remplissage"),
    "compaction": (0.1, 100.0, "0,1", "100", "ratio de compaction"),
    "masse_volumique": (0.001, 100.0, "1 kg/m³", "100 t/m³", "masse volumique"),
}
_POSITIVE = ("charge_utile", "charge_voyage", "contenant")
# The smallest payload (t) and container (m³) a field of _POSITIVE may give: 1 kg, 1 L. The count of lifts or
# trips they imply is checked too (containers.check_count), since 10^9 t/an ÷ 1 kg is still beyond 10^6 a year.
_SMALLEST_CAPACITY = {dims(mass=1): (0.001, "1 kg"), dims(length=3): (0.001, "1 L")}


def rate_kind(name: str) -> str | None:
    """The bounded rate a field name or factor key stands for (`collecte.taux_remplissage`), or None."""
    for kind in RATE_BOUNDS:
        if kind in name:
            return kind
    return None


def bounds_problem(value: float, d: frozenset, name: str = "") -> str | None:
    """What is wrong with a value's magnitude, in French, or None.

    `value` is in canonical units, `d` its dimension, `name` the field or factor key
    (`taux_remplissage`, `collecte.taux_remplissage`, `masse_volumique.carton`): fill rates,
    compaction and densities must be strictly positive and plausible; every other value is bounded
    by its dimension. Used by the inventory, its `hypotheses:` and factor overlays alike.
    """
    if not math.isfinite(value):
        return "nombre fini attendu"
    kind = rate_kind(name)
    if kind is not None:
        low, high, low_text, high_text, what = RATE_BOUNDS[kind]
        if value <= 0:
            return f"valeur strictement positive attendue : un {what} nul rendrait la collecte gratuite ou impossible"
        if value < low:
            return f"valeur trop petite : {what} de {low_text} au moins"
        if value > high:
            return f"valeur trop grande : {what} de {high_text} au plus"
        return None
    if value <= 0 and any(p in name for p in _POSITIVE):
        return "valeur strictement positive attendue"
    smallest = _SMALLEST_CAPACITY.get(d)
    if smallest is not None and 0 < value < smallest[0] and any(p in name for p in _POSITIVE):
        return f"valeur trop petite : {smallest[1]} au moins (une capacité minuscule demanderait des milliards de levées ou de voyages)"
    magnitude = abs(value)
    if 0 < magnitude < SMALLEST:
        return "valeur trop petite (erreur de frappe ?)"
    limit = _LIMITS.get(d, DEFAULT_LIMIT)
    if magnitude > limit:
        from symbio_cli.numbers import message_number

        shown, unit = display(limit, d)
        return f"valeur hors des bornes : {message_number(shown)}{' ' + unit if unit else ''} au plus (erreur de frappe ou d'unité ?)"
    return None


if __name__ == "__main__":  # regenerate the frozen table from pint
    import pathlib

    pathlib.Path(__file__).with_name("_unit_table.py").write_text(table_source(), encoding="utf-8")
