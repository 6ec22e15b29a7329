"""Batches for consultants: one report per inventory and a portfolio summary.

Output safety, in the order a batch runs:

1. the output folder is created as a folder (a folder input always means a
   folder output), then locked: a second batch into the same folder is
   refused while the first runs (`flock`, released by the kernel even when
   the process is killed);
2. what an interrupted run left is removed: temporary files, and the
   summary of an earlier run, so that no summary can disagree with the
   reports beside it;
3. reports are named from the input file's name (never its content),
   sanitised, shortened with a stable hash when long, unique
   case-insensitively, kept inside the folder, never written over an input,
   and written atomically, by worker processes that die with this one;
4. the summary (`sommaire.{md,html,csv,xlsx,json}`, renamed `sommaire-2.*`
   when an input bears that name) is written last, from the rows of this run
   only, each file atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import unicodedata

from symbio_cli import pipeline
from symbio_cli.errors import ExitCode, Problem, SymbioError, printable
from symbio_cli.files import OutputError, is_stream, make_folder, write_output
from symbio_cli.reports import EXTENSIONS, render
from symbio_cli.reports.summary import SUMMARY_KEYS
from symbio_cli.runner import Report, WorkerLost, run_pool

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
SUMMARY_FORMATS = ("md", "html", "csv", "xlsx", "json")  # the order they are written in: JSON last
LOCK_NAME = ".symbio-lot.verrou"
TEMP_PREFIX = ".symbio-"
MAX_NAME_BYTES = 100  # report names: room left for "-2", the extension and the temporary file's name


def safe_name(stem: str) -> str:
    """A file name from an input's stem: NFC, no separators, no reserved names, at most 100 bytes.

    A longer name keeps its first characters and ends with `~` and 8
    characters of the SHA-1 of the whole name, so that it stays the same
    from one run to the next and two long names that start alike differ.
    """
    name = unicodedata.normalize("NFC", stem)
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f]", "_", name).strip(" .")
    if not name or name.lower() in _RESERVED:
        name = f"rapport_{name or 'sans_nom'}"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        cut = name.encode("utf-8")[:MAX_NAME_BYTES - 9].decode("utf-8", "ignore").rstrip(" .")
        name = f"{cut}~{digest}"
    return name


def _inputs(files: list[str]) -> set[str]:
    return {os.path.normcase(os.path.realpath(f)) for f in files}


def summary_base(files: list[str], folder: str) -> str:
    """`sommaire`, or `sommaire-2`… when an input is one of `sommaire.{md,html,csv,xlsx,json}` in `folder`."""
    inputs = _inputs(files)
    n = 1
    while True:
        base = "sommaire" if n == 1 else f"sommaire-{n}"
        paths = (os.path.normcase(os.path.realpath(os.path.join(folder, f"{base}.{ext}"))) for ext in SUMMARY_FORMATS)
        if not any(p in inputs for p in paths):
            return base
        n += 1


def plan_outputs(files: list[str], folder: str, ext: str, reserved: tuple[str, ...] = ("sommaire",)) -> dict[str, str]:
    """Output path of each input: unique case-insensitively, inside `folder`, never an input."""
    inputs = _inputs(files)
    taken: set[str] = {r.casefold() for r in reserved}
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


# --------------------------------------------------------------------------- the lock

class BatchBusy(SymbioError):
    """Another batch holds the output folder's lock."""


class FolderLock:
    """An exclusive `flock` on `FOLDER/.symbio-lot.verrou` for the length of a batch.

    The kernel releases it when the process ends, however it ends, so a
    killed batch never blocks the next one (its empty lock file stays until
    then). The file holds the owner's pid, for the message, and is removed
    at the end of the batch. Where `fcntl` is missing (Windows), no lock is
    taken.
    """

    def __init__(self, folder: str):
        self.path = os.path.join(folder, LOCK_NAME)
        self.fd: int | None = None

    def __enter__(self) -> FolderLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                from symbio_cli.files import output_error

                raise output_error(self.path, exc) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                who = f" (processus {owner})" if owner.isdigit() else ""
                raise BatchBusy(f"{printable(os.path.dirname(self.path) or '.')} : un autre lot écrit déjà dans ce dossier{who} ; "
                                "attendez qu'il finisse ou choisissez un autre dossier de sortie (-o)") from None
            try:  # the owner before us may have removed the file between our open and our lock: start again
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            import fcntl

            try:  # removed while still held, so that no one can lock a file that is going away
                os.unlink(self.path)
            except OSError:
                pass
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def clear_leftovers(folder: str, base: str, files: list[str]) -> None:
    """Remove what an interrupted run left: temporary files and the stale summary (never an input)."""
    inputs = _inputs(files)
    stale = {f"{base}.{ext}" for ext in SUMMARY_FORMATS}
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            ours = (name.startswith(TEMP_PREFIX) and name.endswith(".tmp")) or name in stale
            if not ours or not entry.is_file(follow_symlinks=False):
                continue
            if os.path.normcase(os.path.realpath(entry.path)) in inputs:
                continue
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                from symbio_cli.files import output_error

                raise output_error(entry.path, exc) from None


