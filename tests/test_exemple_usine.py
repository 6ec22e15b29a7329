"""exemples/usine.yaml: every total recomputed by hand, arithmetic visible.

Values from the factor library are read with lib_value() so the arithmetic
stays visible while the library may be revised; everything else is the
inventory's own numbers.
"""

from __future__ import annotations

import math

import pytest

from conftest import EXEMPLES
from methode_outils import VG3, WEEKS, lib_value
from symbio_cli import factors, inventory, loader, method


@pytest.fixture(scope="module")
def result():
    lib = factors.load()
    doc = loader.read(str(EXEMPLES / "usine.yaml"))
    model, problems = inventory.validate(doc, lib)
    assert model is not None, [p.format() for p in problems]
    return method.audit(model, lib)


LIFT_COUR = 310 * 1.12  # 347,20 $ par levée, surcharge comprise
K_40 = WEEKS * LIFT_COUR + 120 * 12  # 52,18 levées × 347,20 $ + 1 440 $ = 19 556,00 $
CAP_40 = 40 * VG3 * 0.80  # 24,47 m³ par levée


def test_sawdust(result):
    s = result.flux[0]
    assert s.masse_t == pytest.approx(18 * 12)  # 216 t
    assert s.volume_m3 == pytest.approx(216 / 0.210)  # 1 028,57 m³
    assert s.cout_actuel_cad == pytest.approx(216 * (98 + 36) + K_40)  # 28 944 + 19 556 = 48 500 $
    sc = s.scenarios[0]
    assert sc.retenu
    new_bin = math.ceil((216 / 0.210) / (30 * VG3 * 0.90)) * 250  # 50 levées × 250 $ = 12 500 $
    trips = math.ceil(216 / 12)  # 18
    gain = (216 * (98 + 36) + K_40) + 216 * 25 - (216 * 4 + trips * 325 + new_bin)
    assert sc.gain_net_cad == pytest.approx(gain)  # 48 500 + 5 400 − 19 214 = 34 686 $
    assert sc.retour_annees == pytest.approx(15000 / gain)
    # [R2] des granules sont brûlées : valorisation énergétique, jamais recyclage
    assert sc.filiere == "valorisation_energetique"
    # EF des granules brûlées = combustion (sans crédit de réseau) − pouvoir calorifique × gaz naturel remplacé
    ef_burnt = (lib_value("emission.bois_residus.valorisation_energetique")
                - lib_value("pouvoir_calorifique.bois_residus") * lib_value("combustible.gaz_naturel.emission"))
    ef = lib_value("emission.bois_residus.enfouissement") - ef_burnt
    truck = lib_value("transport.emission_vehicule") * 1000  # t CO2e par km
    lifts_new_bin = math.ceil((216 / 0.210) / (30 * VG3 * 0.90))  # [R2] règle 9 : 50 levées du nouveau bac = 50 voyages
    assert sc.ges_evites_tco2e == pytest.approx(216 * ef - lifts_new_bin * 2 * 38 * truck)
    assert sc.surface_recuperee_m2 == pytest.approx(30 - 25)


def test_shared_yard_container(result):
    melanges, palettes = result.flux[1], result.flux[2]
    v_mel = 120 / 0.180  # 666,67 m³
    v_pal = 40 * VG3 * 12  # 366,99 m³
    assert palettes.masse_t == pytest.approx(v_pal * 0.150)  # 55,05 t
    cour = [c for c in result.conteneurs if c.id == "conteneur-cour"][0]
    need = max(math.ceil((v_mel + v_pal) / CAP_40), math.ceil((120 + v_pal * 0.15) / 10))  # 43 (volume) vs 18 (masse)
    assert cour.levees_besoin == need == 43
    assert cour.cout_avant_cad == pytest.approx(K_40)
    assert melanges.cout_collecte_cad == pytest.approx(K_40 * v_mel / (v_mel + v_pal))
    assert melanges.cout_actuel_cad == pytest.approx(120 * (105 + 36) + K_40 * v_mel / (v_mel + v_pal))
    assert cour.surdimensionnement_cad == pytest.approx((WEEKS - 43) * LIFT_COUR)  # 3 186,80 $
    sc = palettes.scenarios[0]
    k_after = 3 * 12 * LIFT_COUR + 120 * 12  # levees_apres 3/mois ; la location reste : 13 939,20 $
    assert sc.gain_net_cad == pytest.approx(palettes.masse_t * 141 + (K_40 - k_after))  # 7 761,8 + 5 616,8
    # réemploi : facteur « réduction à la source » de WARM (substitut, même couche) ;
    # (−0,92 − −2,113) t CO2e/tc ÷ 0,90718 t/tc = 1,315 t CO2e/t ; 7 voyages = ⌈55,05 / 8,92⌉ × 2 × 24 km
    ef = lib_value("emission.bois_palettes.enfouissement") - lib_value("emission.bois_palettes.reemploi")
    trips = math.ceil(palettes.masse_t / lib_value("transport.charge_utile"))
    truck = lib_value("transport.emission_vehicule") * 1000  # t CO2e par km
    assert trips == 7
    assert sc.ges_evites_tco2e == pytest.approx(palettes.masse_t * ef - trips * 2 * 24 * truck)  # 72,40 − 0,34
    assert sc.valeur_surface_cad == pytest.approx((12 - 6) * 25)  # loyer extérieur de l'inventaire


