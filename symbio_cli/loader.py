"""Safe YAML reading that keeps the line and column of every key.

PyYAML's C parser composes the node tree; we build plain Python values from it
ourselves so that: duplicate keys, anchors/aliases and non-core tags are
refused; only `true`/`false` are booleans (no YAML 1.1 `NO` or octal `012`);
and every key and value keeps its position for error messages.
"""

from __future__ import annotations

import os
import re
import stat

import yaml

from symbio_cli.errors import Problem, field_name

try:  # libyaml when present (7x faster), the pure-Python composer otherwise
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _BaseLoader

_CORE = "tag:yaml.org,2002:"
_IMPLICIT = "tag:symbio:implicite"  # an untagged scalar: typed by our own rules below


class _Loader(_BaseLoader):
    """The C composer without PyYAML's YAML 1.1 implicit typing.

    We type scalars ourselves (only true/false are booleans, 012 is 12), so the
    per-scalar regular-expression resolver PyYAML runs in Python is skipped.
    """

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return _IMPLICIT
        return _CORE + ("seq" if kind is yaml.SequenceNode else "map")

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

MAX_BYTES = 2 * 1024 * 1024  # ~4 000 streams; composing more would take over a second
MAX_LINES = 60_000
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_DIGITS = 30

_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")} | {_IMPLICIT}
_INT_RE = re.compile(r"^[-+]?\d+$")
_FLOAT_RE = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
                   ".Inf": float("inf"), ".INF": float("inf"), "-.Inf": float("-inf"),
                   ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}

Path = tuple  # of str | int


class Document:
    """A loaded YAML document: its data, and where each path stands in the file.

    Positions are read from the composed node tree only when asked for (an
    error to locate), so a valid file pays nothing for them.
    """

    def __init__(self, file: str, data: object, root=None, warnings: list | None = None):
        self.file = file
        self.data = data
        self.root = root
        self.warnings = warnings if warnings is not None else []
        self._keys: dict | None = None
        self._values: dict | None = None

    def _index(self) -> None:
        keys: dict = {}
        values: dict = {}
        stack = [((), self.root)] if self.root is not None else []
        seen: set[int] = set()
        while stack:
            path, node = stack.pop()
            if id(node) in seen:  # an alias: its anchor was indexed already
                continue
            seen.add(id(node))
            values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    child = path + (key_node.value,)
                    if child not in keys:
                        keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                        stack.append((child, value_node))
            elif isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    keys[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                    stack.append((path + (i,), item))
        self._keys, self._values = keys, values

    @property
    def keys(self) -> dict:
        """path -> (line, column) of the key (mappings) or of the item (lists)."""
        if self._keys is None:
            self._index()
        return self._keys

    @property
    def values(self) -> dict:
        """path -> (line, column) of the value."""
        if self._values is None:
            self._index()
        return self._values

    def where(self, path: Path, value: bool = False) -> tuple[int | None, int | None]:
        """Closest known position of a path: its value, its key, or an ancestor's."""
        path = tuple(path)
        keys, values = self.keys, self.values
        while True:
            for t in ((values, keys) if value else (keys, values)):
                if path in t:
                    return t[path]
            if not path:
                return (None, None)
            path = path[:-1]


class _Refused(Exception):
    def __init__(self, node, message: str, position: tuple | None = None, field: str = ""):
        self.node = node
        self.message = message
        self.position = position
        self.field = field


def decode(raw: bytes, name: str) -> tuple[str, list[Problem]]:
    """Bytes to text: UTF-8 (BOM accepted), else Windows-1252 with a warning."""
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), problems
    try:
        return raw.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(
            name, line, None, "",
            "fichier lu en Windows-1252 (pas en UTF-8) : vérifiez les accents et enregistrez-le en UTF-8",
            "avertissement", "encodage",
        ))
        return raw.decode("cp1252", errors="replace"), problems


def read(path: str | os.PathLike, display: str | None = None) -> Document | list[Problem]:
    """Read and load a YAML file; problems (never exceptions) for bad input."""
    name = display or str(path)
    try:
        info = os.stat(path)
        size = info.st_size
        if not stat.S_ISREG(info.st_mode):
            return [Problem(name, None, None, "", "ce n'est pas un fichier ordinaire (dossier, tube ou périphérique)")]
        if size > MAX_BYTES:
            mega = f"{size / 1e6:.1f}".replace(".", ",")
            return [Problem(name, None, None, "", f"fichier trop gros ({mega} Mo ; {MAX_BYTES // (1024 * 1024)} Mo au plus pour un inventaire)")]
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        return [Problem(name, None, None, "", "c'est un dossier, pas un fichier")]
    except OSError as exc:
        return [Problem(name, None, None, "", f"lecture impossible : {exc.strerror or exc}")]
    if len(raw) > MAX_BYTES:
        return [Problem(name, None, None, "", "fichier trop gros")]
    lines = raw.count(b"\n")
    if lines > MAX_LINES:
        return [Problem(name, None, None, "", f"fichier trop long ({lines} lignes ; {MAX_LINES} au plus pour un inventaire)")]
    text, problems = decode(raw, name)
    result = loads(text, name)
    if isinstance(result, list):
        return problems + result
    result.warnings[:0] = problems
    return result


