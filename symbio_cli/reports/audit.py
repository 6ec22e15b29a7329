"""Markdown and HTML reports, rendered with Jinja2 from the AuditResult.

Python builds a view (every figure already formatted, every sentence already
chosen, the arithmetic of each scenario written out); the templates only lay
it out, through the one Jinja2 Environment (reports/templating.py).

An arithmetic line is printed only when its terms give its result (checked
here on the unrounded values); otherwise the line shows the result alone, so
a report never shows a sum that does not add up.
"""

from __future__ import annotations

import os
import re

from symbio_cli import __version__, i18n, units
from symbio_cli.factors import ELIMINATION_MODES, MODES
from symbio_cli.numbers import format_money, format_quantity, round_half_up, sig_digits
from symbio_cli.reports import charts
from symbio_cli.reports.formatting import DIV, MINUS, TIMES, Formatter
from symbio_cli.reports.templating import environment
from symbio_cli.result import AuditResult

EPS = 1e-9
YD3 = 0.764554857984  # m³ per cubic yard
SOURCES_ORDER = ("pesee", "facture", "caracterisation", "estimation")


def _agrees(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.005, 1e-6 * max(abs(a), abs(b)))


def _t(key: str, lang: str, **values) -> str:
    return i18n.text(key, lang, **values)


# -- library labels (materials, regions) ------------------------------------------------
# From the library the audit ran with (a --facteurs overlay included), passed in by the
# caller: a view never loads a library of its own.


def _material(lib, key: str, lang: str) -> str:
    m = lib.materials.get(key)
    if m is None:
        return key
    return m.en if lang == "en" else m.fr


def _material_note(lib, key: str) -> str:
    m = lib.materials.get(key)
    return m.note if m is not None else ""


def _region(lib, key: str, lang: str) -> str:
    r = lib.regions.get(key) or {}
    return r.get(lang) or r.get("fr") or key


# -- the view ------------------------------------------------------------------------------


def build_view(result: AuditResult, lang: str, date: str, lib, with_charts: bool = False) -> dict:
    """Everything the templates print, formatted, in reading order.

    `lib` is the factors.Library the audit ran with: material and region names come from it.
    """
    f = Formatter(lang)
    L = i18n.labels(lang)
    e = result.entreprise
    containers = {c.id: c for c in result.conteneurs}
    factors = {u.cle: u for u in result.facteurs_utilises}
    fichier = os.path.basename(result.fichier) if result.fichier else ""

    meta = []
    place = ", ".join(x for x in (e.get("municipalite"), e.get("mrc") and f"MRC {e['mrc']}") if x)
    if place:
        meta.append((L["meta.lieu"], place))
    meta.append((L["meta.region"], _region(lib, result.region, lang)))
    if e.get("scian"):
        meta.append((L["meta.scian"], e["scian"]))
    meta.append((L["meta.annee"], str(result.annee)))
    if result.periode_donnees:
        meta.append((L["meta.periode"], result.periode_donnees))
    meta.append((L["meta.date"], date))
    if fichier:
        meta.append((L["meta.fichier"], fichier))

    retained = [(s, s.scenarios[j]) for s in result.flux for j in s.scenarios_retenus]
    if retained:
        retenus = _t("resume.retenus", lang, liste=" ; ".join(sc.nom for _, sc in retained) if lang == "fr"
                     else "; ".join(sc.nom for _, sc in retained))
    else:
        retenus = L["resume.aucun_retenu"]

    view = {
        "lang": lang,
        "L": L,
        "entreprise": e["nom"],
        "meta": meta,
        "unites": _t("resume.unites", lang, annee=result.annee),
        "retenus": retenus,
        "figures": figures(result, lang),
        "taux": _rates(result, f, lang),
        "destinations": _destinations(result, f, lang),
        "charts": charts.build(result, lang) if with_charts else [],
        "gains_rapides": _quick_wins(result, f, lang),
        "inventaire": _inventory(result, f, lang, lib),
        "scenarios": _scenarios(result, f, lang, containers, factors),
        "mutualisations": _pooling(result, f, lang),
        "reglementaire": _regulatory(result, lang, lib),
        "methode": i18n.method(lang),
        "facteurs": _factors(result, f, lang),
        "avertissements": [
            {"titre": i18n.warning_code(w.code, lang), "message": w.message,
             "champ": _t("av.champ", lang, champ=w.champ) if w.champ else ""}
            for w in result.avertissements
        ],
        "note_langue": L["langue_sources"],
        "pied": _t("pied", lang, version=__version__, date=date, fichier=fichier or "—", annee=result.annee),
    }
    return view


def _tonne_digits(v: float) -> int:
    """Whole tonnes from 100 t up, one decimal below (4,8 t, not 5 t)."""
    return 0 if abs(v) >= 99.95 else 1


def _area_value(result: AuditResult, f: Formatter, lang: str) -> str:
    """The rental value of the space recovered: n.d. (or partial) when no outdoor rent is sourced."""
    t = result.totaux
    value = f.money(t.valeur_surface_cad) + i18n.unit("/an", lang)
    if abs(t.surface_recuperee_m2) > EPS and any(w.code == "loyer_exterieur_manquant" for w in result.avertissements):
        if abs(t.valeur_surface_cad) <= EPS:
            return _t("nd", lang)
        return f"{value} ({_t('fig.surface.sans_exterieur', lang)})"
    return value


