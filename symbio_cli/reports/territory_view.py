"""The workshop report of a TerritoryResult in Markdown and HTML (the view the templates lay out).

Every row is prepared here as strings (fr-CA / en-CA numbers through the one
Formatter, labels through i18n); the templates territoire.{md,html}.j2 only
lay them out. A figure --anonymiser hid is None and prints as such.
"""

from __future__ import annotations

from symbio_cli import __version__, i18n
from symbio_cli.numbers import format_money, format_number, format_quantity, format_sig
from symbio_cli.reports import map_svg
from symbio_cli.reports.formatting import Formatter
from symbio_cli.reports.templating import environment
from symbio_cli.reports.territory import numbers
from symbio_cli.territory import MIN_FIRMS, SCIAN_SECTORS, UNKNOWN_SECTOR, TerritoryResult

MATRIX_FIRMS = 25  # columns of the offer/demand matrix; the JSON and CSV have them all
PISTES_MAX = 20
HANDOUT_MAX = 8  # pistes in the one-page handout (with the map and the headline figures)


def _t(key: str, lang: str, **values) -> str:
    return i18n.text(key, lang, **values)


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


class _View:
    """One rendering: the result, the factor library (labels), the language and its formatter."""

    def __init__(self, result: TerritoryResult, lib, lang: str):
        self.result = result
        self.lib = lib
        self.lang = lang
        self.f = Formatter(lang, hidden=_t("supprime", lang))
        self.L = i18n.labels(lang)
        self.anonymous = result.options.anonymiser
        self.members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}
        self.match_no, self.group_no = numbers(result)

    def t(self, key: str, **values) -> str:
        return _t(key, self.lang, **values)

    def mat(self, key: str) -> str:
        return _material(self.lib, key, self.lang)

    def ghg(self, v, partial=False, hidden=False) -> str:
        """A GHG figure: the anonymised report's mark when it is suppressed, "n.d." when no factor gives it."""
        if v is None and not (hidden and self.anonymous):
            return self.L["nd"]
        return self.f.ghg(v, partial, hidden, digits=2)


# ---------------------------------------------------------------------------
# The map


def _map(result: TerritoryResult, lib, lang: str) -> str:
    """The SVG map: firms by role, matches as numbered arrows, scenarios in place dashed, groups outlined."""
    match_no, group_no = numbers(result)
    firms = result.entreprises
    idx = [k for k, f in enumerate(firms) if f.lat is not None and f.lon is not None]
    if not idx:
        return ""
    pos = {k: n for n, k in enumerate(idx)}
    points = _map_points(result, idx)
    lines = _map_lines(result, lib, lang, pos, match_no)
    sep = _t("sep", lang)
    outlines = []
    for k, g in enumerate(result.mutualisations):
        ms = tuple(pos[mb.i_entreprise] for mb in g.membres if mb.i_entreprise in pos)
        if ms:
            outlines.append(map_svg.Outline(ms, f"{group_no[k]}. {i18n.forme(g.forme, lang)} — "
                                                f"{_material(lib, g.matiere, lang)}{sep}"
                                                f"{', '.join(mb.entreprise for mb in g.membres)}", str(group_no[k])))
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


def _role(k: int, givers: set, takers: set, members: set) -> str:
    if k in givers and k in takers:
        return "les_deux"
    if k in givers:
        return "fournisseur"
    if k in takers:
        return "preneur"
    return "membre" if k in members else "autre"


def _map_points(result: TerritoryResult, idx: list[int]) -> list:
    givers = {m.i_fournisseur for m in result.appariements}
    takers = {m.i_preneur for m in result.appariements}
    members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}
    firms = result.entreprises
    return [map_svg.Point(firms[k].entreprise, firms[k].lat, firms[k].lon, _role(k, givers, takers, members),
                          firms[k].entreprise) for k in idx]