def loads(text: str, name: str = "<texte>") -> Document | list[Problem]:
    """Load YAML text into a Document, or return the problems found."""
    if "\x00" in text:
        return [Problem(name, None, None, "", "fichier binaire (caractère NUL) : un inventaire YAML est attendu")]
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = exc.problem or exc.context or "syntaxe invalide"
        return [Problem(name, line, col, "", f"YAML invalide : {_french_yaml(what)}")]
    except yaml.YAMLError as exc:
        return [Problem(name, None, None, "", f"YAML invalide : {_french_yaml(str(exc))}")]
    except RecursionError:
        return [Problem(name, None, None, "", "YAML trop imbriqué")]
    doc = Document(name, None, root)
    if root is None:
        return [Problem(name, 1, 1, "", "fichier vide : un inventaire commence par « version: 1 »")]
    try:
        builder = _Builder(doc, aliases_possible="*" in text)
        doc.data = builder.build(root, (), 0)
    except _Refused as exc:
        m = exc.node.start_mark
        line, col = exc.position or (m.line + 1, m.column + 1)
        return [Problem(name, line, col, exc.field, exc.message)]
    except RecursionError:
        return [Problem(name, None, None, "", "YAML trop imbriqué")]
    return doc


_YAML_WORDS = [
    ("found duplicate anchor", "ancre en double"),
    ("found undefined alias", "alias non défini"),
    ("mapping values are not allowed", "« : » inattendu (une valeur contenant « : » doit être entre guillemets)"),
    ("did not find expected '-' indicator", "« - » attendu (élément de liste mal indenté ?)"),
    ("block sequence entries are not allowed", "élément de liste « - » inattendu (vérifiez l'indentation)"),
    ("did not find expected alphabetic or numeric character", "nom d'ancre ou d'alias illisible (mettez la valeur entre guillemets)"),
    ("found incompatible YAML document", "version de YAML non prise en charge"),
    ("found undefined tag handle", "étiquette YAML inconnue"),
    ("while scanning a quoted scalar", "guillemet non fermé"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
    ("found character '\\t' that cannot start any token", "tabulation interdite (indentez avec des espaces)"),
    ("could not find expected ':'", "« : » attendu"),
    ("did not find expected key", "clé attendue (vérifiez l'indentation)"),
    ("did not find expected node content", "valeur attendue"),
    ("found unknown escape character", "caractère d'échappement inconnu"),
    ("expected <document start>", "début de document attendu"),
    ("but found another document", "un seul document YAML attendu (« --- » en trop)"),
    ("found a tab character", "tabulation interdite (indentez avec des espaces)"),
    ("did not find expected ',' or ']'", "« , » ou « ] » attendu"),
    ("did not find expected ',' or '}'", "« , » ou « } » attendu"),
    ("found unexpected ':'", "« : » inattendu"),
    ("exceeded max", "YAML trop imbriqué"),
    ("found character that cannot start any token", "caractère inattendu (tabulation, @ ou ` ? mettez la valeur entre guillemets)"),
]


def _french_yaml(message: str) -> str:
    for en, fr in _YAML_WORDS:
        if en in message:
            return fr
    return f"syntaxe YAML ({message})"


_NUMERIC_START = frozenset("0123456789+-.")


class _Builder:
    """Turns composed nodes into dicts/lists/scalars, refusing what we do not accept."""

    def __init__(self, doc: Document, aliases_possible: bool = True):
        self.doc = doc
        # libyaml hands an alias back as its anchor's node: seeing a node twice means an
        # alias. Without a `*` in the text there is none, and nothing to remember.
        self.seen: set[int] | None = set() if aliases_possible else None
        self.count = 0

    def build(self, node, path: Path, depth: int):
        if depth > MAX_DEPTH:
            raise _Refused(node, f"YAML trop imbriqué (plus de {MAX_DEPTH} niveaux)")
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(node, "trop d'éléments YAML pour un inventaire")
        if self.seen is not None:
            if id(node) in self.seen:
                raise _Refused(node, "les ancres et alias YAML (& et *) ne sont pas acceptés : recopiez la valeur",
                               self.doc.keys.get(path))
            self.seen.add(id(node))
        tag = node.tag
        if tag == _IMPLICIT:
            return self.scalar(node)
        if tag not in _ALLOWED_TAGS:
            raise _Refused(node, f"étiquette YAML interdite « {tag} » : seules les valeurs simples sont acceptées")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            first: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Refused(key_node, "clé composée interdite : une clé est un mot")
                key = key_node.value
                if key == "<<":
                    raise _Refused(key_node, "la fusion YAML « << » n'est pas acceptée")
                if key in out:
                    line = first[key].start_mark.line + 1
                    raise _Refused(key_node, f"clé « {key} » en double (déjà à la ligne {line})",
                                   field=field_name(path + (key,)))
                first[key] = key_node
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]

    @staticmethod
    def scalar(node):
        value = node.value
        if node.style not in (None, "") or node.tag == _CORE + "str":
            return value  # quoted, block, or explicitly !!str: text
        if not value or value in _NULLS:
            return None
        if value[0] in _NUMERIC_START:
            if _INT_RE.match(value):
                if len(value) > MAX_DIGITS:  # int() of thousands of digits is slow, then refused by Python
                    raise _Refused(node, f"nombre de {len(value.lstrip('+-'))} chiffres : trop long "
                                         f"({MAX_DIGITS} chiffres au plus)")
                return int(value)
            if _FLOAT_RE.match(value):
                return float(value)
            if value in _SPECIAL_FLOATS:
                return _SPECIAL_FLOATS[value]
            return value
        if value in _BOOLS:
            return _BOOLS[value]
        return value
