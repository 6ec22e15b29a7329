"""fr-CA / en-CA number formatting: half-up display rounding, never -0, Babel's symbols."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import numbers as babel_numbers

from symbio_cli.numbers import (
    format_money,
    format_number,
    format_percent,
    format_quantity,
    format_sig,
    round_half_up,
    style,
)

NBSP = "\u00a0"


def test_money_fr_ca_with_no_break_spaces():
    # 12 345,675 $ rounds half-up to 12 345,68 $; group and currency spaces are U+00A0 (Babel's fr_CA).
    assert format_money(12345.675, "fr") == f"12{NBSP}345,68{NBSP}$"


def test_money_en_ca():
    assert format_money(12345.675, "en") == "$12,345.68"
    assert format_money(-1234.5, "en", 0) == "-$1,235"  # half-up: 1 234,5 → 1 235, away from zero


def test_half_up_where_babel_rounds_half_even():
    # Babel: format_currency(0.125) → 0,12 (half-to-even); a reader expects 0,13.
    assert babel_numbers.format_currency(0.125, "CAD", locale="fr_CA") == f"0,12{NBSP}$"
    assert format_money(0.125, "fr") == f"0,13{NBSP}$"
    assert format_number(2.5, "fr", 0) == "3"
    assert format_number(0.05, "fr", 1) == "0,1"


def test_never_minus_zero():
    # -0,004 $ rounds to 0,00 $: no sign on a zero.
    assert format_money(-0.004, "fr") == f"0,00{NBSP}$"
    assert format_money(-0.4, "en", 0) == "$0"
    assert format_number(-0.04, "fr", 1) == "0,0"
    assert format_percent(-0.00001, "fr") == f"0{NBSP}%"
    assert format_number(-0.0, "en") == "0"
    assert str(round_half_up(-0.0001, 2)) == "0.00"


def test_negative_money_keeps_its_sign():
    assert format_money(-797.87, "fr", 0) == f"-798{NBSP}$"
    assert format_money(-20, "fr", None, "t") == f"-20{NBSP}$/t"


def test_percent():
    assert format_percent(0.85, "fr") == f"85{NBSP}%"
    assert format_percent(0.85, "en") == "85%"
    # 0,7215 → 72,2 % with one decimal (72,15 rounds half-up to 72,2)
    assert format_percent(0.72154, "fr", 1) == f"72,2{NBSP}%"


def test_unit_prices_show_cents_only_when_there_are_some():
    assert format_money(98, "fr", None, "t") == f"98{NBSP}$/t"
    assert format_money(0.12, "fr", None, "t/km") == f"0,12{NBSP}$/t/km"
    assert format_money(12.5, "en", None, "t") == "$12.50/t"


def test_quantities_and_significant_digits():
    assert format_quantity(216, "t", "fr") == f"216,0{NBSP}t"
    assert format_quantity(1028.5714, "m³", "en") == f"1,028.6{NBSP}m³"
    assert format_sig(0.0010089999999999997, "fr") == "0,001009"
    assert format_sig(-1.8298367761344838, "fr") == "-1,83"  # 4 significant digits, trailing zero dropped
    assert format_sig(163.28852102148647, "en") == "163.3"


def test_unknown_values_print_a_dash():
    assert format_money(None, "fr") == "—"
    assert format_percent(float("nan"), "fr") == "—"


@pytest.mark.parametrize("lang,locale", [("fr", "fr_CA"), ("en", "en_CA")])
def test_same_result_as_babel_on_many_values(lang, locale):
    # Our layout (cached symbols and affixes) must print exactly what Babel prints for an
    # already-rounded value; only the rounding rule differs, and it is applied first.
    values = [0, 1, -1, 0.5, 7.25, -7.25, 999.995, 1000, -1234.56, 12345.675, 98765432.1, -0.01, 3.14159]
    values += [i * 137.37 - 5000 for i in range(80)]
    for v in values:
        d = round_half_up(v, 2)
        assert format_money(v, lang, 2) == babel_numbers.format_currency(d, "CAD", locale=locale), v
        d1 = round_half_up(v, 1)
        assert format_number(v, lang, 1) == babel_numbers.format_decimal(d1, format="#,##0.0", locale=locale), v
        p = round_half_up(Decimal(repr(float(v))) / 1000, 2)
        assert format_percent(float(p), lang) == babel_numbers.format_percent(p, locale=locale), v


def test_babel_patterns_are_read_once():
    # parsed once and cached (the speed itself: bench/bench_garde_fous.py)
    assert style("fr") is style("fr")


def test_message_numbers_use_babel_symbols_without_babel():
    from symbio_cli.numbers import MESSAGE_DECIMAL, MESSAGE_GROUP, message_number, style

    assert (MESSAGE_GROUP, MESSAGE_DECIMAL) == (style("fr").group, style("fr").decimal)
    assert message_number(3186.8) == "3\u00a0187"  # 3 186,8 rounded half-up
    assert message_number(52.178571, 1) == "52,2"
    assert message_number(-0.4) == "0"  # never « -0 »
    assert message_number(0.125, 2) == "0,13"  # half-up, not half-even