def figures(result: AuditResult, lang: str) -> list[dict]:
    """The summary's figures (label, value, detail), formatted: shared by the terminal view."""
    f = Formatter(lang)
    t = result.totaux
    per = i18n.unit("/an", lang)
    change = (t.cout_projete_cad / t.cout_actuel_cad - 1) if t.cout_actuel_cad > EPS else None
    ghg_detail = _t("fig.ges.detail", lang)
    if t.ges_evites_tco2e is None:
        ghg_detail += " ; " if lang == "fr" else "; "
        ghg_detail += _t("fig.ges.nd", lang)
    elif t.ges_partiel:
        ghg_detail += " ; " if lang == "fr" else "; "
        ghg_detail += (_t("fig.ges.partiel.tonnes", lang, tonnes=f.t(t.ges_tonnes_exclues_t))
                       if t.ges_tonnes_exclues_t > EPS else _t("fig.ges.partiel", lang))
    ghg_value = f.ghg(t.ges_evites_tco2e) + per if t.ges_evites_tco2e is not None else _t("nd", lang)
    return _flag_defaults(result, lang, [
        {"id": "cout_actuel", "label": _t("fig.cout_actuel", lang), "value": f.money(t.cout_actuel_cad) + per,
         "detail": _t("fig.cout_actuel.detail", lang, masse=f.t(t.masse_t, _tonne_digits(t.masse_t)) + per,
                      n=len(result.flux))},
        {"id": "economies", "label": _t("fig.economies", lang), "value": f.money(t.economies_nettes_cad) + per,
         "detail": _t("fig.economies.detail", lang, projete=f.money(t.cout_projete_cad) + per,
                      variation=f.pct(change) if change is not None else "—")},
        {"id": "revenus", "label": _t("fig.revenus", lang), "value": f.money(t.revenus_substitution_cad) + per,
         "detail": _t("fig.revenus.detail", lang)},
        {"id": "mutualisation", "label": _t("fig.mutualisation", lang),
         "value": f.money(t.economies_mutualisation_cad) + per, "detail": _t("fig.mutualisation.detail", lang)},
        {"id": "surface", "label": _t("fig.surface", lang), "value": f.m2(t.surface_recuperee_m2),
         "detail": _t("fig.surface.detail", lang, valeur=_area_value(result, f, lang))},
        {"id": "enfouissement", "label": _t("fig.enfouissement", lang),
         "value": f.t(t.enfouissement_evite_t, _tonne_digits(t.enfouissement_evite_t)) + per,
         "detail": _t("fig.enfouissement.detail", lang, volume=f.m3(t.enfouissement_evite_m3, 0) + per,
                      redevance=f.money(t.redevance_evitee_cad) + per)},
        {"id": "ges", "label": _t("fig.ges", lang), "value": ghg_value, "detail": ghg_detail},
        {"id": "taux", "label": _t("fig.taux", lang),
         "value": f"{f.pct(t.taux_mise_en_valeur_avant)} → {f.pct(t.taux_mise_en_valeur_apres)}",
         "detail": _t("fig.taux.detail", lang, rec_avant=f.pct(t.taux_recyclage_avant),
                      rec_apres=f.pct(t.taux_recyclage_apres), el_avant=f.pct(t.taux_elimination_avant),
                      el_apres=f.pct(t.taux_elimination_apres))},
    ])


# [R2] The summary figures a library default enters (METHODE.md, "Warnings and defaults in reports").
_DEFAULT_ENTERS = {
    "cout_actuel": ("tarif.", "masse_volumique.", "collecte.", "contenant."),
    "economies": ("tarif.", "masse_volumique.", "collecte.", "contenant.", "transport."),
    "surface": ("entreposage.", "contenant."),
    "enfouissement": ("masse_volumique.",),
    "ges": ("masse_volumique.", "transport."),
}


def _flag_defaults(result: AuditResult, lang: str, rows: list[dict]) -> list[dict]:
    """A † beside each summary figure that a library default enters, with the keys in its detail."""
    sep = " ; " if lang == "fr" else "; "
    for row in rows:
        keys = sorted({d.cle for d in result.defauts if d.cle.startswith(_DEFAULT_ENTERS.get(row["id"], ("\0",)))})
        if keys:
            row["value"] += " †"
            row["detail"] += sep + _t("fig.defauts", lang, cles=", ".join(keys))
    return rows


def _pct_against(f: Formatter, rate, target) -> tuple[str, str]:
    """Rate and target, with one decimal when whole percents would hide a shortfall."""
    if rate is None or target is None:
        return f.pct(rate), f.pct(target)
    digits = 0
    if rate < target - EPS and round_half_up(rate * 100, 0) >= round_half_up(target * 100, 0):
        digits = 1
    return f.pct(rate, digits), f.pct(target, digits)


def _rates(result: AuditResult, f: Formatter, lang: str) -> list[dict]:
    t = result.totaux
    rows = [
        {"label": _t("taux.recyclage", lang), "avant": f.pct(t.taux_recyclage_avant),
         "apres": f.pct(t.taux_recyclage_apres), "objectif": "", "situation": "", "ok": None},
        {"label": _t("taux.mise_en_valeur", lang), "avant": f.pct(t.taux_mise_en_valeur_avant),
         "apres": f.pct(t.taux_mise_en_valeur_apres), "objectif": "", "situation": "", "ok": None},
        {"label": _t("taux.elimination", lang), "avant": f.pct(t.taux_elimination_avant),
         "apres": f.pct(t.taux_elimination_apres), "objectif": "", "situation": "", "ok": None},
    ]
    for p in result.politique:
        # [R2] rule 23: the target is compared with the rate it names
        recovery = p.taux == "mise_en_valeur"
        rate_before = p.taux_mise_en_valeur_avant if recovery else p.taux_recyclage_avant
        rate_after = p.taux_mise_en_valeur_apres if recovery else p.taux_recyclage_apres
        after, target = _pct_against(f, rate_after, p.objectif)
        if p.objectif is None:
            ok, situation = None, _t("taux.sans_objectif", lang)
        elif rate_after is not None and rate_after >= p.objectif - EPS:
            ok, situation = True, _t("taux.atteint", lang)
        else:
            ok, situation = False, _t("taux.non_atteint", lang)
        rows.append({
            "label": _t("taux.famille.mise_en_valeur" if recovery else "taux.famille", lang,
                        famille=i18n.famille(p.famille, lang), masse=f.t(p.masse_t, _tonne_digits(p.masse_t))),
            "avant": f.pct(rate_before), "apres": after,
            "objectif": target if p.objectif is not None else "—", "situation": situation, "ok": ok,
        })
    return rows


def _destinations(result: AuditResult, f: Formatter, lang: str) -> dict:
    before, after = charts.destinations(result)
    modes = [m for m in MODES if m in before or m in after]
    modes += sorted(m for m in {*before, *after} if m not in MODES)
    total = result.totaux.masse_t
    rows = []
    for m in modes:
        b, a = before.get(m, 0.0), after.get(m, 0.0)
        rows.append({"destination": i18n.mode(m, lang), "avant": f.t(b), "apres": f.t(a),
                     "avant_pct": f.pct(b / total) if total > EPS else "—",
                     "apres_pct": f.pct(a / total) if total > EPS else "—",
                     "ecart": ("+" if round_half_up(a - b, 1) > 0 else "") + f.t(a - b),
                     "elimination": m in ELIMINATION_MODES})
    return {"rows": rows, "total": f.t(total)}


