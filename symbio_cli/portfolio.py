"""Batches for consultants: one report per inventory and a portfolio summary.

Reports are named from the input file's name (never its content), sanitised,
kept inside the output folder, never written over an input, and written
atomically. Work runs in worker processes that each load the factor library
once; only small summary rows travel back, so memory stays flat.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor

from symbio_cli import pipeline
from symbio_cli.errors import ExitCode
from symbio_cli.files import csv_text, write_output
from symbio_cli.reports import EXTENSIONS, render

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
SUMMARY_KEYS = (
    "masse_t", "cout_actuel_cad", "cout_projete_cad", "economies_nettes_cad",
    "revenus_substitution_cad", "economies_mutualisation_cad", "enfouissement_evite_t",
    "redevance_evitee_cad", "ges_evites_tco2e", "taux_mise_en_valeur_avant", "taux_mise_en_valeur_apres",
)


def safe_name(stem: str) -> str:
    """A file name from an input's stem: NFC, no separators, no reserved names."""
    name = unicodedata.normalize("NFC", stem)
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name).strip(" .")
    if not name or name.lower() in _RESERVED:
        name = f"rapport_{name or 'sans_nom'}"
    return name[:120]


def plan_outputs(files: list[str], folder: str, ext: str) -> dict[str, str]:
    """Output path of each input: unique case-insensitively, inside `folder`, never an input."""
    inputs = {os.path.normcase(os.path.realpath(f)) for f in files}
    taken: set[str] = {"sommaire"}
    plan = {}
    root = os.path.realpath(folder)
    for f in files:
        base = safe_name(os.path.splitext(os.path.basename(f))[0])
        candidate, n = base, 1
        while True:
            # a sanitised name has no separator: it lands in `root` unless it is a link there
            real = os.path.join(root, candidate + ext)
            if os.path.islink(real):
                real = os.path.realpath(real)
            if (candidate.casefold() not in taken and os.path.normcase(real) not in inputs
                    and os.path.dirname(real) == root):
                break
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate.casefold())
        plan[f] = os.path.join(folder, candidate + ext)
    return plan


_worker_lib = None


def _init_worker(overlay):
    global _worker_lib
    import gc

    from symbio_cli import factors

    _worker_lib = factors.load(overlay)
    # modules and the library live as long as the worker: spare them the collector's rescans
    gc.freeze()


def _one(args) -> dict:
    """Audit one file, write its report; return a small summary row."""
    path, target, fmt, lang, date = args
    lib = _worker_lib
    try:
        outcome = pipeline.audit_file(path, lib)
        row = {"fichier": path, "rapport": target, "ok": outcome.ok,
               "problemes": [p.format() for p in outcome.problems if p.severity == "erreur"],
               "avertissements": [p.format() for p in outcome.problems if p.severity != "erreur"]}
        if outcome.ok:
            result = outcome.result
            if target:
                write_output(target, render(result, fmt, lang, date, lib=lib), durable=False)
            row["entreprise"] = result.entreprise["nom"]
            row["flux"] = len(result.flux)
            t = result.totaux
            for key in SUMMARY_KEYS:
                row[key] = getattr(t, key)
            row["ges_partiel"] = t.ges_partiel
        return row
    except Exception as exc:  # a bug on one file must not stop the batch
        return {"fichier": path, "rapport": target, "ok": False,
                "problemes": [f"{path}: erreur interne ({type(exc).__name__}: {exc}) — signalez-la"],
                "avertissements": []}


