"""The inventory contract checked without pydantic: the hot path of `valider` and `audit` (issue 15).

The YAML contract is written once, as the pydantic models of
`symbio_cli.inventory_models` (they give `symbio schema` its JSON Schema). Their
fields are frozen into `_contract_table.py` (`python -m symbio_cli.inventory_models`
writes it; a test fails when it is stale), and this module checks a loaded
document against that table: same rules, same error types and locations as
pydantic's lax mode gives for those models (a differential test runs both on the
test corpus and on fuzzed documents), at a fraction of the start-up cost
(importing pydantic and building its models took ~150 ms of a ~275 ms `valider`).

`check(data)` returns `(Inventaire | None, errors)`: the record of the inventory
when there is no error, and errors as pydantic shapes them
(`{"type", "loc", "input", "ctx", "msg"}`), which `inventory` turns into
located French problems. The records (`Inventaire`, `Flux`, `Gestion`…) are
frozen objects with the contract's field names; quantities are `units.Quantity`
in canonical units.

The field readers (`read_quantity`, `read_text`, `read_slug`, `read_hypothesis`,
`check_version`) are the only implementation of those rules: the pydantic
models call them too.
"""

from __future__ import annotations

import math
import re

from symbio_cli import units
from symbio_cli._contract_table import MODELS
from symbio_cli.errors import QuantityError
from symbio_cli.units import Quantity

SCHEMA_VERSION = 1

# Different spellings of one thing: folded into the first dimension.
SAME = {units.LIFT_RATE: units.PER_TIME, units.PER_LIFT: units.MONEY, units.MASS_PER_LIFT: units.MASS,
        units.MASS_PER_TRIP: units.MASS}

EXAMPLES = {
    units.MASS_RATE: "18 t/mois", units.VOLUME_RATE: "30 vg³/semaine", units.VOLUME: "40 vg³", units.MASS: "10 t",
    units.AREA: "30 m²", units.LENGTH: "38 km", units.MONEY: "310 $", units.MONEY_RATE: "120 $/mois",
    units.PRICE: "95 $/t", units.DENSITY: "210 kg/m³", units.PER_TIME: "1/semaine", units.PER_TRIP: "325 $/voyage",
    units.PER_KM: "2,10 $/km", units.PER_TKM: "0,12 $/t/km",
}


# Factor families of `hypotheses:` keys: whose last part is a region, which may be negative,
# which are fractions (0 to 100 %). Read by the cross-checks and by `symbio schema`.
HYPOTHESIS_REGIONAL = ("tarif.", "entreposage.loyer", "entreposage.loyer_exterieur")
HYPOTHESIS_NEGATIVE_OK = ("tarif.", "emission.")
HYPOTHESIS_FRACTIONS = ("taux", "objectif", "fraction", "rabais", "part_")


class Kind:
    """How a field of the pydantic models is read, for the table: `Kind("q", dims, sign, percent, negative)`,
    `Kind("text")`, `Kind("slug")`, `Kind("hyp")`, `Kind("storage")`. Pydantic ignores it."""

    def __init__(self, *spec):
        self.spec = spec


