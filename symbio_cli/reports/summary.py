"""The batch summary: one row per audited file, in md, html, json, csv and xlsx.

Rows are the small dicts a batch's workers send back (portfolio._one):
`fichier`, `rapport`, `ok`, `problemes`, `avertissements` (formatted
lines), and for an audited file `entreprise`, `region`, `flux`,
`ges_partiel`, `defauts` (count), `part_pesee` (0–1) and the totals of
`SUMMARY_KEYS`. Money in CAD per year, masses in t per year, GHG in t CO2e
per year, rates as fractions.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from symbio_cli import __version__, i18n
from symbio_cli.reports.formatting import Formatter
from symbio_cli.reports.spreadsheet import put, to_bytes
from symbio_cli.reports.templating import environment


def _t(key: str, lang: str, **values) -> str:
    return i18n.text(key, lang, **values)


def summary_view(good: list[dict], bad: list[dict], date: str, lang: str) -> dict:
    """Rows of the portfolio summary, formatted."""
    f = Formatter(lang)
    rows = []
    for r in good:
        partial = f" ({_t('p.partiel', lang)})" if r.get("ges_partiel") else ""
        rapport = r.get("rapport")
        rows.append({
            "fichier": os.path.basename(r["fichier"]), "rapport": os.path.basename(rapport) if rapport else "",
            "lien": link(rapport),
            "entreprise": r.get("entreprise", ""), "flux": str(r.get("flux", "")),
            "masse": f.num(r.get("masse_t"), 1, False),
            "cout_actuel": f.money(r.get("cout_actuel_cad")), "economies": f.money(r.get("economies_nettes_cad")),
            "cout_projete": f.money(r.get("cout_projete_cad")), "revenus": f.money(r.get("revenus_substitution_cad")),
            "mutualisation": f.money(r.get("economies_mutualisation_cad")),
            "enfouissement": f.num(r.get("enfouissement_evite_t"), 1, False),
            "redevance": f.money(r.get("redevance_evitee_cad")),
            "ges": (f.num(r["ges_evites_tco2e"], 1, False) if r.get("ges_evites_tco2e") is not None
                    else _t("nd", lang)) + partial,  # [R2] never "0,0" for a total with no factor
            "taux": f"{f.pct(r.get('taux_mise_en_valeur_avant'))} → {f.pct(r.get('taux_mise_en_valeur_apres'))}",
        })

    def total(key):
        return sum((r.get(key) or 0.0) for r in good)

    totals = {
        "masse": f.num(total("masse_t"), 1, False), "cout_actuel": f.money(total("cout_actuel_cad")),
        "economies": f.money(total("economies_nettes_cad")), "cout_projete": f.money(total("cout_projete_cad")),
        "revenus": f.money(total("revenus_substitution_cad")),
        "mutualisation": f.money(total("economies_mutualisation_cad")),
        "enfouissement": f.num(total("enfouissement_evite_t"), 1, False),
        "redevance": f.money(total("redevance_evitee_cad")),
        "ges": f.num(total("ges_evites_tco2e"), 1, False)
        if any(r.get("ges_evites_tco2e") is not None for r in good) or not good else _t("nd", lang),
        "flux": str(sum(int(r.get("flux") or 0) for r in good)),
    }
    failures = [{"fichier": r["fichier"], "erreur": (r.get("problemes") or ["?"])[0]} for r in bad]
    warned = [{"fichier": os.path.basename(r["fichier"]), "lien": link(r.get("rapport")) if r.get("ok") else "",
               "nombre": _count(len(r["avertissements"]), lang),
               "premier": _t("p.avertissement_premier", lang, message=_local(r["avertissements"][0], r["fichier"]))}
              for r in sorted(good + bad, key=lambda r: r["fichier"]) if r.get("avertissements")]
    return {
        "lang": lang, "L": i18n.labels(lang), "date": date, "rows": rows, "totaux": totals, "echecs": failures,
        "avertissements": warned,
        "intro": _t("p.intro", lang, n=len(good), echecs=len(bad), date=date),
        "pied": f"symbio {__version__}",
    }


def render_summary(good: list[dict], bad: list[dict], date: str, fmt: str, lang: str = "fr") -> str:
    """The portfolio summary (sommaire.md / sommaire.html) of a batch."""
    lang = "en" if lang == "en" else "fr"
    if fmt not in ("md", "html"):
        raise ValueError(f"format de sommaire inconnu : {fmt}")
    return environment().get_template(f"sommaire.{fmt}.j2").render(summary_view(good, bad, date, lang))


def link(path: str | None) -> str:
    """The relative link from the summary to a report beside it, URL-encoded (`#`, `%`, spaces, accents)."""
    return quote(os.path.basename(path), safe="") if path else ""


def _local(line: str, path: str) -> str:
    """A warning line with the file's name instead of its whole path (the summary sits beside the reports)."""
    return os.path.basename(path) + line[len(path):] if line.startswith(path + ":") else line