def _quick_wins(result: AuditResult, f: Formatter, lang: str) -> dict:
    names = {s.id: s.nom for s in result.flux}
    rows = []
    for c in result.conteneurs:
        if c.surdimensionnement_cad <= EPS:
            continue
        expected = (c.levees_avant - c.levees_besoin) * c.frais_levee_cad * (1 + c.surcharge)
        surcharge = f" {TIMES} (1 + {f.pct(c.surcharge, 1 if round_half_up(c.surcharge * 100, 1) % 1 else 0)})" \
            if c.surcharge else ""
        calc = (f"({f.num(c.levees_avant)} {MINUS} {f.num(c.levees_besoin)}) {TIMES} "
                f"{format_money(c.frais_levee_cad, lang, None)}{surcharge} = {f.money(c.surdimensionnement_cad)}")
        if not _agrees(expected, c.surdimensionnement_cad):
            calc = f.money(c.surdimensionnement_cad)
        emptied = c.levees_apres <= EPS and any(
            s.scenario_retenu is not None for s in result.flux if s.conteneur == c.id)
        rows.append({
            "conteneur": c.id, "flux": " ; ".join(names.get(i, i) for i in c.flux) if lang == "fr"
            else "; ".join(names.get(i, i) for i in c.flux),
            "levees": f"{f.num(c.levees_avant)} → {f.num(c.levees_besoin)}",
            "calcul": calc, "montant": f.money(c.surdimensionnement_cad),
            "note": _t("gr.note_vide", lang) if emptied else "",
        })
    total = sum(c.surdimensionnement_cad for c in result.conteneurs if c.surdimensionnement_cad > EPS)
    return {"rows": rows, "total": _t("gr.total", lang, montant=f.money(total) + i18n.unit("/an", lang))}


def _quality(result: AuditResult, f: Formatter, lang: str) -> str:
    """The data-quality sentence (weighed share, then the other sources): empty when nothing is weighed."""
    t = result.totaux
    if t.part_masse_pesee is None or t.masse_t <= EPS:
        return ""
    by_source = {k: 0.0 for k in SOURCES_ORDER}
    for s in result.flux:
        by_source[s.source_donnees] = by_source.get(s.source_donnees, 0.0) + s.masse_t
    others = ", ".join(f"{i18n.source(k, lang)} {f.pct(v / t.masse_t)}" for k, v in by_source.items()
                       if k != "pesee" and v > EPS) or _t("aucun", lang)
    return _t("inv.qualite", lang, pesee=f.pct(t.part_masse_pesee), autres=others)


def _defaults_text(result: AuditResult, f: Formatter, lang: str, sep: str) -> str:
    """The list of library defaults the audit used, each with its value and unit (METHODE.md R2)."""
    if not result.defauts:
        return ""
    items = [f"{d.cle} = {f.sig(units.display_label(d.valeur, d.unite)[0])} {units.display_label(d.valeur, d.unite)[1]}"
             + (f" ({d.flux})" if d.flux else "") for d in result.defauts]
    return _t("inv.defauts", lang, liste=sep.join(items))


def _stream_rows(result: AuditResult, f: Formatter, lang: str, lib) -> tuple[list[dict], list[dict]]:
    """One row per stream in the inventory table and in the cost table, a † on streams a default touches."""
    defaulted = {d.flux for d in result.defauts}
    streams, costs = [], []
    for s in result.flux:
        flag = " †" if any(s.id in (d or "").split(", ") for d in defaulted) else ""
        surface = f.num(s.surface_m2, 1)
        if s.type_entreposage == "exterieur":
            surface += " (ext.)" if lang == "fr" else " (outdoor)"
        streams.append({
            "nom": s.nom + flag, "id": s.id, "matiere": _material(lib, s.matiere, lang), "gestion": i18n.mode(s.mode, lang),
            "masse": f.num(s.masse_t, 1, False), "volume": f.num(s.volume_m3, 1, False) if s.volume_m3 is not None else "—",
            "surface": surface, "source": i18n.source(s.source_donnees, lang),
        })
        costs.append({
            "nom": s.nom + flag,
            "tarif": format_money(s.tarif_cad_t, lang, None) if s.tarif_cad_t is not None else "—",
            "redevance": format_money(s.redevance_cad_t, lang, None),
            "elimination": f.money(s.cout_elimination_cad), "collecte": f.money(s.cout_collecte_cad),
            "frais_fixes": f.money(s.frais_fixes_cad), "cout": f.money(s.cout_actuel_cad),
        })
    return streams, costs


def _container_size(c, f: Formatter, lang: str) -> str:
    """A container's size in m³ with its cubic yards (whole when within 0.05 of a whole number)."""
    yd3 = c.contenant_m3 / YD3
    yards = f.num(yd3, 0) if abs(yd3 - round(yd3)) < 0.05 else f.num(yd3)
    return f"{f.num(c.contenant_m3)} ({yards} vg³)" if lang == "fr" else f"{f.num(c.contenant_m3)} ({yards} yd³)"


def _container_rows(result: AuditResult, f: Formatter, lang: str, sep: str) -> list[dict]:
    """One row per container: streams in it, size, lifts before/needed/after, cost before and after."""
    names = {s.id: s.nom for s in result.flux}
    return [{
        "id": c.id, "partage": _t("inv.partage", lang) if c.partage else "",
        "flux": sep.join(names.get(i, i) for i in c.flux) or "—",
        "contenant": _container_size(c, f, lang), "capacite": f.num(c.capacite_m3),
        "levees_avant": f.num(c.levees_avant),
        "levees_origine": _t("inv.declarees" if c.levees_declarees else "inv.calculees", lang),
        "levees_besoin": f.num(c.levees_besoin), "levees_apres": f.num(c.levees_apres),
        "cout_avant": f.money(c.cout_avant_cad), "cout_apres": f.money(c.cout_apres_cad),
    } for c in result.conteneurs]


