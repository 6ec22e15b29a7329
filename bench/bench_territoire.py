"""`symbio territoire` on many firms against auditing the same files one by one.

    python bench/bench_territoire.py [--firmes 2000] [--flux 20] [--repetitions 3] [--garder DOSSIER]

Writes N seeded synthetic firms (20 streams each, plus inputs, spread over a
few MRCs of southern Québec) into a temporary folder, then runs, alternately,

    symbio territoire DOSSIER -f json -o /dev/null            (its default -j)
    symbio territoire DOSSIER -f json -o /dev/null -j 1
    symbio audit DOSSIER -j 1 -f json -o SORTIE

and prints the median (min–max) wall time of each and the ratios
territoire / audit. Target (issue 6): territoire ≤ 2 × audit -j 1.
`--firmes 200` gives a quick run.

    python bench/bench_territoire.py --croissance 1000,4000,16000 [--flux 20]

Growth (issue 15): for each size, the median wall time of `symbio territoire`
(its default -j) and of the analysis alone (in this process, on the firms
already read: matches, pooling, summary, JSON), then the growth exponent
log(t₂/t₁) / log(n₂/n₁) between successive sizes and from the first to the
last. Target: territory time growing at most as n^1,15.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# (material, density, mode, fee range $/t) — what plants of a region throw away
MATERIALS = [
    ("bois_residus", "210 kg/m³", "enfouissement", (40, 110)),
    ("bois_palettes", "150 kg/m³", "enfouissement", (60, 120)),
    ("bois_construction", "200 kg/m³", "enfouissement", (70, 130)),
    ("carton", "60 kg/m³", "recyclage", (-20, 40)),
    ("papier", "150 kg/m³", "recyclage", (-10, 40)),
    ("plastique_film", "25 kg/m³", "enfouissement", (90, 140)),
    ("plastique_rigide", "60 kg/m³", "recyclage", (0, 60)),
    ("metal_ferreux", "130 kg/m³", "recyclage", (-120, -20)),
    ("verre", "300 kg/m³", "enfouissement", (60, 120)),
    ("organique_alimentaire", "400 kg/m³", "enfouissement", (80, 130)),
    ("dreches", "700 kg/m³", "enfouissement", (70, 120)),
    ("lactoserum", "1000 kg/m³", "epandage", (10, 40)),
    ("boues", "900 kg/m³", "enfouissement", (70, 120)),
    ("cendres", "650 kg/m³", "enfouissement", (70, 120)),
    ("beton_agregats", "1400 kg/m³", "enfouissement", (30, 80)),
    ("sable_fonderie", "1500 kg/m³", "enfouissement", (40, 90)),
    ("dechets_melanges", "120 kg/m³", "enfouissement", (90, 140)),
]
INPUTS = [
    ("biomasse_combustible", (35, 70), (200, 3000)),
    ("litiere", (20, 40), (50, 400)),
    ("alimentation_animale", (30, 80), (100, 800)),
    ("amendement_sol", (25, 60), (30, 300)),
    ("granulats", (10, 25), (500, 5000)),
    ("carton", (300, 1500), (5, 40)),
    ("bois_palettes", (80, 200), (10, 60)),
]
MRC = [  # (name, lat, lon): centres of a few MRCs of southern Québec
    ("La Côte-de-Beaupré", 47.05, -70.90), ("Lotbinière", 46.55, -71.75), ("Drummond", 45.88, -72.48),
    ("Les Maskoutains", 45.62, -72.95), ("Bellechasse", 46.70, -70.85), ("Arthabaska", 46.05, -71.95),
    ("Les Chenaux", 46.45, -72.30), ("Portneuf", 46.75, -71.90),
]
SCIAN = ["321111", "311511", "312120", "332710", "326198", "444130", "721111", "112120", "111419", "238190",
         "337123", "322211"]


def firm(seed: int, streams: int) -> str:
    """One synthetic inventory, fully determined by `seed`."""
    rng = random.Random(seed)
    name, lat0, lon0 = MRC[seed % len(MRC)]
    r = abs(rng.gauss(0, 12)) / 111.2
    angle = rng.random() * 2 * math.pi
    lat = lat0 + r * math.sin(angle)
    lon = lon0 + r * math.cos(angle) / math.cos(math.radians(lat0))
    lines = [
        "version: 1",
        "entreprise:",
        f"  nom: Entreprise synthétique {seed:05d} inc.",
        f"  mrc: {name}",
        f"  coordonnees: {{lat: {lat:.5f}, lon: {lon:.5f}}}",
        f'  scian: "{rng.choice(SCIAN)}"',
        "annee: 2026",
        "flux:",
    ]
    for i in range(streams):
        mat, rho, mode, (lo, hi) = MATERIALS[rng.randrange(len(MATERIALS))]
        lines += [
            f"  - id: flux{i}",
            f"    nom: Flux {i}",
            f"    matiere: {mat}",
            f"    quantite: {rng.randint(1, 30)} t/mois",
            f"    masse_volumique: {rho}",
            "    gestion:",
            f"      mode: {mode}",
            f"      tarif: {rng.randint(lo, hi)} $/t",
        ]
        if rng.random() < 0.8:
            lines += [
                "      collecte:",
                f"        contenant: {rng.choice([6, 10, 20, 30, 40])} vg³",
                f"        levees: {rng.choice([1, 2, 4])}/mois",
                f"        frais_levee: {rng.randint(60, 350)} $",
            ]
        else:
            lines.append(f"      entreposage: {rng.randint(5, 60)} m²")
        if rng.random() < 0.03:
            lines += [
                "    scenarios:",
                "      - type: substitution",
                "        statut: en_place",
                f"        preneur: Entreprise synthétique {rng.randrange(10 ** 5):05d} inc.",
                f"        prix: {rng.randint(-20, 40)} $/t",
                "        part: 50 %",
            ]
    intrants = [INPUTS[k] for k in rng.sample(range(len(INPUTS)), rng.choice([0, 0, 1, 1, 2]))]
    if intrants:
        lines.append("intrants:")
        for cat, (plo, phi), (qlo, qhi) in intrants:
            lines += [f"  - nom: Achat de {cat}", f"    matiere: {cat}",
                      f"    quantite: {rng.randint(qlo, qhi)} t/an", f"    prix: {rng.randint(plo, phi)} $/t"]
    return "\n".join(lines) + "\n"


def write_firms(folder: str, n: int, streams: int) -> None:
    os.makedirs(folder, exist_ok=True)
    for seed in range(n):
        with open(os.path.join(folder, f"firme{seed:05d}.yaml"), "w", encoding="utf-8") as fh:
            fh.write(firm(seed, streams))


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    # from a neutral folder: `-m symbio_cli` from the checkout would import its sources, not the install
    done = subprocess.run(cmd, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"échec ({done.returncode}) : {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return elapsed


def exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    """The growth exponent k of t = c × n^k between two sizes."""
    return math.log(t2 / t1) / math.log(n2 / n1)


def analysis_time(folder: str) -> float:
    """Seconds of the analysis alone (and its JSON), on firms already read and audited."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from symbio_cli import factors, territory
    from symbio_cli.reports.territory import render_json

    lib = factors.load()
    paths = sorted(os.path.join(folder, f) for f in os.listdir(folder))
    firms = [data for _, data, _ in territory.load_all(paths, lib, jobs=os.cpu_count() or 1) if data is not None]
    start = time.perf_counter()
    render_json(territory.analyse(firms, lib))
    return time.perf_counter() - start


