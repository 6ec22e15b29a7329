"""The JSON view of an AuditResult (CONCEPTION.md, "JSON report")."""

from __future__ import annotations

import dataclasses
import json
import math

from symbio_cli import __version__
from symbio_cli.result import AuditResult

SCHEMA = "symbio.audit/1"


def _clean(value):
    """JSON-safe values: no -0.0, no NaN; tuples as lists."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return 0.0 if value == 0 else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _scenario(sc) -> dict:
    out = dataclasses.asdict(sc)
    if sc.type != "mutualisation":
        for key in ("forme", "repartition", "cout_groupe_cad", "economie_groupe_cad", "stable",
                    "coalition_bloquante", "membres"):
            out.pop(key, None)
    return out


def to_dict(result: AuditResult, date: str) -> dict:
    """The report as a plain dict, in the contract's key order."""
    flux = []
    for s in result.flux:
        row = dataclasses.asdict(s)
        row["scenarios"] = [_scenario(sc) for sc in s.scenarios]
        flux.append(row)
    return _clean({
        "schema": SCHEMA,
        "version": __version__,
        "date": date,
        "fichier": result.fichier,
        "entreprise": result.entreprise,
        "annee": result.annee,
        "periode_donnees": result.periode_donnees,
        "flux": flux,
        "conteneurs": [dataclasses.asdict(c) for c in result.conteneurs],
        "totaux": dataclasses.asdict(result.totaux),
        "politique": [dataclasses.asdict(p) for p in result.politique],
        "facteurs_utilises": [dataclasses.asdict(f) for f in result.facteurs_utilises],
        "avertissements": [dataclasses.asdict(w) for w in result.avertissements],
    })


def render(result: AuditResult, date: str) -> str:
    """Deterministic JSON text (same inventory, same bytes)."""
    return json.dumps(to_dict(result, date), ensure_ascii=False, indent=2) + "\n"