class FieldError(Exception):
    """A value a field refuses: `kind` (quantite, texte, identifiant, version) and the French message."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def shown(value) -> str:
    """What the user wrote, for a message: `« 2 »`, `« true »`, `une liste`, `une section`, `une valeur vide`."""
    if isinstance(value, bool):
        return "« true »" if value else "« false »"
    if value is None:
        return "une valeur vide"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "une section"
    text = str(value)
    return f"« {text[:60]}…" + " »" if len(text) > 60 else f"« {text} »"


# ---------------------------------------------------------------------------
# Field readers (the rules themselves)


def _example(accepted: tuple, percent: bool) -> str:
    return next((EXAMPLES[d] for d in accepted if d in EXAMPLES), "85 %" if percent else "1")


def _allowed(accepted: tuple) -> frozenset:
    return frozenset(SAME.get(d, d) for d in accepted)


def _quantity(value, accepted: tuple, sign: str, percent: bool, negative: str, allowed: frozenset) -> Quantity:
    if percent and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not 0 <= value <= 1:
            raise FieldError("quantite", "pourcentage attendu (ex. 85 %)")
        return Quantity(float(value), units.DIMENSIONLESS, str(value))
    try:
        q = units.parse(value)
    except QuantityError as exc:
        message = str(exc)
        if message.startswith("nombre attendu"):
            message += f" (ex. {_example(accepted, percent)})"
        raise FieldError("quantite", message) from None
    dim = SAME.get(q.dims, q.dims)
    if dim not in allowed:
        wanted = " ou ".join(f"{units.describe(d)} (ex. {EXAMPLES.get(d, units.label(d) or '1')})" if d
                             else "pourcentage (ex. 85 %)" for d in accepted if d not in SAME)
        raise FieldError("quantite", f"« {value} » est de dimension {units.describe(q.dims)} ; attendu : {wanted}")
    if sign == "positive" and not q.value > 0:
        raise FieldError("quantite", "valeur strictement positive attendue")
    if sign == "nonnegative" and q.value < 0:
        raise FieldError("quantite", "valeur négative interdite ici" + negative)
    if percent and not 0 <= q.value <= 1:
        raise FieldError("quantite", "pourcentage entre 0 et 100 % attendu")
    if dim != q.dims:
        q = Quantity(q.value, dim, q.text, q.warnings)
    return q


def read_quantity(value, accepted: tuple, sign: str = "nonnegative", percent: bool = False, negative: str = "",
                  field: str = "", allowed: frozenset | None = None) -> Quantity:
    """A quantity field: `value` (text `nombre unité`, or a number for percentages and ratios) of one of the
    `accepted` dimensions, in canonical units; `sign` positive | nonnegative | any; `field` names the
    field for the plausibility bounds (units.bounds_problem); `allowed`: the accepted dimensions folded
    (computed when not given). Raises FieldError("quantite", …)."""
    q = _quantity(value, accepted, sign, percent, negative, _allowed(accepted) if allowed is None else allowed)
    problem = units.bounds_problem(q.value, q.dims, field)
    if problem:
        raise FieldError("quantite", problem)
    return q


def read_text(value) -> str:
    """A text field (a number is read as its text), 1 to 500 characters. Raises FieldError("texte", …)."""
    if isinstance(value, bool) or value is None:
        raise FieldError("texte", "texte attendu")
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError("texte", "texte attendu")
    if len(value) > 500:
        raise FieldError("texte", "texte trop long (500 caractères au plus)")
    if not value.strip():
        raise FieldError("texte", "texte vide")
    return value


SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def read_slug(value) -> str:
    """An identifier (`sciure`, `bac-1`): letters without accents, digits, `_ . -`. Raises FieldError."""
    value = read_text(value)
    if not SLUG.match(value):
        raise FieldError("identifiant", "identifiant attendu : lettres sans accent, chiffres, « _ » ou « - » (ex. sciure)")
    return value


def read_hypothesis(value) -> Quantity:
    """One `hypotheses:` value: any quantity; its key is checked against the library later. Raises FieldError."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError("quantite", "quantité attendue (ex. 36 $/t)")
    try:
        return units.parse(value)
    except QuantityError as exc:
        raise FieldError("quantite", str(exc)) from None


