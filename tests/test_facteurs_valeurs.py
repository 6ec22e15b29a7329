"""Default factor values a Québec professional would sign (issue 12), with the arithmetic visible."""

from __future__ import annotations

import statistics

import pytest

from methode_outils import base, lib_value, run, stream
from symbio_cli import factors

LB_PER_YD3 = 0.45359237e-3 / 0.9144 ** 3  # t/m³ for 1 lb/vg³ = 0,000593276 t/m³


def test_provincial_landfill_fee_is_the_median_of_the_regions():
    # one value per region, most recent; montreal and laval share the Laval contract: counted once
    regional = {"montreal/laval": 39.24, "saguenay-lac-saint-jean": 68.57, "capitale-nationale": 87,
                "mauricie": 91.50, "bas-saint-laurent": 96, "cote-nord": 126.39, "estrie": 133}
    # sorted: 39,24 ; 68,57 ; 87 ; [91,50] ; 96 ; 126,39 ; 133 → the 4th of 7
    assert statistics.median(regional.values()) == 91.50
    lib = factors.load()
    for region, fee in regional.items():
        assert lib.get(f"tarif.enfouissement.{region.split('/')[0]}").value == pytest.approx(fee)
    quebec = lib.get("tarif.enfouissement.quebec")
    assert quebec.value == pytest.approx(91.50) and quebec.proxy
    assert (quebec.low, quebec.high) == (39.24, 133)
    for region in regional:  # the note lists the regions and values it came from
        assert region in quebec.note


def test_provincial_recycling_fee_is_the_median_of_the_regions():
    # capitale-nationale 35 ; bas-saint-laurent 97 ; cote-nord 117,37 → median 97
    assert statistics.median([35, 97, 117.37]) == 97
    assert lib_value("tarif.recyclage.quebec") == pytest.approx(97)


def test_centre_du_quebec_plant_never_gets_the_cote_nord_fee():
    inv = base(region="centre-du-quebec")
    s0 = stream(gestion={"entreposage": "0 m²"})
    del s0["gestion"]["tarif"]
    inv["flux"] = [s0]
    result = run(inv)
    assert result.flux[0].tarif_cad_t == pytest.approx(91.50)  # the provincial median, not Manicouagan's 126,39
    assert result.flux[0].tarif_cad_t != pytest.approx(126.39)


def test_loose_concrete_is_above_one_tonne_per_cubic_metre():
    # CalRecycle: asphalt or concrete debris, loose, 2 400 lb/vg³ × 0,000593276 = 1,424 t/m³
    assert lib_value("masse_volumique.beton_agregats") == pytest.approx(2400 * LB_PER_YD3)
    assert lib_value("masse_volumique.beton_agregats") > 1.0


def test_mixed_waste_and_cd_wood_densities():
    assert lib_value("masse_volumique.dechets_melanges") == pytest.approx(350 * LB_PER_YD3)  # 207,6 kg/m³
    assert lib_value("masse_volumique.bois_construction") == pytest.approx(300 * LB_PER_YD3)  # 178,0 kg/m³
    # in place: food 1 302 kg/m³ (not the 890 of mixed waste), C&D wood 800 lb/vg³ = 474,6 kg/m³
    assert lib_value("enfouissement.masse_volumique_en_place.organique_alimentaire") == pytest.approx(1.302)
    assert lib_value("enfouissement.masse_volumique_en_place.bois_construction") == pytest.approx(800 * LB_PER_YD3)


def test_by_products_have_their_own_materials_and_never_borrow_factors():
    lib = factors.load()
    for key in ("gypse_synthetique", "cendres_volantes", "laitier", "plastique_pehd", "plastique_pp"):
        assert key in lib.materials
    assert "ajouts_cimentaires" in lib.materials["cendres_volantes"].substitutes
    assert "granulats" in lib.materials["laitier"].substitutes
    assert "gypse" in lib.materials["gypse_synthetique"].substitutes
    # power-station gypsum does not take drywall's factors: none at all
    for mode in factors.MODES:
        assert lib.get(f"emission.gypse_synthetique.{mode}").value is None
        assert lib.get(f"emission.laitier.{mode}").value is None
    # fly ash to a cement plant is recycling (cement replaced), never land spreading
    m = lib.materials["cendres_volantes"]
    assert factors.route_for(lib, m, "ajouts_cimentaires") == "recyclage"
    assert factors.route_for(lib, m, "cendres_volantes") == "recyclage"
    assert lib.get("emission.cendres_volantes.recyclage").raw == -0.87  # WARM « Fly Ash », its own category


