"""Finding input files, and the one way symbio writes its outputs.

`write_output` is the only writer of report, summary, schema and template
files: it writes through a device, a FIFO or standard output, and otherwise
atomically (temporary file in the same folder, then `os.replace`). `csv_text`
is the only CSV writer: it neutralises spreadsheet formulas (OWASP).
"""

from __future__ import annotations

import errno
import io
import math
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence

from symbio_cli.errors import SymbioError, printable

INVENTORY_SUFFIXES = (".yaml", ".yml")

# tempfile, csv, glob and pathlib are imported where they are used: `symbio valider FILE`
# and `audit FILE -f json` write no file and walk no folder, and tempfile alone (random,
# shutil, bz2, lzma) costs them several ms of start-up (issue 15).


def expand(inputs: list[str]) -> tuple[list[str], list[str]]:
    """Files from files, folders (recursively) and globs; and the inputs that matched nothing."""
    found: list[str] = []
    missing: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            from pathlib import Path

            matches = sorted(
                str(p) for p in Path(item).rglob("*")
                if p.suffix.lower() in INVENTORY_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(item).parts)
            )
            found.extend(matches)
        elif os.path.exists(item):
            found.append(item)
        elif has_magic(item):
            import glob

            matches = sorted(glob.glob(item, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            if files:
                found.extend(files)
            else:
                missing.append(item)
        else:
            missing.append(item)
    seen: set[str] = set()
    unique = []
    for f in found:
        key = os.path.normcase(os.path.abspath(f))
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


_MAGIC = re.compile("[*?[]")


def has_magic(item: str) -> bool:
    """True when `item` is a glob pattern (`*`, `?`, `[`): glob.has_magic, without importing glob."""
    return _MAGIC.search(item) is not None


_TOP_KEY = r"^[\"']?{}[\"']?[ \t]*:"


def looks_like_inventory(path: str | os.PathLike) -> bool:
    """True when a YAML file has the top-level keys `version` and `flux` of an inventory.

    Read as text, without parsing, so that a GitHub workflow, a docker-compose
    file or a broken inventory are told apart cheaply: a broken inventory still
    has its two keys at column 0 and is validated (and its errors reported).
    An unreadable file counts as an inventory, so that `valider` reports it.
    """
    try:
        with open(path, "rb") as fh:
            text = fh.read(2 * 1024 * 1024).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return True
    if text.lstrip().startswith("{"):  # a flow mapping at the top
        return bool(re.search(r"[{,]\s*[\"']?version[\"']?\s*:", text)
                    and re.search(r"[{,]\s*[\"']?flux[\"']?\s*:", text))
    return all(re.search(_TOP_KEY.format(key), text, re.MULTILINE) for key in ("version", "flux"))


# --------------------------------------------------------------------------- writing files

class OutputError(SymbioError, OSError):
    """An output that cannot be written; `str()` is the French message naming the path (exit 2)."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{printable(path)} : écriture impossible ({message})")

    def __str__(self) -> str:
        return self.args[0]


_REASONS = {
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "plus d'espace sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.ENAMETOOLONG: "nom ou chemin trop long",
    errno.ENOENT: "le dossier parent n'existe pas ; créez-le d'abord",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier ; donnez un nom de fichier",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENXIO: "aucun lecteur à l'autre bout (tube ou socket)",
    errno.EPIPE: "le lecteur a fermé le tube",
    errno.EBADF: "sortie fermée",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ELOOP: "trop de liens symboliques",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EFBIG: "fichier trop gros pour ce système de fichiers",
}


def output_error(path, exc: OSError) -> OutputError:
    """The French OutputError for an OSError raised while writing `path`."""
    reason = _REASONS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
    return OutputError(os.fspath(path), reason)


_STD_FD = re.compile(r"^/(?:dev/(?:std(in|out|err)|fd/(\d+))|proc/(?:self|\d+)/fd/(\d+))$")


def _std_fd(path: str) -> int | None:
    """The file descriptor a `/dev/stdout`-like path names (`-` is 1), else None."""
    if path == "-":
        return 1
    m = _STD_FD.match(path)
    if not m:
        return None
    if m.group(1):
        return {"in": 0, "out": 1, "err": 2}[m.group(1)]
    return int(m.group(2) or m.group(3))


def is_stream(path: str | os.PathLike) -> bool:
    """True for `-`, `/dev/stdout`-like names, devices, FIFOs and sockets: written through, never replaced."""
    path = os.fspath(path)
    if _std_fd(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_output(path: str | os.PathLike, data: str | bytes, durable: bool = True) -> None:
    """Write `data` (str is UTF-8) to `path`: the one writer of every symbio output.

    - `-`, `/dev/stdout`, `/dev/fd/N`: written to that stream (sharing its offset);
    - a character device, a FIFO or a socket (`/dev/null`, `mkfifo`): written
      through, never replaced;
    - anything else: atomically, through a temporary file in the same folder
      then `os.replace`, so an interruption never leaves a partial file. The
      file gets the mode of the one it replaces, or 0666 minus the umask (not
      mkstemp's 0600). A symbolic link is kept: its target is replaced.
      `durable` adds an fsync (batches skip it for speed).

    The parent folder must exist. Raises OutputError (French message naming
    the path) for any OSError: permission, full disk, name too long, missing
    parent, a folder in the way.
    """
    text = os.fspath(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd = _std_fd(text)
        if fd is not None:
            _write_fd(fd, raw)
        elif is_stream(text):
            with open(text, "wb", buffering=0) as fh:
                _write_all(fh, raw)
        else:
            _write_atomic(text, raw, durable)
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(text, exc) from None


def _write_fd(fd: int, raw: bytes) -> None:
    std = {1: sys.stdout, 2: sys.stderr}.get(fd)
    if std is not None:  # through Python's stream, so that what was already printed stays in order
        std.flush()
        buffer = getattr(std, "buffer", None)
        if buffer is not None:
            buffer.write(raw)
            buffer.flush()
        else:
            std.write(raw.decode("utf-8"))
            std.flush()
        return
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view):]


def _write_all(fh, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        view = view[fh.write(view):]


def _write_atomic(path: str, raw: bytes, durable: bool) -> None:
    """Temporary file in the same folder, then os.replace: the only one in the package."""
    if os.path.islink(path):
        path = os.path.realpath(path)  # replace the link's target, keep the link
    if os.path.isdir(path):
        raise OSError(errno.EISDIR, "is a directory", path)
    folder = os.path.dirname(path) or "."
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".symbio-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_UMASK = None


def _umask() -> int:
    """The process umask, read once (os.umask can only be read by setting it)."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0)
        os.umask(_UMASK)
    return _UMASK


def make_folder(path: str | os.PathLike) -> None:
    """Create an output folder (and its parents); OutputError when impossible or a file is in the way."""
    text = os.fspath(path)
    try:
        os.makedirs(text, exist_ok=True)
    except FileExistsError:
        raise OutputError(text, "un fichier porte déjà ce nom ; un dossier est attendu") from None
    except OSError as exc:
        raise output_error(text, exc) from None


# --------------------------------------------------------------------------- the one CSV writer

_FORMULA_START = frozenset("=+-@\t\r")
_AFTER_SEMICOLON = re.compile(r";[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[-+−]?\d+(?:[.,]\d+)?$")


def csv_cell(value, digits: int = 2, excel_fr: bool = False) -> str:
    """One CSV cell as text; the only place a cell is formatted.

    None and non-finite floats → empty; bool → true/false; int as is; float
    with `digits` decimals (a decimal comma under `excel_fr`, −0 written 0).
    Text that a spreadsheet would run as a formula (starting with `=`, `+`,
    `-`, `@`, TAB or CR, or holding one right after a `;`) is prefixed with `'`
    (OWASP, "CSV injection"); a plain number such as `-12,5` is not a formula
    and stays as it is.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = f"{value:.{digits}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]
        return text.replace(".", ",") if excel_fr else text
    text = str(value)
    if _PLAIN_NUMBER.match(text):
        return text
    if text[:1] in _FORMULA_START or _AFTER_SEMICOLON.search(text):
        text = "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence], *, digits=None, excel_fr: bool = False) -> str:
    """A whole CSV file as text, through the one csv.writer of the package.

    `rows`: sequences aligned with `header`. `digits`: decimals per column name
    (dict; 2 when absent). Default: RFC 4180 (`,`, decimal point, CRLF, no
    BOM), for machines. `excel_fr`: `;`, decimal comma, UTF-8 BOM, CRLF, what
    a French-Canadian Excel opens into columns with typed numbers.
    """
    import csv

    digits = digits or {}
    buf = io.StringIO()
    if excel_fr:
        buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";" if excel_fr else ",", lineterminator="\r\n")
    writer.writerow([csv_cell(h, excel_fr=excel_fr) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v, digits.get(h, 2), excel_fr) for h, v in zip(header, row, strict=True)])
    return buf.getvalue()
