"""Guards of the architecture (issue 9): one of each, small modules, simple functions.

The import layering and "the library never imports click or rich" are import-linter
contracts (.importlinter), run by `.ci/run` with ruff (pyproject.toml), which also caps
each function's cyclomatic complexity at 25 (C901).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symbio_cli"
MAX_LINES = 900
# Modules allowed above the ceiling while they are being split; empty this list as they come down.
PENDING_SPLIT: set[str] = set()


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if ".venv" not in p.parts)


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_no_module_exceeds_900_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in _modules()
            if (n := len(_source(p).splitlines())) > MAX_LINES}
    assert set(long) <= PENDING_SPLIT, f"modules de plus de {MAX_LINES} lignes : {long}"


def test_pending_split_list_is_not_stale():
    """A module that came under the ceiling leaves the list, so it cannot grow back unseen."""
    for name in PENDING_SPLIT:
        path = PACKAGE.parent / name
        assert path.exists() and len(_source(path).splitlines()) > MAX_LINES, name


def _occurrences(pattern: str) -> list[str]:
    return [f"{p.relative_to(PACKAGE.parent)}:{i}" for p in _modules()
            for i, line in enumerate(_source(p).splitlines(), 1)
            if re.search(pattern, line) and not line.lstrip().startswith("#")]


def test_one_jinja2_environment():
    found = _occurrences(r"\bEnvironment\(")
    assert found == ["symbio_cli/reports/templating.py:" + found[0].rsplit(":", 1)[1]], found


def test_one_markdown_escaper():
    """Views escape Markdown through the `md` filter of reports/templating.py only."""
    found = _occurrences(r"def (md|md_cell|_md|markdown_escape)\(")
    assert [f.rsplit(":", 1)[0] for f in found] == ["symbio_cli/reports/templating.py"], found


def test_one_label_catalogue():
    """Report labels live in symbio_cli/i18n/ only: no `(fr, en)` table in a view."""
    for path in (PACKAGE / "reports").glob("*.py"):
        assert not re.search(r"^[A-Z_]+: dict\[str, tuple\[str, str\]\] = \{", _source(path), re.M), path.name


def test_views_never_load_a_library():
    """The factor library is passed in (`lib=`), so a --facteurs overlay reaches every view."""
    for path in (PACKAGE / "reports").glob("*.py"):
        assert not re.search(r"factors\.load\(|\bload\(None\)", _source(path)), path.name


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(__file__).parents[1] / ".venv/bin/ruff").exists(),
                    reason="ruff absent")
def test_no_function_is_too_complex():
    ruff = shutil.which("ruff") or str(Path(__file__).parents[1] / ".venv/bin/ruff")
    done = subprocess.run([ruff, "check", "--select", "C901", "--output-format", "concise", str(PACKAGE)],
                          capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout + done.stderr