def test_cardboard_pooling(result):
    carton = result.flux[3]
    v = 20 * VG3 * WEEKS  # 797,87 m³
    m = v * 0.050  # 39,89 t
    k_own = 12 * 185 + 350 * 12  # 6 420 $
    assert carton.cout_actuel_cad == pytest.approx(m * -20 + k_own)
    sc = carton.scenarios[0]
    v1, v2 = 15 * VG3 * WEEKS, 8 * VG3 * WEEKS
    cap = 30 * VG3 * 0.80 * 4  # 73,39 m³ avec compaction 4
    pooled = math.ceil((v + v1 + v2) / cap) * 185 + 350 * 12 + 500  # 24 × 185 + 4 200 + 500 = 9 140 $
    assert sc.cout_groupe_cad == pytest.approx(pooled)
    share = pooled * v / (v + v1 + v2)
    assert sc.gain_net_cad == pytest.approx(k_own - share + m * (-20 - -25))  # 2 168,8 + 199,5
    assert sc.economie_groupe_cad == pytest.approx(k_own + 7800 + 4200 - pooled)
    assert sc.stable


def test_totals(result):
    t = result.totaux
    s = result.flux
    current = sum(x.cout_actuel_cad for x in s)
    assert t.cout_actuel_cad == pytest.approx(current)
    gains = sum(x.scenarios[x.scenario_retenu].gain_net_cad for x in s if x.scenario_retenu is not None)
    assert t.economies_nettes_cad == pytest.approx(gains)  # one retained scenario on the shared container: no joint gap
    assert t.cout_projete_cad == pytest.approx(current - gains)
    assert t.revenus_substitution_cad == pytest.approx(216 * 25 + 0)
    assert t.economies_mutualisation_cad == pytest.approx(s[3].scenarios[0].gain_net_cad)
    landfill = 216 + s[2].masse_t
    assert t.enfouissement_evite_t == pytest.approx(landfill)
    assert t.redevance_evitee_cad == pytest.approx(landfill * 36)
    rho_sawdust = lib_value("enfouissement.masse_volumique_en_place")  # pas de valeur propre : 890 kg/m³
    rho_pallets = lib_value("enfouissement.masse_volumique_en_place.bois_palettes")  # 800 lb/vg³ = 474,6 kg/m³
    assert t.enfouissement_evite_m3 == pytest.approx(216 / rho_sawdust + s[2].masse_t / rho_pallets)  # 242,7 + 116,0
    assert t.ges_partiel is False  # the pallets' reuse now has a factor
    total = sum(x.masse_t for x in s)
    eliminated_before = 216 + 120 + s[2].masse_t
    assert t.taux_elimination_avant == pytest.approx(eliminated_before / total)
    assert t.taux_elimination_apres == pytest.approx(120 / total)
    assert t.taux_recyclage_apres == pytest.approx((s[2].masse_t + s[3].masse_t) / total)  # la sciure est valorisée
    assert t.taux_mise_en_valeur_apres == pytest.approx(1 - 120 / total)
    assert t.part_masse_pesee == pytest.approx(216 / total)
