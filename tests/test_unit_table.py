"""The frozen unit table is pint's own output, and composites agree with pint."""

import importlib.resources

import pytest

from symbio_cli import units


def test_frozen_table_is_what_pint_computes():
    frozen = importlib.resources.files("symbio_cli").joinpath("_unit_table.py").read_text(encoding="utf-8")
    assert frozen == units.table_source(), "régénérez : python -m symbio_cli.units"


@pytest.mark.parametrize("expr, pint_expr", [
    ("$/t/km", "dollar / tonne / kilometre"),
    ("vg³/semaine", "yard ** 3 / week"),
    ("lb/vg³", "pound / yard ** 3"),
    ("$/pi²/an", "dollar / foot ** 2 / year"),
    ("t CO2e/tc", "tonne_co2e / short_ton"),
    ("kg CO2e/km", "kilogram_co2e / kilometre"),
    ("levées/mois", "lift / month"),
    ("L/jour", "litre / day"),
])
def test_composite_units_agree_with_pint(expr, pint_expr):
    reg = units.registry()
    expected = (1 * reg(pint_expr)).to_base_units()
    factor, dims = units.parse_unit(expr)
    assert factor == pytest.approx(float(expected.magnitude), rel=1e-12)
    assert dims == frozenset(expected.dimensionality.items())
