"""METHODE.md revision 2: every [R2] rule, against figures computed by hand here.

The cases of ../shared/cas/methode/ are reproduced inline (their comments say
what was seen and what is expected); each becomes a test with the right value,
and the neighbouring inputs of the same kind are checked too.
"""

from __future__ import annotations

import math

import pytest
import yaml

from methode_outils import VG3, WEEKS, base, lib_value, run, stream
from symbio_cli import factors, inventory, loader, method
from symbio_cli.reports import audit as audit_report
from symbio_cli.reports import audit_json

LEVY = lib_value("redevance.elimination")  # 36 $/t en 2026 (Q-2, r. 43)
FILL = lib_value("collecte.taux_remplissage")  # taux de remplissage par défaut
TRUCK_KM = lib_value("transport.emission_vehicule") * 1000  # t CO2e par km de camion


def problems_of(inv: dict) -> list:
    doc = loader.loads(yaml.safe_dump(inv, allow_unicode=True, sort_keys=False), "cas.yaml")
    model, problems = inventory.validate(doc, factors.load())
    assert model is None, "l'inventaire devait être refusé"
    return [p for p in problems if p.severity != "avertissement"]


def codes(result) -> list[str]:
    return [w.code for w in result.avertissements]


def sub(**kw) -> dict:
    out = {"type": "substitution", "prix": "0 $/t"}
    out.update(kw)
    return out


# -- lifts after a change (rule 25, Containers) ------------------------------------


def shared_yard():
    """cas/methode/conteneur_partage_zero_levee.yaml"""
    inv = base(region="centre-du-quebec")
    inv["conteneurs"] = [{"id": "cour", "contenant": "40 vg³", "levees": "2/semaine", "frais_levee": "285 $",
                          "surcharge": "9 %"}]
    inv["flux"] = [
        stream("purge", matiere="plastique_rigide", quantite="6 t/mois",
               gestion={"tarif": "100 $/t", "conteneur": "cour"},
               scenarios=[sub(nom="Recycleur", prix="120 $/t", filiere="recyclage")]),
        stream("dechets", matiere="dechets_melanges", quantite="1.5 t/mois",
               gestion={"tarif": "100 $/t", "conteneur": "cour"}),
    ]
    return inv


def test_shared_container_keeps_the_lifts_its_remaining_contents_need():
    result = run(shared_yard())
    cap = 40 * VG3 * FILL  # m³ par levée
    v_purge = 72 / lib_value("masse_volumique.plastique_rigide")  # 72 t/an ÷ ρ
    v_dechets = 18 / lib_value("masse_volumique.dechets_melanges")  # 18 t/an ÷ ρ
    need_before = math.ceil(round((v_purge + v_dechets) / cap, 9))
    need_after = math.ceil(round(v_dechets / cap, 9))
    l0 = 2 * WEEKS  # 104,36 levées/an déclarées
    assert need_before > l0  # « levées insuffisantes » : le cas du terrain
    # max(L_0 − (L_need avant − L_need après), min(L_0, L_need après))
    l1 = max(l0 - (need_before - need_after), min(l0, need_after))
    assert l1 == need_after > 0  # jamais 0 levée : les déchets restent
    c = result.conteneurs[0]
    assert c.levees_apres == pytest.approx(l1)
    assert c.cout_apres_cad == pytest.approx(l1 * 285 * 1.09)
    sc = result.flux[0].scenarios[0]
    assert sc.detail["levees_apres"] == pytest.approx(l1)
    assert sc.cout_evite_cad == pytest.approx(72 * (100 + LEVY) + (l0 - l1) * 285 * 1.09)


def test_lifts_after_formula_example_of_methode():
    # METHODE.md : L_0 = 104 déclarées, L_need 150 → 40 : max(104 − 110, min(104, 40)) = 40
    assert method.lifts_after(104, 150, 40) == 40
    # sur-service d'avant jamais crédité : L_0 = 60 pour un besoin de 50 → 40 : 60 − 10 = 50
    assert method.lifts_after(60, 50, 40) == 50


def test_declared_lifts_after_below_need_warn_and_win():
    inv = shared_yard()
    inv["flux"][0]["scenarios"][0]["levees_apres"] = "1/an"
    result = run(inv)
    assert "levees_apres_insuffisantes" in codes(result)
    assert result.flux[0].scenarios[0].detail["levees_apres"] == pytest.approx(1)


# -- hauler pricing (rules 10–14) ---------------------------------------------------


def test_tonnes_included_and_overage():
    # 4 t/semaine, levée hebdomadaire avec 3 t incluses, 38 $/t au-delà
    inv = base()
    inv["flux"] = [stream("dechets", matiere="dechets_melanges", quantite="4 t/semaine",
                          gestion={"tarif": "0 $/t", "entreposage": "0 m²",
                                   "collecte": {"contenant": "40 vg³", "levees": "1/semaine", "frais_levee": "310 $",
                                                "tonnes_incluses": "3 t", "surplus": "38 $/t"}})]
    s = run(inv).flux[0]
    mass = 4 * WEEKS  # 208,7 t/an
    overage = (mass - WEEKS * 3) * 38  # (208,7 − 156,5) t × 38 $/t = 1 982,9 $
    assert s.cout_collecte_cad == pytest.approx(WEEKS * 310 + overage)
    assert s.cout_actuel_cad == pytest.approx(mass * LEVY + WEEKS * 310 + overage)


