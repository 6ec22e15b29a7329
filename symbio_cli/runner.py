"""The one process-pool runner, and the one batch report object.

`run_pool` maps a function over tasks, in worker processes when `jobs > 1`,
in this process otherwise, and yields the results in the order of the tasks.
Its workers never outlive the process that started them:

- on Linux, each worker asks the kernel for SIGKILL when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), which holds even when the parent is SIGKILLed;
- everywhere, a watchdog thread in each worker ends it when its parent
  process id changes (re-parenting), in case the first guard is missing;
- SIGINT is ignored by workers (the parent alone handles Ctrl-C), and the
  parent terminates its workers when it is interrupted or fails;
- SIGTERM to the parent ends the run like Ctrl-C (exit 128 + 15).

`Report` counts what a batch did, in the manner of black's `Report`: files
done, failed, with warnings, and the exit code that follows.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from symbio_cli.errors import ExitCode

PR_SET_PDEATHSIG = 1
WATCHDOG_PERIOD_S = 0.5


class WorkerLost(RuntimeError):
    """A worker process ended in the middle of a task (killed, out of memory): the run cannot finish."""

    def __str__(self) -> str:
        return ("un processus de travail s'est arrêté en plein travail (tué, ou manque de mémoire) ; "
                "relancez avec moins de processus (-j 1)")


class Terminated(SystemExit):
    """SIGTERM received by the parent: end like Ctrl-C, with exit 143."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _die_with_parent(parent: int) -> None:
    """Make this worker end when process `parent` ends (see the module docstring)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog below still holds
            pass
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(WATCHDOG_PERIOD_S)
        os._exit(1)

    threading.Thread(target=watch, name="symbio-parent-watchdog", daemon=True).start()


def _worker_start(parent: int, initializer: Callable | None, initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def _on_sigterm(signum, frame):  # noqa: ARG001 (signal handler signature)
    raise Terminated()


def run_pool(func: Callable, tasks: Iterable, jobs: int = 1, *, initializer: Callable | None = None,
             initargs: tuple = (), inline_initializer: Callable | None = None,
             chunksize: int | None = None) -> Iterator:
    """Yield `func(task)` for every task, in order.

    `jobs > 1` and more than one task: worker processes, each started with
    `initializer(*initargs)` (load the factor library once per worker).
    Otherwise in this process, after `inline_initializer()` (or the
    initializer when none is given). `func` and the tasks must be picklable.
    An exception in `func` propagates; catch it in `func` to go on with the
    other tasks. Interrupting the loop (Ctrl-C, SIGTERM, an exception, or
    closing the generator) terminates the workers at once.
    """
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        if inline_initializer is not None:
            inline_initializer()
        elif initializer is not None:
            initializer(*initargs)
        for task in tasks:
            yield func(task)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    workers = min(jobs, len(tasks))
    chunk = chunksize or max(1, min(32, len(tasks) // (workers * 4) or 1))
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                               initargs=(os.getpid(), initializer, initargs))
    finished = False
    try:
        try:
            yield from pool.map(func, tasks, chunksize=chunk)
        except BrokenProcessPool:
            raise WorkerLost() from None
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _terminate(pool)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminate(pool) -> None:
    """Stop a pool now: cancel what is queued and kill its workers (they may be mid-task)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.kill()
        except (OSError, AttributeError, ValueError):
            pass
    for p in processes:
        try:
            p.join(5)
        except (OSError, AttributeError, ValueError, AssertionError):
            pass


@dataclass
class Report:
    """What a batch did, counted as it goes (cf. black's `Report`).

    `done(path, warnings)` for a file audited, `failed(path, message)` for a
    file that could not be (`output=True` when its report could not be
    written), `missing(path)` for an input that matched nothing.
    `return_code`: 2 when an output could not be written, 1 when a file
    failed, else 0. `str(report)` is the closing line, in French.
    """

    done_count: int = 0
    failure_count: int = 0
    warned_count: int = 0
    warning_total: int = 0
    output_errors: int = 0

    def done(self, path: str, warnings: int = 0) -> None:  # noqa: ARG002 (path kept for symmetry)
        self.done_count += 1
        if warnings:
            self.warned_count += 1
            self.warning_total += warnings

    def failed(self, path: str, message: str = "", output: bool = False) -> None:  # noqa: ARG002
        self.failure_count += 1
        if output:
            self.output_errors += 1

    def missing(self, path: str) -> None:
        self.failed(path, "fichier introuvable")

    @property
    def return_code(self) -> int:
        if self.output_errors:
            return ExitCode.USAGE
        return ExitCode.INVALID if self.failure_count else ExitCode.OK

    def __str__(self) -> str:
        from symbio_cli.i18n import count

        text = f"{count(self.done_count, 'inventaire audité', 'inventaires audités')}, {self.failure_count} en échec"
        if self.warned_count:
            text += (f", {count(self.warning_total, 'avertissement', 'avertissements')} dans "
                     f"{count(self.warned_count, 'fichier', 'fichiers')}")
        return text
