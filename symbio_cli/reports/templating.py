"""The one Jinja2 Environment of symbio's reports, and its `md` filter.

StrictUndefined (a typo in a template is an error, not an empty string),
autoescape on for everything but the Markdown templates (`*.md.j2`, which
escape through the `md` filter instead), templates read from the package's
templates/ folder (importlib.resources only when it is not a folder, a zip:
its import pulls pathlib, tempfile and zipfile into every Markdown or HTML
report, issue 15), filters registered once.
"""

from __future__ import annotations

import functools
import os
import re

from symbio_cli.numbers import format_money, format_number, format_percent


def _autoescape(name: str | None) -> bool:
    """Escape everything except the Markdown templates (which use the `md` filter).

    Template names end in `.j2` (package data), so select_autoescape's
    extension match would not apply: the rule is written out here.
    """
    return not (name or "").endswith(".md.j2")


_MD_SPACE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
# Characters that start Markdown syntax anywhere: code, emphasis, links, raw HTML and
# autolinks (`< >`), entities (`&amp;`), headings, tables, strikethrough (`~~`).
# `_` only at a word's edge, so that `bois_residus` stays readable.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#~&]|(?<![^\W_])_|_(?![^\W_]))")
# Bare links a GFM renderer (`scheme://`, `www.`, `nom@domaine`) or markdown-it's linkify
# (also `domaine.com`, `domaine.ca`: a dot before a top-level domain) would make live.
# The escaped `:`, `.` or `@` splits the text the link finder sees, and still reads as
# itself; other dots (`usine.yaml`, `emission.carton.recyclage`) stay as they are.
_TLD = r"(?:[a-z]{2}|com|org|net|edu|gov|info|biz)"
_MD_LINK = re.compile(r"(?<=\w)(:)(?=//)|(?i:(?<=\bwww)(\.))|(?<=\w)(@)(?=\w)"
                      rf"|(?i:(?<=\w)(\.)(?={_TLD}\b))")
# A block marker at the start: list item (`- `, `+ `, `1. `, `1) `), setext underline (`===`).
_MD_LEADING = re.compile(r"^(\s*)([-+](?=\s|$)|=+\s*$|\d{1,9}(?=[.)](?:\s|$)))")


def md(value) -> str:
    """`value` as inert Markdown text, in a table cell or a line: it shows as typed, never as markup.

    Backslash-escapes ``\\ ` * [ ] < > | # ~ &`` (so `|` cannot split a table cell,
    `~~` cannot strike text through, raw HTML, autolinks and entities stay text),
    `_` at a word's edge, the `:` of `scheme://`, the `.` of `www.` and of
    `domaine.com`, the `@` of an address, and a leading list or heading marker;
    line breaks and control characters become one space (a newline would end a
    table row). None is the empty string.
    """
    text = "" if value is None else str(value)
    text = _MD_SPACE.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINK.sub(lambda m: "\\" + m.group(m.lastindex), text)
    leading = _MD_LEADING.match(text)
    if leading:
        start, marker = leading.group(1), leading.group(2)
        if marker.isdigit():  # `1.` / `1)`: escape the punctuation after the digits
            cut = len(start) + len(marker)
            text = text[:cut] + "\\" + text[cut:]
        else:
            text = start + "\\" + text[len(start):]
    return text


_URL_SAFE = "-._~:/?#@!$&'+,;=%"


def md_url(value) -> str:
    """A web address as a live link in Markdown, or, when it is not http(s), as inert text (`md`).

    Characters that could end the link or the table cell (`| < > ( ) [ ] * \\`,
    spaces) are percent-encoded, so the address stays one link in one cell.
    """
    from urllib.parse import quote

    text = "" if value is None else str(value).strip()
    if not re.match(r"https?://", text, re.IGNORECASE):
        return md(text)
    return quote(text, safe=_URL_SAFE)


_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")


def _read_template(name: str):
    if os.path.isdir(_TEMPLATES):
        with open(os.path.join(_TEMPLATES, name), encoding="utf-8") as fh:
            source = fh.read()
    else:  # pragma: no cover - a zipped package
        import importlib.resources

        source = importlib.resources.files("symbio_cli.templates").joinpath(name).read_text(encoding="utf-8")
    return source, name, lambda: True


def _bytecode_cache(jinja2):
    """Compiled templates kept between runs (issue 15), or None when no safe place exists.

    Compiling the audit template costs a one-file `audit -f md` about as much as
    the audit itself. Jinja2's file cache lives in a private per-user folder of
    the temporary directory (mode 0700, owner checked), writes atomically, and
    recompiles when a template's source changes; the file names carry a hash of
    this module (autoescape rule, options) and of Jinja2's version, so that an
    environment built differently never reads another's bytecode.
    """
    import hashlib

    try:
        with open(__file__, "rb") as fh:
            tag = hashlib.sha1(fh.read() + jinja2.__version__.encode()).hexdigest()[:12]
        return jinja2.FileSystemBytecodeCache(pattern=f"__symbio_{tag}_%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder: compile every time
        return None


@functools.lru_cache(maxsize=1)
def environment():
    """The one Jinja2 Environment of symbio's reports (built once)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_read_template),
        bytecode_cache=_bytecode_cache(jinja2),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md
    env.filters["md_url"] = md_url
    env.filters["money"] = lambda v, lang="fr", digits=0: format_money(v, lang, digits)
    env.filters["percent"] = lambda v, lang="fr", digits=0: format_percent(v, lang, digits)
    env.filters["number"] = lambda v, lang="fr", digits=0: format_number(v, lang, digits)
    return env
