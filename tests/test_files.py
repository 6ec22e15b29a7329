"""The one output writer and the one CSV writer (issue 9, cas/sorties/01 and 03)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from conftest import EXEMPLES, run
from symbio_cli.files import OutputError, csv_cell, csv_text, write_output

CAS = Path("/work/shared/cas")
USINE = EXEMPLES / "usine.yaml"


def test_report_into_a_fifo_is_written_through(tmp_path):
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    received = []

    def reader():
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    thread = threading.Thread(target=reader)
    thread.start()
    run("audit", USINE, "-f", "json", "-o", fifo, "--date", "2026-01-01")
    thread.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a pipe, not a regular file
    assert received and json.loads(received[0])["schema"] == "symbio.audit/1"


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_a_device_is_never_replaced(tmp_path):
    null = tmp_path / "null"  # a copy of /dev/null: never risk the real one
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    run("audit", USINE, "-o", null, "--date", "2026-01-01")
    run("schema", "-o", null)
    run("territoire", EXEMPLES / "mrc-cote-de-beaupre", "-o", null, "--date", "2026-01-01")
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary file beside it


def test_dev_null_stays_a_device():
    run("audit", USINE, "-o", "/dev/null", "--date", "2026-01-01")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_dash_and_dev_stdout_write_to_standard_output(tmp_path):
    out = run("audit", USINE, "-f", "json", "-o", "-", "--date", "2026-01-01").stdout
    assert json.loads(out)["schema"] == "symbio.audit/1"
    out = run("schema", "-o", "/dev/stdout").stdout
    assert '"$schema"' in out


def test_a_full_disk_is_a_french_message_and_exit_2():
    result = run("audit", USINE, "-o", "/dev/full", code=2)
    assert "/dev/full" in result.stderr and "plus d'espace sur le disque" in result.stderr
    assert "erreur interne" not in result.stderr and "signalez" not in result.stderr


@pytest.mark.parametrize("where, reason", [
    ("/non/writable/path", "le dossier parent n'existe pas"),
    ("fichier.txt/rapport.md", "un élément du chemin n'est pas un dossier"),
    ("é" * 200 + ".md", "nom ou chemin trop long"),
])
def test_unwritable_outputs_exit_2_naming_the_path(tmp_path, monkeypatch, where, reason):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fichier.txt").write_text("x", encoding="utf-8")
    for command in (["audit", USINE, "-f", "md"], ["schema"]):
        result = run(*command, "-o", where, code=2)
        assert where in result.stderr and reason in result.stderr, result.stderr
        assert "erreur interne" not in result.stderr and "Traceback" not in result.stderr
    assert not os.path.exists("/non")


def test_schema_onto_a_folder_exits_2(tmp_path):
    result = run("schema", "-o", tmp_path, code=2)
    assert "est un dossier" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_permission_denied_exits_2(tmp_path):
    locked = tmp_path / "ferme"
    locked.mkdir(mode=0o500)
    result = run("audit", USINE, "-o", locked / "r.md", code=2)
    assert "permission refusée" in result.stderr


def test_atomic_write_keeps_the_mode_and_the_link(tmp_path):
    target = tmp_path / "vrai.md"
    target.write_text("ancien", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "lien.md"
    link.symlink_to(target)
    write_output(link, "nouveau")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "nouveau"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "neuf.md"
    write_output(fresh, "x")
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o044  # readable by others, unlike mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lien.md", "neuf.md", "vrai.md"]


def test_output_error_is_french_and_names_the_path(tmp_path):
    with pytest.raises(OutputError) as info:
        write_output(tmp_path / "absent" / "x.md", "x")
    assert str(info.value) == f"{tmp_path / 'absent' / 'x.md'} : écriture impossible (le dossier parent n'existe pas ; créez-le d'abord)"


# ---------------------------------------------------------------------------- the CSV writer

@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil.example/?x","Cliquez ici")', "@SUM(1+1)", "+33 1 23", "-cmd|' /C calc'!A0",
    "\tTAB", "\rCR", "=1+2.yaml:28:12: flux", "Nord;=1+1", "a;@b", "x;-y", "x;+y", "x;\tz",
])
def test_formulas_are_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value, rfc, excel", [
    (-12.5, "-12.50", "-12,50"), (1234.567, "1234.57", "1234,57"), (-0.001, "0.00", "0,00"), (7, "7", "7"),
    (None, "", ""), (float("nan"), "", ""), (True, "true", "true"),
    ("-12,5", "-12,5", "-12,5"), ("Usine A; B", "Usine A; B", "Usine A; B"), ("Trois-Rivières", "Trois-Rivières",
                                                                               "Trois-Rivières"),
])
def test_numbers_stay_numbers(value, rfc, excel):
    assert csv_cell(value) == rfc and csv_cell(value, excel_fr=True) == excel


def test_csv_text_dialects():
    header = ["entreprise", "cout"]
    rows = [["=2+3", 1500.25], ["Trois-Rivières, n°2", -3.0]]
    rfc = csv_text(header, rows)
    assert rfc == "entreprise,cout\r\n'=2+3,1500.25\r\n\"Trois-Rivières, n°2\",-3.00\r\n"
    fr = csv_text(header, rows, excel_fr=True)
    assert fr.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(fr[1:]), delimiter=";")) == [
        ["entreprise", "cout"], ["'=2+3", "1500,25"], ["Trois-Rivières, n°2", "-3,00"]]


def test_batch_summary_csv_has_no_formula(tmp_path):
    src = CAS / "sorties" / "03-csv-sommaire-formule" / "clients"
    if not src.is_dir():
        pytest.skip("cas partagés absents")
    out = tmp_path / "rapports"
    run("audit", src, "-o", out, "--date", "2026-01-01", "-j", "1", code=None)
    rows = list(csv.reader(io.StringIO((out / "sommaire.csv").read_text(encoding="utf-8"))))
    cells = [c for r in rows[1:] for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c[:1] == "-" and not c.lstrip("-").replace(".", "").isdigit()]
    names = {r[1] for r in rows[1:]}
    assert "'@SUM(1+1)" in names and "'=HYPERLINK(\"http://evil.example/?x\",\"Cliquez ici\")" in names