def run_portfolio(files, lib, fmt, output, lang, jobs, date, overlay, failed) -> int:
    """Audit many files; return the exit code."""
    global _worker_lib
    if output:
        if os.path.exists(output) and not os.path.isdir(output):
            print(f"{output}: plusieurs inventaires demandent un dossier de sortie (-o DOSSIER)", file=sys.stderr)
            return ExitCode.USAGE
        os.makedirs(output, exist_ok=True)
        plan = plan_outputs(files, output, EXTENSIONS[fmt])
    else:
        plan = {f: None for f in files}
    jobs = jobs or os.cpu_count() or 1
    tasks = [(f, plan[f], fmt, lang, date) for f in files]
    rows = []
    progress = _Progress(len(tasks))
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_init_worker,
                                 initargs=(overlay,)) as pool:
            for row in pool.map(_one, tasks, chunksize=max(1, min(32, len(tasks) // (jobs * 4) or 1))):
                rows.append(row)
                progress.step(row)
    else:
        _worker_lib = lib
        for task in tasks:
            row = _one(task)
            rows.append(row)
            progress.step(row)
    progress.close()
    failed += sum(1 for r in rows if not r["ok"])
    if output:
        write_summary(rows, output, date, lang)
    elif fmt == "json":
        _print_json(rows, date)
    else:
        _print_table(rows)
    print(f"{sum(1 for r in rows if r['ok'])} inventaire(s) audité(s), {failed} en échec", file=sys.stderr)
    return ExitCode.INVALID if failed else ExitCode.OK


class _Progress:
    """Plain lines in CI and pipes; a rich bar on an interactive terminal."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.bar = None
        if sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb":
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Audit", total=total)

    def step(self, row: dict) -> None:
        self.done += 1
        for line in row["problemes"]:
            print(line, file=sys.stderr)
        if self.bar is not None:
            self.bar.advance(self.task)
        elif not row["ok"]:
            print(f"[{self.done}/{self.total}] échec : {row['fichier']}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _sorted(rows):
    good = sorted((r for r in rows if r["ok"]), key=lambda r: (-r["economies_nettes_cad"], r["fichier"]))
    bad = sorted((r for r in rows if not r["ok"]), key=lambda r: r["fichier"])
    return good, bad


def write_summary(rows: list[dict], folder: str, date: str, lang: str = "fr") -> None:
    """sommaire.{json,csv,md}: one row per inventory, by net savings."""
    good, bad = _sorted(rows)
    payload = summary_payload(good, bad, date)
    write_output(os.path.join(folder, "sommaire.json"), json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    header = ["fichier", "entreprise", "flux", *SUMMARY_KEYS, "erreur"]
    lines = [[r["fichier"], r["entreprise"], r["flux"], *(r[k] for k in SUMMARY_KEYS), ""] for r in good]
    lines += [[r["fichier"], "", "", *([None] * len(SUMMARY_KEYS)), (r["problemes"] or ["?"])[0]] for r in bad]
    write_output(os.path.join(folder, "sommaire.csv"), csv_text(header, lines, digits=_DIGITS))
    from symbio_cli.reports.summary import render_summary

    write_output(os.path.join(folder, "sommaire.md"), render_summary(good, bad, date, "md", lang))
    write_output(os.path.join(folder, "sommaire.html"), render_summary(good, bad, date, "html", lang))


_DIGITS = {"masse_t": 3, "enfouissement_evite_t": 3, "ges_evites_tco2e": 4,
           "taux_mise_en_valeur_avant": 4, "taux_mise_en_valeur_apres": 4}


def _print_json(rows, date):
    """Several inputs, no output folder, JSON asked: the portfolio summary as JSON."""
    good, bad = _sorted(rows)
    print(json.dumps(summary_payload(good, bad, date), ensure_ascii=False, indent=2))


def summary_payload(good: list[dict], bad: list[dict], date: str) -> dict:
    """The portfolio summary as data (sommaire.json)."""
    return {
        "schema": "symbio.sommaire/1", "date": date,
        "inventaires": [{k: r.get(k) for k in ("fichier", "rapport", "entreprise", "flux", *SUMMARY_KEYS, "ges_partiel")}
                        for r in good],
        "echecs": [{"fichier": r["fichier"], "erreur": (r["problemes"] or ["?"])[0]} for r in bad],
    }


def _print_table(rows):
    good, bad = _sorted(rows)
    for r in good:
        print(f"{r['fichier']}\t{r['entreprise']}\tcoût actuel {r['cout_actuel_cad']:.0f} $/an\t"
              f"économies {r['economies_nettes_cad']:.0f} $/an")
    for r in bad:
        print(f"{r['fichier']}\téchec")