def _inventory(result: AuditResult, f: Formatter, lang: str, lib) -> dict:
    """Section 3 of the report: data quality, stream and cost tables, containers, notes."""
    t = result.totaux
    sep = " ; " if lang == "fr" else "; "
    streams, costs = _stream_rows(result, f, lang, lib)
    totals = {
        "masse": f.num(t.masse_t, 1, False), "volume": f.num(t.volume_m3, 1, False),
        "surface": f.num(sum(s.surface_m2 for s in result.flux), 1),
        "elimination": f.money(sum(s.cout_elimination_cad for s in result.flux)),
        "collecte": f.money(sum(s.cout_collecte_cad for s in result.flux)),
        "frais_fixes": f.money(sum(s.frais_fixes_cad for s in result.flux)),
        "cout": f.money(t.cout_actuel_cad),
    }
    loose = [s.nom for s in result.flux if s.conteneur is None]
    return {
        "qualite": _quality(result, f, lang), "flux": streams, "couts": costs,
        "totaux": totals, "conteneurs": _container_rows(result, f, lang, sep),
        "sans_conteneur": _t("inv.sans_conteneur", lang, liste=sep.join(loose)) if loose else "",
        "ecart_conjoint": " ".join(x for x in (
            _t("inv.ecart_conjoint", lang, montant=f.money(t.ecart_levees_conjointes_cad))
            if abs(t.ecart_levees_conjointes_cad) >= 0.5 else "",
            _t("inv.ecart_conjoint_ges", lang, ges=f.ghg(t.ecart_conjoint_ges_tco2e))
            if abs(t.ecart_conjoint_ges_tco2e) >= 0.05 else "") if x),
        "defauts": _defaults_text(result, f, lang, sep),
        "trajets": _t("inv.levees_non_comptees", lang)
        if any(c.distance_km is None for c in result.conteneurs) or loose else "",
    }


def _retained_text(sc, lang):
    if not sc.retenu:
        return _t("sc.retenu.non", lang)
    if sc.statut == "en_place" and not sc.retenu_force:
        return _t("sc.retenu.en_place", lang)
    return _t("sc.retenu.force" if sc.retenu_force else "sc.retenu.meilleur", lang)


def _scenarios(result: AuditResult, f: Formatter, lang: str, containers, factors) -> list[dict]:
    out = []
    for s in result.flux:
        if not s.scenarios:
            continue
        table = []
        items = []
        for j, sc in enumerate(s.scenarios):
            table.append({
                "nom": sc.nom, "type": i18n.type_court(sc.type, lang),
                "statut": i18n.statut(sc.statut, lang), "gain": f.money(sc.gain_net_cad),
                "ges": f.num(sc.ges_evites_tco2e, 1, False) if sc.ges_evites_tco2e is not None else _t("nd", lang),
                "retenu": _retained_text(sc, lang),
            })
            facts = [
                (_t("sc.type", lang), i18n.type_court(sc.type, lang)),
                (_t("sc.statut", lang), i18n.statut(sc.statut, lang)),
                (_t("sc.retenu", lang), _retained_text(sc, lang)),
            ]
            if sc.preneur:
                facts.append((_t("sc.preneur", lang), sc.preneur))
            if sc.type == "substitution":
                facts.append((_t("sc.filiere", lang), i18n.mode(sc.filiere, lang)))
            facts.append((_t("sc.gain_net", lang), f.money(sc.gain_net_cad) + i18n.unit("/an", lang)))
            if sc.type == "substitution":
                calc, env, payback = _substitution_lines(s, sc, f, lang, containers, factors)
                facts.append((_t("sc.retour", lang), payback))
                if sc.detail.get("hierarchie"):
                    facts.append((_t("a.hierarchie", lang), sc.detail["hierarchie"]))
            elif sc.type == "collecte":
                calc, env, payback = _collection_lines(s, sc, f, lang, factors, containers)
                facts.append((_t("sc.retour", lang), payback))
            else:
                calc, env = _pooling_lines(s, sc, f, lang), []
            items.append({"id": f"sc-{s.id}-{j + 1}", "nom": sc.nom, "retenu": sc.retenu, "faits": facts,
                          "calcul": calc, "environnement": env})
        out.append({"flux": s.nom, "id": s.id, "caption": _t("sc.caption", lang, flux=s.nom),
                    "table": table, "details": items})
    return out


def _avoided_cost_lines(s, sc, f: Formatter, lang, containers, elim: float) -> list[tuple[str, str]]:
    """Today's container before and after a substitution, and the avoided cost it adds to disposal."""
    container = containers.get(s.conteneur) if s.conteneur else None
    if container is None:
        return []
    d = sc.detail
    k_before = d.get("conteneur_avant_cad", 0.0)
    k_after = d.get("conteneur_apres_cad", 0.0)
    lifts_after = d.get("levees_apres")
    expr = _t("a.conteneur.expr", lang, avant=f.money(k_before), apres=f.money(k_after),
              l_avant=f.num(container.levees_avant),
              l_apres=f.num(lifts_after) if lifts_after is not None else "—")
    lines = [(_t("a.conteneur", lang, id=container.id), f"{expr} = {f.money(k_before - k_after)}")]
    if _agrees(elim + k_before - k_after, sc.cout_evite_cad):
        lines.append((_t("a.cout_evite", lang),
                      f"{f.signed([(elim, 1), (k_before - k_after, 1)])} = {f.money(sc.cout_evite_cad)}"))
    else:
        lines.append((_t("a.cout_evite", lang), f.money(sc.cout_evite_cad)))
    return lines


def _transport_lines(d: dict, f: Formatter, lang) -> tuple[list[tuple[str, str]], float]:
    """A substitution's transport line (trips × distance, or the taker's) and the cost it adds."""
    transport = d.get("transport_cad", 0.0)
    trips = d.get("voyages")
    distance = d.get("distance_km")
    if not transport:
        return ([(_t("a.transport", lang), _t("a.transport.preneur", lang))] if trips is not None else []), 0.0
    if trips is None:
        return [(_t("a.transport", lang), f.money(transport))], transport
    dist = format_quantity(distance, "km", lang, 1, trim=True) if distance is not None else "—"
    return [(_t("a.transport", lang),
             _t("a.transport.expr", lang, voyages=trips, distance=dist, montant=f.money(transport)))], transport