def _map_lines(result: TerritoryResult, lib, lang: str, pos: dict, match_no: list[int]) -> list:
    fmt = Formatter(lang, hidden=_t("supprime", lang))
    sep = _t("sep", lang)
    lines = []
    for k, m in enumerate(result.appariements):
        a, b = m.i_fournisseur, m.i_preneur
        if a in pos and b in pos:  # anonymised: no tonnes, one width for every line
            figures = "" if m.supprime else f", {fmt.t(m.quantite_t)}, {fmt.money(m.valeur_cad)}"
            lines.append(map_svg.Line(pos[a], pos[b], 1.0 if m.quantite_t is None else m.quantite_t,
                                      f"{match_no[k]}. {m.fournisseur} → {m.preneur}{sep}"
                                      f"{_material(lib, m.matiere, lang)}{figures}", label=str(match_no[k])))
    for e in result.en_place:
        if e.dans_territoire and e.i_fournisseur in pos and e.i_preneur in pos:
            figures = "" if e.supprime else f", {fmt.t(e.quantite_t)}"
            lines.append(map_svg.Line(pos[e.i_fournisseur], pos[e.i_preneur],
                                      1.0 if e.quantite_t is None else e.quantite_t,
                                      f"{_t('legende.en_place', lang)} — {e.fournisseur} → {e.preneur}{sep}"
                                      f"{_material(lib, e.matiere, lang)}{figures}", dashed=True))
    return lines


# ---------------------------------------------------------------------------
# The one-page handout for elected officials


def _headline_ghg(v: _View) -> str:
    """GHG for the handout: a complete total; a partial one is the totals table's figure, scoped to the tonnes
    it covers, and n.d. for the tonnes without a factor (never a partial figure standing for the whole: a few
    trucks' emissions would read as the synergies' effect)."""
    t, f = v.result.totaux, v.f
    if t.ges_evites_tco2e is None:
        return f.hidden
    if t.ges_partiel:  # METHODE [R2]: the partial total, with the tonnes it leaves out, as in the totals table
        missing = f.hidden if t.ges_sans_facteur_t is None else f.t(t.ges_sans_facteur_t)
        known = f.hidden if t.ges_sans_facteur_t is None else f.t(t.quantite_t - t.ges_sans_facteur_t)
        return v.t("fiche.ges.partiel", g=f.ghg(t.ges_evites_tco2e, digits=1), q_avec=known, q=missing)
    return f.ghg(t.ges_evites_tco2e, digits=1)


def _ghg_cell(v: _View, value, hidden: bool) -> str:
    if hidden:
        return v.f.hidden
    return v.L["nd"] if value is None else format_number(value, v.lang, 1)


def _handout(v: _View) -> dict:
    """The headline figures and the best pistes, numbered as on the map and in section 10."""
    result, f, t = v.result, v.f, v.result.totaux
    rows = []
    for k, m in enumerate(result.appariements):
        rows.append((v.match_no[k], {
            "quoi": f"{m.fournisseur} → {m.preneur}{v.L['sep']}{v.mat(m.matiere)}",
            "tonnes": f.tn(m.quantite_t), "valeur": f.money(m.valeur_cad),
            "ges": _ghg_cell(v, m.ges_evites_tco2e, m.supprime)}))
    for k, g in enumerate(result.mutualisations):
        rows.append((v.group_no[k], {
            "quoi": v.t("fiche.groupe", forme=i18n.forme(g.forme, v.lang), m=v.mat(g.matiere),
                        membres=", ".join(mb.entreprise for mb in g.membres)),
            "tonnes": "—", "valeur": f.money(g.economie_cad), "ges": "—"}))
    rows.sort(key=lambda row: row[0])
    total = len(rows)
    return {
        "titre": v.L["s.fiche"],
        "chiffres": [
            (v.L["fiche.pistes"], str(total)),
            (v.L["fiche.tonnes"], f.t(t.quantite_t)),
            (v.L["fiche.gains"], f.money(t.economies_totales_cad)),
            (v.L["fiche.ges"], _headline_ghg(v)),
            (v.L["fiche.enfouissement"], f.t(t.enfouissement_evite_t)),
        ],
        "pistes": [dict(row, numero=str(n)) for n, row in rows[:HANDOUT_MAX]],
        "note": v.L["fiche.note"],
        "autres": v.t("fiche.autres", n=total - HANDOUT_MAX) if total > HANDOUT_MAX else "",
    }


# ---------------------------------------------------------------------------
# The sections


