"""The audit summary on a terminal: readable at 60 columns, plain lines under TERM=dumb."""

from __future__ import annotations

import io
import re

import pytest

from conftest import EXEMPLES
from symbio_cli import factors, pipeline
from symbio_cli.reports import terminal
from symbio_cli.reports.audit import figures

UNIT_START = re.compile(r"^(?:\$|%|t/|t\b|m²|m³|kg|km|\$/|:|;|»)")
BORDER = "│╭╮╰╯─"


@pytest.fixture(scope="module")
def result():
    outcome = pipeline.audit_file(str(EXEMPLES / "usine.yaml"), factors.load(None))
    assert outcome.ok
    return outcome.result


def summary(result, width, monkeypatch, term="xterm-256color") -> str:
    monkeypatch.setenv("TERM", term)
    buf = io.StringIO()
    terminal.render_summary(result, "fr", file=buf, width=width)
    return buf.getvalue()


def _inside(line: str) -> str:
    return line.strip(BORDER + " ").strip()


def _tokens(text: str) -> list[str]:
    return text.replace("\u00a0", " ").replace("\u202f", " ").split()


@pytest.mark.parametrize("width", [60, 72, 80])
def test_summary_reads_well_in_a_narrow_terminal(result, monkeypatch, width):
    out = summary(result, width, monkeypatch)
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert len(lines) < 50  # one screen, not the ~70 lines of a broken grid
    body = [_inside(line) for line in lines if _inside(line)]
    for line in body:
        assert not UNIT_START.match(line), f"a unit or a colon starts a line: {line!r}"
        assert "…" not in line, f"a word was cut: {line!r}"
    printed = set(_tokens(" ".join(body)))
    for fig in figures(result, "fr"):
        for word in _tokens(fig["label"] + " " + fig["value"] + " " + fig["detail"]):
            assert word in printed, f"« {word} » ({fig['id']}) is not printed whole"
    # each value stays whole on its line (98 361 $/an, not 98 / 361 $/an)
    for fig in figures(result, "fr"):
        assert any(fig["value"].replace("\u00a0", " ") in line.replace("\u00a0", " ") for line in lines), fig["value"]
    assert "Montants annuels avant taxes" in out  # the subtitle is whole, not cut on the border


def test_wide_terminal_keeps_three_columns(result, monkeypatch):
    out = summary(result, 120, monkeypatch)
    line = next(line for line in out.splitlines() if "Coût actuel de gestion" in line)
    assert "$/an" in line and "matières" in line  # label, value and detail side by side


def test_dumb_terminal_gets_plain_lines(result, monkeypatch):
    out = summary(result, 60, monkeypatch, term="dumb")
    assert not any(ch in out for ch in BORDER)
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "symbio — Meubles Laurentiens inc. (2026)"
    assert all(len(line) <= 60 for line in lines)
    text = out.replace("\u00a0", " ")
    for fig in figures(result, "fr"):
        assert f"{fig['label']} : {fig['value']}".replace("\u00a0", " ") in text


def test_a_dumb_terminal_still_wants_the_summary(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("TERM", "dumb")
    assert terminal.wanted(Tty())
    assert not terminal.wanted(io.StringIO())  # a pipe or a file: never
