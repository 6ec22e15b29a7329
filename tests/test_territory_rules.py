"""The territory rules of METHODE.md [R2] ("Territory"), one test each, with the arithmetic in view.

- the route at the taker follows the input category;
- transport is charged to the supplier;
- a substitution `en_place` is counted apart and its tonnes are no longer offered;
- only a container that holds that one stream can join a pool;
- the proportional split of a `contrat_groupe` is by each member's current lift cost;
- a match that moves a stream down the hierarchy is not proposed unless --descendre.
"""

from __future__ import annotations

import math

import pytest
from test_territory import PINNED, WEEKS, analyse, bin_, firm, great_circle, need, overlay_dir, residue

from conftest import run
from symbio_cli.factors import steps_down

A = (47.000, -71.000)
B = (47.100, -71.050)
EF = {  # t CO2e per t, pinned so that every route of these tests has a factor
    "emission.bois_residus.enfouissement": "0,5 t CO2e/t",
    "emission.bois_residus.valorisation_energetique": "-0,2 t CO2e/t",
    "emission.bois_residus.recyclage": "-0,4 t CO2e/t",
    "emission.cendres.enfouissement": "0,1 t CO2e/t",
    "emission.cendres.epandage": "-0,05 t CO2e/t",
}


def d_road(p, q):
    return great_circle(*p, *q) * 1.2  # transport.facteur_route pinned at 1,2


# ---------------------------------------------------------------------------
# The route at the taker follows the input category


@pytest.mark.parametrize("category,route,ef_after", [
    ("biomasse_combustible", "valorisation_energetique", -0.2),  # a boiler: energy recovery
    ("litiere", "recyclage", -0.4),  # no route of its own: the material's filiere_defaut (recyclage)
    ("bois_residus", "recyclage", -0.4),  # the material itself (direct reuse): its filiere_defaut
])
def test_route_at_the_taker_follows_the_input_category(tmp_path, category, route, ef_after):
    docs = [
        firm("Scierie", *A, flux=[residue("sciure", "bois_residus", "100 t/an", tarif="80 $/t")],
             hypotheses={**PINNED, **EF}),
        firm("Preneur", *B, intrants=[need(category, "100 t/an", "20 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    (m,) = res.appariements
    assert m.filiere == route
    d = d_road(A, B)
    trips = math.ceil(100 / 10)  # transport.charge_utile pinned at 10 t
    # 100 t × (0,5 − EF(route)) − 10 trips × 2 × d km × 0,001 t CO2e/km
    assert m.ges_evites_tco2e == pytest.approx(100 * (0.5 - ef_after) - trips * 2 * d * 0.001)


def test_ashes_as_soil_amendment_are_land_application(tmp_path):
    docs = [
        firm("Chaufferie", *A, flux=[residue("cendres", "cendres", "30 t/an", tarif="60 $/t")],
             hypotheses={**PINNED, **EF}),
        firm("Ferme", *B, intrants=[need("amendement_sol", "50 t/an", "10 $/t")]),
    ]
    (m,) = analyse(tmp_path, docs).appariements
    assert m.filiere == "epandage"
    d = d_road(A, B)
    # 30 t × (0,1 − (−0,05)) − 3 trips × 2 × d × 0,001
    assert m.ges_evites_tco2e == pytest.approx(30 * (0.1 + 0.05) - 3 * 2 * d * 0.001)


# ---------------------------------------------------------------------------
# Transport is charged to the supplier


def test_transport_is_charged_to_the_supplier(tmp_path):
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "200 t/an", tarif="90 $/t")]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "150 t/an", "40 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    rows = {r.entreprise: r for r in res.entreprises}
    d = d_road(A, B)
    q = min(200, 150)
    transport = 0.16 * q * d  # transport.cout 0,16 $/t/km × t × km
    # the supplier: 150 t × (90 + 36) $/t of disposal avoided, less the transport
    assert rows["Scierie"].cout_transport_cad == pytest.approx(transport)
    assert rows["Scierie"].valeur_cad == pytest.approx(q * (90 + 36) - transport)
    # the taker: 150 t × 40 $/t of purchases avoided, no transport
    assert rows["Serres"].cout_transport_cad == 0
    assert rows["Serres"].valeur_cad == pytest.approx(q * 40)
    assert res.totaux.valeur_cad == pytest.approx(q * (90 + 36) + q * 40 - transport)


# ---------------------------------------------------------------------------
# A substitution in place is counted apart; its tonnes are no longer offered


def test_in_place_is_counted_apart_and_no_longer_offered(tmp_path):
    in_place = {"type": "substitution", "statut": "en_place", "preneur": "Granules Ailleurs inc.",
                "prix": "5 $/t", "part": "60 %"}
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "250 t/an", tarif="90 $/t",
                                          scenarios=[in_place])]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "500 t/an", "40 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    # 60 % of 250 t = 150 t already leave for a taker outside the territory: counted apart;
    # 250 − 150 = 100 t are still offered, and the greenhouses (500 t wanted) get those 100 t only
    assert res.totaux.en_place_substitutions == 1
    assert res.totaux.en_place_quantite_t == pytest.approx(0.6 * 250)
    assert not res.en_place[0].dans_territoire
    assert [m.quantite_t for m in res.appariements] == [pytest.approx(250 - 150)]
    assert res.totaux.offre_t == pytest.approx(250 - 150 + 1)  # + the 1 t/an placeholder stream of the taker
    assert res.totaux.quantite_t == pytest.approx(100)