def test_several_identical_containers_multiply_capacity_fee_and_rental():
    # 2 conteneurs de 8 vg³ levés ensemble : capacité 2 × 8 vg³ × 80 %, frais 2 × 80 $, location 2 × 20 $/mois
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="recyclage", quantite="20 vg³/semaine",
                          masse_volumique="50 kg/m³",
                          gestion={"tarif": "0 $/t", "entreposage": "0 m²",
                                   "collecte": {"contenant": "8 vg³", "nombre": 2, "frais_levee": "80 $",
                                                "location": "20 $/mois", "taux_remplissage": "80 %"}})]
    result = run(inv)
    need = math.ceil(20 * WEEKS * VG3 / (2 * 8 * VG3 * 0.8))  # 1 043,6 ÷ 12,8 → 82 levées
    assert result.conteneurs[0].levees_besoin == need
    assert result.flux[0].cout_collecte_cad == pytest.approx(need * 80 * 2 + 20 * 12 * 2)


def test_payload_per_container_with_several():
    # rule 10: terme de masse Σm / (N × charge_utile) : 100 t ÷ (2 × 5 t) = 10 levées
    terms = method.Terms(volume=1.0, fill=1.0, compaction=1.0, fee=0.0, surcharge=0.0, rental=0.0, payload=5.0,
                         declared=None, count=2.0)
    assert terms.need(0.001, 100.0) == 10


def flat_service(**scenario):
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="recyclage", quantite="10 vg³/semaine",
                          masse_volumique="50 kg/m³",
                          gestion={"tarif": "0 $/t", "entreposage": "0 m²",
                                   "collecte": {"contenant": "8 vg³", "levees": "2/semaine", "forfait": "648 $/mois",
                                                "surcharge": "12 %", "taux_remplissage": "80 %"}},
                          scenarios=[sub(**scenario)] if scenario else [])]
    return run(inv)


def test_flat_service_price_replaces_lifts_without_surcharge():
    result = flat_service()
    assert result.flux[0].cout_collecte_cad == pytest.approx(648 * 12)  # 7 776 $ : pas de surcharge
    # besoin : 10 vg³ × 52,18 ÷ (8 vg³ × 80 %) = 81,5 → 82 levées pour 104,36 déclarées
    need = math.ceil(10 * WEEKS / (8 * 0.8))
    assert result.conteneurs[0].levees_besoin == need
    # rule 11: potentiel = forfait × (L_0 − L_need) / L_0
    assert result.conteneurs[0].surdimensionnement_cad == pytest.approx(7776 * (2 * WEEKS - need) / (2 * WEEKS))


def test_flat_service_scales_with_lifts_after_a_change():
    result = flat_service(part="50 %", prix="10 $/t")
    sc = result.flux[0].scenarios[0]
    l0 = 2 * WEEKS
    need0 = math.ceil(10 * WEEKS / 6.4)  # 82
    need1 = math.ceil(5 * WEEKS / 6.4)  # 41
    l1 = max(l0 - (need0 - need1), min(l0, need1))  # 104,36 − 41 = 63,36
    assert sc.detail["levees_apres"] == pytest.approx(l1)
    assert sc.detail["conteneur_apres_cad"] == pytest.approx(7776 * l1 / l0)


def test_forfait_needs_its_schedule():
    inv = base()
    inv["flux"] = [stream(gestion={"collecte": {"contenant": "8 vg³", "forfait": "648 $/mois"}})]
    problems = problems_of(inv)
    assert any("forfait" in p.field and "levees" in p.message for p in problems)


def test_lift_fee_or_forfait_is_required():
    inv = base()
    inv["flux"] = [stream(gestion={"collecte": {"contenant": "8 vg³"}})]
    assert any(p.field.endswith("frais_levee") and "forfait" in p.message for p in problems_of(inv))


def test_overage_in_a_shared_container_is_split_by_mass():
    # rule 12 : dépassement par masse, le reste par volume
    inv = base()
    inv["conteneurs"] = [{"id": "cour", "contenant": "40 vg³", "levees": "1/semaine", "frais_levee": "300 $",
                          "taux_remplissage": "100 %", "tonnes_incluses": "2 t", "surplus": "50 $/t"}]
    inv["flux"] = [
        stream("a", matiere="dechets_melanges", quantite="3 t/semaine", masse_volumique="300 kg/m³",
               gestion={"tarif": "0 $/t", "conteneur": "cour", "entreposage": "0 m²"}),
        stream("b", matiere="dechets_melanges", quantite="1 t/semaine", masse_volumique="100 kg/m³",
               gestion={"tarif": "0 $/t", "conteneur": "cour", "entreposage": "0 m²"}),
    ]
    a, b = run(inv).flux
    overage = (4 - 2) * WEEKS * 50  # 2 t de trop par semaine × 50 $/t
    lifts = WEEKS * 300
    # volumes : a 10 m³/semaine, b 10 m³/semaine → moitié-moitié ; masses 3 : 1
    assert a.cout_collecte_cad == pytest.approx(lifts * 0.5 + overage * 0.75)
    assert b.cout_collecte_cad == pytest.approx(lifts * 0.5 + overage * 0.25)