def _meta(v: _View, date: str, exclus_section: int | None) -> list[tuple[str, str]]:
    result, f, L, t, o = v.result, v.f, v.L, v.result.totaux, v.result.options
    meta = [
        (L["meta.mrc"], ", ".join(result.mrc) or "—"),
        (L["meta.entreprises"], f"{t.entreprises} ({t.flux} flux, {t.intrants} intrants)" if v.lang == "fr"
         else f"{t.entreprises} ({t.flux} streams, {t.intrants} inputs)"),
        (L["meta.annee"], str(result.annee or "—")),
        (L["meta.date"], date or "—"),
        (L["meta.parametres"], v.t("parametres", rayon=f.km(o.rayon_km), partage=f.km(o.rayon_partage_km),
                                   repartition=i18n.repartition(o.repartition, v.lang),
                                   giver=f.pct(o.attribution_ges), taker=f.pct(1 - o.attribution_ges))),
    ]
    if result.exclus_nombre:
        meta.append((L["meta.exclus"], v.t("meta.exclus.valeur", n=result.exclus_nombre, s=exclus_section)))
    return meta


def _figures(v: _View) -> list[tuple[str, str, str]]:
    f, L, t = v.f, v.L, v.result.totaux
    ep_money = (None if t.en_place_gain_cad is None or t.en_place_economie_mutualisation_cad is None
                else t.en_place_gain_cad + t.en_place_economie_mutualisation_cad)
    ghg_hidden = t.ges_evites_tco2e is None
    partial_note = ""
    if t.ges_partiel:
        partial_note = (" ; " if v.lang == "fr" else "; ") + v.t("syn.ges.partiel.t", q=f.t(t.ges_sans_facteur_t))
    return [
        (L["syn.appariements"], f.t(t.quantite_t),
         v.t("syn.appariements.detail", n=t.appariements, q=f.t(t.quantite_t))),
        (L["syn.valeur"], f.money(t.valeur_cad),
         v.t("syn.valeur.detail", a=f.money(t.valeur_fournisseur_cad),
             b=f.money(t.valeur_preneur_cad), c=f.money(t.cout_transport_cad))),
        (L["syn.mutualisation"], f.money(t.economie_mutualisation_cad),
         v.t("syn.mutualisation.detail", n=t.mutualisations, m=len(v.members))),
        (L["syn.total"], f.money(t.economies_totales_cad), L["syn.total.detail"]),
        (L["syn.enfouissement"], f.t(t.enfouissement_evite_t),
         v.t("syn.enfouissement.detail", r=f.money(t.redevance_evitee_cad))),
        (L["syn.ges"], v.ghg(t.ges_evites_tco2e, t.ges_partiel, ghg_hidden),
         v.t("syn.ges.detail", f=v.ghg(t.ges_fournisseurs_tco2e, hidden=ghg_hidden),
             p=v.ghg(t.ges_preneurs_tco2e, hidden=ghg_hidden)) + partial_note),
        (L["syn.en_place"], f.money(ep_money),
         v.t("syn.en_place.detail", n=t.en_place_substitutions, q=f.t(t.en_place_quantite_t),
             m=t.en_place_mutualisations)),
    ]


def _short_hauls(v: _View) -> str:
    """[R2] The note saying that short hauls are underestimated at the default transport cost, and by how much."""
    d = v.result.transport_defaut
    if not d:
        return ""
    f, lang = v.f, v.lang
    text = v.t("transport.court", c=f.price(d["cout_cad_t_km"], "t/km"), q=f.t(d["charge_t"], 2),
               k=format_money(d["cout_cad_t_km"] * d["charge_t"], lang, 2), u=format_number(d["cout_camion_usd_km"], lang, 2),
               f=format_number(d["facteur_minimum"], lang, 1))
    if d.get("voyages"):
        return text + v.t("transport.court.ici", n=format_number(d["voyages"], lang, 0),
                          d=f.km(d["distance_moyenne_km"]), v=format_money(d["cout_par_voyage_cad"], lang, 2))
    return text + v.L["transport.court.prix"]


