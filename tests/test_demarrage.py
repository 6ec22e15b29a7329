"""Start-up pays only for what the command uses (issue 15): imports, not timings.

`valider` and `audit -f json` never import the report machinery (Jinja2, Babel,
MarkupSafe), rich or openpyxl, nor the standard modules only needed to write a
file, walk a folder or read package resources (tempfile and what it pulls,
csv, glob, importlib.resources); `-f md` does import Jinja2. Timings are in
bench/bench_demarrage.py, never in tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import BAD, EXEMPLES

HEAVY = ("jinja2", "babel", "markupsafe", "rich", "openpyxl", "symbio_cli.reports.audit", "symbio_cli.reports.templating")
# Only for writing a file (tempfile: shutil, bz2, lzma), a CSV, a glob or reading resources (issue 15).
LAZY_STDLIB = ("tempfile", "shutil", "bz2", "lzma", "csv", "glob", "importlib.resources", "zipfile")

PROBE = r"""
import contextlib, io, json, sys
from symbio_cli.cli import main
seen = {}
for name, args in (("valider", ["valider", sys.argv[1]]), ("json", ["audit", sys.argv[1], "-f", "json"]),
                   ("md", ["audit", sys.argv[1], "-f", "md"])):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main.main(args, standalone_mode=False)
        except SystemExit:
            pass
    seen[name] = sorted(m for m in sys.modules if m.split(".")[0] in ("jinja2", "babel", "markupsafe", "rich", "openpyxl")
                        or m.startswith("symbio_cli.reports") or m in json.loads(sys.argv[2]))
print(json.dumps(seen))
"""


def test_valider_and_json_audit_import_no_report_machinery(tmp_path):
    # from another folder: `python -c` puts the current folder first on sys.path, and the
    # checkout's symbio_cli/ would shadow the installed package (.ci/run installs it);
    # with a warm factor cache of its own, as every run but the first (the first writes it)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    warm = subprocess.run([sys.executable, "-c", "from symbio_cli import factors, numbers; factors.load(); "
                           "numbers.style('fr')"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert warm.returncode == 0, warm.stderr
    assert list((tmp_path / "cache" / "symbio").glob("facteurs-*.pickle"))
    done = subprocess.run([sys.executable, "-c", PROBE, str(EXEMPLES / "usine.yaml"), json.dumps(LAZY_STDLIB)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    for command in ("valider", "json"):
        heavy = [m for m in seen[command] if m.split(".")[0] in HEAVY or m in HEAVY or m in LAZY_STDLIB]
        assert not heavy, f"{command} importe {heavy}"
    assert "jinja2" in seen["md"]  # the probe would see an import: Markdown does render with Jinja2
    assert not [m for m in seen["md"] if m.split(".")[0] == "babel"]  # its number symbols come from the cache
    assert not [m for m in seen["md"] if m in ("importlib.resources", "zipfile")]  # templates: read from their folder


def test_no_pydantic_plugin_search_on_the_hot_path(tmp_path):
    """pydantic's plugin search imports importlib.metadata and reads every distribution (~30 ms)."""
    probe = ("import contextlib, io, sys\nfrom symbio_cli.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
             "    try:\n        main.main(['valider', sys.argv[1]], standalone_mode=False)\n"
             "    except SystemExit:\n        pass\n"
             "print('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(EXEMPLES / "usine.yaml")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


# --- `symbio valider FICHIER…` without click (symbio_cli.validation.entry) --------------------------

CLICK_PATH = "import sys; from symbio_cli.cli import entry; sys.argv[0] = 'symbio'; entry()"
FAST_PATH = "import sys; from symbio_cli.validation import entry; sys.argv[0] = 'symbio'; entry()"


def _both(tmp_path, *args):
    """(click path, fast path) of `symbio valider ARGS`, each in a fresh process from tmp_path."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = []
    for code in (CLICK_PATH, FAST_PATH):
        runs.append(subprocess.run([sys.executable, "-c", code, "valider", *map(str, args)], capture_output=True,
                                   text=True, timeout=120, cwd=tmp_path, env=env))
    return runs


@pytest.mark.parametrize("case", ["usine", "invalide", "introuvable", "dossier", "motif", "vide", "nom_controle"])
def test_valider_without_click_prints_what_click_prints(tmp_path, case):
    bad = BAD / "cle_inconnue.yaml"
    if case == "nom_controle":  # a file name with ESC and a newline: escaped the same way
        odd = tmp_path / "mal\x1b[31m\nnom.yaml"
        odd.write_bytes(bad.read_bytes())
    (tmp_path / "vide").mkdir()
    args = {"usine": [EXEMPLES / "usine.yaml"], "invalide": [bad, EXEMPLES / "usine.yaml"],
            "introuvable": [tmp_path / "absent.yaml", EXEMPLES / "scierie.yaml"],
            "dossier": [EXEMPLES / "mrc-cote-de-beaupre"], "motif": [str(EXEMPLES / "s*.yaml")],
            "vide": [tmp_path / "vide"], "nom_controle": [tmp_path / "mal\x1b[31m\nnom.yaml"]}[case]
    slow, fast = _both(tmp_path, *args)
    assert slow.stderr  # every run ends with its count on stderr
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    expected = {"usine": 0, "invalide": 1, "introuvable": 1, "dossier": None, "motif": None, "vide": 1,
                "nom_controle": 1}[case]
    assert expected is None or fast.returncode == expected


def test_valider_without_options_never_imports_click(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    marker = tmp_path / "marqueur"
    code = ("import sys; from symbio_cli.validation import entry; sys.argv[0] = 'symbio'\n"
            "try:\n    entry()\nfinally:\n"
            f"    open({str(marker)!r}, 'w').write(str(sorted(m for m in sys.modules if m.split('.')[0] == 'click')))")
    for args in (["valider", str(EXEMPLES / "usine.yaml")], ["valider", str(BAD / "cle_inconnue.yaml")]):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path, env=env)
        assert done.returncode in (0, 1), done.stderr
        assert marker.read_text() == "[]", args
    done = subprocess.run([sys.executable, "-c", code, "valider", "--strict", str(EXEMPLES / "usine.yaml")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 1  # --strict: through click, the warnings count
    assert "click" in marker.read_text()


@pytest.mark.parametrize("argv, fast", [
    (["valider", "a.yaml"], True),
    (["valider", "a.yaml", "b/"], True),
    (["valider"], False),  # click says what is missing
    (["valider", "--strict", "a.yaml"], False),
    (["valider", "a.yaml", "--format", "json"], False),
    (["valider", "-"], False),
    (["valider", "a.yaml", "--"], False),
    (["audit", "a.yaml"], False),
    (["--aide"], False),
    ([], False),
])
def test_only_the_plain_valider_takes_the_fast_path(argv, fast, monkeypatch):
    from symbio_cli import validation

    monkeypatch.delenv("_SYMBIO_COMPLETE", raising=False)
    assert validation.fast_path(argv) is fast
    monkeypatch.setenv("_SYMBIO_COMPLETE", "bash_complete")
    assert validation.fast_path(argv) is False
