"""The Substitution and [R2] Collecte scenarios of METHODE.md, step by step (rules 1–17).

`_Audit.substitution` (which settles the route) and `_Audit.collection` in
method.py call these functions with the audit as `audit` (factor look-ups,
warnings, trips, rents). Every figure is a float in canonical units (t, m³, m, $, tCO₂e);
each step is its own function so that one rule of the method changes in one place.
"""

from __future__ import annotations

from symbio_cli import i18n, units
from symbio_cli.factors import ELIMINATION_MODES, LANDFILL_MODES
from symbio_cli.inventory import CollecteScenario, Substitution
from symbio_cli.numbers import message_number
from symbio_cli.units import PER_KM, PER_TKM, PER_TRIP, PRICE

EPS = 1e-9

PER_TONNE = PRICE  # $/t of transport

# $ of transport a year, by the unit of `transport`: (rate, trips, tonnes, one-way distance in m)
_TRANSPORT = {
    PER_TRIP: lambda rate, trips, mass, distance: rate * trips,
    PER_KM: lambda rate, trips, mass, distance: rate * trips * 2 * distance,
    PER_TONNE: lambda rate, trips, mass, distance: rate * mass,
    PER_TKM: lambda rate, trips, mass, distance: rate * mass * distance,
}


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
# Substitution


def _sub_container(audit, c, sc: Substitution, v_s: float, m_s: float, name: str, path: tuple) -> tuple:
    """Today's container after the change: (k_before, k_after, lifts0, lifts1); rule 25 for levees_apres."""
    if c is None:
        return 0.0, 0.0, None, None
    declared = _v(sc.levees_apres)
    lifts1, k_after, emptied, need_after = c.after(v_s, m_s, declared)
    if declared is not None and not emptied and declared < need_after - EPS:
        audit.warn("levees_apres_insuffisantes",
                   f"scénario « {name} » : {message_number(declared, 1)} levées/an après le changement, mais le "
                   f"contenu restant en demande {need_after} ; la valeur donnée est utilisée", path + ("levees_apres",))
    return c.cost, k_after, c.lifts, lifts1


def _sub_new_container(audit, s: dict, sc: Substitution, v_s: float, m_s: float, path: tuple) -> tuple:
    """A new container of its own for the diverted material, its lifts being the trips (rule 9): (k_new, lifts)."""
    if sc.collecte is None:
        return 0.0, None
    terms = audit.terms(sc.collecte, path + ("collecte",), flux=s["f"].id)
    lifts_new = terms.declared if terms.declared is not None else float(terms.need(v_s, m_s))
    return terms.cost(lifts_new, m_s), lifts_new


def _sub_elimination(audit, s: dict, route: str, m_s: float, path: tuple) -> tuple:
    """Rules 15–16: (eliminated t, landfill t, landfill m³ or null, levy avoided $)."""
    mode = s["mode"]
    eliminated = mode in ELIMINATION_MODES and route not in ELIMINATION_MODES
    elim_t = m_s if eliminated else 0.0
    landfill_t = m_s if mode in LANDFILL_MODES and route not in LANDFILL_MODES else 0.0
    landfill_m3 = 0.0
    if landfill_t > 0:
        rho_l = audit.factor("enfouissement.masse_volumique_en_place", s["f"].matiere, path=path)
        if rho_l:
            landfill_m3 = landfill_t / rho_l
        else:
            landfill_m3 = None
            audit.warn("masse_volumique_enfouissement", "masse volumique en place inconnue : m³ d'enfouissement non calculés", path)
    if eliminated:
        levy_avoided = m_s * s["levy"]
    elif mode in ELIMINATION_MODES and route in ELIMINATION_MODES:
        levy_avoided = m_s * (s["levy"] - audit.levy(route, path + ("filiere",)))
    else:
        levy_avoided = 0.0
    return elim_t, landfill_t, landfill_m3, levy_avoided


def _sub_ghg_material(audit, s: dict, sc: Substitution, route: str, m_s: float, path: tuple) -> tuple:
    """GHG of the material's change of route: (tCO₂e, has a factor, complete); incomplete without a factor (rule 6)."""
    mode = s["mode"]
    if route == mode:
        return 0.0, False, True
    fuel = sc.combustible_remplace  # the fuel the energy-recovery side replaces
    ef_before = audit.emission(s["f"].matiere, mode, path, fuel)
    ef_after = audit.emission(s["f"].matiere, route, path + ("filiere",), fuel)
    if ef_before is not None and ef_after is not None:
        audit.check_layers(s["f"].matiere, mode, route, path)
        return m_s * (ef_before - ef_after), True, True
    audit.warn("ges_partiel",
               f"facteur d'émission manquant pour « {s['f'].matiere} » ({i18n.mode(mode, 'fr')} → "
               f"{i18n.mode(route, 'fr')}) : ce scénario est exclu du total des GES",
               path)
    return 0.0, False, False


def _sub_ghg(audit, s: dict, sc: Substitution, route: str, m_s: float, moves: dict, path: tuple) -> dict:
    """GHG of a substitution, complete or null (rule 6): material, transport trips (rule 9), today's lifts."""
    ghg_material, has_factor, complete = _sub_ghg_material(audit, s, sc, route, m_s, path)
    ghg_transport = ghg_lifts = 0.0
    distance, ghg_trips, c = moves["distance"], moves["ghg_trips"], moves["c"]
    if complete and distance is not None and m_s > 0 and ghg_trips:
        truck = audit.truck(path + ("distance",))
        complete = truck is not None
        if complete:
            ghg_transport = -ghg_trips * 2 * distance * truck
            has_factor = True
    if complete and c is not None and c.distance is not None and moves["lifts0"] != moves["lifts1"]:
        truck = audit.truck(path)
        complete = truck is not None
        if complete:
            ghg_lifts = 2 * truck * (moves["lifts0"] - moves["lifts1"]) * c.distance
            has_factor = True
    total = ghg_material + ghg_transport + ghg_lifts if complete else None
    return {"ges_evites_tco2e": total, "ges_matiere_tco2e": ghg_material, "ges_transport_tco2e": ghg_transport,
            "ges_levees_tco2e": ghg_lifts, "ges_facteur": has_factor}