# --------------------------------------------------------------------------- one file (in a worker)

_worker_lib = None


def _init_worker(overlay):
    global _worker_lib
    import gc

    from symbio_cli import factors

    _worker_lib = factors.load(overlay)
    # modules and the library live as long as the worker: spare them the collector's rescans
    gc.freeze()


def _use_library(lib):
    def install():
        global _worker_lib
        _worker_lib = lib
    return install


def warnings_of(path: str, outcome) -> list[str]:
    """Every warning of one file, as `fichier:ligne:colonne: avertissement: champ: message` lines.

    Warnings of the input (number reading, encoding…) and of the method
    (`AuditResult.avertissements`), each once.
    """
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for p in outcome.problems:
        if p.severity == "avertissement" and (p.field, p.message) not in seen:
            seen.add((p.field, p.message))
            lines.append(p.format())
    result = outcome.result
    for w in getattr(result, "avertissements", ()) or ():
        field, message = getattr(w, "champ", "") or "", getattr(w, "message", str(w))
        if (field, message) in seen:
            continue
        seen.add((field, message))
        line = getattr(w, "ligne", None)
        column = getattr(w, "colonne", None)
        lines.append(Problem(path, line, column, field, message, "avertissement").format())
    return lines


def weighed_share(result) -> float | None:
    """Share of the mass whose quantity was weighed (`source_donnees: pesee`), 0–1; None without mass."""
    total = sum(s.masse_t for s in result.flux)
    if not total:
        return None
    return sum(s.masse_t for s in result.flux if getattr(s, "source_donnees", None) == "pesee") / total


def _one(args) -> dict:
    """Audit one file, write its report; return a small summary row."""
    path, target, fmt, lang, date = args
    lib = _worker_lib
    row = {"fichier": path, "rapport": target, "ok": False, "problemes": [], "avertissements": [],
           "erreur_sortie": False}
    try:
        outcome = pipeline.audit_file(path, lib)
        row["problemes"] = [p.format() for p in outcome.problems if p.severity == "erreur"]
        row["avertissements"] = warnings_of(path, outcome)
        if not outcome.ok:
            return row
        result = outcome.result
        if target:
            write_output(target, render(result, fmt, lang, date, lib=lib), durable=False)
        t = result.totaux
        row.update({"ok": True, "entreprise": result.entreprise["nom"], "region": result.region,
                    "flux": len(result.flux), "ges_partiel": t.ges_partiel,
                    "defauts": len(getattr(result, "defauts", None) or ()), "part_pesee": weighed_share(result)})
        for key in SUMMARY_KEYS:
            row[key] = getattr(t, key)
        return row
    except OutputError as exc:  # this report cannot be written (disk full…): say so, go on with the others
        row.update(ok=False, problemes=[str(exc)], erreur_sortie=True)
        return row
    except Exception as exc:  # a bug on one file must not stop the batch
        row.update(ok=False, problemes=[f"{path}: erreur interne ({type(exc).__name__}: {exc}) — signalez-la"])
        return row


# --------------------------------------------------------------------------- the batch

def run_portfolio(files, lib, fmt, output, lang, jobs, date, overlay, missing=(), csv_dialect="rfc") -> int:
    """Audit many files (a report each and a summary when `output` is a folder); return the exit code."""
    report = Report()
    for name in missing:
        print(f"{printable(name)}: fichier introuvable", file=sys.stderr)
        report.missing(name)
    if not output:
        try:
            rows = _audit_all(files, None, fmt, lang, jobs, date, overlay, lib, report)
        except WorkerLost as exc:
            print(exc, file=sys.stderr)
            return ExitCode.USAGE
        (_print_json if fmt == "json" else _print_table)(rows, date)
        print(report, file=sys.stderr)
        return report.return_code
    if is_stream(output) or (os.path.exists(output) and not os.path.isdir(output)):
        print(f"{printable(output)} : c'est un fichier ; un lot écrit dans un dossier (-o DOSSIER)", file=sys.stderr)
        return ExitCode.USAGE
    make_folder(output)
    base = summary_base(files, output)
    try:
        with FolderLock(output):
            clear_leftovers(output, base, files)
            plan = plan_outputs(files, output, EXTENSIONS[fmt], reserved=("sommaire", base))
            rows = _audit_all(files, plan, fmt, lang, jobs, date, overlay, lib, report)
            rows += [{"fichier": name, "rapport": None, "ok": False, "problemes": [f"{name}: fichier introuvable"],
                      "avertissements": [], "erreur_sortie": False} for name in missing]
            paths = write_summary(rows, output, date, lang, base=base, excel_fr=csv_dialect == "excel-fr",
                                  jobs=jobs or os.cpu_count() or 1)
    except (BatchBusy, WorkerLost) as exc:
        print(exc, file=sys.stderr)
        return ExitCode.USAGE
    print(report, file=sys.stderr)
    print(f"sommaire : {printable(paths['html'])} (aussi {', '.join(printable(os.path.basename(paths[e])) for e in ('md', 'csv', 'xlsx', 'json'))})",
          file=sys.stderr)
    return report.return_code


