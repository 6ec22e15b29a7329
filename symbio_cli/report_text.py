"""Markdown and HTML reports, rendered with Jinja2 from the AuditResult."""

from __future__ import annotations

from symbio_cli.result import AuditResult


def render(result: AuditResult, fmt: str, lang: str, date: str) -> str:
    """Minimal Markdown until the reports issue lands."""
    t = result.totaux
    lines = [f"# Audit des matières résiduelles — {result.entreprise['nom']}", "",
             f"Année {result.annee} · rapport du {date}", "",
             f"- Coût actuel : {t.cout_actuel_cad:.2f} $/an (avant taxes)",
             f"- Économies nettes : {t.economies_nettes_cad:.2f} $/an",
             f"- GES évités : {t.ges_evites_tco2e:.2f} t CO2e/an", ""]
    return "\n".join(lines)


def render_summary(good: list[dict], bad: list[dict], date: str, fmt: str) -> str:
    """Minimal portfolio summary until the reports issue lands."""
    lines = [f"# Sommaire du portefeuille — {date}", "", "| Fichier | Entreprise | Économies nettes ($/an) |", "|---|---|---:|"]
    for r in good:
        lines.append(f"| {r['fichier']} | {r['entreprise']} | {r['economies_nettes_cad']:.0f} |")
    if bad:
        lines += ["", "## Échecs", ""] + [f"- {r['fichier']} : {(r['problemes'] or ['?'])[0]}" for r in bad]
    return "\n".join(lines) + "\n"