def _new_cost_lines(sc, f: Formatter, lang, m: float) -> list[tuple[str, str]]:
    """The costs a substitution adds (preparation, transport, container, fixed fees, lost rebate) and their sum."""
    d = sc.detail
    lines, new = [], []
    prep = d.get("preparation_cad", 0.0)
    if prep and m > EPS:
        lines.append((_t("a.preparation", lang), f"{f.t(m)} {TIMES} {f.price(prep / m)} = {f.money(prep)}"))
        new.append(prep)
    transport_lines, transport = _transport_lines(d, f, lang)
    lines += transport_lines
    if transport:
        new.append(transport)
    if "prix_elimination_tout_compris" in d.get("notes", ()):
        lines.append((_t("a.prix_tout_compris", lang), _t("a.prix_tout_compris.texte", lang)))
    for key, label in (("nouveau_conteneur_cad", "a.nouveau_conteneur"), ("frais_fixes_cad", "a.frais_fixes"),
                       ("ristourne_perdue_cad", "a.ristourne")):
        v = d.get(key, 0.0)
        if v:
            lines.append((_t(label, lang), f.money(v)))
            new.append(v)
    if new and _agrees(sum(new), sc.couts_cad):
        expr = (f"{f.signed([(v, 1) for v in new])} = {f.money(sc.couts_cad)}" if len(new) > 1
                else f.money(sc.couts_cad))
    elif sc.couts_cad:
        expr = f.money(sc.couts_cad)
    else:
        expr = f"{f.money(0)} ({_t('a.couts.aucun', lang)})"
    lines.append((_t("a.couts", lang), expr))
    return lines


def _payback(sc, f: Formatter, lang) -> tuple[list[tuple[str, str]], str]:
    """The payback line (one-time costs ÷ yearly gain) when there is one, and the payback shown in the facts."""
    d = sc.detail
    invest = d.get("investissement_cad", 0.0)
    penalty = d.get("penalite_cad", 0.0)
    if sc.retour_annees is not None:
        one_time = f"({f.money(invest)} + {f.money(penalty)})" if penalty else f.money(invest)
        payback = f"{one_time} {DIV} {f.money(sc.gain_net_cad)}{i18n.unit('/an', lang)} = {f.years(sc.retour_annees)}"
        return [(_t("a.retour", lang), payback)], f.years(sc.retour_annees)
    if invest + penalty <= EPS:
        return [], _t("a.retour.sans_cout", lang)
    return [], _t("a.retour.sans_gain", lang)


def _substitution_lines(s, sc, f: Formatter, lang, containers, factors):
    """A `substitution` scenario: mass, avoided cost, revenue, new costs, gain, payback; then its environment."""
    d = sc.detail
    m = sc.masse_detournee_t
    p = d.get("part", 1.0)
    lines = [(_t("a.masse", lang), f"{f.pct(p)} {TIMES} {f.t(s.masse_t)} = {f.t(m)}" if abs(p - 1) > EPS else f.t(m))]
    # cost avoided: disposal, then today's container
    fee = s.tarif_cad_t or 0.0
    levy = s.redevance_cad_t
    elim = d.get("elimination_evitee_cad", m * (fee + levy))
    terms = [fee, levy] if levy else [fee]
    lines.append((_t("a.elimination", lang), f"{f.t(m)} {TIMES} {f.unit_sum(terms)} = {f.money(elim)}"
                  if _agrees(m * (fee + levy), elim) else f.money(elim)))
    lines += _avoided_cost_lines(s, sc, f, lang, containers, elim)
    # revenue
    price = d.get("prix_cad_t", 0.0)
    label = _t("a.revenus" if price >= 0 else "a.revenus.paye", lang)
    lines.append((label, f"{f.t(m)} {TIMES} {f.price(price)} = {f.money(sc.revenus_cad)}"
                  if _agrees(m * price, sc.revenus_cad) else f.money(sc.revenus_cad)))
    lines += _new_cost_lines(sc, f, lang, m)
    # net gain
    if _agrees(sc.cout_evite_cad + sc.revenus_cad - sc.couts_cad, sc.gain_net_cad):
        expr = f"{f.signed([(sc.cout_evite_cad, 1), (sc.revenus_cad, 1), (sc.couts_cad, -1)])} = {f.money(sc.gain_net_cad)}"
    else:
        expr = f.money(sc.gain_net_cad)
    lines.append((_t("a.gain", lang), expr))
    payback_lines, payback = _payback(sc, f, lang)
    lines += payback_lines
    env = _environment_lines(s, sc, f, lang, factors, m, levy)
    return lines, env, payback


def _environment_lines(s, sc, f: Formatter, lang, factors, m: float, levy: float) -> list[tuple[str, str]]:
    """A substitution's environment lines: elimination, landfill, levy, GHG, storage."""
    env = []
    if sc.elimination_evitee_t > EPS:
        env.append((_t("a.elim_t", lang), f.t(sc.elimination_evitee_t)))
    if sc.enfouissement_evite_t > EPS:
        if sc.enfouissement_evite_m3:
            rho = sc.enfouissement_evite_t / sc.enfouissement_evite_m3
            env.append((_t("a.enfouissement", lang), f"{f.t(sc.enfouissement_evite_t)} {DIV} "
                        f"{format_quantity(rho, 't/m³', lang, sig_digits(rho, 3), trim=True)} = {f.m3(sc.enfouissement_evite_m3)}"))
        else:
            env.append((_t("a.enfouissement", lang), _t("nd", lang)))
    if sc.redevance_evitee_cad:
        if _agrees(m * levy, sc.redevance_evitee_cad):
            env.append((_t("a.redevance", lang), f"{f.t(m)} {TIMES} {f.price(levy)} = {f.money(sc.redevance_evitee_cad)}"))
        else:
            env.append((_t("a.redevance", lang), f.money(sc.redevance_evitee_cad)))
    env.append((_t("a.ges", lang), _ghg_line(s, sc, f, lang, factors)))
    if abs(sc.surface_recuperee_m2) > EPS:
        before = s.surface_m2
        after = before - sc.surface_recuperee_m2
        expr = _t("a.surface.expr", lang, avant=f.m2(before), apres=f.m2(after), recupere=f.m2(sc.surface_recuperee_m2))
        if sc.valeur_surface_cad is None:
            expr += (" ; " if lang == "fr" else "; ") + _t("a.surface.sans_loyer", lang)
        elif sc.valeur_surface_cad:
            rent = sc.valeur_surface_cad / sc.surface_recuperee_m2
            expr += " " + _t("a.surface.valeur", lang, loyer=f.price(rent, "m²/an"),
                             valeur=f.money(sc.valeur_surface_cad) + i18n.unit("/an", lang))
        env.append((_t("a.surface", lang), expr))
    return env


