"""Batches (`symbio audit DOSSIER -o DOSSIER`): output safety, summary, warnings, xlsx, excel-fr CSV.

Issues 9, 11, 13 and 14; the repros of ../shared/cas/sorties/ (09, 10, 11, 23) and
../shared/cas/livrables/csv_excel are each a test here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from conftest import EXEMPLES, run
from symbio_cli import portfolio
from symbio_cli.portfolio import FolderLock, safe_name
from symbio_cli.runner import Report, run_pool

CAS = Path("/work/shared/cas")

GOOD = """\
version: 1
entreprise: {{nom: "{nom}", region: {region}}}
annee: 2026
hypotheses: {{redevance.elimination: 36 $/t{extra}}}
flux:
  - id: bois
    nom: Bois
    matiere: bois_residus
    quantite: {t} t/an
    source_donnees: {source}
    gestion: {{mode: enfouissement, tarif: 100 $/t, entreposage: 5 m²}}
"""


def inventory(nom="Usine A", t=10, region="quebec", source="pesee", unused=False):
    """An inventory whose current cost is t × (100 + 36) $/t; `unused`: one hypothesis the method ignores (a warning)."""
    extra = ", transport.cout: 1 $/t/km" if unused else ""
    return GOOD.format(nom=nom, t=t, region=region, source=source, extra=extra)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def summary(out: Path, base="sommaire") -> dict:
    return json.loads((out / f"{base}.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------- folder in, folder out (cas 23)

@pytest.mark.parametrize("suffix", ["/", ""])
def test_a_folder_holding_one_inventory_writes_a_folder(tmp_path, suffix):
    src = tmp_path / "clients"
    write(src, "usine.yaml", inventory())
    out = tmp_path / "rapports"
    result = run("audit", src, "-o", str(out) + suffix, "-f", "html", "--date", "2026-01-01")
    assert out.is_dir()
    assert sorted(p.name for p in out.iterdir()) == [
        "sommaire.csv", "sommaire.html", "sommaire.json", "sommaire.md", "sommaire.xlsx", "usine.html"]
    assert f"sommaire : {out}/sommaire.html" in result.stderr  # a batch ends by saying where its summary is
    write(src, "deux.yaml", inventory("Usine B"))  # the next run, with two clients, works too
    run("audit", src, "-o", str(out) + suffix, "-f", "html", "--date", "2026-01-01")
    assert len(summary(out)["inventaires"]) == 2


def test_one_file_and_a_trailing_slash_is_a_folder(tmp_path):
    a = write(tmp_path, "a.yaml", inventory())
    out = tmp_path / "neuf"
    run("audit", a, "-o", f"{out}/", "-f", "json", "--date", "2026-01-01")
    assert (out / "a.json").is_file() and (out / "sommaire.json").is_file()


def test_a_file_where_the_output_folder_should_be_is_refused(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory())
    target = write(tmp_path, "rapports", "déjà là")
    result = run("audit", src, "-o", target, code=2)
    assert "c'est un fichier" in result.stderr and target.read_text(encoding="utf-8") == "déjà là"


def test_a_batch_into_a_stream_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory())
    for target in ("-", "/dev/null"):
        result = run("audit", src, "-o", target, code=2)
        assert "un lot écrit dans un dossier" in result.stderr
    assert not (tmp_path / "-").exists()


def test_empty_folder_exits_1_like_valider(tmp_path):
    (tmp_path / "vide").mkdir()
    result = run("audit", tmp_path / "vide", "-o", tmp_path / "out", code=1)
    assert "aucun inventaire" in result.stderr and str(tmp_path / "vide") in result.stderr
    assert "aucun inventaire" in run("valider", tmp_path / "vide", code=1).stderr


# ---------------------------------------------------------------------------- the summary never overwrites an input (cas 09)

def test_summary_never_overwrites_an_input(tmp_path):
    d = tmp_path / "d"
    a = write(d, "a.yaml", inventory("A"))
    sj = write(d, "sommaire.json", inventory("Json"))  # JSON is YAML: an inventory with a summary's name
    sm = write(d, "sommaire.md", inventory("Md"))
    before = {p: p.read_bytes() for p in (a, sj, sm)}
    run("audit", a, sj, sm, "-o", d, "-f", "html", "--date", "2026-01-01")
    assert {p: p.read_bytes() for p in before} == before
    names = {r["entreprise"] for r in summary(d, "sommaire-2")["inventaires"]}
    assert names == {"A", "Json", "Md"}
    assert not (d / "sommaire.csv").exists()  # the summary moved as a whole, to sommaire-2.*


# ---------------------------------------------------------------------------- the lock (cas 10)

def test_a_second_batch_into_a_locked_folder_is_refused(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory())
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(str(out)):  # another batch is writing there
        result = run("audit", src, "-o", out, code=2)
    assert "un autre lot écrit déjà dans ce dossier" in result.stderr
    assert f"(processus {os.getpid()})" in result.stderr
    assert not (out / "a.md").exists()
    run("audit", src, "-o", out)  # once released, the folder is free again
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # the lock file went with it


# ---------------------------------------------------------------------------- interrupted runs leave no false summary

def test_ctrl_c_exits_130_and_leaves_no_summary(tmp_path, monkeypatch):
    src = tmp_path / "clients"
    for i in range(4):
        write(src, f"c{i}.yaml", inventory(f"Usine {i}"))
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "json", "-j", "1", "--date", "2026-01-01")
    assert len(summary(out)["inventaires"]) == 4
    real = portfolio._one
    calls = []

    def interrupted(task):
        calls.append(task)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(portfolio, "_one", interrupted)
    result = run("audit", src, "-o", out, "-f", "json", "-j", "1", "--date", "2026-01-01", code=130)
    assert "Interrompu" in result.stderr
    # the summary of the earlier run was removed first, and this run's was never written
    assert not [p.name for p in out.iterdir() if p.name.startswith("sommaire") or p.name.startswith(".")]


def test_stale_temporary_files_are_cleared(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory())
    out = tmp_path / "out"
    write(out, ".symbio-abc123.tmp", "moitié d'un rapp")  # left by a SIGKILLed run
    keep = write(out, "notes.txt", "à moi")
    run("audit", src, "-o", out, "-f", "json")
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "notes.txt", "sommaire.csv", "sommaire.html",
                                                      "sommaire.json", "sommaire.md", "sommaire.xlsx"]
    assert keep.read_text(encoding="utf-8") == "à moi"


# ---------------------------------------------------------------------------- names and links

def test_long_accented_names_are_shortened_with_a_stable_hash(tmp_path):
    src = tmp_path / "clients"
    long_a = "é" * 120  # 240 bytes: with ".tmp" suffixes and "-2" it would pass the 255-byte limit
    long_b = "é" * 119 + "è"
    write(src, f"{long_a}.yaml", inventory("A"))
    write(src, f"{long_b}.yaml", inventory("B"))
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "html", "--date", "2026-01-01")
    reports = sorted(p.name for p in out.iterdir() if not p.name.startswith("sommaire"))
    assert len(reports) == 2 and all(len(n.encode("utf-8")) <= 100 + len(".html") for n in reports)
    assert safe_name(long_a) != safe_name(long_b) and safe_name(long_a) == safe_name(long_a)
    assert safe_name(long_a) + ".html" in reports
    rows = summary(out)["inventaires"]
    assert {os.path.basename(r["rapport"]) for r in rows} == set(reports)


def test_links_are_url_encoded(tmp_path):
    src = tmp_path / "clients"
    write(src, "Usine #2 (Lévis) 100%.yaml", inventory("Dièse"))
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "html", "--date", "2026-01-01")
    assert (out / "Usine #2 (Lévis) 100%.html").is_file()
    link = "Usine%20%232%20%28L%C3%A9vis%29%20100%25.html"
    assert f'href="{link}"' in (out / "sommaire.html").read_text(encoding="utf-8")
    assert f"]({link})" in (out / "sommaire.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- warnings reach the summary (issue 11)

def test_every_warning_reaches_the_summary(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory("Avec", unused=True))
    write(src, "b.yaml", inventory("Sans"))
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "json", "--date", "2026-01-01")
    report = json.loads((out / "a.json").read_text(encoding="utf-8"))
    expected = [w["message"] for w in report["avertissements"]]
    assert any("transport.cout" in m for m in expected)
    rows = {r["entreprise"]: r for r in summary(out)["inventaires"]}
    assert rows["Avec"]["nb_avertissements"] == len(expected) and rows["Sans"]["nb_avertissements"] == 0
    for message in expected:  # each warning of the report, in the summary
        assert any(message in line for line in rows["Avec"]["avertissements"])
    assert "transport.cout" in (out / "sommaire.md").read_text(encoding="utf-8")
    assert "transport.cout" in (out / "sommaire.html").read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO((out / "sommaire.csv").read_text(encoding="utf-8"))))
    by_name = {r["entreprise"]: r for r in lines}
    assert by_name["Avec"]["avertissements"] == str(len(expected))
    assert "transport.cout" in by_name["Avec"]["premier_avertissement"] or len(expected) > 1
    ws = openpyxl.load_workbook(out / "sommaire.xlsx")["Sommaire"]
    header = [c.value for c in ws[1]]
    counts = {row[header.index("Entreprise")]: row[header.index("Avertissements")]
              for row in ws.iter_rows(min_row=2, values_only=True)}
    assert counts == {"Avec": len(expected), "Sans": 0}


def test_number_reading_warning_of_a_batch_reaches_sommaire(tmp_path):
    """cas/saisie/lot-avertissement-perdu: `1,250 $` read as 1,25 $ must show in the summary."""
    src = CAS / "saisie" / "lot-avertissement-perdu"
    if not src.is_dir():
        pytest.skip("cas partagés absents")
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "json", "--date", "2026-01-01")
    rows = {os.path.basename(r["fichier"]): r for r in summary(out)["inventaires"]}
    assert any("1,250" in line for line in rows["client-a.yaml"]["avertissements"])
    assert "1,250" in (out / "sommaire.md").read_text(encoding="utf-8")
    assert "1,250" in (out / "sommaire.csv").read_text(encoding="utf-8")


def test_under_ci_batch_warnings_go_to_stderr_located(tmp_path):
    src = tmp_path / "clients"
    path = write(src, "a.yaml", inventory("Avec", unused=True))
    out = tmp_path / "out"
    quiet = run("audit", src, "-o", out, env={"CI": ""}).stderr
    assert "avertissement:" not in quiet
    loud = run("audit", src, "-o", out, env={"CI": "true"}).stderr
    lines = [line for line in loud.splitlines() if ": avertissement: " in line]
    assert lines and all(line.startswith(f"{path}:") for line in lines)
    assert any("transport.cout" in line for line in lines)


# ---------------------------------------------------------------------------- sommaire.xlsx and --csv excel-fr (issue 14)

def test_sommaire_xlsx_has_typed_cells(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory("=HYPERLINK('http://x')", t=540, region="capitale-nationale"))
    write(src, "b.yaml", inventory("Estimée", t=20, source="estimation"))
    write(src, "casse.yaml", "version: 1\nentreprise: [\n")
    out = tmp_path / "out"
    run("audit", src, "-o", out, "--date", "2026-01-01", code=1)
    wb = openpyxl.load_workbook(out / "sommaire.xlsx")
    ws = wb["Sommaire"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == f"A1:V{ws.max_row}"
    header = [c.value for c in ws[1]]
    for label in ("Inventaire", "Entreprise", "Région", "Avertissements", "Valeurs par défaut", "Part pesée",
                  "GES partiel", "Erreur"):
        assert label in header
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    col = {h: i for i, h in enumerate(header)}
    a = next(r for name, r in rows.items() if name.endswith("a.yaml"))
    # 540 t × (100 + 36) $/t = 73 440 $/yr, a number cell with a money format
    assert a[col["Coût actuel ($/an)"]].value == pytest.approx(540 * (100 + 36))
    assert a[col["Coût actuel ($/an)"]].data_type == "n" and "$" in a[col["Coût actuel ($/an)"]].number_format
    assert a[col["Masse (t/an)"]].value == pytest.approx(540.0)
    assert a[col["Flux"]].value == 1 and isinstance(a[col["Flux"]].value, int)
    assert a[col["Région"]].value == "capitale-nationale"
    assert a[col["Part pesée"]].value == pytest.approx(1.0) and "%" in a[col["Part pesée"]].number_format
    assert isinstance(a[col["GES partiel"]].value, bool)
    assert a[col["Valeurs par défaut"]].value == 0 or isinstance(a[col["Valeurs par défaut"]].value, int)
    name = a[col["Entreprise"]]
    assert name.value == "=HYPERLINK('http://x')" and name.data_type == "s"  # text, never a formula
    b = next(r for n, r in rows.items() if n.endswith("b.yaml"))
    assert b[col["Part pesée"]].value == pytest.approx(0.0)  # estimated, not weighed
    broken = next(r for n, r in rows.items() if n.endswith("casse.yaml"))
    assert "YAML invalide" in broken[col["Erreur"]].value and broken[col["Coût actuel ($/an)"]].value is None


def test_csv_excel_fr_has_bom_semicolons_and_decimal_commas(tmp_path):
    src = tmp_path / "clients"
    write(src, "tr.yaml", inventory("Trois-Rivières n°2", t=12.5))
    out = tmp_path / "out"
    run("audit", src, "-o", out, "--csv", "excel-fr", "--date", "2026-01-01")
    raw = (out / "sommaire.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["entreprise"] == "Trois-Rivières n°2"
    assert line["masse_t"] == "12,500"
    assert line["cout_actuel_cad"] == "1700,00"  # 12,5 t × (100 + 36) $/t = 1 700 $
    run("audit", src, "-o", out, "--date", "2026-01-01")  # the default stays RFC 4180
    rfc = (out / "sommaire.csv").read_bytes()
    assert not rfc.startswith(b"\xef\xbb\xbf") and b"\r\n" in rfc
    assert dict(zip(*list(csv.reader(io.StringIO(rfc.decode("utf-8")))), strict=True))["masse_t"] == "12.500"


def test_csv_excel_repro(tmp_path):
    src = CAS / "livrables" / "csv_excel" / "clients"
    if not src.is_dir():
        pytest.skip("cas partagés absents")
    out = tmp_path / "csv-excel"
    run("audit", src, "-o", f"{out}/", "--csv", "excel-fr", code=None)
    text = (out / "sommaire.csv").read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and text.splitlines()[0].count(";") >= 20


# ---------------------------------------------------------------------------- the runner and the report object

def _square(x):
    return x * x


def test_run_pool_keeps_order_inline_and_in_workers():
    assert list(run_pool(_square, range(7), 1)) == [0, 1, 4, 9, 16, 25, 36]
    assert list(run_pool(_square, range(7), 2)) == [0, 1, 4, 9, 16, 25, 36]


def test_report_counts_and_exit_code():
    r = Report()
    assert r.return_code == 0
    r.done("a", warnings=2)
    r.done("b")
    assert r.return_code == 0 and str(r) == "2 inventaires audités, 0 en échec, 2 avertissements dans 1 fichier"
    r.failed("c", "YAML invalide")
    assert r.return_code == 1
    r.failed("d", "disque plein", output=True)
    assert r.return_code == 2 and r.failure_count == 2


# ---------------------------------------------------------------------------- workers die with their parent (cas 11)

def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _workers_of(proc) -> list[int]:
    """The two workers of a running batch, once started; [] when the batch ended first."""
    while proc.poll() is None:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            return workers
        time.sleep(0.05)  # polling the process table, not measuring anything
    return []


def _wait_gone(pids: list[int]) -> list[int]:
    """Wait until these processes have ended; those still alive after the hang guard.

    The guard (300 s) only keeps a broken mechanism from hanging the suite: the
    workers end at once (PR_SET_PDEATHSIG) or within the watchdog's period. How
    long they take is measured by bench/bench_orphelins.py, never here.
    """
    import select

    fds = []
    for pid in pids:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:  # already gone
            continue
    try:
        for fd in fds:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            poller.poll(300_000)
    finally:
        for fd in fds:
            os.close(fd)
    return [pid for pid in pids if _alive(pid)]


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="/proc et pidfd (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_orphan_worker_after_the_parent_dies(tmp_path, sig):
    """Workers end with their parent, however it ends; an interrupted batch leaves no summary."""
    src = tmp_path / "in"
    text = (EXEMPLES / "usine.yaml").read_text(encoding="utf-8")
    for i in range(1000):  # long enough that the batch is still running when it is killed
        write(src, f"f{i}.yaml", text)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "symbio_cli", "audit", str(src), "-o", str(out), "-j", "2"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    workers = _workers_of(proc)
    assert len(workers) == 2, "the batch ended before its two workers were seen"
    os.kill(proc.pid, sig)
    proc.wait()
    alive = _wait_gone(workers)
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert alive == []
    assert not (out / "sommaire.json").exists()  # an interrupted batch has no summary


# ---------------------------------------------------------------------------- defaults count, terminal text

def test_defaults_count_is_the_reports_defauts(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory("Avec défauts"))
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "json", "--date", "2026-01-01")
    report = json.loads((out / "a.json").read_text(encoding="utf-8"))
    expected = len(report["defauts"])
    assert expected >= 1  # the bulk density of bois_residus comes from the library
    row = summary(out)["inventaires"][0]
    assert row["defauts"] == expected
    ws = openpyxl.load_workbook(out / "sommaire.xlsx")["Sommaire"]
    header = [c.value for c in ws[1]]
    assert ws.cell(row=2, column=header.index("Valeurs par défaut") + 1).value == expected


def test_batch_terminal_lines_escape_control_characters(tmp_path):
    src = tmp_path / "clients"
    write(src, "a.yaml", inventory("Usine \\e[31mrouge"))  # YAML "\e" is ESC
    write(src, "b.yaml", inventory("B"))
    result = run("audit", src, "--date", "2026-01-01")  # no -o: one line per inventory on stdout
    assert "\x1b" not in result.stdout and "\\x1b[31mrouge" in result.stdout


def _die_on_three(x):
    if x == 3:
        os._exit(9)  # a worker killed in the middle of a task (OOM killer, kill -9)
    return x


def test_a_lost_worker_is_a_french_message():
    from symbio_cli.runner import WorkerLost

    with pytest.raises(WorkerLost) as info:
        list(run_pool(_die_on_three, range(6), 2))
    assert "processus de travail s'est arrêté" in str(info.value)


def test_a_missing_input_is_listed_among_the_failures(tmp_path):
    a = write(tmp_path, "a.yaml", inventory())
    out = tmp_path / "out"
    run("audit", a, tmp_path / "absent.yaml", "-o", out, "-f", "json", code=1)
    failures = summary(out)["echecs"]
    assert [os.path.basename(e["fichier"]) for e in failures] == ["absent.yaml"]
    assert "introuvable" in failures[0]["erreur"]


def test_the_summary_is_the_same_rendered_beside_or_in_this_process(tmp_path):
    """With -j 2 the summary's formats are rendered by two workers (the workbook beside the others),
    then written here in the usual order: the same bytes as rendered in one process."""
    from symbio_cli import factors

    lib = factors.load()
    portfolio._worker_lib = lib
    files = sorted(str(p) for p in EXEMPLES.glob("*.yaml"))
    rows = [portfolio._one((f, None, "md", "fr", "2026-01-01")) for f in files]
    assert any(r["ok"] for r in rows) and any(r["avertissements"] for r in rows)
    one, two = tmp_path / "un", tmp_path / "deux"
    one.mkdir()
    two.mkdir()
    paths_one = portfolio.write_summary(rows, str(one), "2026-01-01", jobs=1)
    paths_two = portfolio.write_summary(rows, str(two), "2026-01-01", jobs=2)
    assert sorted(paths_one) == sorted(paths_two) == sorted(portfolio.SUMMARY_FORMATS)
    for ext in portfolio.SUMMARY_FORMATS:
        assert Path(paths_one[ext]).read_bytes() == Path(paths_two[ext]).read_bytes(), ext


def test_the_summary_workbook_is_dated_by_the_report_date_not_the_clock(tmp_path):
    """Found in review: openpyxl's save stamped docProps/core.xml `modified` with the clock, so two runs
    with the same --date gave different workbooks; both dates are now the report's."""
    import zipfile

    out = tmp_path / "sortie"
    run("audit", EXEMPLES / "usine.yaml", EXEMPLES / "scierie.yaml", "-o", f"{out}/", "--date", "2026-01-01", "-j", "1")
    with zipfile.ZipFile(out / "sommaire.xlsx") as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "2026-01-01T00:00:00Z</dcterms:created>" in core
    assert "2026-01-01T00:00:00Z</dcterms:modified>" in core
