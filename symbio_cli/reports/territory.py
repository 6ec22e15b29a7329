"""Views of a TerritoryResult: JSON and CSV here, Markdown and HTML in territory_view.py (the workshop report).

Every view renders the same frozen result, so they cannot disagree. JSON and
CSV are for the MRC's own tools (raw numbers, dot decimals); Markdown and HTML
are for the concertation workshop.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math

from symbio_cli import __version__
from symbio_cli.files import csv_text
from symbio_cli.territory import MIN_FIRMS, TerritoryResult

SCHEMA = "symbio.territoire/1"
FORMATS = ("md", "html", "json", "csv", "xlsx")
EXTENSIONS = {"md": ".md", "html": ".html", "json": ".json", "csv": ".csv", "xlsx": ".xlsx"}
def numbers(result: TerritoryResult) -> tuple[list[int], list[int]]:
    """The number of each match and each group: one numbering for the opportunities, the handout, the pistes
    and the map. By decreasing value; under --anonymiser matches by rank then groups by rank (no hidden value
    is placed against a shown one)."""
    items = [(m.valeur_cad, 0, k) for k, m in enumerate(result.appariements)]
    items += [(g.economie_cad, 1, k) for k, g in enumerate(result.mutualisations)]
    if not result.options.anonymiser:
        items.sort(key=lambda item: -item[0])
    out: tuple[list[int], list[int]] = ([0] * len(result.appariements), [0] * len(result.mutualisations))
    for n, (_, kind, k) in enumerate(items, 1):
        out[kind][k] = n
    return out


# ---------------------------------------------------------------------------
# JSON


MATCH_KEYS = ("fournisseur", "flux", "preneur", "intrant", "matiere", "quantite_t", "distance_km",
              "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad", "ges_evites_tco2e")
GROUP_KEYS = ("matiere", "forme", "membres", "cout_groupe_cad", "economie_cad", "stable")
MEMBER_KEYS = ("entreprise", "flux", "cout_seul_cad", "part_cad", "economie_cad")


def _clean(value):
    """JSON-safe: no -0.0, no NaN or infinity; tuples as lists."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return 0.0 if value == 0 else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


@functools.lru_cache(maxsize=None)
def _public_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("i_"))


def _public(obj) -> dict:
    """A dataclass as a dict without its private index fields (`i_…`)."""
    return {name: getattr(obj, name) for name in _public_names(type(obj))}


def _ordered(row: dict, first: tuple) -> dict:
    out = {k: row[k] for k in first}
    out.update((k, v) for k, v in row.items() if k not in out)
    return out


def to_dict(result: TerritoryResult, date: str = "") -> dict:
    """The result as a plain dict: the `symbio.territoire/1` contract, extra keys after."""
    o = result.options
    matches = [_ordered(_public(m), MATCH_KEYS) for m in result.appariements]
    groups = []
    for g in result.mutualisations:
        row = _public(g)
        row["membres"] = [_ordered(_public(mb), MEMBER_KEYS) for mb in g.membres]
        groups.append(_ordered(row, GROUP_KEYS))
    totals = _public(result.totaux)  # hidden totals are already None (--anonymiser)
    names = [f.entreprise for f in result.entreprises]

    def by_name(values: dict) -> dict:
        return {names[k]: v for k, v in sorted(values.items(), key=lambda kv: names[kv[0]])}

    matrix = [{"categorie": r.categorie, "entreprises": r.entreprises, "offre_t": r.offre_t,
               "offre_reste_t": r.offre_reste_t, "demande_t": r.demande_t, "demande_reste_t": r.demande_reste_t,
               "supprime": r.supprime, "offre": by_name(r.offre), "offre_reste": by_name(r.offre_reste),
               "demande": by_name(r.demande), "demande_reste": by_name(r.demande_reste)} for r in result.matrice]
    left_out = {"nombre": result.exclus_nombre,
                "fichiers": None if o.anonymiser else [{"fichier": f, "erreur": e} for f, e in result.exclus],
                "supprime": bool(o.anonymiser)}
    return _clean({
        "schema": SCHEMA,
        "version": __version__,
        "date": date,
        "annee": result.annee,
        "mrc": list(result.mrc),
        "parametres": {
            "rayon_km": o.rayon_km, "rayon_partage_km": o.rayon_partage_km, "repartition": o.repartition,
            "attribution_ges_fournisseur": o.attribution_ges, "anonymise": o.anonymiser, "descendre": o.descendre,
            "seuil_entreprises": MIN_FIRMS if o.anonymiser else None,
            **{k: v for k, v in result.hypotheses.items()},
        },
        "appariements": matches,
        "mutualisations": groups,
        "totaux": totals,
        "en_place": [_public(e) for e in result.en_place],
        "entreprises": [_public(f) for f in result.entreprises],
        "par_famille": [_public(b) for b in result.par_famille],
        "par_secteur": [_public(b) for b in result.par_secteur],
        "par_matiere": [_public(b) for b in result.par_matiere],
        "matrice": matrix,
        "inventaires_exclus": left_out,
        "transport_defaut": result.transport_defaut,
        "facteurs_utilises": [dataclasses.asdict(f) for f in result.facteurs_utilises],
        "avertissements": [dataclasses.asdict(w) for w in result.avertissements],
    })


