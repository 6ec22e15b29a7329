"""Batch and start-up benchmarks (issue 5), as ratios against baselines.

    python bench/bench_lots.py [--inventaires 1000] [--flux 20] [--repetitions 5] [-j 2]

1. Start-up: `symbio audit exemples/usine.yaml -f json` against
   `python -c "import click, yaml, rich.console, jinja2, pint; pint.UnitRegistry()"`
   (target: ratio ≤ 0,7).
2. Throughput: `symbio audit DIR -f json -o OUT -j 2` on N seeded synthetic
   inventories against two references run alternately in the same rounds:
   one process that only parses the same files with PyYAML's C loader (the
   floor of issue 15: target ≤ 0,6, two cores allow about 0,5), and one that
   also writes each back as JSON (issue 5: target ≤ 1,0).

Runs alternate (baseline, symbio, baseline, …) so that drifts of the machine
hit both; medians and min–max are printed. Timings live here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

from generateur import inventory  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE_PARSE_ONLY = """
import os, sys, yaml
src = sys.argv[1]
for name in sorted(os.listdir(src)):
    with open(os.path.join(src, name), "rb") as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
"""
BASELINE_PARSE = """
import json, os, sys, yaml
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    with open(os.path.join(src, name), "rb") as fh:
        data = yaml.load(fh, Loader=yaml.CSafeLoader)
    with open(os.path.join(dst, name + ".json"), "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, default=str)
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def alternate(*commands: list[str], repetitions: int, before=None) -> tuple[list[float], ...]:
    """Each command once per round, in turn; the times of each, round by round."""
    times: tuple[list[float], ...] = tuple([] for _ in commands)
    for _ in range(repetitions):
        for cmd, out in zip(commands, times):
            if before:
                before()
            out.append(timed(cmd))
    return times


def report(title: str, base: list[float], ours: list[float], target: str) -> None:
    ratios = [o / b for o, b in zip(ours, base)]
    print(f"{title}")
    print(f"  référence : médiane {statistics.median(base):.3f} s (min {min(base):.3f}, max {max(base):.3f})")
    print(f"  symbio    : médiane {statistics.median(ours):.3f} s (min {min(ours):.3f}, max {max(ours):.3f})")
    print(f"  rapport   : médiane {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}) ; cible {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventaires", type=int, default=1000)
    parser.add_argument("--flux", type=int, default=20)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--symbio", default=shutil.which("symbio") or "symbio")
    parser.add_argument("--sans-demarrage", action="store_true", help="sauter la mesure du démarrage")
    args = parser.parse_args()
    python = sys.executable
    if not args.sans_demarrage:
        example = os.path.join(ROOT, "exemples", "usine.yaml")
        base, ours = alternate(
            [python, "-c", "import click, yaml, rich.console, jinja2, pint; pint.UnitRegistry()"],
            [args.symbio, "audit", example, "-f", "json", "--date", "2026-01-01"],
            repetitions=max(args.repetitions, 11))
        report("Démarrage (audit d'un fichier en JSON)", base, ours, "≤ 0,70")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "inventaires")
        os.makedirs(src)
        for seed in range(args.inventaires):
            with open(os.path.join(src, f"inv{seed:05d}.yaml"), "w", encoding="utf-8") as fh:
                fh.write(inventory(seed, args.flux))
        out_a, out_b = os.path.join(tmp, "a"), os.path.join(tmp, "b")

        def clean():
            shutil.rmtree(out_a, ignore_errors=True)
            shutil.rmtree(out_b, ignore_errors=True)

        floor, base, ours = alternate(
            [python, "-c", BASELINE_PARSE_ONLY, src],
            [python, "-c", BASELINE_PARSE, src, out_a],
            [args.symbio, "audit", src, "-f", "json", "-o", out_b, "-j", str(args.jobs), "--date", "2026-01-01"],
            repetitions=args.repetitions, before=clean)
        written = len([n for n in os.listdir(out_b) if n.startswith("inv")])
        title = f"Lot : {args.inventaires} inventaires × {args.flux} flux, -j {args.jobs}"
        report(f"{title} — contre l'analyse seule (chargeur C)", floor, ours, "≤ 0,60 (issue 15)")
        report(f"{title} — contre l'analyse et l'écriture JSON", base, ours, "≤ 1,00 (issue 5)")
        print(f"  rapports écrits : {written} ; inventaires/s : {args.inventaires / statistics.median(ours):.0f}")


if __name__ == "__main__":
    main()
