"""How fast hostile inputs are refused, and how fast reports render (timings moved out of tests).

    python bench/bench_garde_fous.py [--repetitions 5]

The tests check *what* symbio answers (refused, which message); this script
checks *how fast*, against the limits the tests used to assert: a wall-clock
assertion fails under load (2 cores shared by several jobs), a benchmark only
reports. Each case runs `--repetitions` times in this process after one warm-up
run; the median and the min–max are printed beside the limit, and the exit
status is 1 when a median is over its limit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from symbio_cli import factors, loader, numbers, pipeline, reports, units  # noqa: E402
from symbio_cli.errors import QuantityError  # noqa: E402


def _refused(fn, *args):
    try:
        fn(*args)
    except QuantityError:
        return
    raise AssertionError(f"{fn.__name__} a accepté une entrée hostile")


def _billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    return text


def cases(folder: str):
    """(name, limit in seconds, callable) for every guard the tests used to time."""
    laughs = os.path.join(folder, "rires.yaml")
    with open(laughs, "w", encoding="utf-8") as fh:
        fh.write("version: 1\n" + _billion_laughs())
    huge = os.path.join(folder, "enorme.yaml")
    with open(huge, "wb") as fh:
        fh.write(b"version: 1\n")
        fh.write((b"# " + b"x" * 1021 + b"\n") * (50 * 1024))
    lib = factors.load(None)
    usine = pipeline.audit_file(os.path.join(ROOT, "exemples", "usine.yaml"), lib).result

    yield "quantité 10**10**10 kg", 0.1, lambda: _refused(units.parse, "10**10**10 kg")
    for label, text in (("chiffres", "1" * 100_000), ("lettres", "1 " + "t" * 100_000),
                        ("parenthèses", "1 " + "(" * 100_000 + "t" + ")" * 100_000),
                        ("puissances", "1 " + "10**" * 25_000)):
        yield f"quantité de 100 ko ({label})", 0.1, lambda text=text: _refused(units.parse, text)
    for label, text in (("lettres", "a" * 100_000), ("parenthèses", "(" * 100_000), ("divisions", "t/" * 50_000)):
        yield f"unité de 100 ko ({label})", 0.5, lambda text=text: _refused(units.parse_unit, text)
    yield "YAML « billion laughs »", 0.5, lambda: loader.read(laughs)
    yield "fichier de 50 Mo", 0.5, lambda: loader.read(huge)
    yield "20 000 montants formatés", 2.0, lambda: [numbers.format_money(i * 1.37, "fr", 0) for i in range(20_000)]
    yield "rapport HTML + Markdown (usine)", 0.1, lambda: (reports.render(usine, "html", "fr", "2026-01-01", lib=lib),
                                                           reports.render(usine, "md", "fr", "2026-01-01", lib=lib))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    over = 0
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'cas':<40} {'médiane':>10} {'min–max':>19} {'limite':>8}")
        for name, limit, fn in cases(folder):
            fn()  # warm-up: caches, imports
            runs = []
            for _ in range(args.repetitions):
                start = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - start)
            median = statistics.median(runs)
            flag = "" if median <= limit else "  TROP LENT"
            over += median > limit
            print(f"{name:<40} {median * 1000:>8.1f} ms {min(runs) * 1000:>8.1f}–{max(runs) * 1000:<8.1f}ms "
                  f"{limit * 1000:>6.0f} ms{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
