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
from symbio_cli.numbers import message_number

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

    def _walk(self, path: tuple) -> list:
        """[(key position, node)] from the root down `path`, as far as the document goes.

        The first entry is the root's (no key). A few lookups walk the tree
        instead of indexing every node (a batch locates a dozen warnings a file).
        """
        node = self.root
        out = [(None, node)]
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        child = (key_node.start_mark, value_node)
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                item = node.value[part]
                child = (item.start_mark, item)
            if child is None:
                break
            out.append(child)
            node = child[1]
        return out

    def deepest(self, path: Path) -> tuple[tuple, bool]:
        """(the longest prefix of `path` in the document, whether every mapping met on the way has
        only plain keys — no « . », « [ » or « ] », so that a field name names one path only)."""
        path = tuple(path)
        steps = self._walk(path) if self.root is not None else []
        plain = not any(_SPECIAL_KEY.search(key_node.value)
                        for _, node in steps if isinstance(node, yaml.MappingNode) for key_node, _ in node.value)
        return path[:max(len(steps) - 1, 0)], plain

    def has(self, path: Path) -> bool:
        """True when `path` is a key (or a list item) of the document."""
        path = tuple(path)
        if self._keys is not None or self.root is None:
            return path in self.keys
        return bool(path) and len(self._walk(path)) == len(path) + 1

    def where(self, path: Path, value: bool = False) -> tuple[int | None, int | None]:
        """Closest known position of a path: its value, its key, or an ancestor's."""
        path = tuple(path)
        if self._keys is None and self.root is not None:  # no index yet: walk down, cheaper for a few lookups
            key_mark, node = self._walk(path)[-1]
            mark = node.start_mark if value or key_mark is None else key_mark
            return mark.line + 1, mark.column + 1
        keys, values = self.keys, self.values
        while True:
            for t in ((values, keys) if value else (keys, values)):
                if path in t:
                    return t[path]
            if not path:
                return (None, None)
            path = path[:-1]


