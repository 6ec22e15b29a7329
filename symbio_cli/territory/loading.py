"""Reading many inventories for the territory (worker processes for the per-file part)."""

from __future__ import annotations

from dataclasses import replace

from symbio_cli.errors import Problem
from symbio_cli.factors import Library
from symbio_cli.territory.firms import load_firm

_worker_lib = None


def _init_worker(overlay):
    global _worker_lib
    from symbio_cli import factors

    _worker_lib = factors.load(overlay)


def _load_one(path: str):
    try:
        return path, *load_firm(path, _worker_lib)
    except Exception as exc:  # a bug on one file must not stop the others
        return path, None, [Problem(path, None, None, "", f"erreur interne ({type(exc).__name__}: {exc}) — signalez-la")]


def load_all(paths: list[str], lib: Library, jobs: int = 1, overlay: str | None = None):
    """(path, FirmData | None, problems) for every file, in the order given.

    The files left out (no FirmData) are recorded, with their first error, on
    every FirmData returned (`FirmData.exclus`), so that `analyse` can list
    them in the workshop report.
    """
    from symbio_cli.runner import run_pool  # the one pool: its workers die with this process

    def inline():
        global _worker_lib
        _worker_lib = lib

    chunk = max(1, min(64, len(paths) // (max(jobs, 1) * 4) or 1))
    out = list(run_pool(_load_one, paths, jobs, initializer=_init_worker, initargs=(overlay,),
                        inline_initializer=inline, chunksize=chunk))
    left_out = tuple((path, first_error(path, problems)) for path, data, problems in out if data is None)
    if left_out:
        out = [(path, data if data is None else replace(data, exclus=left_out), problems)
               for path, data, problems in out]
    return out


def first_error(path: str, problems) -> str:
    """`file:line: message` of a file's first error (its first problem when none is an error)."""
    errors = [p for p in problems if p.severity != "avertissement"] or list(problems)
    return errors[0].format() if errors else f"{path}: inventaire écarté"


