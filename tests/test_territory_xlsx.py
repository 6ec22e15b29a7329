"""`symbio territoire -f xlsx`: one sheet per table, typed numeric cells, never a formula."""

from __future__ import annotations

import io
import math

import pytest
import yaml
from test_territory import firm, great_circle, need, residue

from conftest import EXEMPLES, run

openpyxl = pytest.importorskip("openpyxl")

A = (47.000, -71.000)
B = (47.100, -71.050)


def _book(tmp_path, *args):
    out = tmp_path / "t.xlsx"
    run("territoire", *args, "-f", "xlsx", "-o", out, "--date", "2026-01-01")
    return openpyxl.load_workbook(out)


def _rows(ws) -> list[dict]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]


def test_one_sheet_per_table_with_typed_numbers(tmp_path):
    wb = _book(tmp_path, EXEMPLES / "mrc-cote-de-beaupre")
    assert wb.sheetnames == ["Synthèse", "Pistes", "Appariements", "Mutualisations", "Par famille", "Par secteur",
                             "Par matière", "Entreprises", "Matrice", "En place", "Facteurs", "Avertissements"]
    ws = wb["Appariements"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    head = [c.value for c in ws[1]]
    first = list(ws.iter_rows(min_row=2, max_row=2))[0]
    for key in ("quantite_t", "valeur_cad", "distance_km"):
        cell = first[head.index(key)]
        assert cell.data_type == "n" and isinstance(cell.value, (int, float)), key
    assert first[head.index("valeur_cad")].number_format.startswith("#,##0")


def test_figures_in_the_workbook_are_the_hand_computed_ones(tmp_path):
    docs = [
        firm("Scierie A", *A, flux=[residue("ecorces", "bois_residus", "400 t/an", tarif="98 $/t")]),
        firm("=HYPERLINK(\"http://x\",\"Serres\")", *B, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t")]),
    ]
    for k, doc in enumerate(docs):
        (tmp_path / f"f{k}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    wb = _book(tmp_path, tmp_path)
    (m,) = _rows(wb["Appariements"])
    d = great_circle(*A, *B) * 1.2
    assert m["quantite_t"] == pytest.approx(250)
    # 250 t × (98 + 36) $/t + 250 t × 45 $/t − 0,16 $/t/km × 250 t × d km
    assert m["valeur_cad"] == pytest.approx(250 * (98 + 36) + 250 * 45 - 0.16 * 250 * d)
    assert m["voyages"] == math.ceil(250 / 10)
    # a name that looks like a formula is text, never a formula
    ws = wb["Appariements"]
    cell = next(c for c in ws[2] if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_anonymised_workbook_hides_what_the_report_hides(tmp_path):
    wb = _book(tmp_path, EXEMPLES / "mrc-cote-de-beaupre", "--anonymiser")
    for m in _rows(wb["Appariements"]):
        assert m["quantite_t"] is None and m["valeur_cad"] is None and m["supprime"] is True
        assert not str(m["fournisseur"]).startswith("Bois")
    names = {r["entreprise"] for r in _rows(wb["Entreprises"])}
    assert all(n.startswith("E-") for n in names)


def test_xlsx_on_standard_output(tmp_path):
    result = run("territoire", EXEMPLES / "mrc-cote-de-beaupre", "-f", "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes))
    assert "Pistes" in wb.sheetnames
