"""Printing the territory report with Chromium: the handout alone on page 1, no column cut, no blank page.

The MRC prints its workshop report (Letter). The PDF is read back with
poppler (`pdftotext`) by test_impression.check_print: every column header of
every table is found, no word runs into the right margin, no page but the
last is nearly blank. Skipped without Chromium or poppler-utils.
"""

from __future__ import annotations

import subprocess

import pytest
import yaml
from test_impression import check_print, pytestmark  # noqa: F401 — the same skip without chromium/pdftotext

from conftest import EXEMPLES, run


def _first_page(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_territory_report_prints_every_column_and_opens_with_the_handout(tmp_path):
    report = tmp_path / "mrc.html"
    run("territoire", EXEMPLES / "mrc-cote-de-beaupre", "-f", "html", "-o", report, "--date", "2026-01-01")
    check_print(report, tmp_path)
    page1 = _first_page(report.with_suffix(".pdf"))
    assert "Fiche pour les élus" in page1
    assert "1. Synthèse" not in page1  # the handout is a page of its own
    # its pistes are numbered, with their GHG or n.d.
    assert "N°" in page1 and "n.d." in page1


def _many_firms(folder, n=14):
    """n firms around one town: a matrix wider than a page, long firm names."""
    for k in range(n):
        doc = {
            "version": 1, "annee": 2026,
            "entreprise": {"nom": f"Établissements Industriels Numéro {k} inc.", "region": "capitale-nationale",
                           "coordonnees": {"lat": 46.80 + 0.01 * k, "lon": -71.20 + 0.012 * (k % 5)}},
            "flux": [{"id": "carton", "nom": "Carton", "matiere": "carton", "quantite": f"{2 + k} t/an",
                      "masse_volumique": "50 kg/m³",
                      "gestion": {"mode": "enfouissement", "tarif": "95 $/t",
                                  "collecte": {"contenant": "6 vg³", "levees": "1/semaine", "frais_levee": "60 $"}}},
                     {"id": "palettes", "nom": "Palettes", "matiere": "bois_palettes", "quantite": f"{k + 1} t/an",
                      "gestion": {"mode": "enfouissement", "tarif": "95 $/t"}}],
        }
        if k % 3 == 0:
            doc["intrants"] = [{"nom": "Copeaux", "matiere": "biomasse_combustible", "quantite": "30 t/an",
                                "prix": "40 $/t"}]
        (folder / f"e{k}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_wide_territory_prints_every_column(tmp_path, lang):
    folder = tmp_path / "mrc"
    folder.mkdir()
    _many_firms(folder)
    report = tmp_path / "large.html"
    run("territoire", folder, "-f", "html", "-o", report, "--langue", lang, "--date", "2026-01-01")
    check_print(report, tmp_path)
