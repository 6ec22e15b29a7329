"""Helpers for the method tests: build an inventory from dicts and audit it."""

from __future__ import annotations

import copy

import yaml

from symbio_cli import factors, inventory, loader, method

VG3 = 0.9144 ** 3  # m³ in one cubic yard
WEEKS = 365.25 / 7  # weeks in one year (METHODE.md: 1 an = 365,25 jours)


def base(**entreprise) -> dict:
    """A minimal valid inventory with no stream yet."""
    ent = {"nom": "Usine Test inc.", "region": "quebec"}
    ent.update(entreprise)
    return {"version": 1, "entreprise": ent, "annee": 2026, "flux": []}


def stream(id="f1", matiere="bois_residus", quantite="12 t/mois", mode="enfouissement", **extra) -> dict:
    """A stream dict; gestion keys may be passed as gestion=…"""
    gestion = {"mode": mode, "tarif": "105 $/t"}
    gestion.update(extra.pop("gestion", {}))
    out = {"id": id, "nom": f"Flux {id}", "matiere": matiere, "quantite": quantite, "gestion": gestion}
    out.update(extra)
    return out


def run(inv: dict, overlay: str | None = None):
    """Audit an inventory dict; fail the test with the problems if invalid."""
    text = yaml.safe_dump(copy.deepcopy(inv), allow_unicode=True, sort_keys=False)
    doc = loader.loads(text, "test.yaml")
    assert not isinstance(doc, list), [p.format() for p in doc]
    lib = factors.load(overlay)
    inv_model, problems = inventory.validate(doc, lib)
    assert inv_model is not None, [p.format() for p in problems]
    return method.audit(inv_model, lib, "test.yaml")


def lib_value(key: str) -> float:
    """A library factor's value in canonical units (for visible arithmetic)."""
    f = factors.load().get(key)
    if f.by_year:
        return dict(f.by_year)[2026].value
    return f.value
