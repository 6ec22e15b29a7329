"""Report views: one module per view, one entry point for the audit report.

- `audit` — the audit report in Markdown and HTML;
- `audit_json` — the audit report in JSON;
- `summary` — the batch summary (sommaire.md / sommaire.html);
- `territory` — the territory report (md, html, json, csv);
- `factors` — the factor library as `symbio facteurs` shows it;
- `terminal` — the audit's summary on an interactive terminal (rich);
- `charts`, `map_svg` — the SVG drawings the HTML views embed.
"""

from __future__ import annotations

from symbio_cli.result import AuditResult

EXTENSIONS = {"md": ".md", "html": ".html", "json": ".json"}


def render(result: AuditResult, fmt: str, lang: str = "fr", date: str = "", *, lib) -> str:
    """The report of one audit in `fmt` (md, html, json).

    `lib` is the factors.Library the audit ran with (default library and any --facteurs
    overlay): the report names materials and regions as it does. Views never load one.
    """
    if fmt == "json":
        from symbio_cli.reports import audit_json

        return audit_json.render(result, date)
    from symbio_cli.reports import audit

    return audit.render(result, fmt, lang, date, lib)
