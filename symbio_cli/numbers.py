"""Numbers for reports: fr-CA and en-CA conventions, half-up display rounding.

Babel knows the conventions (group and decimal symbols, where `$` and `%`
go, which spaces are no-break) but rounds half-to-even and can print `-0`
(PIEGES.md). So a value is first rounded half-up with Decimal, normalised so
that zero has no sign, and only then laid out with the locale's symbols and
pattern affixes, read from Babel once per language and cached. Laying out
ourselves keeps a report of a few hundred numbers fast (Babel's own
formatter costs ≈ 37 µs a call); tests/test_numbers.py checks that the
result is the same as Babel's on many values.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOCALES = {"fr": "fr_CA", "en": "en_CA"}
DASH = "—"  # a value that is not known
NBSP = "\u00a0"
_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(0, 10)}


@dataclass(frozen=True)
class _Style:
    """A language's number symbols and pattern affixes, read once from Babel."""

    group: str
    decimal: str
    minus: str
    money: tuple[str, str, str, str]  # positive prefix, suffix; negative prefix, suffix
    percent: tuple[str, str, str, str]


def _affixes(pattern, symbol: str, minus: str) -> tuple[str, str, str, str]:
    pos_prefix, neg_prefix = pattern.prefix
    pos_suffix, neg_suffix = pattern.suffix

    def fill(text: str) -> str:
        return text.replace("¤", symbol).replace("%", "\x00").replace("-", minus)

    return fill(pos_prefix), fill(pos_suffix), fill(neg_prefix), fill(neg_suffix)


@functools.lru_cache(maxsize=None)
def style(lang: str) -> _Style:
    """Symbols and affixes of `lang` (fr or en), from Babel's fr_CA / en_CA data.

    Importing Babel and reading a locale costs ~27 ms of CPU, a sixth of a
    one-file `audit -f md` (issue 15): the _Style read from Babel is kept in
    symbio's private per-user cache (symbio_cli/cache.py), keyed by Babel's
    `__init__.py` (its version) and the source of this module, so a new Babel
    reads its data again. Without a usable cache, Babel is read every time.
    """
    locale = LOCALES.get(lang, "fr_CA")
    path = _style_cache_path(locale)
    if path is not None:
        from symbio_cli import cache

        cached = cache.read(path, _Style)
        if cached is not None:
            return cached[1]
    found = _babel_style(locale)
    if path is not None:
        import pickle

        from symbio_cli import cache

        cache.write(path, pickle.dumps(found, protocol=cache.PROTOCOL))
    return found


def _style_cache_path(locale: str) -> str | None:
    """Where the _Style of `locale` is cached, or None (no cache folder, Babel not found)."""
    import importlib.util

    from symbio_cli import cache

    try:
        spec = importlib.util.find_spec("babel")
        if spec is None or not spec.origin:
            return None
        with open(spec.origin, "rb") as fh:
            babel = fh.read()
    except (ImportError, ValueError, OSError):
        return None
    return cache.path_for(f"nombres-{locale}", ("numbers.py", "cache.py"), [("babel/__init__.py", babel)])


def _babel_style(locale: str) -> _Style:
    from babel import Locale

    loc = Locale.parse(locale)
    symbols = loc.number_symbols["latn"]
    minus = symbols["minusSign"]
    money = _affixes(loc.currency_formats["standard"], loc.currency_symbols.get("CAD", "$"), minus)
    percent = tuple(a.replace("\x00", symbols["percentSign"])
                    for a in _affixes(loc.percent_formats[None], "", minus))
    return _Style(symbols["group"], symbols["decimal"], minus, money, percent)  # type: ignore[arg-type]


def round_half_up(value: float | int | Decimal, digits: int = 0) -> Decimal:
    """`value` rounded half-up to `digits` decimals; zero never carries a sign.

    The float goes through its shortest repr, so 12345.675 rounds to
    12345.68 as a reader expects (its binary value is a hair below).
    """
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    d = d.quantize(_QUANTUM[digits], rounding=ROUND_HALF_UP)
    if d.is_zero():
        d = abs(d)
    return d