def growth(sizes: list[int], streams: int, repetitions: int, work: str) -> None:
    symbio = [sys.executable, "-m", "symbio_cli"]
    rows = []
    for n in sizes:
        folder = os.path.join(work, f"n{n}")
        write_firms(folder, n, streams)
        cmd = symbio + ["territoire", folder, "-f", "json", "-o", os.devnull, "--date", "2026-01-01"]
        total = statistics.median(timed(cmd) for _ in range(repetitions))
        alone = statistics.median(analysis_time(folder) for _ in range(repetitions))
        rows.append((n, total, alone))
        print(f"{n:>6} entreprises : territoire {total:7.2f} s, analyse seule {alone:7.2f} s", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
    for label, col in (("territoire", 1), ("analyse seule", 2)):
        parts = [f"{a[0]}→{b[0]} : {exponent(a[0], a[col], b[0], b[col]):.2f}" for a, b in zip(rows, rows[1:])]
        k = exponent(rows[0][0], rows[0][col], rows[-1][0], rows[-1][col])
        print(f"exposant de croissance, {label} : {', '.join(parts)} ; {rows[0][0]}→{rows[-1][0]} : {k:.2f} "
              f"({'OK' if k <= 1.15 else 'HORS CIBLE'} : cible ≤ 1,15)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firmes", type=int, default=2000)
    parser.add_argument("--flux", type=int, default=20)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--garder", metavar="DOSSIER", help="écrire les inventaires ici et les garder")
    parser.add_argument("--croissance", metavar="N1,N2,…", help="tailles pour l'exposant de croissance")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="symbio-territoire-")
    if args.croissance:
        try:
            growth([int(x) for x in args.croissance.split(",")], args.flux, args.repetitions, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    folder = args.garder or os.path.join(work, "firmes")
    try:
        start = time.perf_counter()
        write_firms(folder, args.firmes, args.flux)
        print(f"{args.firmes} entreprises × {args.flux} flux = {args.firmes * args.flux} flux "
              f"(écrites en {time.perf_counter() - start:.1f} s), {os.cpu_count()} cœurs")
        symbio = [sys.executable, "-m", "symbio_cli"]
        commands = {
            "territoire": symbio + ["territoire", folder, "-f", "json", "-o", os.devnull, "--date", "2026-01-01"],
            "territoire -j 1": symbio + ["territoire", folder, "-f", "json", "-o", os.devnull, "--date", "2026-01-01",
                                         "-j", "1"],
            "audit -j 1": symbio + ["audit", folder, "-j", "1", "-f", "json", "-o", os.path.join(work, "audit"),
                                    "--date", "2026-01-01"],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        for rep in range(args.repetitions):
            order = list(commands) if rep % 2 == 0 else list(reversed(commands))
            for name in order:
                times[name].append(timed(commands[name]))
                shutil.rmtree(os.path.join(work, "audit"), ignore_errors=True)
        med = {k: statistics.median(v) for k, v in times.items()}
        for name, values in times.items():
            print(f"{name:<16} médiane {med[name]:7.2f} s  (min {min(values):.2f} – max {max(values):.2f}, "
                  f"{len(values)} mesures)")
        for name in ("territoire", "territoire -j 1"):
            ratio = med[name] / med["audit -j 1"]
            print(f"rapport {name} / audit -j 1 : {ratio:.2f} (cible ≤ 2) {'OK' if ratio <= 2 else 'HORS CIBLE'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