def ristourne_stream(**gestion):
    g = {"tarif": "0 $/t", "entreposage": "0 m²"}
    g.update(gestion)
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="recyclage", quantite="24 vg³/semaine", gestion=g,
                          scenarios=[sub(part="50 %", prix="0 $/t")])]
    return inv


def test_flat_rebate_is_a_negative_cost_and_a_share_is_lost():
    """cas/methode/ristourne-mensuelle-forfaitaire.yaml : 193,05 $/mois."""
    result = run(ristourne_stream(ristourne="193,05 $/mois"))
    s = result.flux[0]
    assert s.ristourne_cad == pytest.approx(193.05 * 12)  # 2 316,60 $/an
    assert s.cout_actuel_cad == pytest.approx(-193.05 * 12)
    sc = s.scenarios[0]
    assert sc.detail["ristourne_perdue_cad"] == pytest.approx(0.5 * 193.05 * 12)  # rule 14 : p × ristourne
    assert sc.gain_net_cad == pytest.approx(-0.5 * 2316.6)


def test_negative_fixed_fees_point_to_the_rebate():
    problems = problems_of(ristourne_stream(frais_fixes="-193,05 $/mois"))
    message = next(p.message for p in problems if p.field.endswith("frais_fixes"))
    assert "ristourne" in message and "tarif" in message


# -- collection trips (rules 8, 9) ---------------------------------------------------


def baler(container_distance: str | None = None):
    """cas/methode/ges-transport-contradiction.yaml (avec, en option, la distance du conteneur)."""
    collecte = {"contenant": "40 vg³", "compaction": 4, "levees": "6/semaine", "frais_levee": "505 $"}
    if container_distance:
        collecte["distance"] = container_distance
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="recyclage", quantite="54 t/mois",
                          gestion={"tarif": "0 $/t", "collecte": collecte},
                          scenarios=[sub(nom="Presse à balles", preneur="Papetière inc.", filiere="recyclage",
                                         distance="52 km", transport="505 $/voyage", charge_voyage="18 t")])]
    return run(inv)


def test_baler_detail_and_total_show_the_same_ghg():
    result = baler()
    sc = result.flux[0].scenarios[0]
    trips = math.ceil(648 / 18)  # 36 voyages de balles
    expected = -trips * 2 * 52 * TRUCK_KM  # même filière : seuls les camions comptent
    assert sc.ges_evites_tco2e == pytest.approx(expected)
    assert result.totaux.ges_evites_tco2e == pytest.approx(expected)
    text = audit_report.render(result, "md", "fr", "2026-11-28", factors.load())
    assert "0 : la filière ne change pas" not in text
    assert "Trajets de collecte\u00a0: sans distance" in text


def test_baler_avoided_collection_trips_count_with_a_distance():
    result = baler("20 km")
    sc = result.flux[0].scenarios[0]
    l0 = 6 * WEEKS  # 313,1 levées/an aujourd'hui ; conteneur vidé : L_1 = 0
    expected = -36 * 2 * 52 * TRUCK_KM + 2 * TRUCK_KM * (l0 * 20 - 0 * 20)
    assert expected > 0  # les trajets évités l'emportent
    assert sc.ges_evites_tco2e == pytest.approx(expected)
    assert result.totaux.ges_evites_tco2e == pytest.approx(expected)
    assert result.conteneurs[0].distance_km == pytest.approx(20)


def test_shared_container_takes_its_streams_distance_when_they_agree():
    inv = shared_yard()
    for f in inv["flux"]:
        f["gestion"]["distance"] = "30 km"
    result = run(inv)
    assert result.conteneurs[0].distance_km == pytest.approx(30)
    inv["flux"][1]["gestion"]["distance"] = "10 km"
    result = run(inv)
    assert result.conteneurs[0].distance_km is None
    assert "distance_discordante" in codes(result)


def test_own_new_container_lifts_are_the_trips_of_the_ghg():
    # rule 9 : un nouveau conteneur à 1/mois → 12 voyages au lieu de ceil(m / charge)
    inv = base()
    inv["hypotheses"] = {"emission.bois_residus.recyclage": "-1 t CO2e/t", "emission.bois_residus.enfouissement": "0 t CO2e/t"}
    inv["flux"] = [stream("sciure", quantite="18 t/mois", gestion={"entreposage": "0 m²"},
                          scenarios=[sub(filiere="recyclage", distance="38 km", transport="325 $/voyage",
                                         charge_voyage="12 t",
                                         collecte={"contenant": "30 vg³", "frais_levee": "250 $", "levees": "1/mois"})])]
    sc = run(inv).flux[0].scenarios[0]
    assert sc.ges_evites_tco2e == pytest.approx(216 * (0 - (-1)) - 12 * 2 * 38 * TRUCK_KM)
    assert sc.detail["transport_cad"] == pytest.approx(math.ceil(216 / 12) * 325)  # l'argent ne change pas


# -- the collecte scenario (rules 1–4, 7) --------------------------------------------


