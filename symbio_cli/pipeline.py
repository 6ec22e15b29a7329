"""One inventory file from bytes to an AuditResult, or located problems.

`audit_file` is the one code path behind `audit` and `valider`: the problems it
returns hold every error and every warning of the file (reading, numbers,
method), so `valider --strict` fails on exactly the warnings `audit` reports,
and the result's `avertissements` hold the same warnings, each with its line
and column.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
from dataclasses import dataclass

from symbio_cli import inventory, loader, method
from symbio_cli.errors import MethodError, Problem, field_name
from symbio_cli.factors import Library
from symbio_cli.result import LocatedWarning

# Reports print amounts through Decimal with cents: beyond this a figure is not a real plant's, and
# formatting would lose digits or fail. Inputs are bounded (units.bounds_problem); this guards products.
MAX_FIGURE = 1e15


@dataclass
class Outcome:
    """What happened to one input: a result, or the problems that stopped it.

    `problems` lists errors and warnings (`severity` "erreur" or "avertissement"),
    each located `fichier:ligne:colonne`.
    """

    file: str
    result: object | None
    problems: list[Problem]
    inventory: object | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def warnings(self) -> list[Problem]:
        """The file's warnings, in the order of the report's `avertissements`."""
        return [p for p in self.problems if p.severity == "avertissement"]


def _figures(obj, path=()):
    """(path, value) of every float of a result, nested dataclasses, tuples and dicts included."""
    if isinstance(obj, float):
        yield path, obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _figures(getattr(obj, f.name), path + (f.name,))
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            yield from _figures(item, path + (i,))
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from _figures(item, path + (k,))


_KINDS: dict[type, object] = {}  # per class: "float", "seq", "dict", None (nothing to walk) or a getter of its fields


def _kind(cls: type):
    """How `_figures` walks an instance of `cls` (same order of tests), cached per class."""
    kind = _KINDS.get(cls, _KINDS)
    if kind is _KINDS:
        if issubclass(cls, float):
            kind = "float"
        elif dataclasses.is_dataclass(cls):
            names = [f.name for f in dataclasses.fields(cls)]
            kind = operator.attrgetter(*names) if len(names) > 1 else (lambda o, n=names[0]: (getattr(o, n),))
        elif issubclass(cls, (tuple, list)):
            kind = "seq"
        elif issubclass(cls, dict):
            kind = "dict"
        else:
            kind = None
        _KINDS[cls] = kind
    return kind


def _in_range(obj) -> bool:
    """True when every float of `obj` (walked like `_figures`) is finite and within MAX_FIGURE.

    An iterative walk without paths, with what to do cached per class: a
    result holds thousands of values, and `_figures`' nested generators cost
    more than the audit itself on a batch. Only a result that fails pays for
    `_figures`, which names the first figure out of range.
    """
    stack = [obj]
    pop, extend = stack.pop, stack.extend
    while stack:
        o = pop()
        cls = type(o)
        if cls is float:  # the common cases first, without a lookup
            if not abs(o) <= MAX_FIGURE:  # NaN compares False: out of range too
                return False
            continue
        if cls is str or cls is int or o is None or cls is bool:
            continue
        kind = _kind(cls)
        if kind is None:
            continue
        if kind == "float":
            if not abs(o) <= MAX_FIGURE:
                return False
        elif kind == "seq":
            extend(o)
        elif kind == "dict":
            extend(o.values())
        else:
            extend(kind(o))
    return True


def _out_of_range(result) -> tuple | None:
    if _in_range(result):
        return None
    for path, value in _figures(result):
        if not math.isfinite(value) or abs(value) > MAX_FIGURE:
            return path
    return None


_PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_of(champ: str) -> tuple | None:
    """The path a `champ` names (`flux[0].gestion` → ("flux", 0, "gestion")), or None when it is not
    `field_name` of a path of plain keys (a key holding « . » or « [ »)."""
    path = tuple(int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _PART.finditer(champ))
    return path if field_name(path) == champ else None


class _Places:
    """Line and column of a warning's `champ` (`flux[0].gestion.collecte`) in the document."""

    def __init__(self, doc):
        self.doc = doc
        self.by_name: dict | None = None

    def __call__(self, champ: str) -> tuple[int | None, int | None]:
        if not champ:
            return None, None
        path = _path_of(champ)  # a name of plain keys: walk down to it, without naming every key of the file
        if path is not None and self.doc.root is not None:
            found, plain = self.doc.deepest(path)
            if plain:
                return self.doc.where(found, value=False) if found else (None, None)
        if self.by_name is None:
            self.by_name = {field_name(p): p for p in self.doc.keys}
        name = champ
        while name:
            if name in self.by_name:
                return self.doc.where(self.by_name[name], value=False)
            shorter = _PARENT.sub("", name)
            if shorter == name:
                break
            name = shorter
        return None, None


def audit_file(path: str, lib: Library) -> Outcome:
    """Read, validate and audit one inventory file; never raises for bad input."""
    doc = loader.read(path)
    if isinstance(doc, list):
        return Outcome(path, None, doc)
    inv, problems = inventory.validate(doc, lib)
    if inv is None:
        return Outcome(path, None, problems)
    try:
        result = method.audit(inv, lib, path)
    except MethodError as exc:
        line, col = doc.where(exc.path, value=True)
        problems.append(Problem(path, line, col, field_name(exc.path), exc.message))
        return Outcome(path, None, problems)
    bad = _out_of_range(result)
    if bad is not None:  # pointed at the stream or container whose figure it is, when there is one
        where = tuple(bad[:2]) if len(bad) >= 2 and bad[0] in ("flux", "conteneurs") else ()
        if where[:1] == ("conteneurs",):
            where = ()  # result containers merge own and shared ones: no single place in the file
        line, col = doc.where(where) if where else (None, None)
        problems.append(Problem(path, line, col, field_name(where), (
            f"résultat « {bad[-1]} » hors des bornes imprimables (plus de 10^15 $, t ou m³ par an) : "
            "vérifiez les quantités, prix et levées de l'inventaire")))
        return Outcome(path, None, problems)
    located = [LocatedWarning(p.code or "saisie", p.message, p.field, p.line, p.column)
               for p in problems if p.severity == "avertissement"]
    where = _Places(doc)
    for w in result.avertissements:
        line, col = where(w.champ)
        located.append(LocatedWarning(w.code, w.message, w.champ, line, col))
        problems.append(Problem(path, line, col, w.champ, w.message, "avertissement", w.code))
    result = dataclasses.replace(result, avertissements=tuple(located))
    return Outcome(path, result, problems, inv)
