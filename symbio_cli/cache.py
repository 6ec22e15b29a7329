"""A private per-user cache of pickled results (issue 15): the packaged factor library.

Parsing the 13 packaged factor files costs every process ~25 ms of CPU;
unpickling the parsed library ~2 ms. `factors.load()` keeps it here:

- `folder()`: `$XDG_CACHE_HOME/symbio` (an absolute value) or
  `~/.cache/symbio`, created 0700; used only when it is a real folder (not a
  symbolic link), owned by the current user and writable by nobody else;
- `key()`: a BLAKE2b digest of everything that shapes the cached object, so a
  new Python, a new PyYAML, new code or new factor files never read an old file;
- `read()` returns None for any unreadable, truncated, corrupt or foreign file
  (the caller parses and `write()`s it again); `write()` goes through the one
  output writer (atomic) and ignores its errors. No cache is never an error.
"""

from __future__ import annotations

import os
import stat
import sys
import time

PROTOCOL = 5  # the pickle protocol, part of the key
UNUSED_DAYS = 30  # a file of another key unread this long is removed (another install may still use it)
_DAY = 86400
FORMAT = 1  # raised when a cached shape changes without any keyed source changing


def folder() -> str | None:
    """The private cache folder (absolute path), or None when there is none to trust; never raises."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no owner to check (Windows): no cache
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    path = os.path.join(base, "symbio")
    try:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            # only the cache folder and its parent are created: never a missing home (HOME=/nonexistent)
            if not os.path.isdir(base):
                os.mkdir(base, 0o700)
            os.mkdir(path, 0o700)
            info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != getuid() or info.st_mode & 0o022:
        return None
    return path


def _blake2b():
    try:  # the module behind hashlib.blake2b, without hashlib's OpenSSL import (~5 ms)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(digest_size=20)


def key(modules: tuple[str, ...], sources: list[tuple[str, bytes]]) -> str:
    """Hex digest of the Python version, the pickle protocol, PyYAML's version, the
    source of each of `modules` (file names in symbio_cli/) and `sources`
    ([(name, bytes)]: names and contents). Raises OSError when a module's
    source cannot be read (then there is no cache)."""
    import yaml

    digest = _blake2b()
    digest.update(f"{sys.version}|{PROTOCOL}|{FORMAT}|{yaml.__version__}".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    parts = []
    for name in modules:
        with open(os.path.join(here, name), "rb") as fh:
            parts.append((name, fh.read()))
    for name, raw in parts + list(sources):
        digest.update(f"\0{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    return digest.hexdigest()


def path_for(kind: str, modules: tuple[str, ...], sources: list[tuple[str, bytes]]) -> str | None:
    """`<folder>/<kind>-<key>.pickle`, or None when there is no usable folder or key."""
    where = folder()
    if where is None:
        return None
    try:
        return os.path.join(where, f"{kind}-{key(modules, sources)}.pickle")
    except OSError:
        return None


def read(path: str, expected: type):
    """(pickle bytes, object) when `path` is our regular file and unpickles into an `expected`, else None."""
    import pickle

    try:  # non-blocking: a FIFO put in the file's place must not hang the command
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                return None
            data = fh.read()
            if time.time() - info.st_mtime > _DAY:  # still in use: dated once a day, so that it is kept
                os.utime(fh.fileno())
        value = pickle.loads(data)
    except Exception:  # a truncated, corrupt or foreign file: the caller parses instead
        return None
    if not isinstance(value, expected):
        return None
    return data, value


def write(path: str, data: bytes) -> None:
    """Store `data` atomically through the one output writer, then remove the files of other
    keys of the same kind unread for UNUSED_DAYS (two installs of one account keep theirs);
    any error is ignored (the next run parses again). A link, FIFO or empty folder in the
    file's place (the folder is private: the user's own) is removed first."""
    from symbio_cli.files import OutputError, write_output

    try:
        info = os.lstat(path)
        if stat.S_ISDIR(info.st_mode):
            os.rmdir(path)
        elif not stat.S_ISREG(info.st_mode):
            os.unlink(path)
    except OSError:
        pass
    try:
        write_output(path, data, durable=False)
    except (OutputError, OSError):
        return
    name = os.path.basename(path)
    kind = name.rsplit("-", 1)[0] + "-"
    oldest = time.time() - UNUSED_DAYS * _DAY
    try:
        with os.scandir(os.path.dirname(path)) as it:
            stale = [e.path for e in it if e.name.startswith(kind) and e.name.endswith(".pickle") and e.name != name
                     and e.stat(follow_symlinks=False).st_mtime < oldest]
        for old in stale:
            os.unlink(old)
    except OSError:
        pass