def compactor(**extra):
    collecte = {"contenant": "40 vg³", "levees": "2/semaine", "frais_levee": "300 $", "taux_remplissage": "80 %"}
    collecte.update(extra.pop("today", {}))
    new = {"contenant": "30 vg³", "compaction": 4, "frais_levee": "340 $", "location": "600 $/mois"}
    new.update(extra.pop("new", {}))
    scenarios = [{"type": "collecte", "nom": "Compacteur", "collecte": new, "investissement": "30 000 $"}]
    scenarios += extra.pop("scenarios", [])
    inv = base()
    inv["flux"] = [stream("dechets", matiere="dechets_melanges", quantite="40 vg³/semaine", masse_volumique="100 kg/m³",
                          gestion={"tarif": "0 $/t", "entreposage": "20 m²", "collecte": collecte},
                          scenarios=scenarios)]
    return inv


def test_collection_scenario_compactor():
    result = run(compactor())
    sc = result.flux[0].scenarios[0]
    k_before = 2 * WEEKS * 300  # 31 307 $
    lifts = math.ceil(40 * WEEKS * VG3 / (30 * VG3 * 0.8 * 4))  # rule 1 : le besoin, jamais les levées d'avant → 22
    k_after = lifts * 340 + 600 * 12
    assert sc.detail["levees_apres"] == lifts
    assert sc.cout_evite_cad == pytest.approx(k_before)  # rule 3
    assert sc.couts_cad == pytest.approx(k_after)
    assert sc.gain_net_cad == pytest.approx(k_before - k_after)
    assert sc.retour_annees == pytest.approx(30000 / (k_before - k_after))
    # rule 4 : sans distance, GES n.d. ; un total fait seulement de tels scénarios est nul
    assert sc.ges_evites_tco2e is None
    assert result.totaux.ges_evites_tco2e is None
    assert result.totaux.ges_tonnes_exclues_t == 0


def test_collection_scenario_ghg_with_a_distance():
    result = run(compactor(today={"distance": "25 km"}))
    sc = result.flux[0].scenarios[0]
    lifts = math.ceil(40 * WEEKS / (30 * 0.8 * 4))
    expected = 2 * TRUCK_KM * (2 * WEEKS * 25 - lifts * 25)  # rule 8
    assert sc.ges_evites_tco2e == pytest.approx(expected)
    assert result.totaux.ges_evites_tco2e == pytest.approx(expected)


def test_collection_scenario_with_a_forfait_needs_levees_and_inherits_otherwise():
    inv = compactor(new={"forfait": "900 $/mois"})
    assert any("levees" in p.message for p in problems_of(inv))
    # rule 11 : sans forfait à elle, la collecte reprend celui d'aujourd'hui, au prorata L_1 / L_0
    inv = compactor(today={"forfait": "2000 $/mois", "frais_levee": None}, new={"frais_levee": None})
    inv["flux"][0]["gestion"]["collecte"].pop("frais_levee")
    inv["flux"][0]["scenarios"][0]["collecte"].pop("frais_levee")
    sc = run(inv).flux[0].scenarios[0]
    lifts = math.ceil(40 * WEEKS / (30 * 0.8 * 4))
    assert sc.couts_cad == pytest.approx(24000 * lifts / (2 * WEEKS) + 600 * 12)
    # as written, even a new lift fee leaves today's forfait in place (rule 11: the fee is then unused)
    inv["flux"][0]["scenarios"][0]["collecte"]["frais_levee"] = "340 $"
    assert run(inv).flux[0].scenarios[0].couts_cad == pytest.approx(24000 * lifts / (2 * WEEKS) + 600 * 12)


def test_collection_with_substitutions_of_the_same_stream():
    # rule 2 : la collecte d'abord, puis la substitution (50 %) dans le nouveau conteneur
    inv = compactor(scenarios=[sub(nom="Recycleur", part="50 %", prix="10 $/t", filiere="recyclage")])
    for sc in inv["flux"][0]["scenarios"]:
        sc["retenu"] = True
    result = run(inv)
    col, s = result.flux[0].scenarios
    assert result.flux[0].scenarios_retenus == (0, 1)
    # capacité du compacteur : 30 vg³ × 80 % × 4 = 96 vg³ par levée
    lifts_new = math.ceil(40 * WEEKS / 96)  # 2 087 vg³/an ÷ 96 → 22 levées (L_0 du nouveau conteneur)
    need_half = math.ceil(20 * WEEKS / 96)  # la moitié qui reste → 11
    lifts_joint = max(lifts_new - (lifts_new - need_half), min(lifts_new, need_half))
    joint_after = lifts_joint * 340 + 600 * 12
    joint = 2 * WEEKS * 300 - joint_after  # conteneur : avant − après, ensemble
    separate = (col.cout_evite_cad - col.couts_cad) + (s.detail["conteneur_avant_cad"] - s.detail["conteneur_apres_cad"])
    c = result.conteneurs[0]
    assert c.levees_apres == pytest.approx(lifts_joint)
    assert c.cout_apres_cad == pytest.approx(joint_after)
    assert c.ecart_conjoint_cad == pytest.approx(joint - separate)
    assert result.totaux.economies_nettes_cad == pytest.approx(col.gain_net_cad + s.gain_net_cad + joint - separate)


def test_collection_type_is_known_to_the_validator():
    inv = compactor()
    inv["flux"][0]["scenarios"][0]["conteneur"] = "inconnu"
    assert any("conteneur" in p.field for p in problems_of(inv))


# -- several takers (Totals, rule 22) ------------------------------------------------