def _core(d: Decimal, lang: str, trim: bool) -> tuple[bool, str]:
    """(negative, digits with the locale's group and decimal symbols)."""
    negative = d.is_signed() and not d.is_zero()
    text = format(abs(d), ",f")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    s = style(lang)
    if s.group != "," or s.decimal != ".":
        text = text.translate({ord(","): "\x00", ord("."): s.decimal}).replace("\x00", s.group)
    return negative, text


# French symbols as Babel gives them for fr_CA (tests/test_numbers.py checks the pair).
# Messages of the method use them without Babel, whose import (~40 ms) would
# otherwise land on every command's start-up for one warning.
MESSAGE_GROUP, MESSAGE_DECIMAL = NBSP, ","


def message_number(value: float, digits: int = 0) -> str:
    """A number inside a French message: `3 187`, `52,2` (half-up, no `-0`, no Babel)."""
    text = format(round_half_up(value, digits), ",f")
    return text.translate({ord(","): MESSAGE_GROUP, ord("."): MESSAGE_DECIMAL})


def message_bound(value) -> str:
    """A bound inside a French message (`90`, `1990`, `10 000`, `0,5`), never `90.0`; text as is."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e4:
        return str(int(value))  # years and small bounds: no thousands space (1990)
    return message_number(value, 6).rstrip("0").rstrip(MESSAGE_DECIMAL) if not float(value).is_integer() \
        else message_number(value)


def _finite(value) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def format_number(value, lang: str = "fr", digits: int = 0, trim: bool = False) -> str:
    """`12 345,7` (fr) / `12,345.7` (en); `trim` drops trailing decimal zeros."""
    if not _finite(value):
        return DASH
    negative, text = _core(round_half_up(value, digits), lang, trim)
    return (style(lang).minus + text) if negative else text


def sig_digits(value: float, sig: int = 4, most: int = 6) -> int:
    """Decimals that show `sig` significant digits of `value` (at most `most`)."""
    if not value:
        return 0
    return max(0, min(most, sig - 1 - math.floor(math.log10(abs(value)))))


def format_sig(value, lang: str = "fr", sig: int = 4) -> str:
    """A factor's value with `sig` significant digits, trailing zeros dropped."""
    if not _finite(value):
        return DASH
    return format_number(value, lang, sig_digits(value, sig), trim=True)


def money_digits(value: float) -> int:
    """0 decimals for whole dollars, else 2 (unit prices such as 0,12 $/t/km)."""
    return 0 if round_half_up(value, 2) == round_half_up(value, 0) else 2


def format_money(value, lang: str = "fr", digits: int | None = 2, per: str = "") -> str:
    """`12 345,68 $` (fr) / `$12,345.68` (en); `per` appends a unit (`98 $/t`, `$98/t`).

    `digits=None` shows cents only when there are some.
    """
    if not _finite(value):
        return DASH
    if digits is None:
        digits = money_digits(value)
    negative, text = _core(round_half_up(value, digits), lang, False)
    pos_prefix, pos_suffix, neg_prefix, neg_suffix = style(lang).money
    out = f"{neg_prefix}{text}{neg_suffix}" if negative else f"{pos_prefix}{text}{pos_suffix}"
    return out + (f"/{per}" if per else "")


def format_percent(fraction, lang: str = "fr", digits: int = 0) -> str:
    """`85 %` (fr) / `85%` (en) from a fraction (0.85)."""
    if not _finite(fraction):
        return DASH
    d = round_half_up(Decimal(repr(float(fraction))) * 100, digits)
    negative, text = _core(d, lang, False)
    pos_prefix, pos_suffix, neg_prefix, neg_suffix = style(lang).percent
    return f"{neg_prefix}{text}{neg_suffix}" if negative else f"{pos_prefix}{text}{pos_suffix}"


def format_quantity(value, unit: str, lang: str = "fr", digits: int = 1, trim: bool = False) -> str:
    """A number and its unit joined by a no-break space: `216,0 t`, `305 m³`."""
    if not _finite(value):
        return DASH
    return f"{format_number(value, lang, digits, trim)}{NBSP}{unit}" if unit else format_number(value, lang, digits, trim)
