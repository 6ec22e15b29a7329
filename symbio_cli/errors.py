"""Errors, problems and exit codes shared by the library and the CLI."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

# C0 and C1 control characters, DEL, and the Unicode line/paragraph separators: never printed raw,
# so that a key holding ESC sequences or a newline cannot drive a terminal or forge a diagnostic line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """`text` with every control character escaped (`\\x1b`, `\\n`), for terminals and one-line diagnostics."""
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                             else f"\\u{ord(m.group()):04x}"), text)


def field_name(path: tuple) -> str:
    """`flux[0].scenarios[1].prix` from a path tuple."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


class ExitCode(enum.IntEnum):
    """Exit statuses of every command."""

    OK = 0
    INVALID = 1  # some input invalid or failed
    USAGE = 2  # usage error or could not run


class SymbioError(Exception):
    """Base of every error symbio raises on purpose."""


class QuantityError(SymbioError, ValueError):
    """A quantity string that the grammar refuses or of the wrong dimension."""


class FactorError(SymbioError, KeyError):
    """A factor that is unknown, missing a value, or badly formed."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InventoryError(SymbioError, ValueError):
    """An inventory that cannot be read; carries its problems."""

    def __init__(self, problems: list["Problem"]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located for the user."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    severity: str = "erreur"  # erreur | avertissement
    code: str = ""  # a warning's code, as in the JSON report's `avertissements`

    def format(self) -> str:
        """`fichier:ligne:colonne: champ: message`, the form editors and CI understand.

        Control characters of the file name, field or message are escaped: one
        problem is always exactly one line.
        """
        where = printable(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{printable(self.field)}: " if self.field else ""
        prefix = "avertissement: " if self.severity == "avertissement" else ""
        return f"{where}: {prefix}{field}{printable(self.message)}"

    def as_dict(self) -> dict:
        """JSON form for `valider --format json`."""
        return {
            "fichier": self.file,
            "ligne": self.line,
            "colonne": self.column,
            "champ": self.field,
            "message": self.message,
            "gravite": self.severity,
        }


class MethodError(SymbioError, ValueError):
    """An inventory that validates but cannot be computed (a missing density…)."""

    def __init__(self, path: tuple, message: str):
        self.path = path
        self.message = message
        super().__init__(message)
