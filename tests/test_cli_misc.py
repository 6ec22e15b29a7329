"""The small commands and the CLI's frame: version, help, init, facteurs, python -m."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, run
from symbio_cli import __version__, factors
from symbio_cli.cli import main

COMMANDS = sorted(main.commands)


def test_version():
    assert run("--version").stdout == f"symbio {__version__}\n"
    assert run("-V").stdout == f"symbio {__version__}\n"


def test_main_help_lists_every_command():
    out = run("--help").stdout
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("option", ["--help", "-h", "--aide"])
def test_help_options(option):
    out = run(option).stdout
    assert out.startswith("Utilisation : symbio"), out[:80]  # French, like every message


def test_the_contract_commands_exist():
    assert {"valider", "schema", "facteurs", "init"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert f"symbio {command}" in result.stdout
    # the first line of the docstring, in French, is shown
    doc = main.commands[command].help or ""
    assert doc.splitlines()[0].strip()[:30] in result.stdout.replace("\n", " ").replace("  ", " ")


def test_unknown_command_is_a_usage_error():
    result = run("auditer", code=2)
    assert "Traceback" not in result.stdout + result.stderr


def test_init_writes_a_file_that_validates(tmp_path):
    path = tmp_path / "usine.yaml"
    result = run("init", path)
    assert path.is_file()
    assert str(path) in result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    check = run("valider", path)
    assert "erreur" not in check.stdout  # valid; warnings of the audit are allowed
    assert all(": avertissement: " in line for line in check.stdout.splitlines())


def test_init_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("init")
    assert (tmp_path / "usine.yaml").is_file()


def test_init_refuses_to_overwrite(tmp_path):
    path = tmp_path / "usine.yaml"
    path.write_text("# mon inventaire, à ne pas perdre\n", encoding="utf-8")
    result = run("init", path, code=2)
    assert "existe déjà" in result.stderr
    assert path.read_text(encoding="utf-8") == "# mon inventaire, à ne pas perdre\n"
    run("init", "--force", path)
    assert "version: 1" in path.read_text(encoding="utf-8")


def test_init_to_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", "-")
    assert "version: 1" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_facteurs_lists_factors():
    out = run("facteurs").stdout
    lines = out.splitlines()
    assert len(lines) >= 20
    keys = [line.split("\t")[0] for line in lines]
    assert keys == sorted(keys)
    for key in ("redevance.elimination", "collecte.taux_remplissage", "transport.charge_utile"):
        assert key in keys


def test_facteurs_prefix():
    lines = run("facteurs", "tarif.enfouissement").stdout.splitlines()
    assert lines
    assert all(line.startswith("tarif.enfouissement.") for line in lines)


def test_facteurs_shows_one_factor_with_its_source():
    factor = factors.load().factors["redevance.elimination"]
    out = run("facteurs", "redevance.elimination").stdout
    assert out.startswith("redevance.elimination\n")
    assert "$/t" in out
    assert factor.source in out
    assert "2026" in out  # the levy is given by year
    assert "confiance" in out


def test_facteurs_json():
    import json

    rows = json.loads(run("facteurs", "--format", "json", "redevance").stdout)
    assert [r["cle"] for r in rows][:1] == ["redevance.elimination"]
    assert all(r["source"] for r in rows)


def test_facteurs_unknown_key_suggests():
    result = run("facteurs", "redevance.elimnation", code=2)
    assert "aucun facteur « redevance.elimnation »" in result.stderr
    assert "redevance.elimination" in result.stderr


def test_completion():
    assert "_SYMBIO_COMPLETE" in run("completion", "bash").stdout


def test_python_m_version():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "symbio_cli", "--version"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"symbio {__version__}\n"


def test_console_script_version():
    script = os.path.join(os.path.dirname(sys.executable), "symbio")
    if not os.path.exists(script):
        pytest.skip("console script not installed beside this Python")
    proc = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"symbio {__version__}\n"