def _audit_all(files, plan, fmt, lang, jobs, date, overlay, lib, report: Report) -> list[dict]:
    jobs = jobs or os.cpu_count() or 1
    tasks = [(f, plan[f] if plan else None, fmt, lang, date) for f in files]
    progress = _Progress(len(tasks))
    rows = []
    try:
        for row in run_pool(_one, tasks, jobs, initializer=_init_worker, initargs=(overlay,),
                            inline_initializer=_use_library(lib)):
            rows.append(row)
            if row["ok"]:
                report.done(row["fichier"], len(row["avertissements"]))
            else:
                report.failed(row["fichier"], (row["problemes"] or ["?"])[0], output=row["erreur_sortie"])
            progress.step(row)
    finally:
        progress.close()
    return rows


class _Progress:
    """Plain lines in CI and pipes; a rich bar on an interactive terminal.

    Errors of every file go to stderr; under `CI`, its warnings too, as
    `fichier:ligne:colonne: avertissement: …` lines that CI annotators read.
    """

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.bar = None
        self.ci = bool(os.environ.get("CI"))
        if sys.stderr.isatty() and not self.ci and os.environ.get("TERM") != "dumb":
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Audit", total=total)

    def step(self, row: dict) -> None:
        self.done += 1
        for line in row["problemes"]:
            print(line, file=sys.stderr)
        if self.ci:
            for line in row["avertissements"]:
                print(line, file=sys.stderr)
        if self.bar is not None:
            self.bar.advance(self.task)
        elif not row["ok"]:
            print(f"[{self.done}/{self.total}] échec : {printable(row['fichier'])}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _sorted(rows):
    good = sorted((r for r in rows if r["ok"]), key=lambda r: (-(r["economies_nettes_cad"] or 0.0), r["fichier"]))
    bad = sorted((r for r in rows if not r["ok"]), key=lambda r: r["fichier"])
    return good, bad


_summary_rows: tuple = ()  # (good, bad, date, lang, excel_fr) of the summary being rendered, per process


def _keep_summary_rows(*rows) -> None:
    global _summary_rows
    _summary_rows = rows


def _render_summary(ext: str) -> str | bytes:
    """One format of the summary, from the rows `_keep_summary_rows` set in this process."""
    from symbio_cli.reports import summary

    good, bad, date, lang, excel_fr = _summary_rows
    if ext == "csv":
        return summary.render_csv(good, bad, excel_fr=excel_fr)
    if ext == "xlsx":
        return summary.render_xlsx(good, bad, date, lang)
    if ext == "json":
        return json.dumps(summary.summary_payload(good, bad, date), ensure_ascii=False, indent=2) + "\n"
    return summary.render_summary(good, bad, date, ext, lang)


# The workbook takes longest (~0,9 s for 1 000 files): first, so that the other formats render beside it.
_RENDER_ORDER = ("xlsx", "md", "html", "csv", "json")


def write_summary(rows: list[dict], folder: str, date: str, lang: str = "fr", base: str = "sommaire",
                  excel_fr: bool = False, jobs: int = 1) -> dict[str, str]:
    """`BASE.{md,html,csv,xlsx,json}` from this run's rows, by net savings; JSON last. Returns the paths.

    With `jobs` > 1 the formats are rendered by worker processes (the workbook beside the others);
    the files are written here, one after the other, in the order of SUMMARY_FORMATS.
    """
    good, bad = _sorted(rows)
    paths = {ext: os.path.join(folder, f"{base}.{ext}") for ext in SUMMARY_FORMATS}
    rendered = dict(zip(_RENDER_ORDER, run_pool(_render_summary, _RENDER_ORDER, min(jobs, 2),
                                                initializer=_keep_summary_rows,
                                                initargs=(good, bad, date, lang, excel_fr), chunksize=1)))
    for ext in SUMMARY_FORMATS:
        write_output(paths[ext], rendered[ext])
    return paths


def summary_payload(good: list[dict], bad: list[dict], date: str) -> dict:
    """The portfolio summary as data (sommaire.json); see reports.summary.summary_payload."""
    from symbio_cli.reports.summary import summary_payload as payload

    return payload(good, bad, date)


def _print_json(rows, date):
    """Several inputs, no output folder, JSON asked: the portfolio summary as JSON."""
    good, bad = _sorted(rows)
    print(json.dumps(summary_payload(good, bad, date), ensure_ascii=False, indent=2))


def _print_table(rows, date=None):  # noqa: ARG001 (same signature as _print_json)
    good, bad = _sorted(rows)
    for r in good:
        print(f"{printable(r['fichier'])}\t{printable(r['entreprise'])}\tcoût actuel {r['cout_actuel_cad'] or 0:.0f} $/an\t"
              f"économies {r['economies_nettes_cad'] or 0:.0f} $/an")
    for r in bad:
        print(f"{printable(r['fichier'])}\téchec")