def _factor_value(factors, *keys):
    for k in keys:
        u = factors.get(k)
        if u is not None:
            return u.valeur
    return None


def _ghg_line(s, sc, f: Formatter, lang, factors) -> str:
    """The GHG of a substitution, term by term: the figure the totals use (rules 5–9)."""
    if sc.ges_evites_tco2e is None:
        return _t("a.ges.nd", lang)
    d = sc.detail
    m = sc.masse_detournee_t
    parts, expected, keys = [], 0.0, []
    if sc.filiere != s.mode:
        fuel = d.get("combustible_remplace")
        side0 = _ef_side(factors, s.matiere, s.mode, fuel, f, lang)
        side1 = _ef_side(factors, s.matiere, sc.filiere, fuel, f, lang)
        if side0 is None or side1 is None:
            return f.ghg(sc.ges_evites_tco2e)
        (ef0, text0, keys0), (ef1, text1, keys1) = side0, side1
        expected += m * (ef0 - ef1)
        if ef1 < 0 and not text1.startswith("("):
            text1 = f"({text1})"
        parts.append(f"{f.t(m)} {TIMES} ({text0} {MINUS} {text1}) t\u00a0CO₂e/t")
        keys = keys0 + keys1
    truck = _factor_value(factors, "transport.emission_vehicule")
    trips = d.get("voyages_ges", d.get("voyages"))
    distance = d.get("distance_km")
    if d.get("ges_transport_tco2e"):
        if truck is None:
            return f.ghg(sc.ges_evites_tco2e)
        expected -= trips * 2 * distance * truck
        parts.append(f"{MINUS} {f.num(trips)} {_t('a.ges.voyages', lang)} {TIMES} 2 {TIMES} "
                     f"{format_quantity(distance, 'km', lang, 1, trim=True)} "
                     f"{TIMES} {format_quantity(truck, 't CO₂e/km', lang, sig_digits(truck, 4), trim=True)}")
    lifts_term = d.get("ges_levees_tco2e") or 0.0
    if lifts_term:
        if truck is None:
            return f.ghg(sc.ges_evites_tco2e)
        l0, l1, dc = d.get("levees_avant") or 0.0, d.get("levees_apres") or 0.0, d.get("distance_collecte_km") or 0.0
        expected += 2 * truck * (l0 - l1) * dc
        parts.append(f"+ 2 {TIMES} {format_quantity(dc, 'km', lang, 1, trim=True)} {TIMES} "
                     f"{format_quantity(truck, 't CO₂e/km', lang, sig_digits(truck, 4), trim=True)} {TIMES} "
                     f"({f.num(l0)} {MINUS} {f.num(l1)}) ({_t('a.ges.levees', lang)})")
    note = ""  # trips not counted without a distance: said once, in the inventory notes (METHODE.md)
    if not parts:
        return (_t("a.ges.meme", lang) if abs(sc.ges_evites_tco2e) <= EPS else f.ghg(sc.ges_evites_tco2e)) + note
    if not _agrees(expected, sc.ges_evites_tco2e):
        return f.ghg(sc.ges_evites_tco2e) + note
    expr = " ".join(parts)
    if expr.startswith("+ "):
        expr = expr[2:]
    if sc.filiere != s.mode and keys:
        note = f" ({', '.join(keys)}){note}"
    return f"{expr} = {f.ghg(sc.ges_evites_tco2e)}{note}"


def _ef_side(factors, material: str, route: str, fuel, f: Formatter, lang: str):
    """One side of a GHG difference: (EF [t CO2e/t], its text, the keys of its extra terms), or None.

    Energy recovery replacing a fossil fuel is `EF_combustion − PCI × EF_fuel` (issue 12,
    facteurs/energie.yaml), written out with its values; `aucun` (or no fuel) is EF_combustion alone."""
    ef = _factor_value(factors, f"emission.{material}.{route}")
    if ef is None:
        return None
    if route != "valorisation_energetique" or fuel in (None, "aucun"):
        return ef, f.sig(ef), []
    heat_key, fuel_key = f"pouvoir_calorifique.{material}", f"combustible.{fuel}.emission"
    heat, fuel_use = _factor_value(factors, heat_key), factors.get(fuel_key)
    if heat is None or fuel_use is None:
        return None
    # facteurs_utilises gives fuels in kg CO2e/GJ (units.display): t CO2e/GJ here, so the units multiply out
    per_gj = fuel_use.valeur / 1000 if fuel_use.unite.startswith("kg") else fuel_use.valeur
    text = (f"({f.sig(ef)} {MINUS} {format_quantity(heat, 'GJ/t', lang, sig_digits(heat, 4), trim=True)} {TIMES} "
            f"{format_quantity(per_gj, 't CO₂e/GJ', lang, sig_digits(per_gj, 4), trim=True)})")
    return ef - heat * per_gj, text, [heat_key, fuel_key]


