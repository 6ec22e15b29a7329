"""The audit's summary on an interactive terminal, drawn with rich.

Only for people: the CLI calls it for stderr, and only when stderr is a
terminal, so machine output (JSON, Markdown on stdout) never passes through
rich (PIEGES.md: through a pipe rich wraps at 80 columns and eats `[red]`-like
text as markup). Every string goes in as a rich `Text`, never as markup, so a
company named `[bold]x` prints as typed. The figures are the reports' own
(`reports.audit.figures`), so the views cannot disagree.
"""

from __future__ import annotations

import os
import sys

from symbio_cli import i18n
from symbio_cli.errors import printable
from symbio_cli.numbers import format_money
from symbio_cli.result import AuditResult


def wanted(stream=None) -> bool:
    """True when `stream` (stderr) is an interactive terminal that can take the summary."""
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and os.environ.get("TERM") != "dumb"


def render_summary(result: AuditResult, lang: str = "fr", file=None, width: int | None = None) -> None:
    """Print the one-screen summary of `result` to `file` (stderr by default)."""
    # imported here: `wanted()` is asked on every audit, even `-f json` into a pipe, which
    # must not pay for the report views or rich
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from symbio_cli.reports.audit import figures

    console = Console(file=file or sys.stderr, markup=False, highlight=False, emoji=False, width=width)
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for fig in figures(result, lang):
        style = "bold green" if fig["id"] == "economies" else "bold"
        table.add_row(Text(fig["label"]), Text(fig["value"], style=style), Text(printable(fig["detail"]), style="dim"))
    quick = result.totaux.potentiel_redimensionnement_cad
    lines = [table]
    if quick > 0:
        label = i18n.text("s.gains_rapides", lang)
        sep = "\u00a0: " if lang == "fr" else ": "
        lines.append(Text(f"{label}{sep}{format_money(quick, lang, 0)}{i18n.unit('/an', lang)}", style="yellow"))
    if result.avertissements:
        label = i18n.text("s.avertissements", lang)
        sep = "\u00a0: " if lang == "fr" else ": "
        lines.append(Text(f"{label}{sep}{len(result.avertissements)}", style="yellow"))
        for w in result.avertissements:  # every one: a user must not need the report to see them
            line = getattr(w, "ligne", None)
            where = f"{printable(w.champ)}" + (f" (l. {line})" if line else "")
            lines.append(Text(f"• {where + sep if w.champ else ''}{printable(w.message)}", style="yellow"))
    from rich.console import Group

    title = Text(f"symbio — {printable(result.entreprise['nom'])} ({result.annee})", style="bold")
    subtitle = Text(i18n.text("resume.unites", lang, annee=result.annee), style="dim")
    console.print(Panel(Group(*lines), title=title, subtitle=subtitle, expand=False))
