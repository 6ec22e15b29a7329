"""The inventory's JSON Schema, as close to `symbio valider` as JSON Schema can say.

Editors (yaml-language-server) and CI tools (check-jsonschema) only see the
schema, so it carries what `valider` checks without the factor library's
arithmetic:

- every quantity field has a regular expression built from the unit grammar
  (`units._ALIASES`): a number in symbio's notation, then a unit expression of
  the field's dimension (`18 t/mois`, `30 vg³/semaine` for `quantite`; `18
  brouettes` or `95 $/t` there are refused), without a sign where `valider`
  refuses negative values and never zero where it wants a positive one;
- texts are non-blank (`minLength`, a non-space character), at most 500
  characters, and numbers are accepted where `valider` accepts them
  (`scian: 337123`, `annee: "2026"`);
- materials, regions and the keys of `hypotheses:` are enumerated from the
  factor library, overlay included (`symbio schema --facteurs DIR`).

What JSON Schema cannot say (cross-references such as a `conteneur` id that
exists, the unit of a hypothesis per factor key, a density needed by a volume)
stays with `valider`; tests/test_schema_valider.py lists those differences.
"""

from __future__ import annotations

import functools
import re

from symbio_cli import units

MAX_TEXT = 500

_SPACE = r"[ \u00a0\u202f]"


_DIGITS = rf"(?:[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}}){{1,4}}(?![0-9])|[0-9]{{1,15}})"  # units.MAX_INT_DIGITS
_NOT_ZERO = r"(?=[0 \u00a0\u202f]*(?:[.,]0*)?[1-9])"


def _number(sign: str) -> str:
    """Regex of a number in symbio's notation (`12 500`, `0,12`, `1.5`), signed as `valider` wants."""
    body = rf"{_DIGITS}(?:[.,][0-9]+)?"
    if sign == "any":
        return rf"[-+−]?\s*{body}"
    if sign == "positive":  # some digit other than 0 before the unit
        return rf"\+?{_NOT_ZERO}{body}"
    return rf"\+?{body}"


def _percent(sign: str) -> str:
    """Regex of a share: 0 to 100 % (or pct), or a bare fraction from 0 to 1."""
    lead = _NOT_ZERO if sign == "positive" else ""
    hundred = r"(?:100(?:[.,]0+)?|[0-9]{1,2}(?:[.,][0-9]+)?)"
    fraction = r"(?:0(?:[.,][0-9]+)?|1(?:[.,]0+)?)"
    return rf"^\s*\+?{lead}(?:{hundred}\s*(?:%|[pP][cC][tT])|{fraction})\s*$"


def _word(word: str) -> str:
    """A unit word; words of more than two letters in any case, as `units._lookup` reads them."""
    if len(word) <= 2:
        return re.escape(word)
    out = []
    for ch in word:
        if ch.lower() != ch.upper():
            out.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_BASES = {(("[mass]", 1),): "M", (("[length]", 1),): "L", (("[length]", 3),): "V",
          (("[time]", 1),): "T", (("[currency]", 1),): "D", (("[lift]", 1),): "LV",
          (("[trip]", 1),): "VY"}
# (dimension, |exponent|) -> word class
_CLASS_OF = {("[mass]", 1): "M", ("[length]", 1): "L", ("[length]", 2): "A", ("[length]", 3): "V",
             ("[time]", 1): "T", ("[currency]", 1): "D", ("[lift]", 1): "LV", ("[trip]", 1): "VY",
             ("[ghg]", 1): "G"}


