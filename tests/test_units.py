"""The quantity grammar, checked by hand: `nombre unité` to canonical units (t, m, an, $)."""

from __future__ import annotations

import pytest

from symbio_cli import units
from symbio_cli.errors import QuantityError
from symbio_cli.units import dims

YEAR_DAYS = 365.25
VG3 = 0.9144 ** 3  # m³ in one cubic yard = 0.764554857984


def q(text):
    return units.parse(text)


def test_month_is_a_twelfth_of_a_year():
    # 18 t/mois × 12 mois/an = 216 t/an
    r = q("18 t/mois")
    assert r.value == pytest.approx(18 * 12)
    assert r.dims == dims(mass=1, time=-1)
    assert r.warnings == ()


def test_once_a_week_is_365_25_over_7_per_year():
    # 1/semaine = 365,25 / 7 = 52,178… par an
    r = q("1/semaine")
    assert r.value == pytest.approx(YEAR_DAYS / 7)
    assert r.dims == dims(time=-1)


def test_cubic_yards():
    assert VG3 == pytest.approx(0.764554857984, rel=1e-12)
    r = q("30 vg³")
    assert r.value == pytest.approx(30 * 0.764554857984, rel=1e-12)
    assert r.dims == dims(length=3)
    # 30 vg³/semaine = 30 × 0,764554857984 m³ × 365,25/7 par an
    assert q("30 vg³/semaine").value == pytest.approx(30 * 0.764554857984 * YEAR_DAYS / 7)


def test_thousands_grouped_with_spaces():
    r = q("12 500 $")
    assert r.value == 12500
    assert r.dims == dims(currency=1)
    assert q("1 234 567,891 t").value == pytest.approx(1234567.891)
    assert q("12\u00a0500 $").value == 12500  # espace insécable (copier-coller d'Excel)
    assert q("12\u202f500 $").value == 12500  # espace fine insécable


@pytest.mark.parametrize("text, value", [
    ("12,5 t", 12.5), ("12.5 t", 12.5), ("0,12 $/t/km", 0.12 / 1000), ("95 $/t", 95),
    ("-20 $/t", -20), ("−20 $/t", -20), ("210 kg/m³", 0.21), ("2 tc", 2 * 0.90718474),
    ("1000 lb", 0.45359237), ("120 $/mois", 1440), ("0,4 t CO2e/t", 0.4),
])
def test_values_in_canonical_units(text, value):
    assert q(text).value == pytest.approx(value)


def test_comma_with_three_digits_is_a_decimal_with_a_warning():
    r = q("1,500 t")
    assert r.value == pytest.approx(1.5)
    [(code, warning)] = r.warnings
    assert code == "lecture_nombre"
    assert "1,5" in warning and "1 500" in warning


def test_zero_comma_three_digits_has_no_warning():
    r = q("0,005 t")
    assert r.value == pytest.approx(0.005)
    assert r.warnings == ()


def test_grouped_thousands_with_a_decimal_part_has_no_warning():
    r = q("1 234,567 t")
    assert r.value == pytest.approx(1234.567)
    assert r.warnings == ()


def test_percent():
    r = q("85 %")
    assert r.value == pytest.approx(0.85)
    assert r.dims == units.DIMENSIONLESS


@pytest.mark.parametrize("text, dimension", [
    ("0,4 t CO2e/t", dims(ghg=1, mass=-1)),
    ("325 $/voyage", dims(currency=1, trip=-1)),
    ("2,10 $/km", dims(currency=1, length=-1)),
    ("30 m²", dims(length=2)),
    ("2 levées/semaine", dims(lift=1, time=-1)),
])
def test_dimensions(text, dimension):
    assert q(text).dims == dimension


def test_huge_exponent_is_refused_without_computing_it():
    # how fast: bench/bench_garde_fous.py (no wall-clock assertion in tests)
    with pytest.raises(QuantityError, match="illisible"):
        q("10**10**10 kg")


def test_unknown_unit_is_refused():
    with pytest.raises(QuantityError, match="unité inconnue « brouettes »"):
        q("12 brouettes")


def test_close_unit_gets_a_hint():
    with pytest.raises(QuantityError, match="vouliez-vous dire « tonnes » ?"):
        q("12 tonnnes")


@pytest.mark.parametrize("text", [
    "", "t", "douze t", "1e3 t", "5,,5 t", "1 0000 t", "2 ((t))/mois", "12 t/mois/an/jour/h",
    "85 % t", "nan t", "inf t", "12 t = 3", "3 kt", "2 pi**3", "1234567890123456 t",
])
def test_refused(text):
    with pytest.raises(QuantityError):
        q(text)


@pytest.mark.parametrize("text", [True, None, [1], {"a": 1}, float("nan"), float("inf")])
def test_non_text_is_refused(text):
    with pytest.raises(QuantityError):
        q(text)


@pytest.mark.parametrize("make", [
    lambda n: "1" * n,
    lambda n: "1 " + "t" * n,
    lambda n: "1 " + "(" * n + "t" + ")" * n,
    lambda n: "1 " + "t/" * (n // 2),
    lambda n: "1 " + "kg·" * (n // 3),
    lambda n: "1 " + "10**" * (n // 4),
], ids=["chiffres", "lettres", "parentheses", "divisions", "produits", "puissances"])
def test_100_kb_strings_are_refused_quickly(make):
    text = make(100_000)
    with pytest.raises(QuantityError, match="trop longue"):
        q(text)


def test_unit_parser_alone_is_quick_on_100_kb():
    """parse_unit has no length cap of its own (factor files reach it): it must still be quick."""
    for text in ("a" * 100_000, "(" * 100_000, "t/" * 50_000, "t " * 50_000):
        with pytest.raises(QuantityError):
            units.parse_unit(text)


def test_labels():
    assert units.label(dims(mass=1, time=-1)) == "t/an"
    assert units.describe(dims(currency=1, mass=-1)) == "argent/masse"
    assert units.describe(units.DIMENSIONLESS) == "nombre sans unité"