def spent_grain(parts=("60 %", "40 %"), statut="en_place"):
    """cas/methode/plusieurs-preneurs-un-seul-retenu.yaml"""
    inv = base()
    inv["flux"] = [stream("dreches", matiere="dreches", quantite="100 t/an",
                          gestion={"tarif": "100 $/t", "entreposage": "10 m²"},
                          scenarios=[sub(preneur=f"Ferme {k}", statut=statut, part=p) for k, p in zip("ABCDE", parts)])]
    return inv


def test_two_takers_in_place_divert_the_whole_stream():
    result = run(spent_grain())
    t = result.totaux
    assert result.flux[0].scenarios_retenus == (0, 1)
    assert t.elimination_evitee_t == pytest.approx(100)  # 60 t + 40 t, pas 60 t
    assert t.economies_nettes_cad == pytest.approx(100 * (100 + LEVY))  # 13 600 $
    assert t.redevance_evitee_cad == pytest.approx(100 * LEVY)
    assert t.surface_recuperee_m2 == pytest.approx(10 - 10 * (1 - (0.6 + 0.4)))  # A − A × (1 − Σp)


def test_ten_farms_for_one_brewery():
    result = run(spent_grain(parts=("25 %",) * 4, statut="en_place"))
    assert result.totaux.elimination_evitee_t == pytest.approx(100)
    assert result.totaux.surface_recuperee_m2 == pytest.approx(10)


def test_parts_above_100_percent_are_an_error():
    problems = problems_of(spent_grain(parts=("60 %", "50 %")))
    assert any("110 %" in p.message and "100 %" in p.message for p in problems)


def test_storage_after_several_takers_is_the_smallest_given():
    inv = spent_grain(parts=("30 %", "30 %"))
    inv["flux"][0]["scenarios"][0]["entreposage_apres"] = "7 m²"
    inv["flux"][0]["scenarios"][1]["entreposage_apres"] = "5 m²"
    assert run(inv).totaux.surface_recuperee_m2 == pytest.approx(10 - 5)
    inv = spent_grain(parts=("30 %", "30 %"))
    assert run(inv).totaux.surface_recuperee_m2 == pytest.approx(10 - 10 * (1 - 0.6))


def test_tie_takes_the_first_with_a_warning():
    """cas/methode/granules_comptes_recyclage.yaml : deux scénarios au même gain."""
    inv = base()
    inv["flux"] = [stream("sciure", quantite="100 t/an", gestion={"tarif": "100 $/t", "entreposage": "5 m²"},
                          scenarios=[sub(nom="Granules (sans filiere)", preneur="Granulerie", prix="20 $/t"),
                                     sub(nom="Granules (valorisation)", preneur="Granulerie", prix="20 $/t",
                                         filiere="valorisation_energetique")])]
    result = run(inv)
    assert result.flux[0].scenarios_retenus == (0,)
    assert "egalite_scenarios" in codes(result)
    assert "filiere_bois" in codes(result)  # rule 17 : bois sans filière


def test_a_mutualisation_is_retained_alone():
    inv = base()
    inv["flux"] = [stream(gestion={"collecte": {"contenant": "40 vg³", "frais_levee": "300 $"}},
                          scenarios=[sub(retenu=True, part="50 %"),
                                     {"type": "mutualisation", "retenu": True,
                                      "partenaires": [{"nom": "V", "quantite": "10 m³/an"}]}])]
    assert any("seule" in p.message for p in problems_of(inv))


# -- pooling (rules 18–21) -----------------------------------------------------------


def test_pooled_price_with_the_levy_included():
    """cas/methode/mutualisation-tarif-redevance-incluse.yaml : 57 t × (131 − 93) = 2 166 $/an."""
    inv = base()
    inv["flux"] = [stream("dechets", matiere="dechets_melanges", quantite="57 t/an",
                          gestion={"tarif": "131 $/t", "redevance_incluse": True,
                                   "collecte": {"contenant": "10 vg³", "levees": "1/semaine", "frais_levee": "0 $"}},
                          scenarios=[{"type": "mutualisation", "forme": "contrat_groupe",
                                      "partenaires": [{"nom": "Voisin inc.", "quantite": "500 t/an",
                                                       "levees": "9/semaine", "cout_actuel": "0 $/an"}],
                                      "frais_levee": "0 $", "tarif": "93 $/t", "redevance_incluse": True,
                                      "frais_gestion": "0 $/an"}])]
    sc = run(inv).flux[0].scenarios[0]
    assert sc.gain_net_cad == pytest.approx(57 * (131 - 93))  # (131 − 36) − (93 − 36) = 38 $/t
    # rule 18 : le partenaire paie aujourd'hui le tarif de l'usine (défaut) : 500 t × 38 $/t
    assert sc.economies_groupe_cad == pytest.approx(0 + 57 * 38 + 500 * 38)
    assert sc.economie_groupe_cad == pytest.approx(0)  # la part des levées seule
    assert sc.membres[1].economie_cad == pytest.approx(500 * 38)  # rule 20