def _collection_lines(s, sc, f: Formatter, lang, factors, containers):
    """A `collecte` scenario: container before and after, gain, payback, trips (rules 1–4)."""
    d = sc.detail
    lines = []
    lines.append((_t("a.collecte.avant", lang),
                  _t("a.collecte.levees", lang, levees=f.num(d.get("levees_avant") or 0.0),
                     origine=_t("inv.declarees" if containers[s.conteneur].levees_declarees else "inv.calculees", lang)
                     if s.conteneur in containers else "—",
                     cout=f.money(d["conteneur_avant_cad"]))))
    origin = _t("inv.declarees" if d.get("levees_declarees") is not None else "inv.calculees", lang)
    lines.append((_t("a.collecte.apres", lang),
                  _t("a.collecte.levees", lang, levees=f.num(d.get("levees_apres") or 0.0), origine=origin,
                     cout=f.money(d.get("nouveau_conteneur_cad", 0.0)))))
    if d.get("deplace"):
        lines.append((_t("a.collecte.restant", lang),
                      _t("a.collecte.levees", lang, levees=f.num(d.get("levees_restantes") or 0.0),
                         origine=_t("inv.calculees", lang), cout=f.money(d.get("conteneur_restant_cad", 0.0)))))
    fixed = d.get("frais_fixes_cad", 0.0)
    terms = [(d["conteneur_avant_cad"], 1), (d["conteneur_apres_cad"], -1)] + ([(fixed, -1)] if fixed else [])
    lines.append((_t("a.collecte.gain", lang), f"{f.signed(terms)} = {f.money(sc.gain_net_cad)}"))
    payback_lines, payback = _payback(sc, f, lang)
    lines += payback_lines
    env = []
    if sc.ges_evites_tco2e is None:
        env.append((_t("a.ges", lang), _t("a.ges.collecte.nd", lang)))
    else:
        truck = _factor_value(factors, "transport.emission_vehicule")
        d0, d1 = d.get("distance_avant_km"), d.get("distance_apres_km")
        l0, l1 = d.get("levees_avant") or 0.0, d.get("levees_apres") or 0.0
        expr = f.ghg(sc.ges_evites_tco2e)
        if truck is not None and d0 is not None and d1 is not None and not d.get("deplace") \
                and _agrees(2 * truck * (l0 * d0 - l1 * d1), sc.ges_evites_tco2e):
            km = lambda v: format_quantity(v, "km", lang, 1, trim=True)  # noqa: E731
            expr = (f"2 {TIMES} {format_quantity(truck, 't CO₂e/km', lang, sig_digits(truck, 4), trim=True)} {TIMES} "
                    f"({f.num(l0)} {TIMES} {km(d0)} {MINUS} {f.num(l1)} {TIMES} {km(d1)}) = {expr}")
        env.append((_t("a.ges", lang), expr))
    if abs(sc.surface_recuperee_m2) > EPS:
        before = s.surface_m2
        env.append((_t("a.surface", lang), _t("a.surface.expr", lang, avant=f.m2(before),
                                             apres=f.m2(before - sc.surface_recuperee_m2),
                                             recupere=f.m2(sc.surface_recuperee_m2))))
    return lines, env, payback


def _pool_volume_lines(sc, f: Formatter, lang) -> list[tuple[str, str]]:
    """The group's lifts: the members' sum under a group contract, else capacity and pooled volume ÷ capacity."""
    d = sc.detail
    cap = d.get("capacite_m3")
    vol, fill, comp = d.get("contenant_m3"), d.get("taux_remplissage"), d.get("compaction")
    lifts = d.get("levees_groupe")
    if sc.forme == "contrat_groupe":
        member_lifts = [m.levees or 0.0 for m in sc.membres]
        if lifts is None or not _agrees(sum(member_lifts), lifts):
            return []
        terms = " + ".join(f.num(x) for x in member_lifts)
        return [(_t("a.levees_groupe", lang), _t("a.levees_somme", lang, termes=terms, levees=f.num(lifts)))]
    lines = []
    if cap is not None and None not in (vol, fill, comp):
        expr = f"{f.m3(vol)} {TIMES} {f.pct(fill)} {TIMES} {f.num(comp, 2)} = {f.m3(cap)}"
        lines.append((_t("a.capacite", lang), expr if _agrees(vol * fill * comp, cap) else f.m3(cap)))
    if lifts is not None and cap:
        total = sum(m.volume_m3 for m in sc.membres)
        lines.append((_t("a.levees_groupe", lang),
                      _t("a.levees_groupe.expr", lang, volume=f.m3(total) + i18n.unit("/an", lang),
                         capacite=f.m3(cap), levees=f.num(lifts, 0))))
    return lines


def _pool_cost_line(sc, f: Formatter, lang) -> list[tuple[str, str]]:
    """The group's yearly cost: lifts × fee × (1 + surcharge) + rental + management."""
    d = sc.detail
    group = sc.forme == "contrat_groupe"
    lifts = d.get("levees_groupe")
    if lifts is None or sc.cout_groupe_cad is None:
        return []
    fee = d.get("frais_levee_cad", 0.0)
    surcharge = d.get("surcharge", 0.0)
    rental = 0.0 if group else d.get("location_cad", 0.0)
    management = d.get("frais_gestion_cad", 0.0)
    expected = lifts * fee * (1 + surcharge) + rental + management
    expr = f"{f.num(lifts)} {TIMES} {format_money(fee, lang, None)}"
    if surcharge:
        expr += f" {TIMES} (1 + {f.pct(surcharge)})"
    if rental:
        expr += f" + {f.money(rental)}"
    if management:
        expr += f" + {f.money(management)}"
    expr += f" = {f.money(sc.cout_groupe_cad)}"
    if not _agrees(expected, sc.cout_groupe_cad):
        expr = f.money(sc.cout_groupe_cad)
    return [(_t("a.cout_groupe.contrat" if group else "a.cout_groupe", lang), expr)]


def _pool_savings_lines(sc, f: Formatter, lang) -> list[tuple[str, str]]:
    """The group's saving (alone − together), with the members' price gains, and whether the group formed."""
    lines = []
    if sc.economie_groupe_cad is not None and sc.cout_groupe_cad is not None:
        alone = sum(m.cout_seul_cad for m in sc.membres)
        lines.append((_t("a.economie_groupe", lang),
                      f"{f.signed([(alone, 1), (sc.cout_groupe_cad, -1)])} = {f.money(sc.economie_groupe_cad)}"))
    price = sc.detail.get("gains_tarif_membres_cad", 0.0)
    if sc.economies_groupe_cad is not None and price:
        lines.append((_t("a.economies_groupe", lang),
                      f"{f.signed([(sc.economie_groupe_cad, 1), (price, 1)])} = {f.money(sc.economies_groupe_cad)}"))
    if sc.groupe_forme is False:
        lines.append((_t("a.groupe_non_forme", lang), _t("a.groupe_non_forme.texte", lang)))
    return lines