def check_version(value) -> int:
    """`version:` must be the integer SCHEMA_VERSION. Raises FieldError("version", …)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("version", f"nombre entier attendu (ex. version: {SCHEMA_VERSION}), pas {shown(value)}")
    if value != SCHEMA_VERSION:
        raise FieldError("version", f"version « {value} » non prise en charge : ce symbio lit la version "
                                    f"{SCHEMA_VERSION} (mettez symbio à jour ?)")
    return value


# ---------------------------------------------------------------------------
# Records: the validated inventory


class Record:
    """A validated section of the inventory: frozen, its fields named as in the contract."""

    __slots__ = ()
    FIELDS: tuple[str, ...] = ()

    def __init__(self, **values):
        for name in self.FIELDS:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} est figé : « {name} » ne se modifie pas")

    def __eq__(self, other):
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.FIELDS)

    def __hash__(self):
        return hash((type(self).__name__, *(getattr(self, n) for n in self.FIELDS)))

    def __repr__(self):
        return f"{type(self).__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.FIELDS) + ")"

    def __reduce__(self):
        return _rebuild, (type(self).__name__, tuple(getattr(self, n) for n in self.FIELDS))


RECORDS: dict[str, type] = {
    name: type(name, (Record,), {"__slots__": tuple(f[0] for f in fields), "FIELDS": tuple(f[0] for f in fields),
                                 "__module__": "symbio_cli.inventory", "__qualname__": name})
    for name, fields in MODELS.items()
}


def _rebuild(name: str, values: tuple):
    cls = RECORDS[name]
    return cls(**dict(zip(cls.FIELDS, values)))


def fields_of(model: str) -> dict[str, tuple]:
    """The fields of one model of the table: name → spec, in the contract's order."""
    return {name: spec for name, spec, _ in MODELS[model]}


def models_in(spec: tuple) -> list[str]:
    """The models a field spec can hold (through optional, list, dict and the scenario union)."""
    tag = spec[0]
    if tag == "model":
        return [spec[1]]
    if tag == "storage":
        return ["Entreposage"]
    if tag in ("opt", "list", "dict"):
        return models_in(spec[1])
    if tag == "tagged":
        return [model for _, model in spec[2]]
    return []


def type_tag(model: str) -> str | None:
    """The value of `type:` that chooses this model in the scenario union, or None."""
    spec = fields_of(model).get("type")
    return spec[1][0] if spec is not None and spec[0] == "lit" and len(spec[1]) == 1 else None


# ---------------------------------------------------------------------------
# The check


_DIMS = {name: getattr(units, name) for name in dir(units) if isinstance(getattr(units, name), frozenset)}
# Numbers written as text where the contract wants a number (`annee: "2026"`): rare, so compiled when met.
_INT_TEXT = r"^[+-]?[0-9](?:_?[0-9])*(?:\.0+)?$"
_FLOAT_TEXT = (r"^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)"
               r"(?:[eE][+-]?[0-9](?:_?[0-9])*)?$")
_FLOAT_WORDS = {"inf", "+inf", "-inf", "nan", "+nan", "-nan", "infinity", "+infinity", "-infinity"}
_DEFAULTS = {"list": list, "dict": dict}
_I64 = 2.0 ** 63


class _Refused(Exception):
    def __init__(self, kind: str, ctx: dict | None = None):
        self.kind = kind
        self.ctx = ctx


def _literal_text(values: tuple) -> str:
    shown_values = [repr(v) for v in values]
    return shown_values[0] if len(shown_values) == 1 else ", ".join(shown_values[:-1]) + " or " + shown_values[-1]


def _int(value) -> int:
    if isinstance(value, int):  # bool too, as pydantic's lax mode
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Refused("finite_number")
        if not value.is_integer():
            raise _Refused("int_from_float")
        if not -_I64 < value < _I64:  # beyond a 64-bit integer, as pydantic-core says
            raise _Refused("int_parsing_size")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not re.match(_INT_TEXT, text):
            raise _Refused("int_parsing")
        digits = text.split(".")[0]
        if len(digits.lstrip("+-").replace("_", "")) > 4300:  # Python's limit of int() on text
            raise _Refused("int_parsing_size")
        return int(digits)
    raise _Refused("int_type")


