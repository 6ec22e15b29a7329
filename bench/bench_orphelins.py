"""How long the workers of a batch outlive their parent (issue 13: no orphan 5 s after the parent died).

    python bench/bench_orphelins.py [--tours 10] [--inventaires 1000] [-j 2]

Each round starts `symbio audit DOSSIER -o SORTIE -j N` on seeded synthetic
inventories, waits for its workers, kills the parent (SIGKILL and SIGTERM in
turn) and measures, with a pidfd per worker, the time until the last worker
has ended. Medians and maxima per signal are printed against the 5 s bound.
The tests only check that the workers end (tests/test_lots.py); timings live
here.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

from generateur import inventory  # noqa: E402

BOUND_S = 5.0


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def one_round(src: str, out: str, jobs: int, sig: int) -> float | None:
    """Seconds from the kill of the parent to the end of its last worker; None when the batch ended first."""
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-m", "symbio_cli", "audit", src, "-o", out + "/", "-j", str(jobs)],
                            cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    workers: list[int] = []
    while proc.poll() is None and len(workers) < jobs:
        time.sleep(0.02)
        workers = _children(proc.pid)
    if len(workers) < jobs:
        return None
    fds = []
    for pid in workers:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:
            pass
    start = time.perf_counter()
    os.kill(proc.pid, sig)
    for fd in fds:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        poller.poll(60_000)
        os.close(fd)
    elapsed = time.perf_counter() - start
    proc.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tours", type=int, default=10)
    parser.add_argument("--inventaires", type=int, default=1000)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    if not hasattr(os, "pidfd_open"):
        print("pidfd indisponible : Linux seulement")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "inventaires")
        os.makedirs(src)
        for seed in range(args.inventaires):
            with open(os.path.join(src, f"inv{seed:05d}.yaml"), "w", encoding="utf-8") as fh:
                fh.write(inventory(seed, 20))
        times: dict[str, list[float]] = {"SIGKILL": [], "SIGTERM": []}
        for k in range(args.tours):
            name = "SIGKILL" if k % 2 == 0 else "SIGTERM"
            t = one_round(src, os.path.join(tmp, "sortie"), args.jobs, getattr(signal, name))
            if t is not None:
                times[name].append(t)
    over = False
    for name, values in times.items():
        if not values:
            print(f"{name} : aucun tour mesuré (le lot a fini avant ses travailleurs)")
            continue
        worst = max(values)
        over = over or worst > BOUND_S
        print(f"{name} : dernier travailleur fini {statistics.median(values) * 1000:.0f} ms après le parent "
              f"(médiane de {len(values)}, max {worst * 1000:.0f} ms ; borne {BOUND_S:.0f} s)"
              + ("  AU-DELÀ" if worst > BOUND_S else ""))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