def test_wood_used_as_fuel_is_energy_recovery_in_the_one_mapping():
    lib = factors.load()
    wood = lib.materials["bois_residus"]
    assert factors.route_for(lib, wood, "biomasse_combustible") == "valorisation_energetique"
    assert factors.route_for(lib, wood, "litiere") == "recyclage"
    assert factors.route_for(lib, wood, "biomasse_combustible", filiere="recyclage") == "recyclage"


def _boiler(fuel: str | None) -> dict:
    inv = base()
    sc = {"type": "substitution", "prix": "5 $/t", "filiere": "valorisation_energetique"}
    if fuel:
        sc["combustible_remplace"] = fuel
    inv["flux"] = [stream(matiere="bois_palettes", quantite="100 t/an", gestion={"entreposage": "0 m²"},
                          scenarios=[sc])]
    return run(inv)


def test_energy_recovery_replaces_natural_gas():
    result = _boiler("gaz_naturel")
    tc = 0.90718474
    landfill = -0.92 / tc  # WARM lumber, t CO2e/t
    burnt = 0.05 / tc  # combustion without the US-grid credit
    credit = 15.76 * 52.11 / 1000  # GJ/t × kg CO2e/GJ = 0,8213 t CO2e/t of gas replaced
    assert lib_value("pouvoir_calorifique.bois_palettes") == pytest.approx(15.76)
    assert result.flux[0].scenarios[0].ges_evites_tco2e == pytest.approx(100 * (landfill - (burnt - credit)))


def test_energy_recovery_without_replaced_fuel():
    result = _boiler("aucun")
    tc = 0.90718474
    assert result.flux[0].scenarios[0].ges_evites_tco2e == pytest.approx(100 * (-0.92 / tc - 0.05 / tc))


@pytest.mark.parametrize("fuel", [None, "propane"])
def test_energy_recovery_stays_null_when_a_piece_is_missing(fuel):
    result = _boiler(fuel)  # no fuel named, or propane (factor not sourced): never a number of the wrong sign
    assert result.flux[0].scenarios[0].ges_evites_tco2e is None
    assert result.totaux.ges_partiel is True


def test_reuse_has_a_warm_source_reduction_factor_in_the_same_layer():
    lib = factors.load()
    reuse, landfill = lib.get("emission.carton.reemploi"), lib.get("emission.carton.enfouissement")
    assert reuse.raw == -5.575 and reuse.proxy
    assert reuse.layer == landfill.layer


def test_spent_grain_to_feed_has_a_bound_and_whey_states_its_gap():
    lib = factors.load()
    assert lib.get("emission.dreches.alimentation_animale").raw == -0.15
    whey = lib.get("emission.lactoserum.alimentation_animale")
    assert whey.value is None and "Lacune" in whey.note


def test_default_container_footprint_is_valued_as_outdoor_space():
    inv = base()
    inv["hypotheses"] = {"entreposage.loyer_exterieur": "20 $/m²/an", "entreposage.loyer": "160 $/m²/an"}
    s0 = stream(quantite="10 t/mois", gestion={"collecte": {"contenant": "40 vg³", "frais_levee": "300 $"}},
                scenarios=[{"type": "substitution", "prix": "5 $/t"}])
    s0["gestion"].pop("entreposage", None)
    inv["flux"] = [s0]
    result = run(inv)
    f = result.flux[0]
    assert f.type_entreposage == "exterieur"
    sc = f.scenarios[0]
    assert sc.valeur_surface_cad == pytest.approx(sc.surface_recuperee_m2 * 20)  # not indoor rent
