"""The batch summary (sommaire.md / sommaire.html): one row per audited file."""

from __future__ import annotations

import os

from symbio_cli import __version__, i18n
from symbio_cli.reports.formatting import Formatter
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
    return {
        "lang": lang, "L": i18n.labels(lang), "date": date, "rows": rows, "totaux": totals, "echecs": failures,
        "intro": _t("p.intro", lang, n=len(good), echecs=len(bad), date=date),
        "pied": f"symbio {__version__}",
    }


def render_summary(good: list[dict], bad: list[dict], date: str, fmt: str, lang: str = "fr") -> str:
    """The portfolio summary (sommaire.md / sommaire.html) of a batch."""
    lang = "en" if lang == "en" else "fr"
    if fmt not in ("md", "html"):
        raise ValueError(f"format de sommaire inconnu : {fmt}")
    return environment().get_template(f"sommaire.{fmt}.j2").render(summary_view(good, bad, date, lang))
