"""Golden reports: every example in exemples/, Markdown and HTML, compared byte for byte.

The reports of exemples/<chemin>.yaml live in tests/data/golden/<chemin>.md and
.html (French), plus usine.en.md and usine.en.html (English). They change only
on purpose: after checking a diff, regenerate them with

    SYMBIO_REGENERER=1 pytest tests/test_report_golden.py

(or `pytest --regenerer` once tests/conftest.py declares that option). A
failure shows the first differing lines.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from symbio_cli import factors, pipeline, reports

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "exemples"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
DATE = "2026-11-28"

CASES = [(p, fmt, "fr") for p in sorted(EXAMPLES.rglob("*.yaml")) for fmt in ("md", "html")]
CASES += [(EXAMPLES / "usine.yaml", fmt, "en") for fmt in ("md", "html")]


def _regenerate(request) -> bool:
    if os.environ.get("SYMBIO_REGENERER") == "1":
        return True
    return bool(request.config.getoption("regenerer", default=False))


def _golden_path(example: Path, fmt: str, lang: str) -> Path:
    rel = example.relative_to(EXAMPLES).with_suffix("")
    suffix = f".{fmt}" if lang == "fr" else f".{lang}.{fmt}"
    return GOLDEN / rel.parent / (rel.name + suffix)


@pytest.fixture(scope="module")
def library():
    return factors.load(None)


@pytest.mark.parametrize("example,fmt,lang", CASES,
                         ids=[f"{p.relative_to(EXAMPLES)}-{fmt}-{lang}" for p, fmt, lang in CASES])
def test_golden_report(example, fmt, lang, library, request):
    outcome = pipeline.audit_file(str(example), library)
    assert outcome.ok, [p.format() for p in outcome.problems]
    text = reports.render(outcome.result, fmt, lang, DATE, lib=library)
    assert text == reports.render(outcome.result, fmt, lang, DATE, lib=library), "two renderings differ"
    path = _golden_path(example, fmt, lang)
    if _regenerate(request):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} absent : SYMBIO_REGENERER=1 pytest {Path(__file__).name} pour le créer")
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                                 "attendu", "obtenu", n=1))[:60])
        pytest.fail(f"{path.relative_to(ROOT)} diffère (régénérer exprès avec SYMBIO_REGENERER=1) :\n{diff}")


def test_every_golden_file_has_an_example():
    """A golden file whose example was removed or renamed is stale."""
    expected = {_golden_path(p, fmt, lang) for p, fmt, lang in CASES}
    stale = [p for p in GOLDEN.rglob("*")
             if p.is_file() and p not in expected and "territoire" not in p.relative_to(GOLDEN).parts[:1]]
    assert not stale, f"fichiers de référence sans exemple : {[str(p.relative_to(ROOT)) for p in stale]}"