def render_json(result: TerritoryResult, date: str = "") -> str:
    """Deterministic JSON text: sections indented, one record per line in lists of records.

    A territory can hold tens of thousands of records; Python's indenting
    encoder is pure Python, the compact one is C: records are written compact.
    """
    data = to_dict(result, date)
    lines = ["{"]
    items = list(data.items())
    for k, (key, value) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"  {name}: [")
            lines.append(",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value))
            lines.append(f"  ]{comma}")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            lines.append(f"  {name}: {text}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# CSV: one file, a `type` column (appariement, mutualisation — one row per member —, en_place)

CSV_COLUMNS = (
    "type", "rang", "matiere", "forme", "mode", "fournisseur", "flux", "preneur", "intrant", "categorie", "quantite_t",
    "distance_km", "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad",
    "ges_evites_tco2e", "entreprise", "levees", "cout_seul_cad", "part_cad", "economie_cad", "cout_groupe_cad",
    "economie_groupe_cad", "stable", "supprime",
)
_DIGITS = {"quantite_t": 3, "distance_km": 3, "ges_evites_tco2e": 4, "levees": 2}


def render_csv(result: TerritoryResult) -> str:
    """Matches, pooling members and scenarios in place, one CSV with a `type` column.

    `mode`: today's mode of the supplier's stream (a match) or the group's
    mode (pooling). Under --anonymiser the figures not published are empty
    cells and `supprime` is true.
    """
    rows: list[list] = []

    def row(values: dict):
        rows.append([values.get(k) for k in CSV_COLUMNS])

    for m in result.appariements:
        row({**_public(m), "type": "appariement", "mode": m.mode_actuel})
    for g in result.mutualisations:
        for mb in g.membres:
            row({"type": "mutualisation", "rang": g.rang, "matiere": g.matiere, "forme": g.forme, "mode": g.mode,
                 "entreprise": mb.entreprise, "flux": mb.flux, "levees": mb.levees, "cout_seul_cad": mb.cout_seul_cad,
                 "part_cad": mb.part_cad, "economie_cad": mb.economie_cad, "cout_groupe_cad": g.cout_groupe_cad,
                 "economie_groupe_cad": g.economie_cad, "stable": g.stable, "supprime": mb.supprime or g.supprime})
    for e in result.en_place:
        row({"type": "en_place", "matiere": e.matiere, "forme": e.type, "fournisseur": e.fournisseur,
             "flux": e.flux, "preneur": e.preneur, "intrant": e.intrant, "quantite_t": e.quantite_t,
             "valeur_cad": e.gain_cad, "ges_evites_tco2e": e.ges_evites_tco2e, "supprime": e.supprime})
    return csv_text(CSV_COLUMNS, rows, digits=_DIGITS)


def render(result: TerritoryResult, lib, fmt: str, lang: str = "fr", date: str = "") -> str | bytes:
    """The territory report in `fmt` (md, html, json, csv: text; xlsx: the workbook's bytes)."""
    if fmt == "xlsx":
        from symbio_cli.reports.territory_xlsx import render_xlsx

        return render_xlsx(result, lang, date)
    if fmt == "json":
        return render_json(result, date)
    if fmt == "csv":
        return render_csv(result)
    from symbio_cli.reports.territory_view import render_text

    return render_text(result, lib, fmt, lang, date)
