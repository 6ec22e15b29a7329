"""Printing the HTML reports with Chromium: no column cut at the right edge, no blank page.

A person prints the audit report and a batch's sommaire.html (Letter). The PDF
is read back with poppler (`pdftotext`): every column header of every table of
the HTML must be found in the printed text, no word may run into the right
margin (Chromium clips what passes the page box), and no page but the last may
be blank or nearly blank (a table pushed whole to the next page used to leave
one). Skipped without Chromium or poppler-utils (.ci/run installs both).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXEMPLES, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and shutil.which("pdftotext")),
    reason="chromium et poppler-utils (pdftotext) absents : apt-get install chromium poppler-utils",
)

MIN_LINES = 4  # a page with fewer text lines (a heading, a caption) is "nearly blank"


class _Headers(HTMLParser):
    """The column headers (`thead th`) of each table of an HTML page."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[str]] = []
        self._in_head = self._in_th = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._in_head = True
        elif tag == "th" and self._in_head:
            self._in_th, self._text = True, ""
        elif tag == "br" and self._in_th:
            self._text += " "

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag == "th" and self._in_th:
            self._in_th = False
            text = " ".join(self._text.split())
            if text:
                self.tables[-1].append(text)

    def handle_data(self, data):
        if self._in_th:
            self._text += data


def headers(html: str) -> list[list[str]]:
    parser = _Headers()
    parser.feed(html)
    return [t for t in parser.tables if t]


def _plain(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")


def print_pdf(html: Path, tmp_path: Path) -> Path:
    pdf = html.with_suffix(".pdf")
    profile = tmp_path / "profil"
    profile.mkdir(exist_ok=True)
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
        capture_output=True, timeout=180, check=False)
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", done.stderr.decode(errors="replace")[-2000:]
    return pdf


def pages(pdf: Path) -> list[dict]:
    """Each page's size, its words with their right edge, and its text lines (`pdftotext -bbox`, `-layout`)."""
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for n, (width, body) in enumerate(re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', box, re.DOTALL), 1):
        words = [(float(x), html.unescape(w)) for x, w in re.findall(r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body)]
        text = subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.append({"width": float(width), "words": words,
                    "lines": [line for line in text.splitlines() if line.strip()]})
    return out


def check_print(report: Path, tmp_path: Path) -> list[dict]:
    tables = headers(report.read_text(encoding="utf-8"))
    assert tables, "no table with a header in the report"
    printed = pages(print_pdf(report, tmp_path))
    words = {_plain(w) for page in printed for _, w in page["words"]}
    for columns in tables:
        for header in columns:
            missing = [w for w in _plain(header).split() if w not in words]
            assert not missing, f"column « {header} » of {columns} not printed whole (missing {missing})"
    for n, page in enumerate(printed, 1):
        margin = page["width"] - 33  # the page box ends at the 12 mm margin (34 pt)
        beyond = [w for x, w in page["words"] if x > margin]
        assert not beyond, f"page {n}: words run into the right margin, cut: {beyond[:10]}"
        least = MIN_LINES if n < len(printed) else 2  # the last page may be short, never a lone footer
        assert len(page["lines"]) >= least, f"page {n} of {len(printed)} is nearly blank: {page['lines']}"
    return printed


def test_audit_report_prints_every_column_without_blank_pages(tmp_path):
    html = tmp_path / "usine.html"
    run("audit", EXEMPLES / "usine.yaml", "-f", "html", "-o", html, "--date", "2026-01-15")
    printed = check_print(html, tmp_path)
    assert "Meubles Laurentiens" in " ".join(printed[0]["lines"])
    # the factor table starts on the page of its heading (no page left with the heading alone)
    factors = next(n for n, p in enumerate(printed) if any("Facteurs utilisés" in line for line in p["lines"]))
    assert any(line.split()[:1] == ["Clé"] for line in printed[factors]["lines"]), printed[factors]["lines"]


def test_english_audit_report_prints_every_column(tmp_path):
    html = tmp_path / "fonderie.html"
    run("audit", EXEMPLES / "fonderie.yaml", "-f", "html", "-o", html, "--langue", "en", "--date", "2026-01-15")
    check_print(html, tmp_path)


def test_summary_of_a_long_batch_prints_every_column_from_the_first_page(tmp_path):
    clients = tmp_path / "clients"
    clients.mkdir()
    for copy in range(4):  # ~30 rows: longer than one page
        for path in sorted(EXEMPLES.glob("*.yaml")):
            shutil.copy(path, clients / f"{copy}-{path.name}")
    out = tmp_path / "rapports"
    run("audit", clients, "-f", "html", "-o", out, "--date", "2026-01-15")
    printed = check_print(out / "sommaire.html", tmp_path)
    assert len(printed) >= 2
    first = " ".join(printed[0]["lines"])
    assert "0-usine.yaml" in first or "0-scierie.yaml" in first, printed[0]["lines"]  # the table starts on page 1
    assert any(re.match(r"\s*Total\b", line) for page in printed[1:] for line in page["lines"])