def _sub_transport(sc: Substitution) -> dict:
    """The transport rate as the report shows it (value, unit), null without one."""
    if sc.transport is None:
        return {"transport_tarif": None, "transport_unite": None}
    shown = units.display(sc.transport.value, sc.transport.dims)
    return {"transport_tarif": shown[0], "transport_unite": shown[1]}


def substitution_figures(audit, s: dict, sc: Substitution, containers, path: tuple, route: str, wood_unsaid: bool) -> dict:
    """METHODE.md, Substitution scenario on stream `s` towards `route` (rules 5–17): the scenario's figures."""
    p = _v(sc.part, 1.0)
    m_s = p * s["mass"]
    v_s = p * (s["volume"] or 0.0)
    unit_cost = (s["fee"] or 0.0) + s["levy"]
    revenue = m_s * sc.prix.value
    mode = s["mode"]
    name = sc.nom or (f"Substitution ({sc.preneur})" if sc.preneur else i18n.mode(route, "fr"))
    cid = s["container"]
    c = containers[cid] if cid is not None else None
    k_before, k_after, lifts0, lifts1 = _sub_container(audit, c, sc, v_s, m_s, name, path)
    avoided = m_s * unit_cost + (k_before - k_after)
    k_new, lifts_new = _sub_new_container(audit, s, sc, v_s, m_s, path)
    distance = _v(sc.distance)
    t = sc.transport
    trips = audit.trips(m_s, sc, path) if t is not None or distance is not None else None
    ghg_trips = lifts_new if lifts_new is not None else trips  # rule 9 (GHG only)
    transport = 0.0 if t is None or t.dims not in _TRANSPORT else _TRANSPORT[t.dims](t.value, trips, m_s, distance)
    preparation = m_s * _v(sc.preparation, 0.0)
    fixed = _v(sc.frais_fixes, 0.0)
    rebate_lost = p * s["rebate"]  # rule 14
    new_costs = preparation + transport + k_new + fixed + rebate_lost
    gain = avoided + revenue - new_costs
    elim_t, landfill_t, landfill_m3, levy_avoided = _sub_elimination(audit, s, route, m_s, path)
    notes = []
    if mode in ELIMINATION_MODES and route in ELIMINATION_MODES and route != mode:
        notes.append("prix_elimination_tout_compris")
    warning = audit.hierarchy(mode, route, name, path + ("filiere",))
    if wood_unsaid:
        audit.warn("filiere_bois",
                   f"scénario « {name} » : bois sans « filiere », compté en valorisation énergétique (le choix prudent : "
                   "ni taux ni GES du recyclage) — précisez « recyclage » (panneaux, litière, paillis) ou "
                   "« valorisation_energetique » (granules, chaudière)", path)
    moves = {"distance": distance, "ghg_trips": ghg_trips, "c": c, "lifts0": lifts0, "lifts1": lifts1}
    ghg = _sub_ghg(audit, s, sc, route, m_s, moves, path)
    recovered, value = recovered_area(audit, s, sc, s["area"] * (1 - p), path)
    detail = {
        "part": p, "prix_cad_t": sc.prix.value, "cout_unitaire_evite_cad_t": unit_cost,
        "elimination_evitee_cad": m_s * unit_cost, "conteneur_avant_cad": k_before,
        "conteneur_apres_cad": k_after, "levees_avant": lifts0, "levees_apres": lifts1,
        "levees_apres_declarees": _v(sc.levees_apres), "voyages": trips,
        "transport_cad": transport, "preparation_cad": preparation,
        **_sub_transport(sc), "nouveau_conteneur_cad": k_new,
        "levees_nouveau_conteneur": lifts_new, "voyages_ges": ghg_trips,
        "frais_fixes_cad": fixed, "ristourne_perdue_cad": rebate_lost,
        "distance_km": _km(distance), "distance_collecte_km": None if c is None else _km(c.distance),
        "investissement_cad": _v(sc.investissement, 0.0), "penalite_cad": _v(sc.penalite, 0.0),
        "ges_matiere_tco2e": ghg["ges_matiere_tco2e"], "ges_transport_tco2e": ghg["ges_transport_tco2e"],
        "ges_levees_tco2e": ghg["ges_levees_tco2e"], "ges_facteur": ghg["ges_facteur"],
        "hierarchie": warning, "notes": notes, "combustible_remplace": sc.combustible_remplace,
    }
    return dict(
        type="substitution", nom=name, statut=sc.statut,
        statut_reglementaire=sc.statut_reglementaire, retenu=False, retenu_force=sc.retenu,
        gain_net_cad=gain, revenus_cad=revenue, couts_cad=new_costs, cout_evite_cad=avoided,
        retour_annees=payback(sc, gain), elimination_evitee_t=elim_t, enfouissement_evite_t=landfill_t,
        enfouissement_evite_m3=landfill_m3, redevance_evitee_cad=levy_avoided, ges_evites_tco2e=ghg["ges_evites_tco2e"],
        surface_recuperee_m2=recovered, valeur_surface_cad=value, masse_detournee_t=m_s,
        filiere=route, preneur=sc.preneur, detail=detail,
    )


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
