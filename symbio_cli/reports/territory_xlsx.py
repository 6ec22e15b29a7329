"""The territory report as a workbook (`symbio territoire -f xlsx`): one sheet per table, typed cells.

Every sheet is a table of the JSON report (`territory.to_dict`, the same
frozen result): numbers stay numbers (money `1 234 $`, tonnes `0,0`, GHG
`0,00` formats), booleans stay booleans, a figure --anonymiser hid is an
empty cell. Header row bold and frozen, autofilter on every table. Text
cells are always text (a name starting with `=` is never a formula).
"""

from __future__ import annotations

import json

from symbio_cli.reports.spreadsheet import put, to_bytes
from symbio_cli.reports.territory import numbers, to_dict
from symbio_cli.territory import TerritoryResult

_MONEY = '#,##0\\ "$";-#,##0\\ "$"'
_TONNES = "#,##0.0"
_GHG = "#,##0.00"
_RATE = "0.0 %"

# (key of to_dict, French sheet name, English sheet name, first columns)
SHEETS = (
    ("pistes", "Pistes", "Leads", ()),
    ("appariements", "Appariements", "Matches", ("rang", "fournisseur", "flux", "preneur", "intrant")),
    ("mutualisations", "Mutualisations", "Pooling", ("rang", "matiere", "forme", "entreprise", "flux")),
    ("par_famille", "Par famille", "By family", ("cle",)),
    ("par_secteur", "Par secteur", "By sector", ("cle",)),
    ("par_matiere", "Par matière", "By material", ("cle",)),
    ("entreprises", "Entreprises", "Firms", ("entreprise",)),
    ("matrice", "Matrice", "Matrix", ("categorie", "entreprise")),
    ("en_place", "En place", "In place", ("type", "fournisseur", "flux")),
    ("facteurs_utilises", "Facteurs", "Factors", ("cle",)),
    ("avertissements", "Avertissements", "Warnings", ("code",)),
)


def _format(key: str) -> str | None:
    if key.endswith("_cad") or key.endswith("_cad_t") or key.endswith("_cad_t_km"):
        return _MONEY if key.endswith("_cad") else "#,##0.00"
    if key.endswith("tco2e"):
        return _GHG
    if key.endswith("_t") or key.endswith("_km") or key in ("levees", "levees_groupe", "volume_m3"):
        return _TONNES
    if key.startswith("taux") or key in ("rabais_levee", "attribution_ges_fournisseur"):
        return _RATE
    return None


def _value(value):
    """A cell value: numbers and booleans as they are, lists and mappings as JSON text."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _put(ws, row: int, col: int, value, number_format: str | None = None):
    """One typed cell (spreadsheet.put), lists and mappings written as JSON text."""
    return put(ws, row, col, _value(value), number_format)


def _table(ws, rows: list[dict], first: tuple) -> None:
    """A sheet holding one table: header, typed rows, frozen header, autofilter, widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    keys = [k for k in first if any(k in r for r in rows)] if rows else list(first)
    for r in rows:
        keys += [k for k in r if k not in keys]
    for col, key in enumerate(keys, 1):
        _put(ws, 1, col, key).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(40, len(key) + 4))
    for n, r in enumerate(rows, 2):
        for col, key in enumerate(keys, 1):
            _put(ws, n, col, r.get(key), _format(key))
    ws.freeze_panes = "A2"
    if keys:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{max(1, len(rows)) + 1}"


def _pistes(result: TerritoryResult, data: dict) -> list[dict]:
    """The opportunities as numbered on the map, the handout and in section 10."""
    match_no, group_no = numbers(result)
    rows = []
    for k, m in enumerate(data["appariements"]):
        rows.append({"numero": match_no[k], "type": "substitution", "fournisseur": m["fournisseur"],
                     "preneur": m["preneur"], "matiere": m["matiere"], "quantite_t": m["quantite_t"],
                     "valeur_cad": m["valeur_cad"], "ges_evites_tco2e": m["ges_evites_tco2e"],
                     "supprime": m["supprime"]})
    for k, g in enumerate(data["mutualisations"]):
        rows.append({"numero": group_no[k], "type": g["forme"], "matiere": g["matiere"],
                     "membres": ", ".join(mb["entreprise"] for mb in g["membres"]),
                     "valeur_cad": g["economie_cad"], "supprime": g["supprime"]})
    return sorted(rows, key=lambda r: r["numero"])


def _members(data: dict) -> list[dict]:
    """One row per member of each pooling group, with the group's figures."""
    rows = []
    for g in data["mutualisations"]:
        group = {k: v for k, v in g.items() if k != "membres"}
        for mb in g["membres"]:
            rows.append({"rang": g["rang"], "matiere": g["matiere"], "forme": g["forme"],
                         **{f"membre_{k}" if k in group and k not in ("entreprise", "flux") else k: v
                            for k, v in mb.items()},
                         **{k: v for k, v in group.items() if k not in ("rang", "matiere", "forme")}})
    return rows


def _matrix(data: dict) -> list[dict]:
    """The offer/demand matrix in long form: one row per material or category and firm."""
    rows = []
    for r in data["matrice"]:
        firms = sorted(set(r["offre"]) | set(r["demande"]))
        for name in firms:
            rows.append({"categorie": r["categorie"], "entreprise": name, "offre_t": r["offre"].get(name),
                         "offre_reste_t": r["offre_reste"].get(name), "demande_t": r["demande"].get(name),
                         "demande_reste_t": r["demande_reste"].get(name), "supprime": r["supprime"]})
    return rows


def render_xlsx(result: TerritoryResult, lang: str = "fr", date: str = "") -> bytes:
    """The workbook: a summary sheet (parameters and totals, one per row), then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = to_dict(result, date)
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary" if lang == "en" else "Synthèse"
    _put(ws, 1, 1, "cle").font = Font(bold=True)
    _put(ws, 1, 2, "valeur").font = Font(bold=True)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 18
    n = 2
    for section in ("parametres", "totaux"):
        for key, value in data[section].items():
            _put(ws, n, 1, key)
            _put(ws, n, 2, value, _format(key))
            n += 1
    ws.freeze_panes = "A2"
    tables = dict(data, pistes=_pistes(result, data), mutualisations=_members(data), matrice=_matrix(data))
    for key, fr, en, first in SHEETS:
        _table(wb.create_sheet(en if lang == "en" else fr), tables[key], first)
    return to_bytes(wb, date)