# ---------------------------------------------------------------------------
# Only a container that holds that one stream can join a pool


def _carton(id, fee):
    return residue(id, "carton", "10 t/an", tarif="0 $/t", mode="recyclage", masse_volumique="50 kg/m³",
                   gestion={"conteneur": "bac"} if fee is None else {"collecte": bin_(frais_levee=fee)})


def _plastic(id):
    return residue(id, "plastique_film", "2 t/an", tarif="0 $/t", mode="recyclage", masse_volumique="30 kg/m³",
                   gestion={"conteneur": "bac"})


def test_only_a_container_of_one_stream_can_join_a_pool(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (0, "$/an")})
    shared_bin = [{"id": "bac", "contenant": "8 vg³", "levees": "1/semaine", "frais_levee": "50 $"}]
    docs = [
        firm("Un", 47.000, -71.000, flux=[_carton("carton", "50 $")]),
        firm("Deux", 47.010, -71.000, flux=[_carton("carton", "50 $")]),
        # cardboard and film in one bin: that bin cannot join a cardboard pool
        firm("Mixte", 47.005, -71.005, flux=[_carton("carton", None), _plastic("film")], conteneurs=shared_bin),
    ]
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0)
    (g,) = res.mutualisations
    assert sorted(m.entreprise for m in g.membres) == ["Deux", "Un"]
    # c_k = 1/semaine × 50 $ = 52,18 × 50 $; pooled (1 − 20 %) of both: savings 20 % × 2 × 52,18 × 50 $
    assert g.economie_cad == pytest.approx(0.2 * 2 * WEEKS * 50)


# ---------------------------------------------------------------------------
# contrat_groupe: the proportional split is by each member's current lift cost


def test_group_contract_split_by_current_lift_cost(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (25, "%"),
                                       "mutualisation.frais_gestion": (200, "$/an")})
    docs = [
        firm("Un", 47.000, -71.000, flux=[residue("carton", "carton", "10 t/an", tarif="0 $/t", mode="recyclage",
                                                  masse_volumique="50 kg/m³",
                                                  gestion={"collecte": bin_(frais_levee="80 $", levees="2/semaine")})]),
        firm("Deux", 47.010, -71.000, flux=[residue("carton", "carton", "10 t/an", tarif="0 $/t", mode="recyclage",
                                                    masse_volumique="50 kg/m³",
                                                    gestion={"collecte": bin_(frais_levee="40 $", levees="1/semaine")})]),
    ]
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0)
    (g,) = res.mutualisations
    c_un, c_deux = 2 * WEEKS * 80, 1 * WEEKS * 40  # lifts × own fee today
    pooled = 0.75 * (c_un + c_deux) + 200  # (1 − 25 %) of each own cost, plus coordination
    part = {m.entreprise: m.part_cad for m in g.membres}
    # by lift cost: Un pays pooled × c_un / (c_un + c_deux), not by its number of lifts (2 of 3)
    assert part["Un"] == pytest.approx(pooled * c_un / (c_un + c_deux))
    assert part["Deux"] == pytest.approx(pooled * c_deux / (c_un + c_deux))
    assert g.economie_cad == pytest.approx(c_un + c_deux - pooled)


