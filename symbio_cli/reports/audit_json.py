"""The JSON view of an AuditResult (CONCEPTION.md, "JSON report")."""

from __future__ import annotations

import json

from symbio_cli import __version__
from symbio_cli.result import AuditResult

SCHEMA = "symbio.audit/1"
_MUTUALISATION_ONLY = ("forme", "repartition", "cout_groupe_cad", "economie_groupe_cad", "stable",
                       "coalition_bloquante", "membres", "economies_groupe_cad", "groupe_forme")


def _scenario(sc) -> dict:
    out = dict(vars(sc))
    if sc.type == "mutualisation":
        out["membres"] = [dict(vars(m)) for m in sc.membres]
    else:
        for key in _MUTUALISATION_ONLY:
            del out[key]
    return out


def _stream(s) -> dict:
    out = dict(vars(s))
    out["scenarios"] = [_scenario(sc) for sc in s.scenarios]
    return out


def _warning(w) -> dict:
    """`code`, `message`, `champ`, and where the inventory file says it (`ligne`, `colonne`, or null)."""
    return {"code": w.code, "message": w.message, "champ": w.champ,
            "ligne": getattr(w, "ligne", None), "colonne": getattr(w, "colonne", None)}


def to_dict(result: AuditResult, date: str) -> dict:
    """The report as a plain dict, in the contract's key order."""
    return {
        "schema": SCHEMA,
        "version": __version__,
        "date": date,
        "fichier": result.fichier,
        "entreprise": result.entreprise,
        "annee": result.annee,
        "periode_donnees": result.periode_donnees,
        "flux": [_stream(s) for s in result.flux],
        "conteneurs": [vars(c) for c in result.conteneurs],
        "totaux": vars(result.totaux),
        "politique": [vars(p) for p in result.politique],
        "facteurs_utilises": [vars(f) for f in result.facteurs_utilises],
        "avertissements": [_warning(w) for w in result.avertissements],
        "defauts": [vars(d) for d in result.defauts],
    }


def render(result: AuditResult, date: str, pretty: bool = False) -> str:
    """Deterministic JSON text (same inventory, same bytes).

    Compact by default: json's C encoder only runs without indentation, and a
    batch of a thousand reports would spend most of its time here otherwise.
    The method never produces NaN or infinities (allow_nan=False proves it).
    """
    data = to_dict(result, date)
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
