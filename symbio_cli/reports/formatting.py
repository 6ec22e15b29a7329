"""Numbers of a report in one language: the one formatter every view shares.

Every figure a report prints goes through `Formatter` (itself on numbers.py:
fr-CA / en-CA separators, half-up rounding, no `-0`). A view that hides some
figures (the anonymised territory report) builds it with `hidden`, the text
shown for a hidden figure (None); otherwise None prints as a dash.
"""

from __future__ import annotations

from symbio_cli import i18n
from symbio_cli.numbers import (
    format_money,
    format_number,
    format_percent,
    format_quantity,
    format_sig,
    money_digits,
    round_half_up,
)

TIMES, DIV, MINUS = "×", "÷", "−"


class Formatter:
    """Number formatting and small arithmetic phrases in one language."""

    def __init__(self, lang: str, hidden: str | None = None):
        self.lang = lang
        self.hidden = "—" if hidden is None else hidden
        self._hides = hidden is not None

    def _gone(self, v) -> bool:
        return self._hides and v is None

    def money(self, v, digits=0):
        return self.hidden if self._gone(v) else format_money(v, self.lang, digits)

    def unit_money(self, v, per="t"):
        """A price with cents and its unit: `12,50 $/t`."""
        return self.hidden if self._gone(v) else format_money(v, self.lang, 2, per=per)

    def price(self, v, per="t"):
        return format_money(v, self.lang, None, i18n.unit(per, self.lang))

    def t(self, v, digits=1):
        return self.hidden if self._gone(v) else format_quantity(v, "t", self.lang, digits)

    def tn(self, v):
        """A number of tonnes in a column headed t/an: `12,0`."""
        return self.hidden if self._gone(v) else format_number(v, self.lang, 1)

    def km(self, v):
        return self.hidden if self._gone(v) else format_quantity(v, "km", self.lang, 1)

    def m3(self, v, digits=1):
        return format_quantity(v, "m³", self.lang, digits)

    def m2(self, v):
        return format_quantity(v, "m²", self.lang, 1, trim=True)

    def ghg(self, v, partial=False, hidden=False, digits=1):
        """`12,5 t CO₂e`, `(partiel)` after a partial total; `hidden`: the figure was suppressed."""
        if hidden:
            return self.hidden
        text = format_quantity(v, "t CO₂e", self.lang, digits)
        return text + (f" ({i18n.text('partiel', self.lang)})" if partial and v is not None else "")

    def pct(self, v, digits=0):
        return format_percent(v, self.lang, digits)

    def num(self, v, digits=1, trim=True):
        return self.hidden if self._gone(v) else format_number(v, self.lang, digits, trim)

    def n(self, v):
        """A count: `1 234`."""
        return format_number(v, self.lang, 0)

    def sig(self, v, sig=4):
        return format_sig(v, self.lang, sig)

    def years(self, y):
        n = format_number(y, self.lang, 1, trim=True)
        text = i18n.text("a.annees", self.lang, n=n, y=float(round_half_up(y, 1)))
        if y < 2:
            months = int(round_half_up(y * 12, 0))
            text += f" ({i18n.text('a.mois', self.lang, n=max(months, 1))})"
        return text

    def _value(self, v):
        """A price without its unit, signed: `98` (fr) or `$98` (en)."""
        if self.lang == "en":
            return format_money(v, "en", None)
        return format_number(v, "fr", money_digits(v))

    def unit_sum(self, values, per="t"):
        """`(98 + 36) $/t` (fr) / `($98 + $36)/t` (en); one value: `98 $/t`."""
        if len(values) == 1:
            return self.price(values[0], per)
        parts = []
        for i, v in enumerate(values):
            text = self._value(v)
            parts.append(f"({text})" if i and v < 0 else text)
        inner = " + ".join(parts)
        unit = i18n.unit(per, self.lang)
        return f"({inner})/{unit}" if self.lang == "en" else f"({inner})\u00a0$/{unit}"

    def unit_diff(self, a, b, per="t"):
        """`(-20 − (-25)) $/t` (fr) / `(-$20 − (-$25))/t` (en)."""
        left, right = self._value(a), self._value(b)
        right = f"({right})" if b < 0 else right
        unit = i18n.unit(per, self.lang)
        inner = f"{left} {MINUS} {right}"
        return f"({inner})/{unit}" if self.lang == "en" else f"({inner})\u00a0$/{unit}"

    def signed(self, terms):
        """`a + b − c` from [(value, sign)], each shown as money, signs folded."""
        out = ""
        for i, (v, sign) in enumerate(terms):
            eff = v * sign
            if i == 0:
                out = self.money(eff)
            else:
                # the operator follows the term's sign: `a − b`, never `a + −b`, nor `+ 0 $` for a
                # subtracted zero (-0.0 compares equal to 0, so the sign is read from `sign` too)
                op = MINUS if eff < 0 or (eff == 0 and sign < 0) else "+"
                out += f" {op} {self.money(abs(eff))}"
        return out