# ---------------------------------------------------------------------------
# A match that moves a stream down the hierarchy needs --descendre


def test_hierarchy_levels():
    assert steps_down("recyclage", "valorisation_energetique")
    assert steps_down("valorisation_energetique", "enfouissement")
    assert steps_down("compostage", "incineration")
    assert not steps_down("enfouissement", "valorisation_energetique")
    assert not steps_down("recyclage", "recyclage")
    assert not steps_down("enfouissement", "incineration")  # both eliminations


def _recycled_sawdust():
    return [
        firm("Scierie", *A, flux=[residue("sciure", "bois_residus", "100 t/an", tarif="30 $/t", mode="recyclage")],
             hypotheses={**PINNED, **EF}),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "100 t/an", "45 $/t")]),
    ]


def test_a_match_down_the_hierarchy_is_not_proposed_by_default(tmp_path):
    res = analyse(tmp_path, _recycled_sawdust())
    assert res.appariements == ()
    assert [w.code for w in res.avertissements if w.code == "descente_hierarchie"] == ["descente_hierarchie"]
    w = next(w for w in res.avertissements if w.code == "descente_hierarchie")
    assert "recyclage → valorisation_energetique" in w.message and "--descendre" in w.message


def test_descendre_proposes_it_with_a_warning(tmp_path):
    res = analyse(tmp_path, _recycled_sawdust(), descendre=True)
    (m,) = res.appariements
    assert m.descend_hierarchie and (m.mode_actuel, m.filiere) == ("recyclage", "valorisation_energetique")
    d = d_road(A, B)
    # 100 t × (30 + 0) $/t (recycling: no levy) + 100 t × 45 $/t − 0,16 × 100 × d
    assert m.valeur_cad == pytest.approx(100 * 30 + 100 * 45 - 0.16 * 100 * d)
    # GHG: 100 t × (−0,4 − (−0,2)) − 10 trips × 2 × d × 0,001: an increase, shown as such
    assert m.ges_evites_tco2e == pytest.approx(100 * (-0.4 + 0.2) - 10 * 2 * d * 0.001)
    assert any(w.code == "descente_hierarchie" and "à justifier" in w.message for w in res.avertissements)


def test_descendre_on_the_command_line(tmp_path):
    import yaml

    for k, doc in enumerate(_recycled_sawdust()):
        (tmp_path / f"f{k}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    import json

    plain = json.loads(run("territoire", str(tmp_path), "-f", "json").stdout)
    down = json.loads(run("territoire", str(tmp_path), "-f", "json", "--descendre").stdout)
    assert plain["appariements"] == [] and len(down["appariements"]) == 1
    assert down["appariements"][0]["descend_hierarchie"] is True


# ---------------------------------------------------------------------------
# [R2] / issue 12: short hauls at the default transport cost are underestimated, and the report says by how much


def test_short_hauls_at_the_default_transport_cost_are_flagged_with_the_factor(tmp_path):
    from symbio_cli import factors

    lib = factors.load()
    cost = lib.factors["transport.cout"].value * 1000  # $/t/km (stored per metre)
    charge = 10  # t per trip: transport.charge_utile pinned in the hypotheses
    no_transport = {k: v for k, v in PINNED.items() if not k.startswith("transport.cout")}
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "100 t/an", tarif="90 $/t")],
             hypotheses=no_transport),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "100 t/an", "40 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    d = res.transport_defaut
    (m,) = res.appariements
    # a truck: 2,27 US$ per mile = 2,27 / 1,609344 US$ per km, each way; the default: cost × charge per km, loaded
    assert d["facteur_minimum"] == pytest.approx(2 * (2.27 / 1.609344) / (cost * charge))
    assert d["voyages"] == math.ceil(100 / 10)  # charge_utile pinned at 10 t in the hypotheses
    assert d["cout_par_voyage_cad"] == pytest.approx(cost * 100 * m.distance_km / 10)
    md = run_md(tmp_path)
    assert "courts trajets sont ainsi sous-estimés" in md
    # every cost given (the pinned 0,16 $/t/km is the inventory's own): nothing to say
    docs[0]["hypotheses"] = dict(PINNED)
    assert analyse(tmp_path, docs).transport_defaut is None


def run_md(folder):
    return run("territoire", folder).stdout
