"""Soak test of batch output safety (issue 13): random SIGKILLs and two concurrent runs.

    python bench/soak_lots.py [--inventaires 1000] [--tours 8] [-j 2] [--graine 13]

Two input folders, A and B (firms « Alpha i » and « Bravo i », same file
names), are audited into ONE output folder, two runs at a time, and one or
both runs are SIGKILLed at a random moment in most rounds. After every round
the folder must hold:

- no partial report: every report parses as JSON;
- no summary that disagrees with the reports beside it: when `sommaire.json`
  is there, it lists one whole run (A or B, every file), and each of its rows
  names a report that exists and holds that row's firm; `sommaire.md` links
  only to reports that hold the firm it names;
- at most one run that was not killed exited 0 at a time (the lock refuses
  the other with exit 2).

A last run, not killed, must then leave a complete summary, no temporary file
and no lock file. `tests/test_lots_soak.py` runs a small version (40 files, 3
rounds) in the suite; this script is for the long one (a few minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from generateur import inventory  # noqa: E402

# run from the work folder, never the source tree: `-m` must find the installed package (CI installs it
# non-editable, and the source tree has no symbio_cli/facteurs)
SYMBIO = [sys.executable, "-m", "symbio_cli"]


def make_inputs(root: Path, n: int, streams: int = 3) -> dict[str, Path]:
    """Two folders of n inventories with the same file names and different firm names."""
    folders = {}
    for label in ("Alpha", "Bravo"):
        folder = root / label
        folder.mkdir(parents=True)
        for i in range(n):
            text = inventory(i, streams)
            text = re.sub(r"(?m)^  nom: .*$", f"  nom: {label} {i}", text, count=1)
            (folder / f"f{i:04d}.yaml").write_text(text, encoding="utf-8")
        folders[label] = folder
    return folders


def check_folder(out: Path, n: int) -> dict:
    """Assert the invariants of the module docstring; return what the folder holds."""
    if not out.is_dir():
        return {"rapports": 0, "sommaire": None}
    reports = {}
    for p in out.iterdir():
        if p.suffix == ".json" and not p.name.startswith("sommaire"):
            try:
                reports[p.name] = json.loads(p.read_text(encoding="utf-8"))["entreprise"]["nom"]
            except (ValueError, KeyError) as exc:
                raise AssertionError(f"{p}: rapport partiel ou illisible ({exc})") from None
    state = {"rapports": len(reports), "sommaire": None}
    summary_path = out / "sommaire.json"
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        rows = summary["inventaires"]
        labels = {r["entreprise"].split()[0] for r in rows}
        assert len(labels) <= 1, f"sommaire mêlant deux lots : {labels}"
        assert len(rows) + len(summary["echecs"]) == n, f"sommaire incomplet : {len(rows)} lignes sur {n}"
        for r in rows:
            name = os.path.basename(r["rapport"])
            assert reports.get(name) == r["entreprise"], \
                f"sommaire.json : {name} contient {reports.get(name)!r}, pas {r['entreprise']!r}"
        state["sommaire"] = labels.pop() if labels else ""
    md = out / "sommaire.md"
    if md.exists():
        for link, firm in re.findall(r"\| \[[^\]]+\]\(([^)]+)\) \| ([^|]+?) \|", md.read_text(encoding="utf-8")):
            assert reports.get(link) == firm, f"sommaire.md : {link} contient {reports.get(link)!r}, pas {firm!r}"
    return state


def soak(n: int = 1000, rounds: int = 8, jobs: int = 2, seed: int = 13, workdir: str | None = None,
         log=print) -> dict:
    """Run the soak; raise AssertionError on the first broken invariant; return counts."""
    rng = random.Random(seed)
    root = Path(workdir or tempfile.mkdtemp(prefix="symbio-soak-"))
    folders = make_inputs(root / "in", n)
    out = root / "out"
    counts = {"tours": 0, "tues": 0, "refuses": 0, "reussis": 0}
    for r in range(rounds):
        procs = []
        for label in rng.sample(["Alpha", "Bravo"], 2):
            procs.append(subprocess.Popen(
                [*SYMBIO, "audit", str(folders[label]), "-o", str(out), "-f", "json", "-j", str(jobs),
                 "--date", "2026-01-01"],
                cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
            time.sleep(rng.uniform(0, 0.3))
        victims = rng.choice([[], [0], [1], [0, 1], [0, 1]])
        time.sleep(rng.uniform(0.3, 0.6 + n / 250))
        for i in victims:
            if procs[i].poll() is None:
                os.kill(procs[i].pid, signal.SIGKILL)
        codes = [p.wait(600) for p in procs]
        counts["tours"] += 1
        counts["tues"] += sum(1 for c in codes if c == -signal.SIGKILL)
        counts["refuses"] += sum(1 for c in codes if c == 2)
        counts["reussis"] += sum(1 for c in codes if c in (0, 1))
        time.sleep(0.2)  # workers of a killed run end within the watchdog period
        state = check_folder(out, n)
        log(f"tour {r + 1} : codes {codes}, {state['rapports']} rapports, sommaire : {state['sommaire']}")
    final = subprocess.run([*SYMBIO, "audit", str(folders["Alpha"]), "-o", str(out), "-f", "json", "-j", str(jobs),
                            "--date", "2026-01-01"], cwd=root, capture_output=True, text=True, timeout=1200)
    assert final.returncode in (0, 1), final.stderr[-2000:]
    state = check_folder(out, n)
    assert state["sommaire"] == "Alpha", state
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == [], f"restes : {leftovers}"
    log(f"fin : {state['rapports']} rapports, sommaire complet ({n} lignes), aucun reste ; {counts}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventaires", type=int, default=1000)
    parser.add_argument("--tours", type=int, default=8)
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--graine", type=int, default=13)
    args = parser.parse_args()
    import shutil

    work = tempfile.mkdtemp(prefix="symbio-soak-")
    try:
        soak(args.inventaires, args.tours, args.j, args.graine, workdir=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
