"""Streams per second of METHODE.md alone (validated models, no I/O).

    python bench/bench_methode.py [--inventaires 200] [--flux 20] [--repetitions 7]

Prints the median, min and max of streams/s over repetitions, on one core.
Target (issue 3): at least 20 000 streams/s.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from generateur import inventory  # noqa: E402

from symbio_cli import factors, loader, method  # noqa: E402
from symbio_cli import inventory as inv_mod


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inventaires", type=int, default=200)
    parser.add_argument("--flux", type=int, default=20)
    parser.add_argument("--repetitions", type=int, default=7)
    args = parser.parse_args()
    lib = factors.load()
    models = []
    for seed in range(args.inventaires):
        doc = loader.loads(inventory(seed, args.flux), f"synth{seed}.yaml")
        model, problems = inv_mod.validate(doc, lib)
        assert model is not None, [p.format() for p in problems]
        models.append(model)
    streams = sum(len(m.flux) for m in models)
    # The models prepared above stay alive for the whole run, unlike in the CLI
    # where one inventory lives at a time: keep the collector from rescanning them.
    gc.collect()
    gc.freeze()
    rates = []
    for _ in range(args.repetitions):
        start = time.perf_counter()
        for m in models:
            method.audit(m, lib)
        rates.append(streams / (time.perf_counter() - start))
    print(f"méthode seule : {streams} flux × {args.repetitions} répétitions")
    print(f"flux/s : médiane {statistics.median(rates):,.0f} (min {min(rates):,.0f}, max {max(rates):,.0f})".replace(",", " "))


if __name__ == "__main__":
    main()
