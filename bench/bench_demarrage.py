"""Start-up of one-file commands, as ratios against `python -c pass` (issue 15).

    python bench/bench_demarrage.py [--repetitions 11]

Each round runs `python -c pass`, then each command, alternately, so that a
drift of the shared machine hits the reference and the commands alike; medians
(and min–max) are printed with the ratio of the medians, for the wall time and
for the CPU time of the child (user + system, from `wait4`): on a loaded shared
machine the CPU ratio is the steadier of the two. Targets (issue 15):
`valider` ≤ 8 ×, `audit -f json` ≤ 12 ×, `audit -f md` ≤ 15 ×. Timings live
here, never in tests. The `symbio` beside this Python is measured (the
installed console script), from the repository root.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join("exemples", "usine.yaml")


def _symbio() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "symbio")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "symbio_cli"]


COMMANDS = {
    "valider": (["valider", EXAMPLE], 8),
    "audit -f json": (["audit", EXAMPLE, "-f", "json", "--date", "2026-01-01"], 12),
    "audit -f md": (["audit", EXAMPLE, "-f", "md", "--date", "2026-01-01"], 15),
}


# Bytecode as an installed package has it (pip compiles it): PYTHONDONTWRITEBYTECODE would
# make every run compile the modules again and measure the compiler.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped by wait4
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=11)
    args = parser.parse_args()
    base_cmd = [sys.executable, "-c", "pass"]
    symbio = _symbio()
    for argv, _ in COMMANDS.values():  # warm the disk cache and any bytecode
        timed(symbio + argv)
    base: list[tuple[float, float]] = []
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(args.repetitions):
        for name, (argv, _) in COMMANDS.items():
            base.append(timed(base_cmd))
            runs[name].append(timed(symbio + argv))
    over = 0
    for k, clock in ((0, "mur"), (1, "CPU")):
        ref_values = [t[k] for t in base]
        ref = statistics.median(ref_values)
        print(f"[{clock}] python -c pass : médiane {ref * 1000:.1f} ms "
              f"({min(ref_values) * 1000:.1f}–{max(ref_values) * 1000:.1f})")
        for name, (_, target) in COMMANDS.items():
            values = [t[k] for t in runs[name]]
            med = statistics.median(values)
            ratio = med / ref
            over += k == 0 and ratio > target
            print(f"[{clock}] symbio {name:<14}: médiane {med * 1000:6.1f} ms ({min(values) * 1000:.1f}–"
                  f"{max(values) * 1000:.1f}) = {ratio:5.1f} × python -c pass (cible ≤ {target} ×)"
                  + ("" if ratio <= target else "  AU-DELÀ"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
