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
import re
import sys

from symbio_cli import i18n
from symbio_cli.errors import printable
from symbio_cli.numbers import format_money
from symbio_cli.result import AuditResult

WIDE = 100  # columns from which label, value and detail sit side by side
_GLUE = "\x00"  # a space that must not break a line; printed back as an ordinary space


def wanted(stream=None) -> bool:
    """True when `stream` (stderr) is an interactive terminal: it gets the summary (plain under TERM=dumb)."""
    stream = stream or sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _bind(text: str) -> str:
    """Kept together: a number, its thousands and its unit (`3 187 $/an`, `52 levées/an`), French
    punctuation (no break before « : ; ! ? » » nor after « «) and a footnote mark with its word."""
    text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", _GLUE, text)
    text = re.sub(r"(?<=\d) (?=[$%]|[^\s/]*/\S|\S{1,3}(?:[\s,;.)]|$))", _GLUE, text)
    text = re.sub(r" (?=[:;!?»])", _GLUE, text)
    return re.sub(r"(?<=[«†]) ", _GLUE, text)


def _wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """Lines of at most `width` columns, broken only at ordinary spaces.

    textwrap breaks at ASCII whitespace only, so the no-break spaces of the
    figures (`47\u00a0927\u00a0$/an`, `coût projeté\u00a0:`) keep a number, its unit
    and a colon together; rich alone would break there (it treats them as spaces).
    """
    import textwrap

    lines = textwrap.wrap(_bind(text), width=max(width, 12), initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_long_words=True, break_on_hyphens=False) or [indent]
    return [line.replace(_GLUE, " ") for line in lines]


def _entries(result: AuditResult, lang: str) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    """(id, label, value, detail) of each figure, and the (text, style) lines under them."""
    from symbio_cli.reports.audit import figures

    rows = [(fig["id"], fig["label"], fig["value"], printable(fig["detail"])) for fig in figures(result, lang)]
    sep = "\u00a0: " if lang == "fr" else ": "
    notes: list[tuple[str, str]] = []
    quick = result.totaux.potentiel_redimensionnement_cad
    if quick > 0:
        label = i18n.text("s.gains_rapides", lang)
        notes.append((f"{label}{sep}{format_money(quick, lang, 0)}{i18n.unit('/an', lang)}", "yellow"))
    if result.avertissements:
        label = i18n.text("s.avertissements", lang)
        notes.append((f"{label}{sep}{len(result.avertissements)}", "yellow"))
        for w in result.avertissements:  # every one: a user must not need the report to see them
            line = getattr(w, "ligne", None)
            where = f"{printable(w.champ)}" + (f" (l. {line})" if line else "")
            notes.append((f"• {where + sep if w.champ else ''}{printable(w.message)}", "yellow"))
    return rows, notes


def plain_summary(result: AuditResult, lang: str = "fr", width: int = 80) -> str:
    """The summary as plain lines (TERM=dumb, or any terminal without cursor control), wrapped at `width`."""
    rows, notes = _entries(result, lang)
    out = _wrap(f"symbio — {printable(result.entreprise['nom'])} ({result.annee})", width)
    out += _wrap(i18n.text("resume.unites", lang, annee=result.annee), width)
    sep = "\u00a0: " if lang == "fr" else ": "
    for _, label, value, detail in rows:
        out += _wrap(f"{label}{sep}{value}", width, indent="    ", first="")
        out += _wrap(detail, width, indent="    ")
    for text, _ in notes:
        out += _wrap(text, width, indent="  ", first="")
    return "\n".join(out) + "\n"


def render_summary(result: AuditResult, lang: str = "fr", file=None, width: int | None = None) -> None:
    """Print the one-screen summary of `result` to `file` (stderr by default).

    From 100 columns: label, value and detail side by side in a panel; below,
    each figure on its line and its detail under it, so that at 60 columns no
    word is cut and no unit leaves its number. Under TERM=dumb: plain lines.
    """
    import shutil

    file = file or sys.stderr
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns
    if os.environ.get("TERM") == "dumb":
        file.write(plain_summary(result, lang, width))
        file.flush()
        return
    # imported here: `wanted()` is asked on every audit, even `-f json` into a pipe, which
    # must not pay for the report views or rich
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, markup=False, highlight=False, emoji=False, width=width)
    rows, notes = _entries(result, lang)
    inner = min(width, 120) - 4  # panel borders and padding
    lines: list = []
    title = Text(f"symbio — {printable(result.entreprise['nom'])} ({result.annee})", style="bold")
    subtitle = i18n.text("resume.unites", lang, annee=result.annee)
    panel_title = title if len(title) <= inner - 4 else None
    if panel_title is None:
        lines += [Text(line, style="bold") for line in _wrap(title.plain, inner)]
    lines += [Text(line, style="dim") for line in _wrap(subtitle, inner)]
    label_w = max(len(r[1]) for r in rows)
    value_w = max(len(r[2]) for r in rows)
    detail_w = inner - label_w - value_w - 4
    if width >= WIDE and detail_w >= 30:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, width=detail_w)
        for fid, label, value, detail in rows:
            style = "bold green" if fid == "economies" else "bold"
            table.add_row(Text(label), Text(value, style=style),
                          Text("\n".join(_wrap(detail, detail_w)), style="dim"))
        lines.append(table)
    else:
        for fid, label, value, detail in rows:
            style = "bold green" if fid == "economies" else "bold"
            gap = inner - len(label) - len(value)
            if gap >= 2:
                lines.append(Text.assemble((label, ""), " " * gap, (value, style)))
            else:
                lines += [Text(line) for line in _wrap(label, inner)]
                lines.append(Text(value.rjust(inner), style=style))
            lines += [Text(line, style="dim") for line in _wrap(detail, inner, indent="  ")]
    for text, style in notes:
        lines += [Text(line, style=style) for line in _wrap(text, inner, indent="  ", first="")]
    for line in lines:
        if isinstance(line, Text):
            line.no_wrap = True
            line.overflow = "fold"
    console.print(Panel(Group(*lines), title=panel_title, expand=False))
