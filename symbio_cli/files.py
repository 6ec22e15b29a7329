"""Finding input files and writing output files safely."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

INVENTORY_SUFFIXES = (".yaml", ".yml")


def expand(inputs: list[str]) -> tuple[list[str], list[str]]:
    """Files from files, folders (recursively) and globs; and the inputs that matched nothing."""
    found: list[str] = []
    missing: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            matches = sorted(
                str(p) for p in Path(item).rglob("*")
                if p.suffix.lower() in INVENTORY_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(item).parts)
            )
            found.extend(matches)
        elif os.path.exists(item):
            found.append(item)
        elif glob.has_magic(item):
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


def write_atomic(path: str | os.PathLike, data: str | bytes, durable: bool = True) -> None:
    """Write a file through a temporary file in the same folder, then rename.

    An interruption (Ctrl-C, kill) never leaves a partial file; permissions
    follow the umask (mkstemp makes 0600 files). `durable` adds an fsync, so a
    power cut cannot leave an empty file either; batches skip it for speed.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
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