def _matches(v: _View) -> list[dict]:
    f = v.f
    return [{
        "rang": str(m.rang), "fournisseur": m.fournisseur, "flux": m.flux, "preneur": m.preneur,
        "intrant": f"{m.intrant} ({v.mat(m.categorie)})", "matiere": v.mat(m.matiere), "quantite": f.tn(m.quantite_t),
        "distance": f.km(m.distance_km), "valeur_f": f.money(m.valeur_fournisseur_cad),
        "valeur_p": f.money(m.valeur_preneur_cad), "transport": f.money(m.cout_transport_cad),
        "valeur": f.money(m.valeur_cad), "valeur_t": f.unit_money(m.valeur_par_tonne_cad),
        "ges": v.ghg(m.ges_evites_tco2e, hidden=m.supprime),
    } for m in v.result.appariements]


def _group(v: _View, g) -> dict:
    f, L, lang = v.f, v.L, v.lang
    alone = None if g.cout_groupe_cad is None else g.cout_groupe_cad + g.economie_cad
    if g.forme == "contrat_groupe":
        hypothesis = v.t("groupe.hypothese", r=f.pct(g.rabais_levee), g=f.money(g.frais_gestion_cad))
    else:
        hypothesis = v.t("groupe.partage", v=format_quantity(g.contenant_m3 or 0, "m³", lang, 1),
                         fee=f.money(g.frais_levee_cad))
    if g.stable:
        stable = L["stable.oui"]
    else:
        stable = (v.t("stable.non", c=", ".join(g.coalition_bloquante or ()))
                  + (" " + L["stable.piste"] if g.forme == "contrat_groupe" else ""))
    everyone_gains = all(mb.economie_cad is None or mb.economie_cad >= -1e-6 for mb in g.membres)
    return {
        "titre": v.t("groupe.titre", n=g.rang, forme=i18n.forme(g.forme, lang), m=v.mat(g.matiere),
                     mode=i18n.mode(g.mode, lang)),
        "detail": v.t("groupe.detail", cout=f.money(g.cout_groupe_cad), seul=f.money(alone),
                      eco=f.money(g.economie_cad), rep=i18n.repartition(g.repartition, lang),
                      d=f.km(g.distance_max_km)),
        "hypothese": hypothesis,
        "stable": stable,
        "gagnent": L["membres_gagnent"] if everyone_gains else "",
        "membres": [{"entreprise": mb.entreprise, "flux": mb.flux, "levees": f.num(mb.levees, 1, False),
                     "cout_seul": f.money(mb.cout_seul_cad), "part": f.money(mb.part_cad),
                     "economie": f.money(mb.economie_cad)} for mb in g.membres],
    }


def _opportunities(v: _View) -> list[dict]:
    f, L, lang = v.f, v.L, v.lang
    items = []
    for k, m in enumerate(v.result.appariements):
        items.append((v.match_no[k], {
            "type": L["type.substitution"],
            "quoi": v.t("opp.substitution", f=m.fournisseur, p=m.preneur, m=v.mat(m.matiere), i=v.mat(m.categorie)),
            "quantite": f.tn(m.quantite_t), "valeur": f.money(m.valeur_cad),
            "ges": v.ghg(m.ges_evites_tco2e, hidden=m.supprime)}))
    for k, g in enumerate(v.result.mutualisations):
        items.append((v.group_no[k], {
            "type": L["type.mutualisation"],
            "quoi": v.t("opp.mutualisation", forme=i18n.forme(g.forme, lang), m=v.mat(g.matiere),
                        membres=", ".join(mb.entreprise for mb in g.membres)),
            "quantite": "—", "valeur": f.money(g.economie_cad), "ges": "—"}))
    items.sort(key=lambda item: item[0])
    return [dict(row, rang=str(n)) for n, row in items]


def _involved(v: _View) -> set[int]:
    ms = v.result.appariements
    return {m.i_fournisseur for m in ms} | {m.i_preneur for m in ms} | v.members


def _families(v: _View) -> list[dict]:
    f, t = v.f, v.result.totaux
    rows = [{"cle": f"{b.cle} — {i18n.famille(b.cle, v.lang)}", "entreprises": str(b.entreprises),
             "appariements": str(b.appariements), "quantite": f.tn(b.quantite_t), "valeur": f.money(b.valeur_cad),
             "ges": v.ghg(b.ges_evites_tco2e, b.ges_partiel, b.ges_evites_tco2e is None),
             "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
             "total": f.money(b.total_cad), "total_row": False} for b in v.result.par_famille]
    if v.result.par_famille:
        rows.append({"cle": v.L["total.territoire"], "entreprises": str(len(_involved(v))),
                     "appariements": str(t.appariements), "quantite": f.tn(t.quantite_t),
                     "valeur": f.money(t.valeur_cad),
                     "ges": v.ghg(t.ges_evites_tco2e, t.ges_partiel, t.ges_evites_tco2e is None),
                     "mutualisations": str(t.mutualisations), "economie": f.money(t.economie_mutualisation_cad),
                     "total": f.money(t.economies_totales_cad), "total_row": True})
    return rows