@functools.lru_cache(maxsize=1)
def _word_classes() -> dict[str, str]:
    """Alternations of the unit words of each base dimension, from the grammar's alias table."""
    from symbio_cli._unit_table import TABLE

    groups: dict[str, list[str]] = {}
    for alias, name in units._ALIASES.items():
        if " " in alias or name not in TABLE:
            continue  # the grammar splits words at spaces: a two-word alias is never read
        key = _BASES.get(tuple(sorted(dict(TABLE[name][1]).items())))
        if key:
            groups.setdefault(key, []).append(alias)

    def alt(words):
        return "(?:" + "|".join(_word(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"

    length = alt(groups["L"])
    classes = {k: alt(v) for k, v in groups.items()}
    classes["A"] = rf"{length}(?:\^?2|²)"
    classes["V"] = rf"(?:{length}(?:\^?3|³)|{classes['V']})"
    classes["L"] = rf"{length}(?:\^?1)?"
    classes["G"] = (r"(?:[tT]|[kK][gG]|[tT][oO][nN][nN][eE][sS]?)\s*"
                    r"(?:[cC][oO]2[eE]|[cC][oO]₂[eE]|[cC][oO]2\s*-?\s*[éÉ][qQ]\.?|[éÉ][qQ]\.?\s*[cC][oO]2|"
                    r"[cC][oO]2[eE][qQ]|[cC][oO]2-[eE][qQ])")
    return classes


def _unit_of(d: frozenset) -> str | None:
    """Regex of the unit expressions of dimension `d` (`$/t/km`, `$/km/t`…), or None if unknown."""
    import itertools

    classes = _word_classes()
    above, below = [], []
    for dim, exp in sorted(d):
        cls = _CLASS_OF.get((dim, abs(exp)))
        if cls is None:
            return None
        (above if exp > 0 else below).append(classes[cls])
    if len(below) > 3 or len(above) > 3:
        return None
    time = classes["T"]
    forms = []
    for top in itertools.permutations(above):
        for bottom in itertools.permutations(below):
            text = r"[\s·*.]+".join(top)
            for i, b in enumerate(bottom):
                every = r"(?:[0-9]+\s*)?" if b == time and i == len(bottom) - 1 else ""  # 1/2 semaines
                text += rf"\s*/\s*{every}{b}"
            forms.append(text)
    return "(?:" + "|".join(dict.fromkeys(forms)) + ")"


@functools.lru_cache(maxsize=256)
def quantity_pattern(accepted: tuple, sign: str = "nonnegative", percent: bool = False,
                     same: tuple = ()) -> str:
    """Regex (ECMA 262 and Python) of a quantity string of one of the `accepted` dimensions.

    `same` pairs dimensions `valider` folds together (levées/semaine read as
    1/semaine). Anchored; surrounding spaces allowed, as the grammar strips them.
    """
    if percent:
        return _percent(sign)
    folded = dict(same)
    wanted = {folded.get(d, d) for d in accepted}
    dims_ = set(accepted) | {d for d, to in same if to in wanted}
    shapes = [u for d in sorted(dims_, key=sorted) if d and (u := _unit_of(d))]
    if units.DIMENSIONLESS in wanted:
        shapes.append("")
    unit = "(?:" + "|".join(shapes) + ")"
    return rf"^\s*{_number(sign)}\s*{unit}\s*$"


@functools.lru_cache(maxsize=1)
def any_quantity_pattern() -> str:
    """Regex of a quantity of any unit the grammar knows (`hypotheses:` values)."""
    classes = _word_classes()
    word = "(?:" + "|".join(classes[k] for k in ("G", "A", "V", "M", "L", "T", "D", "LV", "VY")) + ")"
    part = rf"{word}(?:[\s·*.]+{word}){{0,2}}"
    expr = rf"(?:%|[pP][cC][tT]|(?:{part})?(?:\s*/\s*(?:[0-9]+\s*)?{part}){{0,3}})"
    return rf"^\s*{_number('any')}\s*{expr}\s*$"


def text_schema(extra: dict | None = None) -> dict:
    """A text field as `valider` reads it: non-blank, at most 500 characters; a number is read as text."""
    string = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": r"\S"}
    string.update(extra or {})
    return {"anyOf": [string, {"type": "number"}]}


def _alternation(words) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words)) + ")"


def _hypothesis_rules(key: str) -> tuple[str, bool]:
    """Sign and fraction rule `inventory._check_hypothesis` applies to a key."""
    from symbio_cli.contract import HYPOTHESIS_FRACTIONS as _FRACTIONS
    from symbio_cli.contract import HYPOTHESIS_NEGATIVE_OK as _NEGATIVE_OK

    if key.startswith(_NEGATIVE_OK):
        sign = "any"
    elif key.startswith(("masse_volumique", "enfouissement.masse_volumique", "transport.charge_utile")) \
            or "taux_remplissage" in key:
        sign = "positive"
    else:
        sign = "nonnegative"
    return sign, any(word in key for word in _FRACTIONS)


def _hypothesis_value(dims_: set, sign: str, fraction: bool) -> dict:
    """A hypothesis value of one of the dimensions `dims_` (a quantity string, or a number when unitless)."""
    shapes = []
    for d in sorted(dims_, key=sorted):
        if not d:
            continue
        unit = _unit_of(d)
        if unit is None:
            return {"anyOf": [{"type": "string"}, {"type": "number"}]}
        shapes.append(unit)
    options = []
    if shapes:
        options.append({"type": "string", "pattern": rf"^\s*{_number(sign)}\s*(?:{'|'.join(shapes)})\s*$"})
    if units.DIMENSIONLESS in dims_:
        low = {} if sign == "any" else {"exclusiveMinimum": 0} if sign == "positive" else {"minimum": 0}
        if fraction:
            options.append({"type": "string", "pattern": _percent(sign)})
            options.append({"type": "number", **low, "maximum": 1})
        else:
            options.append({"type": "string", "pattern": rf"^\s*{_number(sign)}\s*$"})
            options.append({"type": "number", **low})
    return {"anyOf": options, "examples": ["36 $/t"]}