_SPECIAL_KEY = re.compile(r"[.\[\]]")


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
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1  # the byte's column (1 char in cp1252)
        problems.append(Problem(
            name, line, column, "",
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


# What YAML refuses in a stream (C0 and C1 controls but tab, line breaks and NEL; DEL; non-characters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _control_problem(text: str, name: str) -> Problem | None:
    """A French message for the first control character of the text (binary bytes, a stray ESC…)."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    line, col = _position(text, m.start())
    if "\x00" in text or len(_CONTROL.findall(text, 0, 4096)) > 8:
        return Problem(name, None, None, "", "fichier binaire (octets de contrôle) : un inventaire YAML, en texte, est attendu")
    return Problem(name, line, col, "", (
        f"caractère de contrôle invisible U+{ord(m.group()):04X} interdit dans un fichier YAML : "
        "supprimez-le (il vient souvent d'un copier-coller ou d'un export)"))


def loads(text: str, name: str = "<texte>") -> Document | list[Problem]:
    """Load YAML text into a Document, or return the problems found."""
    control = _control_problem(text, name)
    if control is not None:
        return [control]
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = f"{exc.problem or ''} {exc.context or ''}"
        return [Problem(name, line, col, "", f"YAML invalide : {_french_yaml(what)}")]
    except yaml.YAMLError as exc:  # a ReaderError: the character and its position, no mark
        index = getattr(exc, "position", None)
        line, col = _position(text, index) if isinstance(index, int) and 0 <= index <= len(text) else (None, None)
        return [Problem(name, line, col, "", f"YAML invalide : {_french_yaml(str(exc))}")]
    except RecursionError:
        return [Problem(name, None, None, "", "YAML trop imbriqué")]
    doc = Document(name, None, root)
    if root is None:
        return [Problem(name, 1, 1, "", "fichier vide : un inventaire commence par « version: 1 »")]
    try:
        builder = _Builder(doc, aliases_possible="*" in text, text=text)
        doc.data = builder.build(root, (), 0)
        if builder.flow_commas:
            return builder.flow_commas
    except _Refused as exc:
        m = exc.node.start_mark
        line, col = exc.position or (m.line + 1, m.column + 1)
        return [Problem(name, line, col, exc.field, exc.message)]
    except RecursionError:
        return [Problem(name, None, None, "", "YAML trop imbriqué")]
    return doc


# Every message of libyaml's scanner, parser, reader and composer (and PyYAML's own), in French. The
# first fragment found in the English message wins; none of the English reaches the user.
_YAML_WORDS = [
    ("found duplicate anchor", "ancre en double"),
    ("found undefined alias", "alias non défini"),
    ("mapping values are not allowed", "« : » inattendu (une valeur contenant « : » doit être entre guillemets)"),
    ("mapping keys are not allowed", "clé « ? » inattendue ici (mettez la valeur entre guillemets)"),
    ("did not find expected '-' indicator", "« - » attendu (élément de liste mal indenté ?)"),
    ("block sequence entries are not allowed", "élément de liste « - » inattendu (vérifiez l'indentation)"),
    ("sequence entries are not allowed", "élément de liste « - » inattendu (vérifiez l'indentation)"),
    ("did not find expected alphabetic or numeric character", "nom d'ancre ou d'alias illisible (mettez la valeur entre guillemets)"),
    ("expected alphabetic or numeric character", "nom d'ancre ou d'alias illisible (mettez la valeur entre guillemets)"),
    ("found incompatible YAML document", "version de YAML non prise en charge"),
    ("found undefined tag handle", "étiquette YAML inconnue"),
    ("found unexpected document indicator", "« --- » ou « ... » inattendu dans un texte entre guillemets (guillemet non fermé ?)"),
    ("found unexpected document separator", "« --- » ou « ... » inattendu dans un texte entre guillemets (guillemet non fermé ?)"),
    ("while scanning a quoted scalar", "guillemet non fermé"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
    ("found character '\\t' that cannot start any token", "tabulation interdite (indentez avec des espaces)"),
    ("could not find expected ':'", "« : » attendu"),
    ("did not find expected key", "clé attendue (vérifiez l'indentation)"),
    ("did not find expected node content", "valeur attendue"),
    ("expected the node content", "valeur attendue"),
    ("found unknown escape character", "échappement inconnu après « \\ » dans un texte entre guillemets doubles "
                                       "(écrivez « \\\\ » ou mettez le texte entre guillemets simples)"),
    ("did not find expected hexdecimal number", "échappement « \\x », « \\u » ou « \\U » incomplet dans un texte entre guillemets"),
    ("expected escape sequence of", "échappement « \\x », « \\u » ou « \\U » incomplet dans un texte entre guillemets"),
    ("found invalid Unicode character escape code", "échappement Unicode invalide dans un texte entre guillemets"),
    ("expected <document start>", "début de document attendu"),
    ("expected '<document start>'", "début de document attendu"),
    ("but found another document", "un seul document YAML attendu (« --- » en trop)"),
    ("expected a single document", "un seul document YAML attendu (« --- » en trop)"),
    ("found a tab character", "tabulation interdite (indentez avec des espaces)"),
    ("did not find expected ',' or ']'", "« , » ou « ] » attendu"),
    ("expected ',' or ']'", "« , » ou « ] » attendu"),
    ("did not find expected ',' or '}'", "« , » ou « } » attendu"),
    ("expected ',' or '}'", "« , » ou « } » attendu"),
    ("found unexpected ':'", "« : » inattendu"),
    ("exceeded max", "YAML trop imbriqué"),
    ("expected <block end>", "indentation incohérente (vérifiez l'alignement des clés)"),
    ("invalid indentation or unclosed", "indentation incohérente, ou « [ » ou « { » non fermé"),
    ("found character that cannot start any token", "caractère inattendu (tabulation, @ ou ` ? mettez la valeur entre guillemets)"),
    ("that cannot start any token", "caractère inattendu (tabulation, @ ou ` ? mettez la valeur entre guillemets)"),
    ("while scanning a directive", "directive « % » illisible (un texte commençant par « % » doit être entre guillemets)"),
    ("found duplicate %TAG directive", "directive « %TAG » en double"),
    ("found duplicate %YAML directive", "directive « %YAML » en double"),
    ("found duplicate YAML directive", "directive « %YAML » en double"),
    ("duplicate tag handle", "directive « %TAG » en double"),
    ("found non-specific tag", "étiquette « ! » non acceptée (mettez la valeur entre guillemets)"),
    ("while scanning a tag", "étiquette « ! » illisible (un texte commençant par « ! » doit être entre guillemets)"),
    ("while parsing a tag", "étiquette « ! » illisible (un texte commençant par « ! » doit être entre guillemets)"),
    ("found an indentation indicator equal to 0", "indicateur d'indentation 0 interdit après « | » ou « > »"),
    ("expected indentation indicator", "indicateur d'indentation 0 interdit après « | » ou « > »"),
    ("while scanning a block scalar", "texte après « | » ou « > » illisible (commentaire ou saut de ligne attendu)"),
    ("did not find expected comment or line break", "commentaire ou fin de ligne attendu"),
    ("expected a comment or a line break", "commentaire ou fin de ligne attendu"),
    ("did not find expected whitespace or line break", "espace ou fin de ligne attendu"),
    ("found an incorrect leading UTF-8 octet", "octet UTF-8 invalide"),
    ("found an incorrect trailing UTF-8 octet", "octet UTF-8 invalide"),
    ("invalid leading UTF-8 octet", "octet UTF-8 invalide"),
    ("invalid trailing UTF-8 octet", "octet UTF-8 invalide"),
    ("incomplete UTF-8 octet sequence", "octet UTF-8 invalide"),
    ("control characters are not allowed", "caractère de contrôle invisible interdit (supprimez-le)"),
    ("special characters are not allowed", "caractère de contrôle invisible interdit (supprimez-le)"),
    ("unacceptable character", "caractère interdit dans un fichier YAML (supprimez-le)"),
    ("found duplicate key", "clé en double"),
    ("while scanning a simple key", "« : » attendu après une clé"),
]


def _french_yaml(message: str) -> str:
    for en, fr in _YAML_WORDS:
        if en in message:
            return fr
    return "syntaxe YAML illisible ici (vérifiez l'indentation, les guillemets, les crochets et les « : »)"


_NUMERIC_START = frozenset("0123456789+-.")


class _Builder:
    """Turns composed nodes into dicts/lists/scalars, refusing what we do not accept."""

    def __init__(self, doc: Document, aliases_possible: bool = True, text: str = ""):
        self.doc = doc
        self.text = text
        self.flow_commas: list[Problem] = []
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
        if tag not in _ALLOWED_TAGS and tag != _IMPLICIT:
            raise _Refused(node, f"étiquette YAML interdite « {tag} » : seules les valeurs simples sont acceptées")
        if tag == _IMPLICIT or isinstance(node, yaml.ScalarNode):
            try:
                return self.scalar(node)
            except _Refused as exc:  # a refused value names its field
                exc.field = exc.field or field_name(path)
                raise
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            first: dict = {}
            if node.flow_style:
                self.flow_comma(node, path)
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

    def flow_comma(self, node, path: Path) -> None:
        """`{levees: 1,5/semaine}`: YAML splits a flow mapping at a decimal comma. Say so, with the fix.

        The signature: a plain integer value followed by a key that starts with a digit and has no
        value (`levees: 1` then `5/semaine:`). One error per split value, at the value.
        """
        pairs = node.value
        for (key, value), (next_key, next_value) in zip(pairs, pairs[1:]):
            if not (isinstance(value, yaml.ScalarNode) and isinstance(next_key, yaml.ScalarNode)
                    and isinstance(next_value, yaml.ScalarNode)):
                continue
            if value.style or next_key.style or next_value.value or not _INT_RE.match(value.value):
                continue
            if not next_key.value[:1].isdigit():
                continue
            typed = self.text[value.start_mark.index:next_key.end_mark.index]
            if "," not in typed:
                continue
            name = key.value
            dotted = typed.replace(",", ".", 1)
            thousands = ""
            if re.match(r"^[-+]?[1-9]\d{0,2},\d{3}(?!\d)", typed):  # `1,500 t`: maybe thousands, as outside { … }
                thousands = f" ; pour des milliers, écrivez « {name}: {typed.replace(',', ' ', 1)} »"
            self.flow_commas.append(Problem(
                self.doc.file, value.start_mark.line + 1, value.start_mark.column + 1,
                field_name(path + (name,)),
                f"virgule décimale dans une table {{ … }} : YAML y lit « , » comme un séparateur et coupe "
                f"« {name}: {typed} » en deux ; écrivez « {name}: {dotted} » (point décimal), "
                f"« {name}: \"{typed}\" » (entre guillemets) ou passez au style bloc (une clé par ligne)"
                + thousands))

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
                    raise _Refused(node, f"nombre de {message_number(len(value.lstrip('+-')), 0)} chiffres : trop "
                                         f"long ({MAX_DIGITS} chiffres au plus)")
                return int(value)
            if _FLOAT_RE.match(value):
                return float(value)
            if value in _SPECIAL_FLOATS:
                return _SPECIAL_FLOATS[value]
            return value
        if value in _BOOLS:
            return _BOOLS[value]
        return value