def _sectors(v: _View) -> list[dict]:
    f, t = v.f, v.result.totaux
    rows = [{"cle": _sector(b.cle, v.lang), "entreprises": str(b.entreprises),
             "fournies": str(b.appariements_fournis), "donne": f.tn(b.quantite_donnee_t),
             "recues": str(b.appariements_recus), "recu": f.tn(b.quantite_recue_t),
             "valeur": f.money(b.valeur_cad), "ges": v.ghg(b.ges_tco2e, b.ges_partiel, b.ges_tco2e is None),
             "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
             "total": f.money(b.total_cad), "total_row": False} for b in v.result.par_secteur]
    if v.result.par_secteur:
        memberships = sum(len(g.membres) for g in v.result.mutualisations)
        ghg_firms = (None if t.ges_fournisseurs_tco2e is None else t.ges_fournisseurs_tco2e + t.ges_preneurs_tco2e)
        rows.append({"cle": v.L["total.territoire"], "entreprises": str(len(_involved(v))),
                     "fournies": str(t.appariements), "donne": f.tn(t.quantite_t),
                     "recues": str(t.appariements), "recu": f.tn(t.quantite_t), "valeur": f.money(t.valeur_cad),
                     "ges": v.ghg(ghg_firms, t.ges_partiel, t.ges_evites_tco2e is None),
                     "mutualisations": str(memberships),
                     "economie": f.money(t.economie_mutualisation_cad), "total": f.money(t.economies_totales_cad),
                     "total_row": True})
    return rows


def _firm_rows(v: _View) -> list[dict]:
    f = v.f
    if v.anonymous:  # a firm's row is a total of one firm: only its sector and counts
        firms = sorted(v.result.entreprises, key=lambda r: r.entreprise)
    else:
        firms = sorted(v.result.entreprises, key=lambda r: (-(r.valeur_cad or 0.0), r.entreprise))
    return [{"entreprise": r.entreprise, "secteur": _sector(r.secteur, v.lang) if r.secteur != UNKNOWN_SECTOR
             else "—", "offre": f.tn(r.offre_t), "demande": f.tn(r.demande_t), "donne": f.tn(r.donne_t),
             "recu": f.tn(r.recu_t),
             "substitution": f.money(None if r.supprime else
                                     r.valeur_fournisseur_cad - r.cout_transport_cad + r.valeur_preneur_cad),
             "mutualisation": f.money(r.economie_mutualisation_cad), "total": f.money(r.valeur_cad),
             "ges": v.ghg(r.ges_tco2e, r.ges_partiel, r.supprime),
             "appariements": str(r.appariements), "mutualisations": str(r.mutualisations)} for r in firms]


def _amount(v: _View, letter: str, value, rest) -> str:
    """A matrix cell's figure: `O 12,0`, with what is left after the matches when it differs."""
    f = v.f
    if v.anonymous or value is None:
        return letter if value is None and v.anonymous else f"{letter} {f.tn(value)}"
    if rest is None or abs(rest - value) < 0.05:
        return f"{letter} {f.tn(value)}"
    return f"{letter} {f.tn(value)} ({v.L['matrice.reste']} {f.tn(rest)})"


def _matrix_row(v: _View, row, cols: list[int]) -> dict:
    cells = []
    for k in cols:
        parts = []
        if k in row.offre:
            parts.append(_amount(v, "O", row.offre[k], row.offre_reste.get(k)))
        if k in row.demande:
            parts.append(_amount(v, "D", row.demande[k], row.demande_reste.get(k)))
        cells.append(" · ".join(parts))
    total = []
    if row.offre:
        total.append(f"O {v.f.hidden}" if row.offre_t is None else _amount(v, "O", row.offre_t, row.offre_reste_t))
    if row.demande:
        total.append(f"D {v.f.hidden}" if row.demande_t is None
                     else _amount(v, "D", row.demande_t, row.demande_reste_t))
    return {"categorie": v.mat(row.categorie), "cells": cells, "total": " · ".join(total)}


