"""Growth of `symbio territoire` with the number of firms (issue 15), as an exponent.

    python bench/bench_territoire_croissance.py [--tailles 1000,4000,16000] [--flux 5] [--repetitions 3] [-j 2]

Writes the seeded synthetic firms of bench_territoire.py (the first N of one
series, so each size contains the smaller ones), then runs, size after size
within each round, `symbio territoire DOSSIER -f json -o /dev/null`, and
prints per size the median wall and CPU time (user + system of the command
and its worker processes, from `wait4`) and the growth exponents
log(t₂/t₁) / log(n₂/n₁) between sizes and from the smallest to the largest.
Target (issue 15): exponent ≤ 1,15 from 1 000 to 16 000 firms. On a loaded
shared machine the CPU exponent is the steadier one. Timings live here,
never in tests.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

from bench_territoire import firm  # noqa: E402


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its reaped children)."""
    with tempfile.TemporaryFile() as err:  # warnings go to a file: a full pipe would block the command
        start = time.perf_counter()
        # from a neutral folder: `-m symbio_cli` from the checkout would import its sources, not the install
        proc = subprocess.Popen(cmd, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"échec ({proc.returncode}) : {' '.join(cmd)}\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    return math.log(t2 / t1) / math.log(n2 / n1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tailles", default="1000,4000,16000", help="nombres d'entreprises, séparés par des virgules")
    parser.add_argument("--flux", type=int, default=5, help="flux par entreprise (défaut 5)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.tailles.split(","))
    work = tempfile.mkdtemp(prefix="symbio-croissance-")
    try:
        folders = {}
        for n in sizes:
            folders[n] = os.path.join(work, f"f{n}")
            os.makedirs(folders[n])
            for seed in range(n):
                with open(os.path.join(folders[n], f"firme{seed:05d}.yaml"), "w", encoding="utf-8") as fh:
                    fh.write(firm(seed, args.flux))
        symbio = [sys.executable, "-m", "symbio_cli", "territoire"]
        tail = ["-f", "json", "-o", os.devnull, "--date", "2026-01-01", "-j", str(args.jobs)]
        times: dict[int, list[tuple[float, float]]] = {n: [] for n in sizes}
        for _ in range(args.repetitions):
            for n in sizes:
                times[n].append(timed(symbio + [folders[n]] + tail))
        print(f"{args.flux} flux par entreprise, -j {args.jobs}, {os.cpu_count()} cœurs, "
              f"{args.repetitions} mesures par taille (médianes)")
        med = {n: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v)) for n, v in times.items()}
        for n in sizes:
            print(f"  {n:>6} entreprises : mur {med[n][0]:8.2f} s   CPU {med[n][1]:8.2f} s   "
                  f"({med[n][1] / n * 1000:.2f} ms CPU par entreprise)")
        over = False
        for a, b in zip(sizes, sizes[1:]):
            print(f"  exposant {a} → {b} : mur {exponent(a, med[a][0], b, med[b][0]):.2f}   "
                  f"CPU {exponent(a, med[a][1], b, med[b][1]):.2f}")
        if len(sizes) > 2:
            a, b = sizes[0], sizes[-1]
            wall, cpu = exponent(a, med[a][0], b, med[b][0]), exponent(a, med[a][1], b, med[b][1])
            over = wall > 1.15
            print(f"  exposant {a} → {b} : mur {wall:.2f}   CPU {cpu:.2f}   (cible ≤ 1,15)"
                  + ("  AU-DELÀ" if over else ""))
        return 1 if over else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