def _pool_plant_lines(s, sc, f: Formatter, lang) -> list[tuple[str, str]]:
    """The plant's share, its price gain from the group tariff, and its net gain (alone − share + price gain)."""
    lines = []
    plant = sc.membres[0] if sc.membres else None
    if plant is not None:
        lines.append((_t("a.part_usine", lang), f"{f.money(plant.part_cad)} ({i18n.repartition(sc.repartition, lang)})"))
    tarif_gain = sc.detail.get("gain_tarif_cad", 0.0)
    if tarif_gain and s.masse_t > EPS and s.tarif_cad_t is not None:
        pooled = s.tarif_cad_t - tarif_gain / s.masse_t
        lines.append((_t("a.tarif_groupe", lang),
                      f"{f.t(s.masse_t)} {TIMES} {f.unit_diff(s.tarif_cad_t, pooled)} = {f.money(tarif_gain)}"))
    if plant is None:
        return lines
    terms = [(plant.cout_seul_cad, 1), (plant.part_cad, -1)]
    if tarif_gain:
        terms.append((tarif_gain, 1))
    if _agrees(plant.cout_seul_cad - plant.part_cad + tarif_gain, sc.gain_net_cad):
        lines.append((_t("a.gain_mut", lang), f"{f.signed(terms)} = {f.money(sc.gain_net_cad)}"))
    else:
        lines.append((_t("a.gain_mut", lang), f.money(sc.gain_net_cad)))
    return lines


def _pooling_lines(s, sc, f: Formatter, lang) -> list[tuple[str, str]]:
    """A `mutualisation` scenario's arithmetic, in report order: capacity, lifts, cost, savings, plant."""
    return (_pool_volume_lines(sc, f, lang) + _pool_cost_line(sc, f, lang)
            + _pool_savings_lines(sc, f, lang) + _pool_plant_lines(s, sc, f, lang))


def _pooling(result: AuditResult, f: Formatter, lang: str) -> list[dict]:
    out = []
    for s in result.flux:
        for sc in s.scenarios:
            if sc.type != "mutualisation":
                continue
            group = sc.forme == "contrat_groupe"
            rows = []
            for m in sc.membres:
                rows.append({
                    "membre": m.membre,
                    "mesure": f.num(m.levees, 1) if group else f.num(m.volume_m3, 1, False),
                    "cout_seul": f.money(m.cout_seul_cad), "estime": m.cout_estime,
                    "part": f.money(m.part_cad), "economie": f.money(m.economie_cad),
                })
            total = {
                "mesure": f.num(sum((m.levees or 0.0) for m in sc.membres), 1) if group
                else f.num(sum(m.volume_m3 for m in sc.membres), 1, False),
                "cout_seul": f.money(sum(m.cout_seul_cad for m in sc.membres)),
                "part": f.money(sum(m.part_cad for m in sc.membres)),
                "economie": f.money(sum(m.economie_cad for m in sc.membres)),
            }
            sep = " et " if lang == "fr" else " and "
            if sc.stable:
                stability = _t("mut.stable", lang)
            else:
                members = list(sc.coalition_bloquante or ())
                joined = (", ".join(members[:-1]) + sep + members[-1]) if len(members) > 1 else "".join(members)
                stability = _t("mut.instable" if len(members) > 1 else "mut.instable.seul", lang, membres=joined)
            out.append({
                "caption": _t("mut.caption", lang, nom=sc.nom, forme=i18n.forme(sc.forme, lang),
                              repartition=i18n.repartition(sc.repartition, lang)),
                "flux": s.nom,
                "mesure": _t("mut.levees" if group else "mut.volume", lang),
                "rows": rows, "total": total, "stable": bool(sc.stable), "stabilite": stability,
                "estime": any(m.cout_estime for m in sc.membres),
            })
    return out


def _regulatory(result: AuditResult, lang: str, lib) -> list[dict]:
    rows = []
    for s in result.flux:
        for sc in s.scenarios:
            if sc.type == "substitution":
                route = i18n.mode(sc.filiere, lang)
                need = i18n.exigence(sc.filiere, lang)
                note = _material_note(lib, s.matiere)
            else:
                route = i18n.forme(sc.forme, lang)
                route = route[:1].upper() + route[1:]
                need = i18n.exigence("mutualisation", lang)
                note = ""
            rows.append({
                "scenario": sc.nom, "flux": s.nom, "filiere": route,
                "statut": i18n.statut_reglementaire(sc.statut_reglementaire, lang),
                "a_verifier": sc.statut_reglementaire in ("inconnu", "autorisation_requise"),
                "exigence": need, "note": note,
            })
    return rows


def _factors(result: AuditResult, f: Formatter, lang: str) -> list[dict]:
    rows = []
    for u in result.facteurs_utilises:
        if not u.unite and 0 <= u.valeur <= 1 and (u.cle.startswith("politique.") or "taux" in u.cle):
            value, unit = f.pct(u.valeur, 1 if round_half_up(u.valeur * 100, 1) % 1 else 0), ""
        else:
            shown, unit = units.display_label(u.valeur, u.unite)
            value, unit = f.sig(shown), i18n.unit(unit, lang)
        rows.append({
            "cle": u.cle, "cle_parts": u.cle.split("."), "valeur": value, "unite": unit, "annee": str(u.annee) if u.annee is not None else "—",
            "confiance": i18n.confiance(u.confiance, lang),
            "origine": _t("fx.defaut" if u.defaut else "fx.inventaire", lang),
            "proxy": _t("fx.proxy", lang) if u.proxy else "", "source": u.source, "note": u.note,
            # only web links: a user's factor file must not slip a javascript: URL into the page
            "url": u.url if re.match(r"https?://", u.url or "", re.IGNORECASE) else "",
        })
    return rows


# -- entry points ------------------------------------------------------------------------


def render(result: AuditResult, fmt: str, lang: str, date: str, lib) -> str:
    """The Markdown (`md`) or HTML (`html`) report of one audit, labelled from `lib` (factors.Library)."""
    lang = "en" if lang == "en" else "fr"
    if fmt not in ("md", "html"):
        raise ValueError(f"format de rapport inconnu : {fmt}")
    view = build_view(result, lang, date, lib, with_charts=fmt == "html")
    return environment().get_template(f"rapport.{fmt}.j2").render(view)
