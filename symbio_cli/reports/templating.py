"""The one Jinja2 Environment of symbio's reports, and its `md` filter.

StrictUndefined (a typo in a template is an error, not an empty string),
autoescape on for everything but the Markdown templates (`*.md.j2`, which
escape through the `md` filter instead), templates read through
importlib.resources, filters registered once.
"""

from __future__ import annotations

import functools
import importlib.resources
import re

from symbio_cli.numbers import format_money, format_number, format_percent


def _autoescape(name: str | None) -> bool:
    """Escape everything except the Markdown templates (which use the `md` filter).

    Template names end in `.j2` (package data), so select_autoescape's
    extension match would not apply: the rule is written out here.
    """
    return not (name or "").endswith(".md.j2")


_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#~]|(?<![^\W_])_|_(?![^\W_]))")
_MD_SPACE = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")


def md(value) -> str:
    """Text made inert in Markdown, tables included.

    Backslash-escapes `\\ ` * [ ] < > | # ~`, and `_` at a word's edge (so
    `|` cannot split a table cell, raw HTML and links stay text, and
    `bois_residus` stays readable), and turns line breaks into spaces (a
    newline would end a table row).
    """
    text = "" if value is None else str(value)
    text = _MD_SPACE.sub(" ", text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _read_template(name: str):
    source = importlib.resources.files("symbio_cli.templates").joinpath(name).read_text(encoding="utf-8")
    return source, name, lambda: True


@functools.lru_cache(maxsize=1)
def environment():
    """The one Jinja2 Environment of symbio's reports (built once)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_read_template),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md
    env.filters["money"] = lambda v, lang="fr", digits=0: format_money(v, lang, digits)
    env.filters["percent"] = lambda v, lang="fr", digits=0: format_percent(v, lang, digits)
    env.filters["number"] = lambda v, lang="fr", digits=0: format_number(v, lang, digits)
    return env
