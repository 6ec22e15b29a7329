"""What editors, shells and CI see: pre-commit hook, completion, French help."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXEMPLES, ROOT, run

WORKFLOW = """\
name: valider
on: [push]
jobs:
  valider:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install symbio && symbio valider --format github .
"""


def _hook():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "symbio-valider"]
    return hook


def _pre_commit(repo: Path, code: int):
    """Run the hook as pre-commit does: its `files`/`exclude` on the repo's paths, then its entry."""
    hook = _hook()
    paths = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file())
    chosen = [p for p in paths if re.search(hook["files"], p) and not re.search(hook["exclude"], p)]
    entry = hook["entry"].split()
    assert entry[0] == "symbio"
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        return chosen, run(*entry[1:], *chosen, code=code)
    finally:
        os.chdir(cwd)


def test_pre_commit_hook_passes_a_repository_holding_a_github_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "valider.yml").write_text(WORKFLOW, encoding="utf-8")
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Inventaires\nnav:\n  - index.md\n", encoding="utf-8")
    (tmp_path / "clients").mkdir()
    shutil.copy(EXEMPLES / "usine.yaml", tmp_path / "clients" / "usine.yaml")
    chosen, result = _pre_commit(tmp_path, code=0)
    assert ".github/workflows/valider.yml" in chosen  # the hook sees it, and skips it itself
    assert "3 fichiers YAML sautés" in result.stderr
    assert "1 inventaire valide" in result.stderr


def test_pre_commit_hook_still_refuses_a_broken_inventory(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yaml").write_text(WORKFLOW, encoding="utf-8")
    text = (EXEMPLES / "usine.yaml").read_text(encoding="utf-8").replace("quantite: 18 t/mois", "quantite: 18 brouettes")
    (tmp_path / "usine.yaml").write_text(text, encoding="utf-8")
    # an inventory whose YAML is broken still has its two keys: validated, refused
    (tmp_path / "casse.yaml").write_text("version: 1\nflux:\n  - id: [\n", encoding="utf-8")
    _, result = _pre_commit(tmp_path, code=1)
    assert "usine.yaml:" in result.stdout and "brouettes" in result.stdout
    assert "casse.yaml:" in result.stdout
    assert "1 fichier YAML sauté" in result.stderr


def test_pre_commit_hook_with_only_other_yaml_passes(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    _, result = _pre_commit(tmp_path, code=0)
    assert "aucun inventaire" in result.stderr


def test_valider_without_the_option_still_judges_every_file(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert "clé inconnue" in run("valider", tmp_path / "mkdocs.yml", code=1).stdout


def _complete(words: str, cword: int, cwd: Path) -> str:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword), "_SYMBIO_COMPLETE": "bash_complete"}
    env = {k: v for k, v in env.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "symbio_cli"], capture_output=True, text=True, env=env, check=False,
                          cwd=cwd, timeout=60)
    return proc.stdout


@pytest.mark.parametrize("command", ["audit exemples/us", "valider exemples/us", "territoire exemples/mr",
                                     "init us", "importer clas"])
def test_completion_answers_file_for_file_arguments(command):
    words = f"symbio {command}"
    assert _complete(words, len(words.split()) - 1, ROOT).splitlines()[0].startswith("file,")


def test_completion_of_a_folder_option_stays_folders():
    assert _complete("symbio audit --facteurs fac", 3, ROOT).startswith("dir,")


def test_bash_completion_script_falls_back_to_file_names():
    script = run("completion", "bash").stdout
    assert "complete -o nosort -o default -F" in script
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n"], input=script, text=True, check=False).returncode == 0


@pytest.mark.parametrize("args", [(), ("audit",), ("valider",), ("territoire",), ("schema",), ("init",),
                                  ("importer",)])
def test_help_follows_french_typography(args):
    out = run(*args, "--help").stdout
    assert "Options :" in out and "Options:" not in out
    assert "Utilisation :" in out
    assert not re.search(r"\[x[<>]=?|[<>]=?x\]|\bx[<>]=", out), out
    assert "[required]" not in out and "default:" not in out


def test_help_writes_ranges_in_french():
    assert "[≥ 1]" in run("audit", "--help").stdout


def test_readme_walks_a_fresh_machine_to_the_tour():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = ["git clone", "cd symbio", "python3 -m venv .venv", "source .venv/bin/activate", "symbio init usine.yaml"]
    positions = [readme.find(step) for step in steps]
    assert all(p >= 0 for p in positions), dict(zip(steps, positions))
    assert positions == sorted(positions), dict(zip(steps, positions))  # in the order a newcomer types them
    assert "Chromium est facultatif" in readme
    assert "symbio init --format xlsx" in readme and "symbio importer" in readme


def test_usage_errors_quote_the_french_way():
    err = run("audit", "-j", "0", "x.yaml", code=2).stderr
    assert "« -j » / « --jobs »" in err and "'-j'" not in err
    err = run("init", "--format", "pdf", code=2).stderr
    assert "« pdf » n'est pas parmi yaml, xlsx" in err
