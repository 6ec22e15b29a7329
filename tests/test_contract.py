"""The contract table checks documents exactly as the pydantic models would (issue 15).

`symbio valider` and `audit` check inventories with `symbio_cli.contract`, which
reads the fields of the pydantic models from the generated `_contract_table.py`
without importing pydantic. These tests keep the two in step: the table is the
models' (regenerate it with `python -m symbio_cli.inventory_models`), and on
every YAML file of the tests and examples, on mutations of the examples and on
hypothesis' random documents, both give the same errors (type, location,
input, context, message) and the same values.
"""

from __future__ import annotations

import copy
import importlib.resources
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_inventory import _paths, documents

from conftest import EXEMPLES
from symbio_cli import contract, inventory, inventory_models, loader
from symbio_cli.units import Quantity

ROOT = Path(__file__).resolve().parents[1]
CUSTOM = {"quantite", "texte", "identifiant", "version"}  # symbio's own kinds: their message is the contract


def _plain(value):
    """A model (pydantic or record) as comparable builtins; NaN made comparable."""
    if isinstance(value, Quantity):
        return ("Q", repr(value.value), tuple(sorted(value.dims)), value.text, value.warnings)
    if isinstance(value, contract.Record):
        return (type(value).__name__, {n: _plain(getattr(value, n)) for n in value.FIELDS})
    if hasattr(type(value), "model_fields"):
        return (type(value).__name__, {n: _plain(getattr(value, n)) for n in type(value).model_fields})
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def _error(err: dict) -> tuple:
    custom = err["type"] in CUSTOM
    return (err["type"], tuple(err["loc"]), repr(err.get("input")),
            None if custom else err.get("ctx"), err["msg"] if custom else "")


def _same(data) -> None:
    model, errors = contract.check(data)
    oracle, oracle_errors = inventory_models.errors_of(copy.deepcopy(data))
    assert [_error(e) for e in errors] == [_error(e) for e in oracle_errors]
    assert (model is None) == (oracle is None)
    if model is not None:
        assert _plain(model) == _plain(oracle)


def test_the_table_is_the_models():
    frozen = importlib.resources.files("symbio_cli").joinpath("_contract_table.py").read_text(encoding="utf-8")
    assert frozen == inventory_models.table_source(), (
        "_contract_table.py est périmé : python -m symbio_cli.inventory_models")


def _corpus() -> list[Path]:
    return sorted(p for p in [*ROOT.joinpath("tests").rglob("*.yaml"), *EXEMPLES.rglob("*.yaml")])


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: str(p.relative_to(ROOT)))
def test_same_verdict_on_every_yaml_file(path):
    doc = loader.read(path)
    if isinstance(doc, list):  # refused by the reader: never reaches the contract
        return
    _same(doc.data)


ODD = [None, True, False, "", " ", "abc", 0, 5, -1, 2.5, float("nan"), float("inf"), [], {}, [1], {"x": 1},
       "1,5 t/an", "12 $/t", "-3 $/t", "40 vg³", "2/semaine", "85 %", 1.5, "1e3", "2026", " 2026 ", "2026.0",
       "substitution", "collecte", "mutualisation", "recyclage", "30 m²", {"surface": "abc"}, {"surface": "3 m²"},
       "x" * 600, "é", "1 t", "0 t/an", "45,5", "+45", "1_000"]


@pytest.mark.parametrize("annee", [2.0 ** 63, -2.0 ** 63, 2.0 ** 63 - 1024, -2.0 ** 63 - 2048, 1e300, 2 ** 63,
                                   -2 ** 63 - 1, "9" * 4300, "9" * 4301, "-" + "9" * 4301, " 2026.000 ", "2_026"])
def test_same_verdict_on_numbers_at_the_edges(annee):
    """Found by hypothesis: a float beyond a 64-bit integer is « int_parsing_size » for pydantic."""
    _same({"version": 1, "annee": annee})


def _mutated(data, rng: random.Random):
    data = copy.deepcopy(data)
    paths = [p for p in _paths(data) if p]
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = rng.random()
            if action < 0.6:
                parent[path[-1]] = copy.deepcopy(rng.choice(ODD))
            elif action < 0.8 and isinstance(parent, dict):
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[rng.choice(["zz", "Quantité", "tri", "type", "prix", "surface"])] = rng.choice(ODD)
        except (KeyError, IndexError, TypeError):
            continue
    return data


def test_same_verdict_on_mutated_examples():
    rng = random.Random(15)
    bases = [loader.read(p).data for p in sorted(EXEMPLES.glob("*.yaml"))]
    for _ in range(1500):
        _same(_mutated(rng.choice(bases), rng))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_same_verdict_on_random_documents(doc):
    _same(doc)


def test_valider_never_imports_pydantic(tmp_path):
    """The contract table is the whole point: pydantic (~150 ms of start-up) stays out of valider and audit."""
    code = ("import sys; from symbio_cli import pipeline, factors; "
            f"pipeline.audit_file({str(EXEMPLES / 'usine.yaml')!r}, factors.load()); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_records_are_frozen_and_compare_by_value():
    model, problems = inventory.validate(loader.read(EXEMPLES / "usine.yaml"), inventory_models_lib())
    assert model is not None
    with pytest.raises(AttributeError):
        model.annee = 2030
    again, _ = inventory.validate(loader.read(EXEMPLES / "usine.yaml"), inventory_models_lib())
    assert again == model and again is not model
    assert isinstance(model.flux[0], inventory.Flux)


def inventory_models_lib():
    from symbio_cli import factors

    return factors.load()
