"""Golden territory reports: two sets of firms, every format, both languages, with and without --anonymiser.

The reports live in tests/data/golden/territoire/<set>/territoire[.en][.anon].<fmt>.
They change only on purpose: after checking a diff, regenerate them with
`pytest --regenerer` (or SYMBIO_REGENERER=1) and read the `git diff`.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from conftest import EXEMPLES, ROOT, run

SETS = {
    "mrc-cote-de-beaupre": EXEMPLES / "mrc-cote-de-beaupre",
    "saguenay": Path(__file__).resolve().parent / "data" / "territoire" / "saguenay",
}
GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "territoire"
DATE = "2026-11-28"
CASES = [(name, fmt, lang, anon) for name in SETS for fmt in ("md", "html", "json", "csv")
         for lang in ("fr", "en") for anon in (False, True)]


def _golden_path(name: str, fmt: str, lang: str, anon: bool) -> Path:
    suffix = ("" if lang == "fr" else f".{lang}") + (".anon" if anon else "")
    return GOLDEN / name / f"territoire{suffix}.{fmt}"


def _regenerate(request) -> bool:
    if os.environ.get("SYMBIO_REGENERER") == "1":
        return True
    return bool(request.config.getoption("regenerer", default=False))


@pytest.mark.parametrize("name,fmt,lang,anon", CASES,
                         ids=[f"{n}-{f}-{lg}{'-anon' if a else ''}" for n, f, lg, a in CASES])
def test_golden_territory(name, fmt, lang, anon, request, monkeypatch):
    monkeypatch.delenv("SYMBIO_SEL", raising=False)
    monkeypatch.chdir(ROOT)  # relative paths: the JSON's `fichier` must not depend on where the checkout is
    args = ["territoire", str(SETS[name].relative_to(ROOT)), "-f", fmt, "--langue", lang, "--date", DATE]
    if anon:
        args.append("--anonymiser")
    text = run(*args).stdout
    path = _golden_path(name, fmt, lang, anon)
    if _regenerate(request):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} absent : pytest --regenerer pour le créer")
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                                 "attendu", "obtenu", n=1))[:60])
        pytest.fail(f"{path.relative_to(ROOT)} diffère (régénérer exprès avec pytest --regenerer) :\n{diff}")


def test_every_territory_golden_file_has_a_case():
    """A golden file whose case was removed is stale."""
    expected = {_golden_path(*case) for case in CASES}
    stale = [p for p in GOLDEN.rglob("*") if p.is_file() and p not in expected]
    assert not stale, f"fichiers de référence sans cas : {[str(p.relative_to(ROOT)) for p in stale]}"
