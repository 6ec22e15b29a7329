"""The HTML report in a real browser: headless Chromium lays it out with its charts.

Needs Debian's chromium (/usr/bin/chromium, installed by .ci/run); skipped with a
clear message otherwise. Three runs on the usine.yaml report: a screenshot
(a non-empty PNG of the page's width), a dump of the laid-out DOM with the
size of each chart measured in the page, and a print to PDF (the print
stylesheet gives several pages).
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from pathlib import Path

import pytest

from symbio_cli import factors, pipeline, reports

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} absent : installez Debian chromium (apt-get install chromium) pour rendre le rapport HTML",
)

# Appended to a copy of the report only (reports themselves carry no script):
# measure each chart once the page is laid out, for --dump-dom to print.
MEASURE = """<script>
document.body.setAttribute("data-mesures", JSON.stringify(
  Array.from(document.querySelectorAll("figure.chart svg")).map(function (svg) {
    var r = svg.getBoundingClientRect();
    return {id: svg.parentNode.id, largeur: r.width, hauteur: r.height, formes: svg.querySelectorAll("rect,path").length};
  })));
</script>"""


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profil"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, timeout=180, cwd=tmp_path)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    lib = factors.load(None)
    outcome = pipeline.audit_file(str(ROOT / "exemples" / "usine.yaml"), lib)
    assert outcome.ok
    folder = tmp_path_factory.mktemp("chromium")
    path = folder / "usine.html"
    path.write_text(reports.render(outcome.result, "html", "fr", "2026-11-28", lib=lib), encoding="utf-8")
    return path


def test_screenshot_is_a_png(html_report, tmp_path):
    png = tmp_path / "usine.png"
    done = _chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,4000", html_report.as_uri())
    assert png.exists(), done.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 4000)
    assert len(data) > 50_000  # a blank page of that size compresses to a few kB


def test_charts_are_laid_out(html_report, tmp_path):
    measured = tmp_path / "mesure.html"
    measured.write_text(html_report.read_text(encoding="utf-8").replace("</body>", MEASURE + "\n</body>"),
                        encoding="utf-8")
    done = _chromium(tmp_path, "--dump-dom", "--window-size=1280,4000", measured.as_uri())
    dom = done.stdout.decode("utf-8", errors="replace")
    # METHODE.md R2: usine.yaml's pellets are energy recovery, with no library factor for burning wood, so its
    # GHG total is "n.d." and no empty GHG chart is drawn
    expected = ["graphique-couts", "graphique-destinations", "graphique-flux"]
    if 'id="graphique-ges"' in html_report.read_text(encoding="utf-8"):
        expected.append("graphique-ges")
    assert dom.count('role="img"') == len(expected), done.stderr.decode(errors="replace")[-2000:]
    raw = re.search(r'data-mesures="([^"]*)"', dom)
    assert raw, "the measuring script did not run"
    charts = json.loads(raw.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert [c["id"] for c in charts] == expected
    for c in charts:
        assert c["largeur"] > 400 and c["hauteur"] > 60, c  # drawn at a readable size
        assert c["formes"] >= 1, c  # bars, bands or segments


def test_prints_to_several_pages(html_report, tmp_path):
    pdf = tmp_path / "usine.pdf"
    _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html_report.as_uri())
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 4, pages
