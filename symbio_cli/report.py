"""Report rendering: one entry point for every format."""

from __future__ import annotations

from symbio_cli.result import AuditResult

EXTENSIONS = {"md": ".md", "html": ".html", "json": ".json"}


def render(result: AuditResult, fmt: str, lang: str = "fr", date: str = "") -> str:
    """The report of one audit in `fmt` (md, html, json)."""
    if fmt == "json":
        from symbio_cli import report_json

        return report_json.render(result, date)
    from symbio_cli import report_text

    return report_text.render(result, fmt, lang, date)