def _count(n: int, lang: str) -> str:
    return _t("p.avertissement_nombre", lang, n=n)


SUMMARY_KEYS = (
    "masse_t", "cout_actuel_cad", "cout_projete_cad", "economies_nettes_cad",
    "revenus_substitution_cad", "economies_mutualisation_cad", "enfouissement_evite_t",
    "redevance_evitee_cad", "ges_evites_tco2e", "taux_mise_en_valeur_avant", "taux_mise_en_valeur_apres",
)
EXTRA_KEYS = ("region", "ges_partiel", "part_pesee", "defauts")


def _first(items) -> str | None:
    return items[0] if items else None


def summary_payload(good: list[dict], bad: list[dict], date: str) -> dict:
    """sommaire.json (`symbio.sommaire/1`): `inventaires` by net savings, then `echecs`.

    Each row: `fichier`, `rapport`, `entreprise`, `flux`, the totals of
    SUMMARY_KEYS, `ges_partiel`, `region`, `part_pesee` (0–1, null without
    mass), `defauts` (number of library values the inventory did not give),
    `nb_avertissements` and `avertissements` (every warning, formatted
    `fichier:ligne:colonne: avertissement: …`). A failure: `fichier`, `erreur`
    (the first error), `erreurs` and `avertissements`.
    """
    return {
        "schema": "symbio.sommaire/1", "date": date,
        "inventaires": [
            {**{k: r.get(k) for k in ("fichier", "rapport", "entreprise", "flux", *SUMMARY_KEYS, *EXTRA_KEYS)},
             "nb_avertissements": len(r["avertissements"]), "avertissements": list(r["avertissements"])}
            for r in good],
        "echecs": [{"fichier": r["fichier"], "erreur": _first(r["problemes"]) or "?", "erreurs": list(r["problemes"]),
                    "nb_avertissements": len(r["avertissements"]), "avertissements": list(r["avertissements"])}
                   for r in bad],
    }


CSV_COLUMNS = ("fichier", "entreprise", "flux", *SUMMARY_KEYS, "erreur", "region", "ges_partiel", "part_pesee",
               "avertissements", "premier_avertissement", "defauts")
_CSV_DIGITS = {"masse_t": 3, "enfouissement_evite_t": 3, "ges_evites_tco2e": 4, "taux_mise_en_valeur_avant": 4,
               "taux_mise_en_valeur_apres": 4, "part_pesee": 4}


def render_csv(good: list[dict], bad: list[dict], excel_fr: bool = False) -> str:
    """sommaire.csv: one line per file, the columns of CSV_COLUMNS.

    Default RFC 4180 (`,`, decimal point, CRLF), for programs; `excel_fr`:
    `;`, decimal comma and a UTF-8 BOM, for a French-Canadian Excel. Formulas
    are neutralised by the one CSV writer (files.csv_text).
    """
    from symbio_cli.files import csv_text

    lines = []
    for r in good:
        lines.append([r["fichier"], r["entreprise"], r["flux"], *(r.get(k) for k in SUMMARY_KEYS), "",
                      r.get("region"), r.get("ges_partiel"), r.get("part_pesee"), len(r["avertissements"]),
                      _first(r["avertissements"]), r.get("defauts", 0)])
    for r in bad:
        lines.append([r["fichier"], None, None, *([None] * len(SUMMARY_KEYS)), _first(r["problemes"]) or "?",
                      None, None, None, len(r["avertissements"]), _first(r["avertissements"]), None])
    return csv_text(CSV_COLUMNS, lines, digits=_CSV_DIGITS, excel_fr=excel_fr)