def _matrix(v: _View) -> dict:
    """The offer/demand matrix: the firms most involved first, at most MATRIX_FIRMS columns."""
    firms = v.result.entreprises
    involvement = sorted(range(len(firms)),
                         key=lambda k: (-(firms[k].appariements + firms[k].mutualisations),
                                        -(firms[k].valeur_cad or 0.0), firms[k].entreprise))
    cols = sorted(involvement[:MATRIX_FIRMS], key=lambda k: firms[k].entreprise)
    rows = [_matrix_row(v, row, cols) for row in v.result.matrice if row.offre or row.demande]
    rows.sort(key=lambda r: r["categorie"].casefold())
    note = v.L["matrice.note.anonyme" if v.anonymous else "matrice.note"]
    if len(firms) > len(cols):
        note += v.t("matrice.tronquee", n=len(firms) - len(cols))
    return {"cols": [firms[k].entreprise for k in cols], "rows": rows, "note": note}


def _en_place(v: _View) -> list[dict]:
    f, L = v.f, v.L
    return [{"fournisseur": e.fournisseur, "flux": e.flux, "type": i18n.type_court(e.type, v.lang),
             "preneur": e.preneur or "—", "matiere": v.mat(e.matiere),
             "quantite": f.tn(e.quantite_t) if e.type == "substitution" else "—",
             "gain": f.money(e.gain_cad),
             "ges": v.ghg(e.ges_evites_tco2e, hidden=e.supprime) if e.type == "substitution" else "—",
             "dans_territoire": L["oui"] if e.dans_territoire else L["non"],
             "statut": i18n.statut_reglementaire(e.statut_reglementaire, v.lang)} for e in v.result.en_place]


def _view(result: TerritoryResult, lib, lang: str, date: str) -> dict:
    """Everything the templates show, already formatted (a figure --anonymiser hid is None: shown as such)."""
    v = _View(result, lib, lang)
    L, anonymous = v.L, v.anonymous
    # the optional sections after the factors (13) are numbered in order
    section = 14
    exclus_section = None
    if result.exclus_nombre:
        exclus_section, section = section, section + 1
    warnings_section = section if result.avertissements else None
    exclus = None
    if result.exclus_nombre:
        exclus = {"numero": exclus_section,
                  "note": v.t("exclus.anonyme" if anonymous else "exclus.note", n=result.exclus_nombre),
                  "fichiers": [{"fichier": fichier, "erreur": erreur} for fichier, erreur in result.exclus]}
    factors = [{"cle": u.cle, "valeur": format_sig(u.valeur, lang) + (f" {i18n.unit(u.unite, lang)}" if u.unite else ""),
                "source": u.source, "annee": str(u.annee or "—")} for u in result.facteurs_utilises]
    warnings = [{"code": i18n.warning_code(w.code, lang), "message": w.message, "champ": w.champ}
                for w in result.avertissements]
    title_place = ", ".join(result.mrc) if result.mrc else v.t("territoire")
    method = list(i18n.METHODE_TERRITOIRE["en" if lang == "en" else "fr"])
    if anonymous:
        method.append(i18n.METHODE_ANONYME["en" if lang == "en" else "fr"])
    return {
        "L": L, "lang": lang, "titre": f"{L['ter.titre']} — {title_place}", "meta": _meta(v, date, exclus_section),
        "figures": _figures(v), "transport_court": _short_hauls(v),
        "anonyme": v.t("anonyme", n=MIN_FIRMS) if anonymous else "", "anonymise": anonymous,
        "note_langue": i18n.text("langue_sources", lang) if lang == "en" else "",
        "carte": _map(result, lib, lang), "fiche": _handout(v), "opportunites": _opportunities(v),
        "opportunites_note": L["opportunites.anonyme"] if anonymous else "", "appariements": _matches(v),
        "mutualisations": [_group(v, g) for g in result.mutualisations], "familles": _families(v),
        "secteurs": _sectors(v), "secteurs_note": L["secteurs.note"],
        "entreprises": _firm_rows(v), "entreprises_note": L["entreprises.anonyme"] if anonymous else "",
        "matrice": _matrix(v), "pistes": _pistes(result, lib, lang, v.f), "en_place": _en_place(v),
        "methode": [(a, i18n.typography(b, lang)) for a, b in method],
        "facteurs": factors, "avertissements": warnings, "avertissements_numero": warnings_section,
        "exclus": exclus,
        "pied": v.t("ter.pied", version=__version__, date=date or "—"),
    }