def _float(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _FLOAT_WORDS:
            return float(text)
        if not re.match(_FLOAT_TEXT, text):
            raise _Refused("float_parsing")
        return float(text)
    raise _Refused("float_type")


def _bounded(number, ge, le):
    if ge is not None and not number >= ge:
        raise _Refused("greater_than_equal", {"ge": ge})
    if le is not None and not number <= le:
        raise _Refused("less_than_equal", {"le": le})
    return number


class _Check:
    """One pass over a document: every error met, in pydantic's order."""

    def __init__(self):
        self.errors: list[dict] = []

    def refuse(self, kind: str, loc: tuple, value, ctx: dict | None = None, msg: str = ""):
        self.errors.append({"type": kind, "loc": loc, "input": value, "ctx": ctx, "msg": msg})
        return _Check


# A checker is `checker(run, value, loc, field)`: the checked value, or `_Check` once its errors are recorded.
# Checkers are built once per field of the table (`_compile`), so that a document pays only for its values.


def _leaf(read):
    """A checker from `read(value, field)`, which raises FieldError or _Refused."""

    def checker(run, value, loc, field):
        try:
            return read(value, field)
        except FieldError as exc:
            return run.refuse(exc.kind, loc, value, None, exc.message)
        except _Refused as exc:
            return run.refuse(exc.kind, loc, value, exc.ctx)

    return checker


def _quantity_reader(spec: tuple):
    accepted = tuple(_DIMS[d] for d in spec[1])
    sign, percent, negative, allowed = spec[2], spec[3], spec[4], _allowed(accepted)

    return lambda value, field: read_quantity(value, accepted, sign, percent, negative, field, allowed)


def _float_reader(spec: tuple):
    def read(value, field):
        number = _float(value)
        if not spec[3] and not math.isfinite(number):
            raise _Refused("finite_number")
        return _bounded(number, spec[1], spec[2])

    return read


def _model_checker(name: str):
    def checker(run, value, loc, field):
        if not isinstance(value, dict):
            return run.refuse("model_type", loc, value, {"class_name": name})
        fields, names, record, constants = _COMPILED[name]
        out = dict(constants)
        failed = False
        present = 0
        for key, check_field, default in fields:
            if key in value:
                present += 1
                got = check_field(run, value[key], loc + (key,), key)
                failed = failed or got is _Check
                out[key] = got
            elif default is _REQUIRED:
                run.refuse("missing", loc + (key,), value)
                failed = True
            elif default is not None:
                out[key] = default()
        if len(value) > present:
            for key, item in value.items():
                if key not in names:
                    run.refuse("extra_forbidden", loc + (key,), item)
                    failed = True
        return _Check if failed else record(**out)

    return checker


def _optional(inner):
    return lambda run, value, loc, field: None if value is None else inner(run, value, loc, field)


def _literal(values: tuple):
    expected = {"expected": _literal_text(values)}

    def checker(run, value, loc, field):
        if isinstance(value, str) and value in values:
            return value
        return run.refuse("literal_error", loc, value, dict(expected))

    return checker


def _boolean(run, value, loc, field):
    return value if isinstance(value, bool) else run.refuse("bool_type", loc, value)


def _list(inner, min_length: int):
    def checker(run, value, loc, field):
        if not isinstance(value, list):
            return run.refuse("list_type", loc, value)
        out = [inner(run, item, loc + (i,), field) for i, item in enumerate(value)]
        if len(value) < min_length:
            return run.refuse("too_short", loc, value, {"field_type": "List", "min_length": min_length,
                                                        "actual_length": len(value)})
        return _Check if _Check in out else out

    return checker


def _mapping(inner):
    def checker(run, value, loc, field):
        if not isinstance(value, dict):
            return run.refuse("dict_type", loc, value)
        out = {}
        for key, item in value.items():
            got = inner(run, item, loc + (key,), str(key))
            out[key.strip() if isinstance(key, str) else key] = got
        return _Check if _Check in out.values() else out

    return checker


def _tagged(discriminator: str, choices: dict):
    models = {tag: _model_checker(model) for tag, model in choices.items()}
    expected = ", ".join(f"'{t}'" for t in choices)

    def checker(run, value, loc, field):
        if not isinstance(value, dict):
            return run.refuse("model_attributes_type", loc, value)
        if discriminator not in value:
            return run.refuse("union_tag_not_found", loc, value, {"discriminator": f"'{discriminator}'"})
        tag = value[discriminator]
        model = models.get(tag) if isinstance(tag, str) else None
        if model is None:
            return run.refuse("union_tag_invalid", loc, value, {
                "discriminator": f"'{discriminator}'", "tag": str(tag), "expected_tags": expected})
        return model(run, value, loc + (tag,), field)

    return checker


def _storage(quantity):
    entreposage = _model_checker("Entreposage")

    def checker(run, value, loc, field):
        if isinstance(value, dict):
            return entreposage(run, value, loc, field)
        return quantity(run, value, loc, "")

    return checker


def _compile(spec: tuple):  # noqa: C901 - one branch per kind of field
    """The checker of one field spec of the table."""
    tag = spec[0]
    if tag == "opt":
        return _optional(_compile(spec[1]))
    if tag == "q":
        return _leaf(_quantity_reader(spec))
    if tag in _READERS:
        return _leaf(_READERS[tag])
    if tag == "float":
        return _leaf(_float_reader(spec))
    if tag == "int":
        return _leaf(lambda value, field: _bounded(_int(value), spec[1], spec[2]))
    if tag == "model":
        return _model_checker(spec[1])
    if tag == "lit":
        return _literal(spec[1])
    if tag == "bool":
        return _boolean
    if tag == "list":
        return _list(_compile(spec[1]), spec[2])
    if tag == "dict":
        return _mapping(_compile(spec[1]))
    if tag == "tagged":
        return _tagged(spec[1], dict(spec[2]))
    if tag == "storage":
        return _storage(_leaf(_quantity_reader(("q", ("AREA",), "nonnegative", False, ""))))
    raise ValueError(f"genre de champ inconnu : {tag}")


_READERS = {
    "text": lambda value, field: read_text(value),
    "slug": lambda value, field: read_slug(value),
    "hyp": lambda value, field: read_hypothesis(value),
    "version": lambda value, field: check_version(value),
}
_REQUIRED = object()


def _default(default: tuple):
    """A field's default: _REQUIRED, None for a constant (in the model's `constants`), or a factory."""
    if default[0] == "req":
        return _REQUIRED
    if default[0] == "value":
        return None
    factory = _DEFAULTS.get(default[1])
    if factory is not None:
        return factory
    model = default[1]
    return lambda: RECORDS[model](**_COMPILED[model][3], **{f: d() for f, _, d in _COMPILED[model][0] if d})


# model: (((field, checker, default), ...), field names, record class, {field: constant default})
_COMPILED: dict[str, tuple] = {}
_COMPILED.update({name: (tuple((field, _compile(spec), _default(default)) for field, spec, default in fields),
                         frozenset(RECORDS[name].FIELDS), RECORDS[name],
                         {field: default[1] for field, _, default in fields if default[0] == "value"})
                  for name, fields in MODELS.items()})
_INVENTAIRE = _model_checker("Inventaire")


def check(data) -> tuple[Record | None, list[dict]]:
    """Check a loaded document (dicts, lists, str, int, float, bool, None) against the contract.

    Returns `(Inventaire, [])`, or `(None, errors)` with every error as pydantic
    shapes them: `type` (`missing`, `extra_forbidden`, `literal_error`, `quantite`…),
    `loc` (path tuple, a scenario's `type` included as pydantic has it), `input`,
    `ctx` and, for symbio's own kinds, the French `msg`.
    """
    run = _Check()
    model = _INVENTAIRE(run, data, (), "")
    return (None if run.errors else model), run.errors
