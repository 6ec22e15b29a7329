"""Views of a TerritoryResult: JSON, CSV, Markdown and HTML (the workshop report).

Every view renders the same frozen result, so they cannot disagree. JSON and
CSV are for the MRC's own tools (raw numbers, dot decimals); Markdown and HTML
are for the concertation workshop (fr-CA / en-CA numbers through numbers.py,
labels through i18n.py and the table below). Templates only lay out: the
rows they show are prepared here, as strings.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math

from symbio_cli import __version__, i18n
from symbio_cli.files import csv_text
from symbio_cli.reports import map_svg
from symbio_cli.reports.formatting import Formatter
from symbio_cli.reports.templating import environment
from symbio_cli.numbers import format_quantity, format_sig
from symbio_cli.territory import MIN_FIRMS, SCIAN_SECTORS, UNKNOWN_SECTOR, TerritoryResult

SCHEMA = "symbio.territoire/1"
FORMATS = ("md", "html", "json", "csv")
EXTENSIONS = {"md": ".md", "html": ".html", "json": ".json", "csv": ".csv"}
MATRIX_FIRMS = 25  # columns of the offer/demand matrix; the JSON and CSV have them all
PISTES_MAX = 20


def _t(key: str, lang: str, **values) -> str:
    return i18n.text(key, lang, **values)

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
            "attribution_ges_fournisseur": o.attribution_ges, "anonymise": o.anonymiser,
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


# ---------------------------------------------------------------------------
# Markdown and HTML


def _material(lib, key: str, lang: str) -> str:
    m = lib.materials.get(key)
    if m is not None:
        return m.en if lang == "en" else m.fr
    c = lib.input_categories.get(key)
    if isinstance(c, dict):
        return str(c.get("en" if lang == "en" else "fr") or key)
    return key


def _sector(key: str, lang: str) -> str:
    if key == UNKNOWN_SECTOR:
        return _t("secteur.inconnu", lang)
    fr, en = SCIAN_SECTORS[key]
    return f"{key} — {en if lang == 'en' else fr}"


def _map(result: TerritoryResult, lib, lang: str) -> str:
    firms = result.entreprises
    idx = [k for k, f in enumerate(firms) if f.lat is not None and f.lon is not None]
    if not idx:
        return ""
    pos = {k: n for n, k in enumerate(idx)}
    givers = {m.i_fournisseur for m in result.appariements}
    takers = {m.i_preneur for m in result.appariements}
    members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}
    fmt = Formatter(lang, hidden=_t("supprime", lang))
    points = []
    for k in idx:
        f = firms[k]
        role = ("les_deux" if k in givers and k in takers else "fournisseur" if k in givers
                else "preneur" if k in takers else "membre" if k in members else "autre")
        points.append(map_svg.Point(f.entreprise, f.lat, f.lon, role, f.entreprise))
    lines = []
    sep = _t("sep", lang)
    for m in result.appariements:
        a, b = m.i_fournisseur, m.i_preneur
        if a in pos and b in pos:  # anonymised: no tonnes, one width for every line
            figures = "" if m.supprime else f", {fmt.t(m.quantite_t)}, {fmt.money(m.valeur_cad)}"
            lines.append(map_svg.Line(pos[a], pos[b], 1.0 if m.quantite_t is None else m.quantite_t,
                                      f"{m.fournisseur} → {m.preneur}{sep}{_material(lib, m.matiere, lang)}{figures}"))
    for e in result.en_place:
        if e.dans_territoire and e.i_fournisseur in pos and e.i_preneur in pos:
            figures = "" if e.supprime else f", {fmt.t(e.quantite_t)}"
            lines.append(map_svg.Line(pos[e.i_fournisseur], pos[e.i_preneur],
                                      1.0 if e.quantite_t is None else e.quantite_t,
                                      f"{_t('legende.en_place', lang)} — {e.fournisseur} → {e.preneur}{sep}"
                                      f"{_material(lib, e.matiere, lang)}{figures}", dashed=True))
    outlines = []
    for g in result.mutualisations:
        ms = tuple(pos[mb.i_entreprise] for mb in g.membres if mb.i_entreprise in pos)
        if ms:
            outlines.append(map_svg.Outline(ms, f"{i18n.forme(g.forme, lang)} — {_material(lib, g.matiere, lang)}{sep}"
                                                f"{', '.join(mb.entreprise for mb in g.membres)}"))
    legend = {r: _t(f"legende.{r}", lang) for r in ("fournisseur", "preneur", "les_deux", "membre", "autre")}
    if any(ln.dashed for ln in lines):
        legend["en_place"] = _t("legende.en_place", lang)
    line_text = "; ".join(ln.title for ln in lines[:30]) or "—"
    group_text = "; ".join(o.title for o in outlines[:30]) or "—"
    return map_svg.render(
        points, lines, outlines,
        _t("carte.titre", lang, n=len(points), a=len(lines), g=len(outlines)),
        _t("carte.desc.anonyme" if result.options.anonymiser else "carte.desc", lang, lignes=line_text,
           groupes=group_text), legend,
        decimal="." if lang == "en" else ",",
    )


def _view(result: TerritoryResult, lib, lang: str, date: str) -> dict:
    """Everything the templates show, already formatted (a figure --anonymiser hid is None: shown as such)."""
    f = Formatter(lang, hidden=_t("supprime", lang))
    L = i18n.labels(lang)
    t = result.totaux
    o = result.options
    anonymous = o.anonymiser
    members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}
    # the optional sections after the factors (13) are numbered in order
    section = 14
    exclus_section = None
    if result.exclus_nombre:
        exclus_section, section = section, section + 1
    warnings_section = section if result.avertissements else None

    meta = [
        (L["meta.mrc"], ", ".join(result.mrc) or "—"),
        (L["meta.entreprises"], f"{t.entreprises} ({t.flux} flux, {t.intrants} intrants)" if lang == "fr"
         else f"{t.entreprises} ({t.flux} streams, {t.intrants} inputs)"),
        (L["meta.annee"], str(result.annee or "—")),
        (L["meta.date"], date or "—"),
        (L["meta.parametres"], _t("parametres", lang, rayon=f.km(o.rayon_km), partage=f.km(o.rayon_partage_km),
                                  repartition=i18n.repartition(o.repartition, lang),
                                  giver=f.pct(o.attribution_ges), taker=f.pct(1 - o.attribution_ges))),
    ]
    if result.exclus_nombre:
        meta.append((L["meta.exclus"], _t("meta.exclus.valeur", lang, n=result.exclus_nombre, s=exclus_section)))
    ep_money = (None if t.en_place_gain_cad is None or t.en_place_economie_mutualisation_cad is None
                else t.en_place_gain_cad + t.en_place_economie_mutualisation_cad)
    ghg_hidden = t.ges_evites_tco2e is None
    figures = [
        (L["syn.appariements"], f.t(t.quantite_t),
         _t("syn.appariements.detail", lang, n=t.appariements, q=f.t(t.quantite_t))),
        (L["syn.valeur"], f.money(t.valeur_cad),
         _t("syn.valeur.detail", lang, a=f.money(t.valeur_fournisseur_cad),
            b=f.money(t.valeur_preneur_cad), c=f.money(t.cout_transport_cad))),
        (L["syn.mutualisation"], f.money(t.economie_mutualisation_cad),
         _t("syn.mutualisation.detail", lang, n=t.mutualisations, m=len(members))),
        (L["syn.total"], f.money(t.economies_totales_cad), L["syn.total.detail"]),
        (L["syn.enfouissement"], f.t(t.enfouissement_evite_t),
         _t("syn.enfouissement.detail", lang, r=f.money(t.redevance_evitee_cad))),
        (L["syn.ges"], f.ghg(t.ges_evites_tco2e, t.ges_partiel, ghg_hidden, digits=2),
         _t("syn.ges.detail", lang, f=f.ghg(t.ges_fournisseurs_tco2e, hidden=ghg_hidden, digits=2),
            p=f.ghg(t.ges_preneurs_tco2e, hidden=ghg_hidden, digits=2))
         + (" ; " + L["syn.ges.partiel"] if t.ges_partiel and lang == "fr" else
            "; " + L["syn.ges.partiel"] if t.ges_partiel else "")),
        (L["syn.en_place"], f.money(ep_money),
         _t("syn.en_place.detail", lang, n=t.en_place_substitutions,
            q=f.t(t.en_place_quantite_t), m=t.en_place_mutualisations)),
    ]

    def mat(key):
        return _material(lib, key, lang)

    matches = [{
        "rang": str(m.rang), "fournisseur": m.fournisseur, "flux": m.flux, "preneur": m.preneur,
        "intrant": f"{m.intrant} ({mat(m.categorie)})", "matiere": mat(m.matiere), "quantite": f.tn(m.quantite_t),
        "distance": f.km(m.distance_km), "valeur_f": f.money(m.valeur_fournisseur_cad),
        "valeur_p": f.money(m.valeur_preneur_cad), "transport": f.money(m.cout_transport_cad),
        "valeur": f.money(m.valeur_cad), "valeur_t": f.unit_money(m.valeur_par_tonne_cad),
        "ges": f.ghg(m.ges_evites_tco2e, hidden=m.supprime, digits=2),
    } for m in result.appariements]

    groups = []
    for g in result.mutualisations:
        alone = None if g.cout_groupe_cad is None else g.cout_groupe_cad + g.economie_cad
        groups.append({
            "titre": _t("groupe.titre", lang, n=g.rang, forme=i18n.forme(g.forme, lang), m=mat(g.matiere),
                        mode=i18n.mode(g.mode, lang)),
            "detail": _t("groupe.detail", lang, cout=f.money(g.cout_groupe_cad), seul=f.money(alone),
                         eco=f.money(g.economie_cad), rep=i18n.repartition(g.repartition, lang),
                         d=f.km(g.distance_max_km)),
            "hypothese": (_t("groupe.hypothese", lang, r=f.pct(g.rabais_levee), g=f.money(g.frais_gestion_cad))
                          if g.forme == "contrat_groupe" else
                          _t("groupe.partage", lang, v=format_quantity(g.contenant_m3 or 0, "m³", lang, 1),
                             fee=f.money(g.frais_levee_cad))),
            "stable": L["stable.oui"] if g.stable else (
                _t("stable.non", lang, c=", ".join(g.coalition_bloquante or ()))
                + (" " + L["stable.piste"] if g.forme == "contrat_groupe" else "")),
            "gagnent": L["membres_gagnent"] if all(mb.economie_cad is None or mb.economie_cad >= -1e-6
                                                   for mb in g.membres) else "",
            "membres": [{"entreprise": mb.entreprise, "flux": mb.flux, "levees": f.num(mb.levees, 1, False),
                         "cout_seul": f.money(mb.cout_seul_cad), "part": f.money(mb.part_cad),
                         "economie": f.money(mb.economie_cad)} for mb in g.membres],
        })

    opportunities = []
    for m in result.appariements:
        opportunities.append((m.valeur_cad, {
            "type": L["type.substitution"],
            "quoi": _t("opp.substitution", lang, f=m.fournisseur, p=m.preneur, m=mat(m.matiere), i=mat(m.categorie)),
            "quantite": f.tn(m.quantite_t), "valeur": f.money(m.valeur_cad),
            "ges": f.ghg(m.ges_evites_tco2e, hidden=m.supprime, digits=2)}))
    for g in result.mutualisations:
        opportunities.append((g.economie_cad, {
            "type": L["type.mutualisation"],
            "quoi": _t("opp.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=mat(g.matiere),
                       membres=", ".join(mb.entreprise for mb in g.membres)),
            "quantite": "—", "valeur": f.money(g.economie_cad), "ges": "—"}))
    if not anonymous:  # anonymised: matches by rank, then groups by rank (no hidden value placed against a shown one)
        opportunities.sort(key=lambda item: -item[0])
    opportunities = [dict(row, rang=str(k + 1)) for k, (_, row) in enumerate(opportunities)]

    def breakdown_rows(rows, label):
        return [{"cle": label(b.cle), "entreprises": str(b.entreprises), "appariements": str(b.appariements),
                 "quantite": f.tn(b.quantite_t), "valeur": f.money(b.valeur_cad),
                 "ges": f.ghg(b.ges_evites_tco2e, b.ges_partiel, b.ges_evites_tco2e is None, digits=2),
                 "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
                 "total": f.money(b.total_cad), "total_row": False} for b in rows]

    involved = {m.i_fournisseur for m in result.appariements} | {m.i_preneur for m in result.appariements} | members
    families = breakdown_rows(result.par_famille, lambda k: f"{k} — {i18n.famille(k, lang)}")
    if result.par_famille:
        families.append({"cle": L["total.territoire"], "entreprises": str(len(involved)),
                         "appariements": str(t.appariements), "quantite": f.tn(t.quantite_t),
                         "valeur": f.money(t.valeur_cad), "ges": f.ghg(t.ges_evites_tco2e, t.ges_partiel, ghg_hidden, digits=2),
                         "mutualisations": str(t.mutualisations), "economie": f.money(t.economie_mutualisation_cad),
                         "total": f.money(t.economies_totales_cad), "total_row": True})
    sectors = [{"cle": _sector(b.cle, lang), "entreprises": str(b.entreprises),
                "fournies": str(b.appariements_fournis), "donne": f.tn(b.quantite_donnee_t),
                "recues": str(b.appariements_recus), "recu": f.tn(b.quantite_recue_t),
                "valeur": f.money(b.valeur_cad), "ges": f.ghg(b.ges_tco2e, b.ges_partiel, b.ges_tco2e is None, digits=2),
                "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
                "total": f.money(b.total_cad), "total_row": False} for b in result.par_secteur]
    if result.par_secteur:
        memberships = sum(len(g.membres) for g in result.mutualisations)
        ghg_firms = (None if t.ges_fournisseurs_tco2e is None else t.ges_fournisseurs_tco2e + t.ges_preneurs_tco2e)
        sectors.append({"cle": L["total.territoire"], "entreprises": str(len(involved)),
                        "fournies": str(t.appariements), "donne": f.tn(t.quantite_t),
                        "recues": str(t.appariements), "recu": f.tn(t.quantite_t), "valeur": f.money(t.valeur_cad),
                        "ges": f.ghg(ghg_firms, t.ges_partiel, ghg_hidden, digits=2), "mutualisations": str(memberships),
                        "economie": f.money(t.economie_mutualisation_cad), "total": f.money(t.economies_totales_cad),
                        "total_row": True})
    firms = sorted(result.entreprises, key=lambda r: (-(r.valeur_cad or 0.0), r.entreprise))
    if anonymous:  # a firm's row is a total of one firm: only its sector and counts
        firms = sorted(result.entreprises, key=lambda r: r.entreprise)
    firm_rows = [{"entreprise": r.entreprise, "secteur": _sector(r.secteur, lang) if r.secteur != UNKNOWN_SECTOR
                  else "—", "offre": f.tn(r.offre_t), "demande": f.tn(r.demande_t), "donne": f.tn(r.donne_t),
                  "recu": f.tn(r.recu_t),
                  "substitution": f.money(None if r.supprime else
                                          r.valeur_fournisseur_cad - r.cout_transport_cad + r.valeur_preneur_cad),
                  "mutualisation": f.money(r.economie_mutualisation_cad), "total": f.money(r.valeur_cad),
                  "ges": f.ghg(r.ges_tco2e, r.ges_partiel, r.supprime, digits=2),
                  "appariements": str(r.appariements), "mutualisations": str(r.mutualisations)} for r in firms]

    # offer/demand matrix: the firms most involved first, at most MATRIX_FIRMS columns
    involvement = sorted(range(len(result.entreprises)),
                         key=lambda k: (-(result.entreprises[k].appariements + result.entreprises[k].mutualisations),
                                        -(result.entreprises[k].valeur_cad or 0.0), result.entreprises[k].entreprise))
    cols = sorted(involvement[:MATRIX_FIRMS], key=lambda k: result.entreprises[k].entreprise)
    left = L["matrice.reste"]

    def amount(letter, value, rest):
        if anonymous or value is None:
            return letter if value is None and anonymous else f"{letter} {f.tn(value)}"
        if rest is None or abs(rest - value) < 0.05:
            return f"{letter} {f.tn(value)}"
        return f"{letter} {f.tn(value)} ({left} {f.tn(rest)})"

    matrix_rows = []
    for row in result.matrice:
        cells = []
        for k in cols:
            parts = []
            if k in row.offre:
                parts.append(amount("O", row.offre[k], row.offre_reste.get(k)))
            if k in row.demande:
                parts.append(amount("D", row.demande[k], row.demande_reste.get(k)))
            cells.append(" · ".join(parts))
        if not (row.offre or row.demande):
            continue
        total = []
        if row.offre:
            total.append(f"O {f.hidden}" if row.offre_t is None else amount("O", row.offre_t, row.offre_reste_t))
        if row.demande:
            total.append(f"D {f.hidden}" if row.demande_t is None else amount("D", row.demande_t, row.demande_reste_t))
        matrix_rows.append({"categorie": mat(row.categorie), "cells": cells, "total": " · ".join(total)})
    matrix_rows.sort(key=lambda r: r["categorie"].casefold())
    matrix = {"cols": [result.entreprises[k].entreprise for k in cols], "rows": matrix_rows,
              "note": L["matrice.note.anonyme" if anonymous else "matrice.note"]
              + (_t("matrice.tronquee", lang, n=len(result.entreprises) - len(cols))
                 if len(result.entreprises) > len(cols) else "")}

    pistes = _pistes(result, lib, lang, f)
    en_place = [{"fournisseur": e.fournisseur, "flux": e.flux, "type": i18n.type_court(e.type, lang),
                 "preneur": e.preneur or "—", "matiere": mat(e.matiere),
                 "quantite": f.tn(e.quantite_t) if e.type == "substitution" else "—",
                 "gain": f.money(e.gain_cad),
                 "ges": f.ghg(e.ges_evites_tco2e, hidden=e.supprime, digits=2) if e.type == "substitution" else "—",
                 "dans_territoire": L["oui"] if e.dans_territoire else L["non"],
                 "statut": i18n.statut_reglementaire(e.statut_reglementaire, lang)} for e in result.en_place]
    factors = [{"cle": u.cle, "valeur": format_sig(u.valeur, lang) + (f" {i18n.unit(u.unite, lang)}" if u.unite else ""),
                "source": u.source, "annee": str(u.annee or "—")} for u in result.facteurs_utilises]
    warnings = [{"code": i18n.warning_code(w.code, lang), "message": w.message, "champ": w.champ}
                for w in result.avertissements]
    exclus = None
    if result.exclus_nombre:
        exclus = {"numero": exclus_section,
                  "note": _t("exclus.anonyme" if anonymous else "exclus.note", lang, n=result.exclus_nombre),
                  "fichiers": [{"fichier": fichier, "erreur": erreur} for fichier, erreur in result.exclus]}
    title_place = ", ".join(result.mrc) if result.mrc else _t("territoire", lang)
    method = list(i18n.METHODE_TERRITOIRE["en" if lang == "en" else "fr"])
    if anonymous:
        method.append(i18n.METHODE_ANONYME["en" if lang == "en" else "fr"])
    return {
        "L": L, "lang": lang, "titre": f"{L['ter.titre']} — {title_place}", "meta": meta, "figures": figures,
        "anonyme": _t("anonyme", lang, n=MIN_FIRMS) if anonymous else "", "anonymise": anonymous,
        "note_langue": i18n.text("langue_sources", lang) if lang == "en" else "",
        "carte": _map(result, lib, lang), "opportunites": opportunities,
        "opportunites_note": L["opportunites.anonyme"] if anonymous else "", "appariements": matches,
        "mutualisations": groups, "familles": families, "secteurs": sectors, "secteurs_note": L["secteurs.note"],
        "entreprises": firm_rows, "entreprises_note": L["entreprises.anonyme"] if anonymous else "",
        "matrice": matrix, "pistes": pistes, "en_place": en_place,
        "methode": [(a, i18n.typography(b, lang)) for a, b in method],
        "facteurs": factors, "avertissements": warnings, "avertissements_numero": warnings_section,
        "exclus": exclus,
        "pied": _t("ter.pied", lang, version=__version__, date=date or "—"),
    }


def _pistes(result: TerritoryResult, lib, lang: str, f: Formatter) -> list[dict]:
    """Concrete actions: who, what, how much, and the regulatory step, for the best opportunities."""
    items = []
    for m in result.appariements:
        material = lib.materials.get(m.matiere)
        steps = []
        if material is not None and material.note:
            steps.append(material.note)
        generic = i18n.exigence(m.filiere, lang)
        if generic:
            steps.append(generic)
        if not steps:
            steps.append(_t("piste.aucune_note", lang))
        steps.append(_t("piste.statut", lang, s=i18n.statut_reglementaire(m.statut_reglementaire, lang)))
        if m.supprime:
            what = _t("piste.quoi.substitution.anonyme", lang, m=_material(lib, m.matiere, lang),
                      mode=i18n.mode(m.mode_actuel, lang).lower(), c=_material(lib, m.categorie, lang))
            how_much = f.hidden
        else:
            what = _t("piste.quoi.substitution", lang, q=f.t(m.quantite_t), m=_material(lib, m.matiere, lang),
                      mode=i18n.mode(m.mode_actuel, lang).lower(), c=_material(lib, m.categorie, lang),
                      d=f.km(m.distance_km), v=m.voyages)
            how_much = _t("piste.combien.substitution", lang, net=f.money(m.valeur_cad),
                          a=f.money(m.valeur_fournisseur_cad), b=f.money(m.valeur_preneur_cad),
                          t=f.money(m.cout_transport_cad), g=f.ghg(m.ges_evites_tco2e, digits=2))
        items.append((m.valeur_cad, {
            "titre": _t("piste.substitution", lang, m=_material(lib, m.matiere, lang), f=m.fournisseur, p=m.preneur),
            "qui": _t("piste.qui.substitution", lang, f=m.fournisseur, s=m.flux, p=m.preneur, i=m.intrant),
            "quoi": what, "combien": how_much, "demarche": steps,
        }))
    for g in result.mutualisations:
        steps = [i18n.exigence("mutualisation", lang)]
        if g.forme == "contrat_groupe" and g.rabais_levee is not None:
            steps.append(_t("piste.hypothese", lang, r=f.pct(g.rabais_levee)))
        if any(mb.supprime for mb in g.membres):
            how_much = _t("piste.combien.mutualisation.anonyme", lang, eco=f.money(g.economie_cad))
        else:
            parts = ", ".join(f"{mb.entreprise} {f.money(mb.economie_cad)}" for mb in g.membres)
            how_much = _t("piste.combien.mutualisation", lang, eco=f.money(g.economie_cad), parts=parts)
        items.append((g.economie_cad, {
            "titre": _t("piste.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=_material(lib, g.matiere, lang)),
            "qui": _t("piste.qui.mutualisation", lang, membres=", ".join(mb.entreprise for mb in g.membres)),
            "quoi": _t("piste.quoi.mutualisation", lang, forme=i18n.forme(g.forme, lang),
                       m=_material(lib, g.matiere, lang), mode=i18n.mode(g.mode, lang).lower(),
                       l=f.num(g.levees_groupe, 0, False)),
            "combien": how_much,
            "demarche": [s for s in steps if s],
        }))
    if result.options.anonymiser:  # matches by rank then groups by rank, each list already sorted by value
        half = PISTES_MAX // 2
        ms = [row for _, row in items[:len(result.appariements)]]
        gs = [row for _, row in items[len(result.appariements):]]
        take_g = min(len(gs), max(half, PISTES_MAX - len(ms)))
        take_m = min(len(ms), PISTES_MAX - take_g)
        return ms[:take_m] + gs[:take_g]
    items.sort(key=lambda item: -item[0])
    return [row for _, row in items[:PISTES_MAX]]


def render_text(result: TerritoryResult, lib, fmt: str, lang: str = "fr", date: str = "") -> str:
    """The workshop report in Markdown or HTML."""
    view = _view(result, lib, lang, date)
    if fmt == "html":
        from markupsafe import Markup

        view["carte"] = Markup(view["carte"])  # built by map_svg, every text in it escaped there
        return environment().get_template("territoire.html.j2").render(**view)
    return environment().get_template("territoire.md.j2").render(**view)


def render(result: TerritoryResult, lib, fmt: str, lang: str = "fr", date: str = "") -> str:
    """The territory report in `fmt` (md, html, json, csv)."""
    if fmt == "json":
        return render_json(result, date)
    if fmt == "csv":
        return render_csv(result)
    return render_text(result, lib, fmt, lang, date)
