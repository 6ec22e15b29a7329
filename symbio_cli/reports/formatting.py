"""Numbers of a report in one language: the formatter every view shares."""

from __future__ import annotations

from symbio_cli import i18n
from symbio_cli.numbers import format_money, format_number, format_percent, format_quantity, format_sig, money_digits, round_half_up

TIMES, DIV, MINUS = "×", "÷", "−"


class Formatter:
    """Number formatting and small arithmetic phrases in one language."""

    def __init__(self, lang: str):
        self.lang = lang

    def money(self, v, digits=0):
        return format_money(v, self.lang, digits)

    def price(self, v, per="t"):
        return format_money(v, self.lang, None, i18n.unit(per, self.lang))

    def t(self, v, digits=1):
        return format_quantity(v, "t", self.lang, digits)

    def m3(self, v, digits=1):
        return format_quantity(v, "m³", self.lang, digits)

    def m2(self, v):
        return format_quantity(v, "m²", self.lang, 1, trim=True)

    def ghg(self, v):
        return format_quantity(v, "t CO₂e", self.lang, 1)

    def pct(self, v, digits=0):
        return format_percent(v, self.lang, digits)

    def num(self, v, digits=1, trim=True):
        return format_number(v, self.lang, digits, trim)

    def sig(self, v, sig=4):
        return format_sig(v, self.lang, sig)

    def years(self, y):
        n = format_number(y, self.lang, 1, trim=True)
        text = i18n.text("a.an" if round_half_up(y, 1) < 2 else "a.ans", self.lang, n=n)
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
                shown = round_half_up(eff, 0)
                op = MINUS if shown < 0 else "+"
                out += f" {op} {self.money(abs(eff))}"
        return out