def test_pooled_price_reads_the_plant_invoice_when_the_scenario_says_nothing():
    """The case file as written: no `redevance_incluse` on the pooled contract, the plant's invoice includes it."""
    inv = base()
    inv["flux"] = [stream("dechets", matiere="dechets_melanges", quantite="57 t/an",
                          gestion={"tarif": "131 $/t", "redevance_incluse": True,
                                   "collecte": {"contenant": "10 vg³", "levees": "1/semaine", "frais_levee": "0 $"}},
                          scenarios=[{"type": "mutualisation", "forme": "contrat_groupe",
                                      "partenaires": [{"nom": "Voisin inc.", "quantite": "500 t/an",
                                                       "levees": "9/semaine", "cout_actuel": "0 $/an"}],
                                      "frais_levee": "0 $", "tarif": "93 $/t", "frais_gestion": "0 $/an"}])]
    assert run(inv).flux[0].scenarios[0].gain_net_cad == pytest.approx(57 * (131 - 93))  # 2 166 $/an
    inv["flux"][0]["scenarios"][0]["redevance_incluse"] = False  # said explicitly: 93 $/t before the levy
    assert run(inv).flux[0].scenarios[0].gain_net_cad == pytest.approx(57 * ((131 - LEVY) - 93))  # 114 $/an


def test_partner_mass_and_fee_enter_the_group_price():
    inv = base()
    inv["flux"] = [stream("dechets", matiere="dechets_melanges", quantite="57 t/an", masse_volumique="100 kg/m³",
                          gestion={"tarif": "95 $/t", "collecte": {"contenant": "10 vg³", "levees": "1/semaine",
                                                                    "frais_levee": "50 $"}},
                          scenarios=[{"type": "mutualisation", "forme": "contrat_groupe",
                                      "partenaires": [{"nom": "Garage", "quantite": "4 vg³/semaine", "masse": "20 t/an",
                                                       "tarif": "131 $/t", "levees": "1/semaine",
                                                       "cout_actuel": "2600 $/an"}],
                                      "frais_levee": "40 $", "tarif": "90 $/t", "frais_gestion": "0 $/an"}])]
    sc = run(inv).flux[0].scenarios[0]
    lifts = WEEKS * 50 + 2600 - (2 * WEEKS * 40)  # Σ c_k − c(N)
    assert sc.economie_groupe_cad == pytest.approx(lifts)
    assert sc.economies_groupe_cad == pytest.approx(lifts + 57 * (95 - 90) + 20 * (131 - 90))
    plant, garage = sc.membres
    assert garage.economie_cad == pytest.approx(2600 - garage.part_cad + 20 * 41)
    assert sc.gain_net_cad == pytest.approx(WEEKS * 50 - plant.part_cad + 57 * 5)  # l'usine : ses tonnes seules


def losing_group(retenu=False):
    """cas/methode/mutualisation_groupe_perdant.yaml"""
    inv = base()
    inv["flux"] = [stream("d", matiere="dechets_melanges", quantite="500 m³/an", masse_volumique="100 kg/m³",
                          gestion={"tarif": "100 $/t", "entreposage": "10 m²",
                                   "collecte": {"contenant": "40 vg³", "frais_levee": "300 $"}},
                          scenarios=[{"type": "mutualisation", "retenu": retenu,
                                      "partenaires": [{"nom": "Voisin bon marché", "quantite": "500 m³/an",
                                                       "cout_actuel": "2000 $/an"}]}])]
    return inv


def test_a_losing_group_never_forms():
    result = run(losing_group())
    sc = result.flux[0].scenarios[0]
    cap = 40 * VG3 * FILL
    alone = math.ceil(500 / cap) * 300  # l'usine seule : 21 levées × 300 $
    pooled = math.ceil(1000 / cap) * 300  # le groupe : 41 levées × 300 $
    assert sc.economies_groupe_cad == pytest.approx(alone + 2000 - pooled)
    assert sc.economies_groupe_cad <= 0 and sc.groupe_forme is False
    assert not sc.retenu
    assert result.totaux.economies_nettes_cad == 0
    assert "groupe_perdant" in codes(result)
    text = audit_report.render(result, "md", "fr", "2026-11-28", factors.load())
    assert "le groupe coûte plus cher que ses membres seuls" in text


def test_a_losing_group_marked_retained_is_dropped_with_a_warning():
    result = run(losing_group(retenu=True))
    assert result.flux[0].scenarios_retenus == ()
    assert "groupe_non_forme" in codes(result)


def test_container_table_after_a_retained_pooling():
    """cas/methode/conteneur_apres_mutualisation.yaml"""
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="recyclage", quantite="10 vg³/semaine",
                          gestion={"tarif": "0 $/t", "entreposage": "3 m²",
                                   "collecte": {"contenant": "8 vg³", "levees": "2/semaine", "frais_levee": "80 $"}},
                          scenarios=[{"type": "mutualisation",
                                      "partenaires": [{"nom": "Voisin fictif", "quantite": "10 vg³/semaine",
                                                       "cout_actuel": "8000 $/an"}],
                                      "contenant": "40 vg³", "frais_levee": "220 $"}])]
    result = run(inv)
    sc = result.flux[0].scenarios[0]
    assert sc.retenu
    lifts = math.ceil(20 * WEEKS / (40 * FILL))  # 1 043,6 vg³ ÷ 32 vg³ → 33 levées
    assert sc.cout_groupe_cad == pytest.approx(lifts * 220)
    c = result.conteneurs[0]
    assert c.levees_apres == lifts
    assert c.cout_apres_cad == pytest.approx(lifts * 220 / 2)  # la part de l'usine (moitié du volume)


# -- GHG (rules 5, 6) ----------------------------------------------------------------