# xlsx: (label key, row key, Excel number format); fr-CA formats are written the Excel way (`#,##0`), and Excel
# shows them with the reader's separators (1 234,5 in French).
_MONEY = '#,##0\\ "$";-#,##0\\ "$"'
_XLSX_COLUMNS = (
    ("p.fichier", "fichier", None), ("p.rapport_titre", "rapport", None), ("p.entreprise", "entreprise", None),
    ("p.region", "region", None), ("p.flux", "flux", "0"), ("p.masse", "masse_t", "#,##0.0"),
    ("p.cout_actuel", "cout_actuel_cad", _MONEY), ("p.cout_projete", "cout_projete_cad", _MONEY),
    ("p.economies", "economies_nettes_cad", _MONEY), ("p.revenus", "revenus_substitution_cad", _MONEY),
    ("p.mutualisation", "economies_mutualisation_cad", _MONEY),
    ("p.enfouissement", "enfouissement_evite_t", "#,##0.0"), ("p.redevance", "redevance_evitee_cad", _MONEY),
    ("p.ges", "ges_evites_tco2e", "#,##0.00"), ("p.ges_partiel", "ges_partiel", None),
    ("p.taux_avant", "taux_mise_en_valeur_avant", "0\\ %"), ("p.taux_apres", "taux_mise_en_valeur_apres", "0\\ %"),
    ("p.part_pesee", "part_pesee", "0\\ %"), ("p.nb_avertissements", "nb_avertissements", "0"),
    ("p.premier_avertissement", "premier_avertissement", None), ("p.nb_defauts", "defauts", "0"),
    ("p.erreur", "erreur", None),
)
_WIDTHS = {"fichier": 28, "rapport": 24, "entreprise": 30, "region": 20, "premier_avertissement": 60, "erreur": 60}


def render_xlsx(good: list[dict], bad: list[dict], date: str, lang: str = "fr") -> bytes:
    """sommaire.xlsx: one typed row per file (numbers as numbers, the GHG flag as a boolean).

    Sheet 1: the summary, header frozen, autofilter, Excel number formats
    (money `1 234 $`, rates `85 %`), a link to each report, the error of a
    failed file; sheet 2: every warning, one per row.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lang = "en" if lang == "en" else "fr"
    L = i18n.labels(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = L["p.feuille"]
    for col, (label, key, _) in enumerate(_XLSX_COLUMNS, start=1):
        cell = put(ws, 1, col, L[label], None)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(key, 14)
    records = []
    for r in good:
        records.append({**r, "fichier": r["fichier"], "rapport": os.path.basename(r["rapport"]) if r.get("rapport") else None,
                        "nb_avertissements": len(r["avertissements"]),
                        "premier_avertissement": _first(r["avertissements"]), "erreur": None})
    for r in bad:
        records.append({"fichier": r["fichier"], "nb_avertissements": len(r["avertissements"]),
                        "premier_avertissement": _first(r["avertissements"]),
                        "erreur": _first(r["problemes"]) or "?"})
    for i, rec in enumerate(records, start=2):
        for col, (_, key, fmt) in enumerate(_XLSX_COLUMNS, start=1):
            value = rec.get(key)
            if isinstance(value, float) and value != value:  # NaN: no value
                value = None
            cell = put(ws, i, col, value, fmt)
            if key == "rapport" and value:
                cell.hyperlink = link(value)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_XLSX_COLUMNS))}{max(1, len(records)) + 1}"
    warnings_sheet = wb.create_sheet(L["p.avertissements"])
    put(warnings_sheet, 1, 1, L["p.fichier"], None).font = Font(bold=True)
    put(warnings_sheet, 1, 2, L["p.avertissements"], None).font = Font(bold=True)
    warnings_sheet.column_dimensions["A"].width = 28
    warnings_sheet.column_dimensions["B"].width = 100
    n = 2
    for r in sorted(good + bad, key=lambda r: r["fichier"]):
        for line in r["avertissements"]:
            put(warnings_sheet, n, 1, r["fichier"], None)
            put(warnings_sheet, n, 2, line, None)
            n += 1
    warnings_sheet.freeze_panes = "A2"
    return to_bytes(wb, date)
