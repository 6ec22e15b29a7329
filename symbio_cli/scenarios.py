"""The [R2] Collecte scenario of METHODE.md, step by step (rules 1–4).

`_Audit.collection` in method.py calls these functions with the audit as
`audit` (factor look-ups, warnings, trips, rents). Every figure is a float in canonical units (t, m³, m, $, tCO₂e);
each step is its own function so that one rule of the method changes in one place.
"""

from __future__ import annotations

from symbio_cli.inventory import CollecteScenario
from symbio_cli.numbers import message_number

EPS = 1e-9


def _v(q, default=None):
    """A quantity's value in canonical units, or `default` when the inventory leaves it out."""
    return default if q is None else q.value


def _km(metres: float | None) -> float | None:
    """A distance for the report: m → km, null stays null."""
    return None if metres is None else metres / 1000


def payback(sc, gain: float) -> float | None:
    """Years to pay back the one-time costs (investment + penalty), only for a positive gain and cost."""
    one_time = _v(sc.investissement, 0.0) + _v(sc.penalite, 0.0)
    return one_time / gain if gain > 0 and one_time > 0 else None


def recovered_area(audit, s: dict, sc, area_after: float, path: tuple) -> tuple[float, float | None]:
    """Storage area freed (m²) and its yearly value at the rent (null when the rent is unknown)."""
    recovered = s["area"] - _v(sc.entreposage_apres, area_after)
    value = 0.0
    if abs(recovered) > EPS:
        rent = audit.rent(s["storage_type"], path, s["f"].id)
        value = None if rent is None else recovered * rent
    return recovered, value


# ---------------------------------------------------------------------------
# Collecte [R2]


def _col_lifts(audit, new, volume: float, mass: float, name: str, path: tuple) -> tuple:
    """Lifts of the new container: (need, lifts); declared lifts are never inherited (rule 1) and too few are said."""
    need_new = new.need(volume, mass)
    lifts_new = new.declared if new.declared is not None else float(need_new)  # rule 1: never inherited
    if new.declared is not None and new.declared < need_new - 1:
        audit.warn("levees_insuffisantes",
                   f"scénario « {name} » : {message_number(new.declared, 1)} levées/an ne suffisent pas au contenu "
                   f"({need_new} nécessaires)", path + ("collecte", "levees"))
    return need_new, lifts_new


def _col_ghg(audit, c, new, lifts_new: float, lifts_left: float, moving: bool, path: tuple) -> tuple:
    """GHG of the collection trips only (rule 8), null without a known distance (rule 4): (tCO₂e, has a factor, d0, d1)."""
    d0 = None if c is None else c.distance
    d1 = new.distance if new.distance is not None else d0
    if (c is not None and d0 is None) or d1 is None:
        return None, False, d0, d1
    truck = audit.truck(path)
    if truck is None:
        return None, False, d0, d1
    before = 0.0 if c is None else c.lifts * d0
    after = lifts_new * d1 + (lifts_left * d0 if moving else 0.0)
    return 2 * truck * (before - after), True, d0, d1


def collection_figures(audit, s: dict, sc: CollecteScenario, containers, path: tuple) -> tuple:
    """METHODE.md, [R2] Collecte scenario on stream `s` (rules 1–4): (the scenario's figures, the new container's terms)."""
    name = sc.nom or "Collecte"
    cid = s["container"]
    c = containers[cid] if cid is not None else None
    moving = c is not None and c.shared and sc.conteneur is None  # the stream leaves a shared container
    new = audit.terms(sc.collecte, path + ("collecte",), base=None if c is None else c.terms, flux=s["f"].id)
    if c is None or moving:
        volume, mass = s["volume"] or 0.0, s["mass"]
    else:
        volume, mass = c.volume, c.mass
    need_new, lifts_new = _col_lifts(audit, new, volume, mass, name, path)
    k_new = new.cost(lifts_new, mass)
    k_before, lifts0 = (0.0, 0.0) if c is None else (c.cost, c.lifts)
    lifts_left, k_left, _, _ = c.after(volume, mass, None) if moving else (0.0, 0.0, None, None)
    k_after = k_left + k_new
    fixed = _v(sc.frais_fixes, 0.0)
    gain = k_before - k_after - fixed  # rule 3
    ghg, has_factor, d0, d1 = _col_ghg(audit, c, new, lifts_new, lifts_left, moving, path)
    recovered, value = recovered_area(audit, s, sc, s["area"], path)
    detail = {
        "conteneur": cid if not moving else s["f"].id, "deplace": moving,
        "conteneur_avant_cad": k_before, "conteneur_apres_cad": k_after, "nouveau_conteneur_cad": k_new,
        "conteneur_restant_cad": k_left, "levees_avant": lifts0, "levees_apres": lifts_new,
        "levees_restantes": lifts_left, "levees_besoin": float(need_new), "levees_declarees": new.declared,
        "contenant_m3": new.volume, "capacite_m3": new.capacity, "compaction": new.compaction,
        "taux_remplissage": new.fill, "nombre": new.count, "frais_levee_cad": new.fee,
        "surcharge": new.surcharge, "location_cad": new.total_rental, "forfait_cad": new.forfait,
        "depassement_cad": new.overage(lifts_new, mass), "frais_fixes_cad": fixed,
        "distance_avant_km": _km(d0), "distance_apres_km": _km(d1),
        "investissement_cad": _v(sc.investissement, 0.0), "penalite_cad": _v(sc.penalite, 0.0),
        "ges_levees_tco2e": ghg, "ges_facteur": has_factor, "part": 0.0,
    }
    row = dict(
        type="collecte", nom=name, statut=sc.statut, statut_reglementaire=sc.statut_reglementaire,
        retenu=False, retenu_force=sc.retenu, gain_net_cad=gain, revenus_cad=0.0,
        couts_cad=k_after + fixed, cout_evite_cad=k_before, retour_annees=payback(sc, gain),
        elimination_evitee_t=0.0, enfouissement_evite_t=0.0, enfouissement_evite_m3=0.0,
        redevance_evitee_cad=0.0, ges_evites_tco2e=ghg, surface_recuperee_m2=recovered,
        valeur_surface_cad=value, masse_detournee_t=0.0, filiere=None, preneur=None, detail=detail,
    )
    return row, new