def test_ghg_total_is_null_without_any_factor_and_never_printed_as_zero():
    """cas/methode/ges_zero_affiche.yaml, with a material the library has no emission factor for (boues:
    the foundry sand of the case got sourced factors in the same round)."""
    inv = base()
    inv["flux"] = [stream("boues", matiere="boues", quantite="1000 t/an", mode="recouvrement_let",
                          gestion={"tarif": "25 $/t", "entreposage": {"surface": "50 m²", "type": "exterieur"}},
                          scenarios=[sub(preneur="Ferme fictive", filiere="epandage")])]
    result = run(inv)
    assert result.totaux.ges_evites_tco2e is None
    assert result.totaux.ges_partiel is True
    assert result.totaux.ges_tonnes_exclues_t == pytest.approx(1000)
    data = audit_json.to_dict(result, "2026-11-28")
    assert data["totaux"]["ges_evites_tco2e"] is None
    for fmt in ("md", "html"):
        text = audit_report.render(result, fmt, "fr", "2026-11-28", factors.load())
        assert "0,0 t CO₂e" not in text.replace("\u00a0", " ")
        assert "n.d." in text
    figure = next(x for x in audit_report.figures(result, "fr") if x["id"] == "ges")
    assert figure["value"] == "n.d."


def test_partial_total_says_the_tonnes_left_out():
    inv = base()
    inv["flux"] = [
        stream("boues", matiere="boues", quantite="1000 t/an", mode="recouvrement_let",
               gestion={"tarif": "25 $/t", "entreposage": "0 m²"}, scenarios=[sub(filiere="epandage")]),
        stream("sciure", quantite="100 t/an", gestion={"entreposage": "0 m²"},
               scenarios=[sub(filiere="recyclage", prix="10 $/t")]),
    ]
    result = run(inv)
    ef = lib_value("emission.bois_residus.enfouissement") - lib_value("emission.bois_residus.recyclage")
    assert result.totaux.ges_evites_tco2e == pytest.approx(100 * ef)
    assert result.totaux.ges_tonnes_exclues_t == pytest.approx(1000)
    figure = next(x for x in audit_report.figures(result, "fr") if x["id"] == "ges")
    assert "1\u00a0000,0\u00a0t" in figure["detail"]


def test_nothing_retained_is_zero_not_partial():
    inv = base()
    inv["flux"] = [stream(gestion={"entreposage": "0 m²"})]
    t = run(inv).totaux
    assert t.ges_evites_tco2e == 0 and t.ges_partiel is False


def test_a_scenario_ghg_is_complete_or_null_trips_included():
    # rule 6 : facteur de matière manquant → tout le chiffre est nul, trajets de collecte compris
    inv = base()
    inv["flux"] = [stream("boues", matiere="boues", quantite="100 t/an", mode="recouvrement_let",
                          masse_volumique="1000 kg/m³",
                          gestion={"tarif": "25 $/t", "entreposage": "0 m²",
                                   "collecte": {"contenant": "20 vg³", "frais_levee": "200 $", "distance": "30 km"}},
                          scenarios=[sub(filiere="epandage")])]
    sc = run(inv).flux[0].scenarios[0]
    assert sc.ges_evites_tco2e is None


# -- routes, hierarchy (rules 15–17) ---------------------------------------------------


def test_landfill_to_incineration_avoids_landfill_only():
    inv = base()
    inv["flux"] = [stream("d", matiere="dechets_melanges", quantite="100 t/an", gestion={"entreposage": "0 m²"},
                          scenarios=[sub(filiere="incineration", prix="-120 $/t")])]
    result = run(inv)
    sc = result.flux[0].scenarios[0]
    assert sc.enfouissement_evite_t == pytest.approx(100)  # rule 15
    assert sc.elimination_evitee_t == 0 and sc.redevance_evitee_cad == 0
    assert sc.cout_evite_cad == pytest.approx(100 * (105 + LEVY))  # Av garde R_i
    assert "prix_elimination_tout_compris" in sc.detail["notes"]


def test_landfill_to_landfill_cover_avoids_two_thirds_of_the_levy():
    inv = base()
    inv["flux"] = [stream("d", matiere="dechets_melanges", quantite="100 t/an", gestion={"entreposage": "0 m²"},
                          scenarios=[sub(filiere="recouvrement_let", prix="-40 $/t")])]
    sc = run(inv).flux[0].scenarios[0]
    assert sc.redevance_evitee_cad == pytest.approx(100 * (LEVY - LEVY / 3))  # rule 16
    assert sc.enfouissement_evite_t == 0 and sc.enfouissement_evite_m3 == 0


def test_moving_down_the_hierarchy_is_flagged():
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="recyclage", gestion={"tarif": "0 $/t", "entreposage": "0 m²"},
                          scenarios=[sub(filiere="valorisation_energetique", prix="5 $/t")])]
    result = run(inv)
    assert "hierarchie" in codes(result)
    assert result.flux[0].scenarios[0].detail["hierarchie"]
    text = audit_report.render(result, "md", "fr", "2026-11-28", factors.load())
    assert "Hiérarchie" in text


# -- policy targets by the rate they name (rule 23) ----------------------------------