# ---------------------------------------------------------------------------
# Pistes for the workshop


def _steps(result_match, lib, lang: str) -> list[str]:
    """The regulatory steps of a match: the material's note, the route's requirement, the declared status."""
    m = result_match
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
    return steps


def _match_piste(m, lib, lang: str, f: Formatter) -> dict:
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
                      t=f.money(m.cout_transport_cad),
                      g=_t("nd", lang) if m.ges_evites_tco2e is None else f.ghg(m.ges_evites_tco2e, digits=2))
    return {
        "titre": _t("piste.substitution", lang, m=_material(lib, m.matiere, lang), f=m.fournisseur, p=m.preneur),
        "qui": _t("piste.qui.substitution", lang, f=m.fournisseur, s=m.flux, p=m.preneur, i=m.intrant),
        "quoi": what, "combien": how_much, "demarche": _steps(m, lib, lang),
    }


def _group_piste(g, lib, lang: str, f: Formatter) -> dict:
    steps = [i18n.exigence("mutualisation", lang)]
    if g.forme == "contrat_groupe" and g.rabais_levee is not None:
        steps.append(_t("piste.hypothese", lang, r=f.pct(g.rabais_levee)))
    if any(mb.supprime for mb in g.membres):
        how_much = _t("piste.combien.mutualisation.anonyme", lang, eco=f.money(g.economie_cad))
    else:
        parts = ", ".join(f"{mb.entreprise} {f.money(mb.economie_cad)}" for mb in g.membres)
        how_much = _t("piste.combien.mutualisation", lang, eco=f.money(g.economie_cad), parts=parts)
    return {
        "titre": _t("piste.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=_material(lib, g.matiere, lang)),
        "qui": _t("piste.qui.mutualisation", lang, membres=", ".join(mb.entreprise for mb in g.membres)),
        "quoi": _t("piste.quoi.mutualisation", lang, forme=i18n.forme(g.forme, lang),
                   m=_material(lib, g.matiere, lang), mode=i18n.mode(g.mode, lang).lower(),
                   l=f.num(g.levees_groupe, 0, False), nl=2 if g.levees_groupe is None else round(g.levees_groupe)),
        "combien": how_much,
        "demarche": [s for s in steps if s],
    }


def _pistes(result: TerritoryResult, lib, lang: str, f: Formatter) -> list[dict]:
    """Concrete actions: who, what, how much, and the regulatory step, for the best opportunities (numbered)."""
    match_no, group_no = numbers(result)
    ms = [dict(_match_piste(m, lib, lang, f), numero=str(match_no[k])) for k, m in enumerate(result.appariements)]
    gs = [dict(_group_piste(g, lib, lang, f), numero=str(group_no[k])) for k, g in enumerate(result.mutualisations)]
    if result.options.anonymiser:  # matches by rank then groups by rank, each list already sorted by value
        half = PISTES_MAX // 2
        take_g = min(len(gs), max(half, PISTES_MAX - len(ms)))
        take_m = min(len(ms), PISTES_MAX - take_g)
        return ms[:take_m] + gs[:take_g]
    return sorted(ms + gs, key=lambda row: int(row["numero"]))[:PISTES_MAX]


def render_text(result: TerritoryResult, lib, fmt: str, lang: str = "fr", date: str = "") -> str:
    """The workshop report in Markdown or HTML."""
    view = _view(result, lib, lang, date)
    if fmt == "html":
        from markupsafe import Markup

        view["carte"] = Markup(view["carte"])  # built by map_svg, every text in it escaped there
        return environment().get_template("territoire.html.j2").render(**view)
    return environment().get_template("territoire.md.j2").render(**view)