def hypothesis_schema(lib, definitions: dict) -> dict:
    """Schema of `hypotheses:`: the keys and, per key, the units `inventory._check_hypothesis` accepts.

    Value schemas are shared through `definitions` (added in place).
    """
    from symbio_cli.contract import HYPOTHESIS_REGIONAL as _REGIONAL
    from symbio_cli.factors import MODES

    prefixes: set[str] = set()
    for key in lib.factors:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            prefixes.add(".".join(parts[:n]))
    names: dict[str, str] = {}

    def ref(key: str, dims_: set) -> dict | None:
        if not dims_:
            return None
        sign, fraction = _hypothesis_rules(key)
        value = _hypothesis_value(dims_, sign, fraction)
        text = repr(value)
        if text not in names:
            names[text] = f"Hypothese{len(names) + 1}"
            definitions[names[text]] = value
        return {"$ref": f"#/definitions/{names[text]}"}

    by_value: dict[tuple, list[str]] = {}
    key_patterns = []
    for p in sorted(prefixes):
        if not ("." in p or p == "masse_volumique"):
            continue
        if p.startswith(_REGIONAL) and lib.regions:
            leaf = _alternation(lib.regions)
        elif p.startswith("emission."):
            leaf = _alternation(MODES)
        elif p in ("masse_volumique", "enfouissement.masse_volumique_en_place"):
            leaf = _alternation(lib.materials)
        else:
            leaf = r"[^.]+"
        pattern = rf"^{re.escape(p)}\.{leaf}$"
        key_patterns.append(pattern)
        r = ref(p + ".x", lib.dims_under(p))
        if r:
            by_value.setdefault((leaf, r["$ref"]), []).append(re.escape(p))
    patterns = {rf"^(?:{'|'.join(heads)})\.{leaf}$": {"$ref": target}
                for (leaf, target), heads in sorted(by_value.items())}
    # keys no pattern covers are listed one by one (redevance.elimination…)
    compiled = [re.compile(p) for p in key_patterns]
    alone = sorted(p for p in prefixes if not any(c.match(p) for c in compiled))
    properties = {p: r for p in alone if (r := ref(p, lib.dims_under(p)))}
    # one pattern per leaf kind keeps propertyNames short
    grouped: dict[str, list[str]] = {}
    for pattern in key_patterns:
        head, _, leaf = pattern[1:-1].rpartition(r"\.")
        grouped.setdefault(leaf, []).append(head)
    names_ok = [{"enum": alone}] + [
        {"pattern": rf"^(?:{'|'.join(heads)})\.{leaf}$"} for leaf, heads in sorted(grouped.items())]
    return {"propertyNames": {"anyOf": names_ok}, "properties": properties, "patternProperties": patterns}


def add_library(schema: dict, lib) -> None:
    """Enumerate the library's materials, regions and factor keys in `schema` (in place)."""
    defs = schema.setdefault("definitions", {})
    materials = sorted(lib.materials)

    def restrict(model: str, field: str, values: list) -> None:
        if model in defs and field in defs[model].get("properties", {}):
            defs[model]["properties"][field]["enum"] = values

    restrict("Flux", "matiere", materials)
    restrict("Intrant", "matiere", sorted(set(materials) | set(lib.input_categories)))
    if lib.regions:
        restrict("Entreprise", "region", sorted(lib.regions))
    hyp = schema.get("properties", {}).get("hypotheses")
    if isinstance(hyp, dict):
        hyp.update(hypothesis_schema(lib, defs))


def add_rules(schema: dict) -> None:
    """Cross-field rules of `valider` that JSON Schema can state (in place).

    A stream's management has `collecte` or `conteneur`, not both; a stream
    with a mutualisation scenario has its own container (`gestion.collecte`).
    """
    defs = schema.get("definitions", {})
    if "Gestion" in defs:
        defs["Gestion"]["not"] = {"required": ["collecte", "conteneur"]}
    if "Flux" in defs:
        defs["Flux"]["if"] = {
            "required": ["scenarios"],
            "properties": {"scenarios": {"contains": {"required": ["type"],
                                                      "properties": {"type": {"const": "mutualisation"}}}}},
        }
        defs["Flux"]["then"] = {"properties": {"gestion": {"required": ["collecte"]}}}