def test_crd_target_counts_energy_recovery():
    """cas/methode/crd_valorisation_objectif.yaml"""
    inv = base()
    inv["flux"] = [stream("bois", matiere="bois_construction", quantite="100 t/an",
                          gestion={"tarif": "120 $/t", "entreposage": "10 m²"},
                          scenarios=[sub(preneur="Chaufferie fictive", prix="5 $/t", filiere="valorisation_energetique")])]
    result = run(inv)
    row = next(p for p in result.politique if p.famille == "crd")
    assert row.taux == "mise_en_valeur"
    assert row.taux_recyclage_apres == 0  # la chaufferie ne recycle pas
    assert row.taux_mise_en_valeur_avant == 0 and row.taux_mise_en_valeur_apres == pytest.approx(1)
    text = audit_report.render(result, "md", "fr", "2026-11-28", factors.load())
    assert "Mise en valeur\u00a0: " in text
    assert "objectif atteint" in text


def test_other_targets_count_recycling():
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", mode="enfouissement", quantite="100 t/an",
                          gestion={"entreposage": "0 m²"}, scenarios=[sub(filiere="valorisation_energetique")])]
    row = next(p for p in run(inv).politique if p.famille == "pcpvm")
    assert row.taux == "recyclage"
    assert row.taux_recyclage_apres == 0 and row.taux_mise_en_valeur_apres == pytest.approx(1)


# -- defaults (rule 25) ---------------------------------------------------------------


def test_defaults_are_listed_with_the_key_actually_used():
    inv = base(region="mauricie")
    inv["flux"] = [{"id": "d", "nom": "Déchets", "matiere": "dechets_melanges", "quantite": "10 t/mois",
                    "gestion": {"mode": "enfouissement", "collecte": {"contenant": "40 vg³", "frais_levee": "300 $"}}}]
    result = run(inv)
    keys = {d.cle: d for d in result.defauts}
    fee_keys = [k for k in keys if k.startswith("tarif.enfouissement.")]
    assert len(fee_keys) == 1  # la clé réellement utilisée (régionale, sinon .quebec)
    assert "masse_volumique.dechets_melanges" in keys
    assert "collecte.taux_remplissage" in keys
    assert all(d.flux == "d" for d in result.defauts)
    data = audit_json.to_dict(result, "2026-11-28")
    assert {"cle", "valeur", "unite", "flux"} <= set(data["defauts"][0])
    text = audit_report.render(result, "md", "fr", "2026-11-28", factors.load())
    assert "Valeurs par défaut de la bibliothèque" in text and fee_keys[0] in text
    assert "Déchets †" in text  # marqué dans le tableau des flux
    cost = next(x for x in audit_report.figures(result, "fr") if x["id"] == "cout_actuel")
    assert cost["value"].endswith("†") and fee_keys[0] in cost["detail"]  # et dans le tableau du sommaire


def test_given_values_are_not_defaults():
    inv = base()
    inv["flux"] = [stream(masse_volumique="200 kg/m³", gestion={"entreposage": "0 m²"})]
    assert run(inv).defauts == ()


def test_collection_moves_a_stream_out_of_a_shared_container():
    # sans « conteneur: », la collecte donne au flux un conteneur à lui ; le partagé garde le reste
    inv = shared_yard()
    inv["flux"][1]["scenarios"] = [{"type": "collecte", "nom": "Bac à déchets", "retenu": True,
                                    "collecte": {"contenant": "8 vg³", "frais_levee": "90 $", "surcharge": "0 %"}}]
    result = run(inv)
    sc = result.flux[1].scenarios[0]
    cap_new = 8 * VG3 * FILL
    v_dechets = 18 / lib_value("masse_volumique.dechets_melanges")
    lifts_new = math.ceil(round(v_dechets / cap_new, 9))  # règle 1 : le besoin du nouveau bac
    assert sc.detail["levees_apres"] == lifts_new
    assert sc.detail["nouveau_conteneur_cad"] == pytest.approx(lifts_new * 90)
    cap = 40 * VG3 * FILL
    v_purge = 72 / lib_value("masse_volumique.plastique_rigide")
    l0 = 2 * WEEKS
    need0 = math.ceil(round((v_purge + v_dechets) / cap, 9))
    need1 = math.ceil(round(v_purge / cap, 9))
    left = max(l0 - (need0 - need1), min(l0, need1))
    assert sc.detail["levees_restantes"] == pytest.approx(left)
    assert sc.gain_net_cad == pytest.approx(l0 * 285 * 1.09 - (left * 285 * 1.09 + lifts_new * 90))
    new_rows = [c for c in result.conteneurs if c.nouveau]
    assert [c.id for c in new_rows] == ["dechets"]


def test_collection_for_a_stream_without_a_container():
    inv = base()
    inv["flux"] = [stream("d", matiere="dechets_melanges", quantite="2 t/mois", masse_volumique="200 kg/m³",
                          gestion={"entreposage": "0 m²"},
                          scenarios=[{"type": "collecte", "collecte": {"contenant": "6 vg³", "frais_levee": "120 $",
                                                                       "taux_remplissage": "100 %"}}])]
    sc = run(inv).flux[0].scenarios[0]
    lifts = math.ceil(120 / (6 * VG3))  # 120 m³/an ÷ 4,59 m³
    assert sc.cout_evite_cad == 0 and sc.couts_cad == pytest.approx(lifts * 120)
    assert sc.gain_net_cad == pytest.approx(-lifts * 120)
