"""METHODE.md, formula by formula, against figures computed by hand here."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from methode_outils import VG3, WEEKS, base, lib_value, run, stream

LEVY = {"redevance.elimination": "36 $/t"}


def one(inv):
    return run(inv).flux[0]


# -- one stream, as managed today --------------------------------------------


def test_disposal_cost_fee_plus_levy():
    inv = base()
    inv["hypotheses"] = dict(LEVY)
    inv["flux"] = [stream(quantite="12 t/mois", gestion={"entreposage": "10 m²"})]
    s = one(inv)
    assert s.masse_t == pytest.approx(12 * 12)  # 1 mois = 1/12 an
    assert s.redevance_cad_t == 36
    assert s.cout_actuel_cad == pytest.approx(144 * (105 + 36))  # 20 304 $


def test_levy_included_in_fee_is_taken_out():
    inv = base()
    inv["hypotheses"] = dict(LEVY)
    inv["flux"] = [stream(gestion={"tarif": "141 $/t", "redevance_incluse": True, "entreposage": "0 m²"})]
    s = one(inv)
    assert s.tarif_cad_t == pytest.approx(141 - 36)
    assert s.cout_actuel_cad == pytest.approx(144 * 141)


def test_landfill_cover_pays_one_third_of_levy():
    inv = base()
    inv["hypotheses"] = dict(LEVY)
    inv["flux"] = [stream(mode="recouvrement_let", gestion={"entreposage": "0 m²"})]
    s = one(inv)
    assert s.redevance_cad_t == pytest.approx(36 / 3)
    assert s.cout_actuel_cad == pytest.approx(144 * (105 + 12))  # 16 848 $


def test_levy_of_the_inventory_year_from_the_library():
    inv = base()
    inv["annee"] = 2024
    inv["flux"] = [stream(gestion={"entreposage": "0 m²"})]
    s = one(inv)
    assert s.redevance_cad_t == 32  # Q-2, r. 43 in 2024
    assert s.cout_actuel_cad == pytest.approx(144 * (105 + 32))


def test_levy_before_the_first_year_is_an_error():
    import yaml

    from symbio_cli import factors, inventory, loader

    inv = base()
    inv["annee"] = 2010
    inv["flux"] = [stream(gestion={"entreposage": "0 m²"})]
    doc = loader.loads(yaml.safe_dump(inv), "t.yaml")
    model, problems = inventory.validate(doc, factors.load())
    assert model is None
    assert any(p.field == "annee" and "avant 2019" in p.message for p in problems)
    inv["hypotheses"] = {"redevance.elimination": "20 $/t"}  # the user gives it: fine
    assert run(inv).flux[0].cout_actuel_cad == pytest.approx(144 * (105 + 20))


def test_rebate_is_a_negative_cost():
    inv = base()
    inv["flux"] = [stream(matiere="carton", mode="recyclage", gestion={"tarif": "-40 $/t", "entreposage": "0 m²"})]
    s = one(inv)
    assert s.redevance_cad_t == 0
    assert s.cout_actuel_cad == pytest.approx(144 * -40)  # −5 760 $


def test_regional_fee_falls_back_to_the_province():
    inv = base(region="centre-du-quebec")
    inv["hypotheses"] = dict(LEVY)
    s0 = stream(gestion={"entreposage": "0 m²"})
    del s0["gestion"]["tarif"]
    inv["flux"] = [s0]
    result = run(inv)
    fee = lib_value("tarif.enfouissement.quebec")
    assert result.flux[0].tarif_cad_t == pytest.approx(fee)
    assert any(w.code == "facteur_regional_absent" for w in result.avertissements)
    used = {f.cle for f in result.facteurs_utilises}
    assert "tarif.enfouissement.quebec" in used


def test_volume_quantity_uses_density():
    inv = base()
    inv["flux"] = [stream(quantite="30 vg³/semaine", masse_volumique="200 kg/m³", gestion={"entreposage": "0 m²"})]
    s = one(inv)
    volume = 30 * VG3 * WEEKS  # 1 196,80 m³/an
    assert s.volume_m3 == pytest.approx(volume)
    assert s.masse_t == pytest.approx(volume * 0.200)


@pytest.mark.parametrize("quantite", ["12 t/mois", "144 t/an", "144 000 kg/an", "144000 kg/an"])
def test_unit_of_input_does_not_change_the_result(quantite):
    inv = base()
    inv["hypotheses"] = dict(LEVY)
    inv["flux"] = [stream(quantite=quantite, gestion={"entreposage": "0 m²"})]
    assert one(inv).cout_actuel_cad == pytest.approx(144 * 141)


def test_container_volume_units_are_equivalent():
    a, b = base(), base()
    for inv, size in ((a, "30 vg³"), (b, f"{30 * VG3:.10f} m³")):
        inv["flux"] = [stream(masse_volumique="210 kg/m³", gestion={"collecte": {"contenant": size, "frais_levee": "100 $", "taux_remplissage": "100 %"}})]
    assert run(a).conteneurs[0].levees_besoin == run(b).conteneurs[0].levees_besoin


# -- containers ---------------------------------------------------------------


def own_container(**terms):
    spec = {"contenant": "40 vg³", "taux_remplissage": "80 %", "frais_levee": "310 $", "surcharge": "12 %",
            "location": "120 $/mois"}
    spec.update(terms)
    return spec


def test_container_lifts_from_need_and_cost():
    inv = base()
    inv["flux"] = [stream(masse_volumique="210 kg/m³", gestion={"collecte": own_container()})]
    result = run(inv)
    c = result.conteneurs[0]
    volume = 144 / 0.210  # 685,71 m³/an
    cap = 40 * VG3 * 0.80  # 24,47 m³ par levée
    assert c.levees_besoin == math.ceil(volume / cap) == 29
    assert c.levees_avant == 29
    assert c.cout_avant_cad == pytest.approx(29 * 310 * 1.12 + 120 * 12)  # 11 508,80 $
    assert result.flux[0].cout_collecte_cad == pytest.approx(c.cout_avant_cad)


def test_payload_limits_lifts():
    inv = base()
    inv["flux"] = [stream(masse_volumique="210 kg/m³", gestion={"collecte": own_container(charge_utile="4 t")})]
    c = run(inv).conteneurs[0]
    assert c.levees_besoin == max(math.ceil(144 / 0.21 / (40 * VG3 * 0.8)), math.ceil(144 / 4)) == 36


def test_compaction_multiplies_capacity():
    inv = base()
    inv["flux"] = [stream(masse_volumique="210 kg/m³", gestion={"collecte": own_container(compaction=3)})]
    c = run(inv).conteneurs[0]
    assert c.levees_besoin == math.ceil(144 / 0.21 / (40 * VG3 * 0.8 * 3)) == 10


def test_declared_lifts_and_right_sizing_finding():
    inv = base()
    inv["flux"] = [stream(masse_volumique="210 kg/m³", gestion={"collecte": own_container(levees="1/semaine")})]
    result = run(inv)
    c = result.conteneurs[0]
    assert c.levees_avant == pytest.approx(WEEKS)  # 52,18 levées/an
    assert c.surdimensionnement_cad == pytest.approx((WEEKS - 29) * 310 * 1.12)  # 8 047,99 $
    assert result.totaux.potentiel_redimensionnement_cad == pytest.approx(c.surdimensionnement_cad)
    assert any(w.code == "surdimensionnement" for w in result.avertissements)
    # a finding of its own: never added to the savings
    assert result.totaux.economies_nettes_cad == 0


def test_declared_lifts_too_few_warns():
    inv = base()
    inv["flux"] = [stream(masse_volumique="210 kg/m³", gestion={"collecte": own_container(levees="1/mois")})]
    result = run(inv)
    assert any(w.code == "levees_insuffisantes" for w in result.avertissements)


def test_shared_container_cost_split_by_volume():
    inv = base()
    inv["conteneurs"] = [{"id": "commun", "contenant": "20 vg³", "taux_remplissage": "100 %", "levees": "1/mois",
                          "frais_levee": "200 $"}]
    inv["flux"] = [
        stream("a", quantite="10 t/an", masse_volumique="250 kg/m³", gestion={"conteneur": "commun", "tarif": "0 $/t"}),
        stream("b", matiere="carton", quantite="5 t/an", masse_volumique="50 kg/m³", mode="recyclage",
               gestion={"conteneur": "commun", "tarif": "0 $/t"}),
    ]
    inv["hypotheses"] = {"redevance.elimination": "0 $/t"}
    result = run(inv)
    k = 12 * 200  # 2 400 $ : 12 levées × 200 $
    va, vb = 10 / 0.25, 5 / 0.05  # 40 m³ et 100 m³
    assert result.flux[0].cout_collecte_cad == pytest.approx(k * va / (va + vb))  # 685,71 $
    assert result.flux[1].cout_collecte_cad == pytest.approx(k * vb / (va + vb))  # 1 714,29 $
    assert result.totaux.cout_actuel_cad == pytest.approx(k)


# -- substitution ---------------------------------------------------------------

SUBST_HYP = {
    "redevance.elimination": "36 $/t",
    "emission.bois_residus.enfouissement": "0,1 t CO2e/t",
    "emission.bois_residus.recyclage": "-0,5 t CO2e/t",
    "transport.emission_vehicule": "1 kg CO2e/km",
    "entreposage.loyer": "100 $/m²/an",
    "enfouissement.masse_volumique_en_place": "800 kg/m³",
}


def granules(**extra):
    sc = {"type": "substitution", "nom": "Granules", "prix": "25 $/t", "filiere": "recyclage", "distance": "38 km",
          "transport": "325 $/voyage", "charge_voyage": "12 t", "preparation": "4 $/t", "investissement": "15000 $",
          "penalite": "0 $", "entreposage_apres": "10 m²"}
    sc.update(extra)
    return sc


def sawdust(**scenario):
    inv = base()
    inv["hypotheses"] = dict(SUBST_HYP)
    inv["flux"] = [stream("sciure", quantite="18 t/mois", masse_volumique="210 kg/m³",
                          gestion={"tarif": "98 $/t", "entreposage": "30 m²",
                                   "collecte": {"contenant": "40 vg³", "taux_remplissage": "80 %", "levees": "1/semaine",
                                                "frais_levee": "310 $", "location": "120 $/mois"}},
                          scenarios=[granules(**scenario)])]
    return run(inv)


def test_substitution_every_figure():
    result = sawdust()
    sc = result.flux[0].scenarios[0]
    m = 18 * 12  # 216 t détournées
    k_before = WEEKS * 310 + 120 * 12  # 17 615,36 $ : le conteneur est vidé, la location cesse
    assert sc.cout_evite_cad == pytest.approx(m * (98 + 36) + k_before)  # 46 559,36 $
    assert sc.revenus_cad == pytest.approx(m * 25)  # 5 400 $
    trips = math.ceil(216 / 12)  # 18 voyages
    assert sc.couts_cad == pytest.approx(trips * 325 + m * 4)  # 5 850 + 864 = 6 714 $
    gain = m * 134 + k_before + m * 25 - (trips * 325 + m * 4)
    assert sc.gain_net_cad == pytest.approx(gain)  # 45 245,36 $
    assert sc.retour_annees == pytest.approx(15000 / gain)
    assert sc.elimination_evitee_t == m
    assert sc.enfouissement_evite_t == m
    assert sc.enfouissement_evite_m3 == pytest.approx(m / 0.8)  # 270 m³
    assert sc.redevance_evitee_cad == pytest.approx(m * 36)  # 7 776 $
    assert sc.ges_evites_tco2e == pytest.approx(m * (0.1 - -0.5) - trips * 2 * 38 * 0.001)  # 128,23 t
    assert sc.surface_recuperee_m2 == pytest.approx(30 - 10)
    assert sc.valeur_surface_cad == pytest.approx(20 * 100)
    t = result.totaux
    assert sc.retenu
    assert t.economies_nettes_cad == pytest.approx(gain)
    assert t.cout_projete_cad == pytest.approx(t.cout_actuel_cad - gain)
    assert t.cout_actuel_cad == pytest.approx(m * 134 + k_before)
    # storage value is shown beside the savings, never added to them
    assert t.valeur_surface_cad == pytest.approx(2000)


def test_substitution_payback_includes_exit_penalty():
    sc = sawdust(penalite="5000 $").flux[0].scenarios[0]
    assert sc.retour_annees == pytest.approx((15000 + 5000) / sc.gain_net_cad)


def test_substitution_new_container_and_fixed_costs():
    sc0 = sawdust().flux[0].scenarios[0]
    sc = sawdust(collecte={"contenant": "30 vg³", "frais_levee": "250 $", "taux_remplissage": "100 %", "levees": "1/mois"},
                 frais_fixes="1200 $/an").flux[0].scenarios[0]
    assert sc.couts_cad - sc0.couts_cad == pytest.approx(12 * 250 + 1200)


def flat(quantite="100 t/an", mode="recyclage", **scenario):
    inv = base()
    sc = {"type": "substitution", "prix": "0 $/t", "charge_voyage": "10 t", "distance": "50 km"}
    sc.update(scenario)
    inv["flux"] = [stream(quantite=quantite, mode=mode, gestion={"tarif": "0 $/t", "entreposage": "0 m²"},
                          scenarios=[sc])]
    return run(inv).flux[0].scenarios[0]


@pytest.mark.parametrize("transport,expected", [
    ("200 $/voyage", 200 * 10),          # 10 voyages
    ("3 $/km", 3 * 10 * 2 * 50),         # aller et retour : 3 000 $
    ("15 $/t", 15 * 100),                # 1 500 $
    ("0,1 $/t/km", 0.1 * 100 * 50),      # 500 $
])
def test_transport_by_dimension(transport, expected):
    sc = flat(transport=transport)
    assert sc.couts_cad == pytest.approx(expected)
    assert sc.gain_net_cad == pytest.approx(-expected)


def test_default_payload_per_trip_from_library():
    sc = flat(transport="100 $/voyage", charge_voyage=None)
    load = lib_value("transport.charge_utile")
    assert sc.couts_cad == pytest.approx(100 * math.ceil(100 / load))


def partial(part, **extra):
    inv = base()
    sc = {"type": "substitution", "prix": "10 $/t", "part": part}
    sc.update(extra)
    inv["flux"] = [stream(quantite="100 t/an", masse_volumique="100 kg/m³", mode="recyclage",
                          gestion={"tarif": "50 $/t", "entreposage": "0 m²",
                                   "collecte": {"contenant": "40 vg³", "taux_remplissage": "100 %", "levees": "52/an",
                                                "frais_levee": "100 $"}},
                          scenarios=[sc])]
    return run(inv)


def test_partial_share_lifts_fall_by_change_in_need():
    result = partial("50 %")
    sc = result.flux[0].scenarios[0]
    cap = 40 * VG3  # 30,58 m³
    need_before = math.ceil(1000 / cap)  # 33
    need_after = math.ceil(500 / cap)  # 17
    lifts_after = 52 - (need_before - need_after)  # 36
    assert sc.detail["levees_apres"] == lifts_after
    assert sc.cout_evite_cad == pytest.approx(50 * 50 + (52 - lifts_after) * 100)  # 4 100 $
    assert sc.gain_net_cad == pytest.approx(4100 + 50 * 10)
    c = result.conteneurs[0]
    assert c.levees_apres == lifts_after


def test_declared_lifts_after_win():
    sc = partial("50 %", levees_apres="20/an").flux[0].scenarios[0]
    assert sc.cout_evite_cad == pytest.approx(50 * 50 + (52 - 20) * 100)


def test_zero_share_changes_nothing():
    result = partial("0 %", transport="5 $/t")
    sc = result.flux[0].scenarios[0]
    assert sc.gain_net_cad == 0
    assert sc.masse_detournee_t == 0
    assert result.totaux.economies_nettes_cad == 0
    assert result.totaux.taux_recyclage_apres == result.totaux.taux_recyclage_avant


def test_missing_emission_factor_flags_partial_never_zero():
    inv = base()
    inv["flux"] = [stream(matiere="lactoserum", gestion={"entreposage": "0 m²"},
                          scenarios=[{"type": "substitution", "prix": "5 $/t", "filiere": "alimentation_animale"}])]
    result = run(inv)
    sc = result.flux[0].scenarios[0]
    assert sc.ges_evites_tco2e is None
    assert result.totaux.ges_partiel is True
    # [R2] règle 5 : aucun scénario retenu n'a de facteur : total nul (« n.d. »), jamais 0
    assert result.totaux.ges_evites_tco2e is None
    assert result.totaux.ges_tonnes_exclues_t == pytest.approx(144)
    assert any(w.code == "ges_partiel" for w in result.avertissements)


def test_filiere_defaults_to_the_material_route():
    inv = base()
    inv["flux"] = [stream(matiere="carton", gestion={"entreposage": "0 m²"},
                          scenarios=[{"type": "substitution", "prix": "5 $/t"}])]
    sc = run(inv).flux[0].scenarios[0]
    assert sc.filiere == "recyclage"
    ef = lib_value("emission.carton.enfouissement") - lib_value("emission.carton.recyclage")
    assert sc.ges_evites_tco2e == pytest.approx(144 * ef)  # per metric tonne (WARM per short ton / 0,907)


# -- mutualisation -----------------------------------------------------------------


def pooled(scenario, collecte=None, quantite="520 m³/an"):
    inv = base()
    col = {"contenant": "20 vg³", "taux_remplissage": "100 %", "levees": "52/an", "frais_levee": "200 $",
           "location": "100 $/mois"}
    col.update(collecte or {})
    inv["flux"] = [stream(quantite=quantite, masse_volumique="100 kg/m³", mode="recyclage",
                          gestion={"tarif": "100 $/t", "collecte": col}, scenarios=[scenario])]
    return run(inv)


def test_shared_container_proportional():
    result = pooled({"type": "mutualisation", "contenant": "40 vg³", "taux_remplissage": "100 %", "frais_levee": "250 $",
                     "location": "150 $/mois", "frais_gestion": "600 $/an",
                     "partenaires": [{"nom": "P1", "quantite": "260 m³/an", "cout_actuel": "6000 $/an"},
                                     {"nom": "P2", "quantite": "130 m³/an", "levees": "26/an"}]})
    sc = result.flux[0].scenarios[0]
    c_plant = 52 * 200 + 100 * 12  # 11 600 $
    c_p2 = 26 * 200  # estimé au tarif de levée de l'usine : 5 200 $
    lifts = math.ceil(910 / (40 * VG3))  # 30
    pooled_cost = lifts * 250 + 150 * 12 + 600  # 9 900 $
    assert sc.cout_groupe_cad == pytest.approx(pooled_cost)
    assert sc.economie_groupe_cad == pytest.approx(c_plant + 6000 + c_p2 - pooled_cost)  # 12 900 $
    shares = [m.part_cad for m in sc.membres]
    assert shares == pytest.approx([pooled_cost * 520 / 910, pooled_cost * 260 / 910, pooled_cost * 130 / 910])
    assert sum(shares) == pytest.approx(pooled_cost)
    assert sc.gain_net_cad == pytest.approx(c_plant - pooled_cost * 520 / 910)  # 5 942,86 $
    assert sc.membres[2].cout_estime and not sc.membres[1].cout_estime
    assert sc.stable is True
    assert any(w.code == "cout_partenaire_estime" for w in result.avertissements)


def test_group_contract_shapley_and_core():
    result = pooled({"type": "mutualisation", "forme": "contrat_groupe", "frais_levee": "150 $", "frais_gestion": "900 $/an",
                     "repartition": "shapley",
                     "partenaires": [{"nom": "P1", "quantite": "260 m³/an", "levees": "26/an", "cout_actuel": "5000 $/an"},
                                     {"nom": "P2", "quantite": "520 m³/an", "levees": "52/an"}]},
                    collecte={"surcharge": "10 %"})
    sc = result.flux[0].scenarios[0]
    c = {(0,): 52 * 200 * 1.1, (1,): 5000, (2,): 52 * 200 * 1.1}  # 11 440 / 5 000 / 11 440
    fee = 150 * 1.1  # 165 $ par levée groupée
    c[(0, 1)] = (52 + 26) * fee + 900  # 13 770
    c[(0, 2)] = (52 + 52) * fee + 900  # 18 060
    c[(1, 2)] = (26 + 52) * fee + 900  # 13 770
    c[(0, 1, 2)] = 130 * fee + 900  # 22 350
    phi0 = c[(0,)] / 3 + (c[(0, 1)] - c[(1,)]) / 6 + (c[(0, 2)] - c[(2,)]) / 6 + (c[(0, 1, 2)] - c[(1, 2)]) / 3
    phi1 = c[(1,)] / 3 + (c[(0, 1)] - c[(0,)]) / 6 + (c[(1, 2)] - c[(2,)]) / 6 + (c[(0, 1, 2)] - c[(0, 2)]) / 3
    phi2 = c[(2,)] / 3 + (c[(0, 2)] - c[(0,)]) / 6 + (c[(1, 2)] - c[(1,)]) / 6 + (c[(0, 1, 2)] - c[(0, 1)]) / 3
    assert [m.part_cad for m in sc.membres] == pytest.approx([phi0, phi1, phi2])  # 9 238,33 / 3 873,33 / 9 238,33
    assert sc.cout_groupe_cad == pytest.approx(c[(0, 1, 2)])
    assert sc.gain_net_cad == pytest.approx(c[(0,)] - phi0)  # 2 201,67 $
    # the plant and P2 pay 18 476,67 $ together but would pay 18 060 $ alone: not in the core
    assert phi0 + phi2 > c[(0, 2)]
    assert sc.stable is False
    assert set(sc.coalition_bloquante) == {"Usine Test inc.", "P2"}


def test_pooled_fee_per_tonne_adds_to_gain():
    base_sc = {"type": "mutualisation", "frais_levee": "250 $", "contenant": "40 vg³",
               "partenaires": [{"nom": "P1", "quantite": "260 m³/an", "cout_actuel": "6000 $/an"}]}
    g0 = pooled(dict(base_sc)).flux[0].scenarios[0].gain_net_cad
    g1 = pooled(dict(base_sc, tarif="90 $/t")).flux[0].scenarios[0].gain_net_cad
    mass = 520 * 0.1  # 52 t
    assert g1 - g0 == pytest.approx(mass * (100 - 90))


def test_shapley_sampling_beyond_fifteen_players_is_seeded():
    from symbio_cli.method import shapley

    n = 17
    weights = [i + 1 for i in range(n)]

    def additive(mask):  # an additive game: the Shapley value is each player's own cost
        return sum(w for i, w in enumerate(weights) if mask >> i & 1)

    values = shapley(n, additive)
    assert values == pytest.approx(weights)
    assert shapley(n, additive) == values


# -- totals, retained scenarios, rates ---------------------------------------------


def test_largest_positive_gain_is_retained_unless_forced():
    inv = base()
    scs = [{"type": "substitution", "nom": "A", "prix": "1 $/t"}, {"type": "substitution", "nom": "B", "prix": "2 $/t"}]
    inv["flux"] = [stream(mode="recyclage", gestion={"tarif": "0 $/t", "entreposage": "0 m²"}, scenarios=scs)]
    s = run(inv).flux[0]
    assert s.scenario_retenu == 1 and s.scenarios[1].retenu
    scs[0]["retenu"] = True
    s = run(inv).flux[0]
    assert s.scenario_retenu == 0


def test_no_scenario_retained_without_positive_gain():
    inv = base()
    inv["flux"] = [stream(mode="recyclage", gestion={"tarif": "0 $/t", "entreposage": "0 m²"},
                          scenarios=[{"type": "substitution", "prix": "-1 $/t"}])]
    result = run(inv)
    assert result.flux[0].scenario_retenu is None
    assert result.totaux.economies_nettes_cad == 0


def test_rates_before_and_after_and_policy():
    inv = base()
    inv["hypotheses"] = dict(LEVY)
    inv["flux"] = [
        stream("a", matiere="carton", quantite="100 t/an", gestion={"entreposage": "0 m²"},
               scenarios=[{"type": "substitution", "prix": "10 $/t", "part": "60 %", "filiere": "recyclage"}]),
        stream("b", matiere="carton", quantite="50 t/an", mode="recyclage", gestion={"tarif": "0 $/t", "entreposage": "0 m²"}),
    ]
    t = run(inv).totaux
    assert t.taux_recyclage_avant == pytest.approx(50 / 150)
    assert t.taux_recyclage_apres == pytest.approx((50 + 60) / 150)
    assert t.taux_elimination_avant == pytest.approx(100 / 150)
    assert t.taux_elimination_apres == pytest.approx(40 / 150)
    assert t.taux_mise_en_valeur_apres == pytest.approx(1 - 40 / 150)
    assert t.elimination_evitee_t == pytest.approx(60)
    result = run(inv)
    (row,) = [p for p in result.politique if p.famille == "pcpvm"]
    assert row.taux_recyclage_apres == pytest.approx(110 / 150)
    assert row.objectif == pytest.approx(0.75)


def test_joint_lifts_in_a_shared_container():
    inv = base()
    inv["conteneurs"] = [{"id": "commun", "contenant": "40 vg³", "taux_remplissage": "100 %", "levees": "26/an",
                          "frais_levee": "100 $"}]
    sc = {"type": "substitution", "prix": "1 $/t"}
    inv["flux"] = [
        stream("a", quantite="30 t/an", masse_volumique="100 kg/m³", mode="recyclage",
               gestion={"conteneur": "commun", "tarif": "0 $/t"}, scenarios=[dict(sc)]),
        stream("b", quantite="30 t/an", masse_volumique="100 kg/m³", mode="recyclage",
               gestion={"conteneur": "commun", "tarif": "0 $/t"}, scenarios=[dict(sc)]),
    ]
    result = run(inv)
    cap = 40 * VG3
    need_both, need_one = math.ceil(600 / cap), math.ceil(300 / cap)  # 20 et 10
    alone = (26 - (26 - (need_both - need_one))) * 100  # chacun seul : 10 levées de moins = 1 000 $
    gain_each = alone + 30 * 1
    for s in result.flux:
        assert s.scenarios[0].gain_net_cad == pytest.approx(gain_each)
    joint = 26 * 100  # ensemble : le conteneur est vidé, 2 600 $
    t = result.totaux
    assert t.ecart_levees_conjointes_cad == pytest.approx(joint - 2 * alone)  # 600 $
    assert t.economies_nettes_cad == pytest.approx(2 * gain_each + 600)
    assert result.conteneurs[0].levees_apres == 0


# -- invariants ----------------------------------------------------------------------

amount = st.integers(min_value=1, max_value=5000)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(amount, st.integers(0, 200), st.integers(-50, 200)), min_size=1, max_size=5))
def test_totals_are_sums_without_shared_containers(rows):
    inv = base()
    inv["hypotheses"] = dict(LEVY)
    inv["flux"] = [
        stream(f"f{i}", quantite=f"{q} t/an", gestion={"tarif": f"{fee} $/t", "entreposage": "0 m²"},
               scenarios=[{"type": "substitution", "prix": f"{price} $/t", "filiere": "recyclage"}])
        for i, (q, fee, price) in enumerate(rows)
    ]
    result = run(inv)
    t = result.totaux
    assert t.cout_actuel_cad == pytest.approx(sum(s.cout_actuel_cad for s in result.flux))
    retained = [s.scenarios[s.scenario_retenu].gain_net_cad for s in result.flux if s.scenario_retenu is not None]
    assert t.economies_nettes_cad == pytest.approx(sum(retained))
    assert t.masse_t == pytest.approx(sum(q for q, _, _ in rows))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(10, 2000), st.integers(0, 20000)), min_size=1, max_size=6),
       st.sampled_from(["proportionnelle", "shapley"]), st.sampled_from(["conteneur_partage", "contrat_groupe"]))
def test_allocations_add_up_to_the_pooled_cost(partners, rule, form):
    scenario = {"type": "mutualisation", "forme": form, "repartition": rule, "frais_levee": "180 $",
                "partenaires": [{"nom": f"P{i}", "quantite": f"{v} m³/an", "cout_actuel": f"{c} $/an"}
                                for i, (v, c) in enumerate(partners)]}
    sc = pooled(scenario).flux[0].scenarios[0]
    assert sum(m.part_cad for m in sc.membres) == pytest.approx(sc.cout_groupe_cad)


@settings(max_examples=30, deadline=None)
@given(st.integers(-100, 300), st.integers(1, 100))
def test_higher_price_never_lowers_gain(price, bump):
    g = [flat(prix=f"{p} $/t", transport="5 $/t").gain_net_cad for p in (price, price + bump)]
    assert g[1] >= g[0]


def test_regional_hypothesis_the_library_lacks():
    inv = base(region="capitale-nationale")
    inv["hypotheses"] = {"entreposage.loyer_exterieur.capitale-nationale": "25 $/m²/an"}
    inv["flux"] = [stream(gestion={"entreposage": {"surface": "10 m²", "type": "exterieur"}},
                          scenarios=[{"type": "substitution", "prix": "0 $/t", "entreposage_apres": "4 m²"}])]
    sc = run(inv).flux[0].scenarios[0]
    assert sc.valeur_surface_cad == pytest.approx((10 - 4) * 25)


def test_emptied_container_has_no_lifts_even_with_declared_lifts_after():
    inv = base()
    inv["conteneurs"] = [{"id": "p", "contenant": "20 vg³", "levees": "1/semaine", "frais_levee": "200 $",
                          "location": "100 $/mois"}]
    inv["flux"] = [
        stream("a", quantite="1 t/mois", mode="recyclage", gestion={"conteneur": "p", "tarif": "0 $/t"},
               scenarios=[{"type": "substitution", "prix": "1 $/t", "levees_apres": "2/mois"}]),
        stream("b", quantite="1 t/mois", mode="recyclage", gestion={"conteneur": "p", "tarif": "0 $/t"},
               scenarios=[{"type": "substitution", "prix": "1 $/t"}]),
    ]
    result = run(inv)
    c = result.conteneurs[0]
    assert c.levees_apres == 0 and c.cout_apres_cad == 0  # both streams leave: the container goes
    joint = WEEKS * 200 + 100 * 12  # everything the container cost: 11 435,71 $
    separate = sum(s.scenarios[0].detail["conteneur_avant_cad"] - s.scenarios[0].detail["conteneur_apres_cad"]
                   for s in result.flux)
    assert result.totaux.ecart_levees_conjointes_cad == pytest.approx(joint - separate)


def test_pooling_costs_are_the_plant_share():
    sc = pooled({"type": "mutualisation", "frais_levee": "250 $", "contenant": "40 vg³", "tarif": "90 $/t",
                 "partenaires": [{"nom": "P1", "quantite": "260 m³/an", "cout_actuel": "6000 $/an"}]}).flux[0].scenarios[0]
    assert sc.couts_cad == pytest.approx(sc.membres[0].part_cad)
    assert sc.cout_evite_cad == pytest.approx(sc.membres[0].cout_seul_cad + 52 * (100 - 90))
    assert sc.gain_net_cad == pytest.approx(sc.cout_evite_cad - sc.couts_cad)


def test_emission_factors_from_two_layers_warn():
    inv = base()
    inv["hypotheses"] = {"emission.carton.recyclage": "-3 t CO2e/t"}
    inv["flux"] = [stream(matiere="carton", gestion={"entreposage": "0 m²"},
                          scenarios=[{"type": "substitution", "prix": "5 $/t", "filiere": "recyclage"}])]
    result = run(inv)
    assert any(w.code == "ges_couches" for w in result.avertissements)
    ef = lib_value("emission.carton.enfouissement") - -3
    assert result.flux[0].scenarios[0].ges_evites_tco2e == pytest.approx(144 * ef)


def test_unused_hypothesis_is_reported():
    inv = base(region="montreal")
    inv["hypotheses"] = {"tarif.enfouissement.quebec": "10 $/t"}  # the Montréal value wins
    s0 = stream(gestion={"entreposage": "0 m²"})
    del s0["gestion"]["tarif"]
    inv["flux"] = [s0]
    result = run(inv)
    assert any(w.code == "hypothese_inutilisee" for w in result.avertissements)
