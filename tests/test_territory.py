"""`symbio territoire` as a library: matches, pooling, totals, anonymisation.

Inventories are written in tmp_path; `hypotheses:` pin the factors each test
relies on, and `--facteurs`-like overlay folders pin the territory-wide ones
(mutualisation.*), so that every expected figure is computed here by hand.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random

import pytest
import yaml

from symbio_cli import factors, method, territory
from symbio_cli.territory import Options, matching

R = 6371.0088  # km, the mean Earth radius of METHODE.md
WEEKS = 365.25 / 7


def great_circle(lat1, lon1, lat2, lon2):
    """Haversine, written out again so the test does not trust the code under test."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


PINNED = {  # every factor a match uses, pinned
    "redevance.elimination": "36 $/t",
    "transport.facteur_route": 1.2,
    "transport.cout": "0,16 $/t/km",
    "transport.charge_utile": "10 t",
    "transport.emission_vehicule": "1 kg CO2e/km",
}


def firm(nom, lat, lon, flux=(), intrants=(), scian=None, **extra):
    ent = {"nom": nom, "region": "quebec", "coordonnees": {"lat": lat, "lon": lon}}
    if lat is None:
        ent.pop("coordonnees")
    if scian:
        ent["scian"] = scian
    doc = {"version": 1, "entreprise": ent, "annee": 2026, "hypotheses": dict(PINNED), "flux": list(flux)}
    if intrants:
        doc["intrants"] = list(intrants)
    doc.update(extra)
    if not doc["flux"]:  # an inventory has at least one stream
        doc["flux"] = [residue("rien", "dechets_melanges", "1 t/an", tarif="0 $/t", mode="recyclage")]
    return doc


def residue(id, matiere, quantite, tarif="98 $/t", mode="enfouissement", **extra):
    out = {"id": id, "nom": f"Flux {id}", "matiere": matiere, "quantite": quantite,
           "gestion": {"mode": mode, "tarif": tarif}}
    out["gestion"].update(extra.pop("gestion", {}))
    out.update(extra)
    return out


def need(matiere, quantite, prix, nom=None):
    return {"nom": nom or f"Achat de {matiere}", "matiere": matiere, "quantite": quantite, "prix": prix}


def bin_(contenant="8 vg³", levees="1/semaine", frais_levee="50 $", **extra):
    return {"contenant": contenant, "levees": levees, "frais_levee": frais_levee, **extra}


def load_firms(tmp_path, docs, lib):
    """The firms of these inventories, each written to a file and loaded as `territoire` does."""
    firms = []
    for k, doc in enumerate(docs):
        path = tmp_path / f"firme{k}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        data, problems = territory.load_firm(str(path), lib)
        assert data is not None, [p.format() for p in problems]
        firms.append(data)
    return firms


def analyse(tmp_path, docs, overlay=None, **options):
    lib = factors.load(str(overlay) if overlay else None)
    assert not lib.problems, [p.format() for p in lib.problems]
    return territory.analyse(load_firms(tmp_path, docs, lib), lib, Options(**options))


def overlay_dir(tmp_path, **values):
    """A --facteurs folder with mutualisation.* values."""
    folder = tmp_path / "facteurs"
    folder.mkdir(exist_ok=True)
    lines = ["# Facteurs du test."]
    for key, (value, unit) in values.items():
        lines += [f"{key}:", f"  valeur: {value}", f"  unite: '{unit}'", "  source: test", "  annee: 2026"]
    (folder / "test.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def by_pair(result):
    return {(m.fournisseur, m.flux, m.preneur, m.intrant): m for m in result.appariements}


# ---------------------------------------------------------------------------
# Distances


def test_haversine_against_hand_formula_and_a_known_distance():
    # Montréal (45.5017, -73.5673) to Québec (46.8139, -71.2080): about 233 km as the crow flies
    d = territory.haversine_km(45.5017, -73.5673, 46.8139, -71.2080)
    assert d == pytest.approx(great_circle(45.5017, -73.5673, 46.8139, -71.2080), rel=1e-12)
    assert 230 < d < 236
    assert territory.haversine_km(47, -71, 47, -71) == 0


def test_grid_lower_bound_never_exceeds_the_true_distance():
    rng = random.Random(3)
    step = math.radians(0.25)
    for _ in range(2000):
        lat, lon = rng.uniform(44, 52), rng.uniform(-80, -60)
        i, j = rng.randint(176, 208), rng.randint(-320, -240)
        box = (i * step, (i + 1) * step, j * step, (j + 1) * step, min(math.cos(i * step), math.cos((i + 1) * step)))
        p, l = math.radians(lat), math.radians(lon)
        bound = territory.geo.gc_lower_bound(p, l, math.cos(p), box)
        # sample the box: no point of it is nearer than the bound
        for _ in range(5):
            q = math.degrees(rng.uniform(box[0], box[1]))
            m = math.degrees(rng.uniform(box[2], box[3]))
            assert bound <= great_circle(lat, lon, q, m) + 1e-9


# ---------------------------------------------------------------------------
# Substitution matches


A = (47.000, -71.000)
B = (47.100, -71.050)


def test_one_match_with_hand_computed_figures(tmp_path):
    docs = [
        firm("Scierie A", *A, flux=[residue("ecorces", "bois_residus", "400 t/an", tarif="98 $/t")]),
        firm("Serres B", *B, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t", "Copeaux")]),
    ]
    res = analyse(tmp_path, docs)
    assert len(res.appariements) == 1
    m = res.appariements[0]
    d = great_circle(*A, *B) * 1.2  # road factor pinned at 1,2
    q = min(400, 250)
    assert (m.fournisseur, m.flux, m.preneur, m.intrant, m.matiere) == ("Scierie A", "ecorces", "Serres B", "Copeaux", "bois_residus")
    assert m.quantite_t == pytest.approx(q)
    assert m.distance_km == pytest.approx(d)
    assert m.valeur_fournisseur_cad == pytest.approx(250 * (98 + 36))  # fee + levy the supplier no longer pays
    assert m.valeur_preneur_cad == pytest.approx(250 * 45)  # purchases avoided
    assert m.cout_transport_cad == pytest.approx(0.16 * 250 * d)  # $/t/km × t × km
    assert m.valeur_cad == pytest.approx(250 * (98 + 36) + 250 * 45 - 0.16 * 250 * d)
    assert m.valeur_par_tonne_cad == pytest.approx(98 + 36 + 45 - 0.16 * d)
    assert m.voyages == math.ceil(250 / 10)
    assert m.enfouissement_evite_t == pytest.approx(250)
    assert m.redevance_evitee_cad == pytest.approx(250 * 36)
    # fuel biomass → energy recovery, which has no emission factor (no US-grid credit): partial, never 0
    assert m.filiere == "valorisation_energetique"
    assert m.ges_evites_tco2e is None
    assert res.totaux.ges_partiel is True
    assert res.totaux.valeur_cad == pytest.approx(m.valeur_cad)
    assert any(w.code == "ges_partiel" for w in res.avertissements)


def test_ghg_of_a_match_and_its_attribution(tmp_path):
    hyp = {"emission.carton.enfouissement": "0,2 t CO2e/t", "emission.carton.recyclage": "-3 t CO2e/t"}
    docs = [
        firm("Imprimerie", *A, flux=[residue("carton", "carton", "30 t/an", tarif="110 $/t")],
             hypotheses={**PINNED, **hyp}),
        firm("Emballeur", *B, intrants=[need("carton", "40 t/an", "300 $/t", "Carton recyclé")]),
    ]
    res = analyse(tmp_path, docs, attribution_ges=0.7)
    m = res.appariements[0]
    d = great_circle(*A, *B) * 1.2
    trips = math.ceil(30 / 10)
    # 30 t × (0,2 − (−3)) − 3 voyages × 2 × d km × 0,001 t/km
    expected = 30 * (0.2 - (-3)) - trips * 2 * d * 0.001
    assert m.filiere == "recyclage"  # the material itself: its default route
    assert m.ges_evites_tco2e == pytest.approx(expected)
    assert m.ges_fournisseur_tco2e == pytest.approx(0.7 * expected)
    assert m.ges_preneur_tco2e == pytest.approx(0.3 * expected)
    assert res.totaux.ges_partiel is False
    firms = {f.entreprise: f for f in res.entreprises}
    assert firms["Imprimerie"].ges_tco2e + firms["Emballeur"].ges_tco2e == pytest.approx(expected)  # never twice


def test_one_supply_feeds_two_demands_without_exceeding_either(tmp_path):
    near, far = (47.01, -71.0), (47.05, -71.0)
    docs = [
        firm("Scierie", *A, flux=[residue("sciure", "bois_residus", "400 t/an")]),
        firm("Proche", *near, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t")]),
        firm("Loin", *far, intrants=[need("biomasse_combustible", "300 t/an", "45 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    got = {m.preneur: m.quantite_t for m in res.appariements}
    # the nearer demand first (higher net value per tonne), then what is left: 400 − 250 = 150
    assert got == {"Proche": pytest.approx(250), "Loin": pytest.approx(150)}
    assert sum(got.values()) == pytest.approx(400)


def test_two_supplies_feed_one_demand_best_value_first(tmp_path):
    docs = [
        firm("Cher", *A, flux=[residue("a", "bois_residus", "200 t/an", tarif="120 $/t")]),
        firm("Bon marche", 47.0, -71.01, flux=[residue("b", "bois_residus", "300 t/an", tarif="20 $/t")]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "350 t/an", "45 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    got = {m.fournisseur: m.quantite_t for m in res.appariements}
    # (120 + 36) $/t beats (20 + 36) $/t: all 200 t, then 350 − 200 = 150 t of the other
    assert got == {"Cher": pytest.approx(200), "Bon marche": pytest.approx(150)}
    assert res.appariements[0].fournisseur == "Cher"


def test_supply_and_demand_never_exceeded_on_a_random_territory(tmp_path):
    rng = random.Random(7)
    docs = []
    for k in range(12):
        flux = [residue(f"f{j}", rng.choice(["bois_residus", "bois_palettes", "cendres", "dreches"]),
                        f"{rng.randint(10, 300)} t/an", tarif=f"{rng.randint(0, 120)} $/t") for j in range(3)]
        intrants = [need(rng.choice(["biomasse_combustible", "litiere", "amendement_sol", "alimentation_animale"]),
                         f"{rng.randint(10, 400)} t/an", f"{rng.randint(10, 60)} $/t", f"achat{j}") for j in range(2)]
        docs.append(firm(f"Firme {k:02d}", 47 + rng.random() / 2, -71 + rng.random() / 2, flux=flux, intrants=intrants))
    res = analyse(tmp_path, docs)
    assert res.appariements
    given, taken = {}, {}
    for m in res.appariements:
        assert m.fournisseur != m.preneur
        assert m.valeur_cad > 0
        given[(m.fournisseur, m.flux)] = given.get((m.fournisseur, m.flux), 0) + m.quantite_t
        taken[(m.preneur, m.intrant)] = taken.get((m.preneur, m.intrant), 0) + m.quantite_t
    for doc in docs:
        name = doc["entreprise"]["nom"]
        for f in doc["flux"]:
            assert given.get((name, f["id"]), 0) <= int(f["quantite"].split()[0]) + 1e-9
        for i in doc.get("intrants", []):
            assert taken.get((name, i["nom"]), 0) <= int(i["quantite"].split()[0]) + 1e-9


def _random_market(seed):
    rng = random.Random(seed)
    supplies, demands = [], []
    by_cat = {}
    cats = ["x", "y", "z"]
    for k in range(rng.randint(1, 60)):
        lat, lon = math.radians(45 + rng.random() * 3), math.radians(-74 + rng.random() * 4)
        s = matching.Supply(k, rng.randrange(25), k, rng.choice([rng.uniform(-40, 180), 50.0]),
                              rng.choice([0.16, 0.192, 0.3]), rng.uniform(1, 500), lat, lon, math.cos(lat))
        supplies.append(s)
        for c in rng.sample(cats, rng.randint(1, 2)):
            by_cat.setdefault(c, []).append(s)
    for k in range(rng.randint(1, 30)):
        lat, lon = math.radians(45 + rng.random() * 3), math.radians(-74 + rng.random() * 4)
        demands.append(matching.Demand(k, rng.randrange(25), k, rng.choice(cats), rng.choice([rng.uniform(0, 80), 30.0]),
                                         rng.uniform(1, 800), lat, lon, math.cos(lat)))
    return supplies, demands, by_cat


@pytest.mark.parametrize("seed", range(40))
def test_blocked_search_allocates_exactly_like_sorting_every_pair(seed):
    s1, d1, c1 = _random_market(seed)
    s2, d2, c2 = _random_market(seed)
    fast = [(round(v, 9), s.order, d.order, round(q, 9)) for v, s, d, q in matching.allocate(s1, d1, c1)]
    slow = [(round(v, 9), s.order, d.order, round(q, 9)) for v, s, d, q in matching.allocate_naive(s2, d2, c2)]
    assert fast == slow


def _dense_market(seed):
    """Many suppliers in few grid cells, demands larger than supplies: most suppliers end up used up."""
    rng = random.Random(seed)
    supplies, demands, by_cat = [], [], {}
    for k in range(300):
        lat, lon = math.radians(46 + rng.gauss(0, 0.1)), math.radians(-72 + rng.gauss(0, 0.1))
        s = matching.Supply(k, rng.randrange(120), k, float(rng.randint(40, 60)), rng.choice([0.16, 0.3]),
                            float(rng.randint(5, 50)), lat, lon, math.cos(lat))
        supplies.append(s)
        by_cat.setdefault(rng.choice("xy"), []).append(s)
    for k in range(60):
        lat, lon = math.radians(46 + rng.gauss(0, 0.1)), math.radians(-72 + rng.gauss(0, 0.1))
        demands.append(matching.Demand(k, rng.randrange(120), k, rng.choice("xy"), float(rng.randint(0, 30)),
                                       float(rng.randint(50, 400)), lat, lon, math.cos(lat)))
    return supplies, demands, by_cat


@pytest.mark.parametrize("seed", range(5))
def test_used_up_suppliers_skipped_by_every_search_allocate_like_sorting_every_pair(seed):
    s1, d1, c1 = _dense_market(seed)
    s2, d2, c2 = _dense_market(seed)
    fast = [(round(v, 9), s.order, d.order, round(q, 9)) for v, s, d, q in matching.allocate(s1, d1, c1)]
    slow = [(round(v, 9), s.order, d.order, round(q, 9)) for v, s, d, q in matching.allocate_naive(s2, d2, c2)]
    assert sum(s.left <= matching.EPS for s in s1) > 100  # the skip pointers are exercised
    assert fast == slow


def test_pairs_with_no_positive_value_are_not_proposed(tmp_path):
    # a recycler's rebate lost (−40 $/t) and a cheap input 600 km away: net value < 0
    docs = [
        firm("Ferrailleur", *A, flux=[residue("ferraille", "bois_residus", "100 t/an", tarif="-40 $/t", mode="recyclage")]),
        firm("Lointain", 52.0, -71.0, intrants=[need("biomasse_combustible", "100 t/an", "5 $/t")]),
    ]
    assert analyse(tmp_path, docs).appariements == ()


def test_a_firm_without_coordinates_is_left_out_with_a_warning(tmp_path):
    docs = [
        firm("Sans adresse", None, None, flux=[residue("sciure", "bois_residus", "100 t/an")]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "100 t/an", "45 $/t")]),
    ]
    res = analyse(tmp_path, docs)
    assert res.appariements == ()
    assert any(w.code == "sans_coordonnees" and "Sans adresse" in w.message for w in res.avertissements)


def test_a_firm_never_matches_itself(tmp_path):
    docs = [firm("Seule", *A, flux=[residue("sciure", "bois_residus", "100 t/an")],
                 intrants=[need("biomasse_combustible", "100 t/an", "45 $/t")])]
    assert analyse(tmp_path, docs).appariements == ()


def test_scenario_in_place_is_counted_apart_and_fills_the_named_taker(tmp_path):
    in_place = {"type": "substitution", "statut": "en_place", "preneur": "Serres B", "prix": "10 $/t", "part": "50 %"}
    docs = [
        firm("Scierie A", *A, flux=[residue("ecorces", "bois_residus", "400 t/an", scenarios=[in_place])]),
        firm("Serres B", *B, intrants=[need("biomasse_combustible", "300 t/an", "45 $/t", "Copeaux")]),
    ]
    res = analyse(tmp_path, docs)
    # 50 % of 400 t already goes to Serres B: 200 t in place, 200 t still offered, 300 − 200 = 100 t still wanted
    assert res.totaux.en_place_substitutions == 1
    assert res.totaux.en_place_quantite_t == pytest.approx(200)
    assert res.en_place[0].dans_territoire and res.en_place[0].preneur == "Serres B"
    assert [m.quantite_t for m in res.appariements] == [pytest.approx(100)]
    assert res.totaux.quantite_t == pytest.approx(100)


# ---------------------------------------------------------------------------
# Pooling


def carton_firm(nom, lat, lon, fee="50 $", levees="1/semaine", **extra):
    return firm(nom, lat, lon, flux=[residue("carton", "carton", "10 t/an", tarif="0 $/t", mode="recyclage",
                                             masse_volumique="50 kg/m³",
                                             gestion={"collecte": bin_(frais_levee=fee, levees=levees)})], **extra)


def test_group_contract_found_with_the_right_members_and_nobody_paying_more(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (300, "$/an")})
    docs = [
        carton_firm("Un", 47.000, -71.000, fee="50 $"),
        carton_firm("Deux", 47.030, -71.000, fee="60 $"),
        carton_firm("Trois", 47.000, -71.040, fee="55 $"),
        carton_firm("Loin", 47.600, -71.000, fee="50 $"),  # 67 km north: out of a 15 km radius
    ]
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0)
    assert len(res.mutualisations) == 1
    g = res.mutualisations[0]
    assert g.forme == "contrat_groupe" and g.matiere == "carton"
    assert sorted(m.entreprise for m in g.membres) == ["Deux", "Trois", "Un"]
    lifts = WEEKS  # 1/semaine
    alone = {"Un": lifts * 50, "Deux": lifts * 60, "Trois": lifts * 55}
    group = 0.8 * sum(alone.values()) + 300  # (1 − 20 %) of each own fee, plus coordination
    assert g.cout_groupe_cad == pytest.approx(group)
    assert g.economie_cad == pytest.approx(sum(alone.values()) - group)
    for m in g.membres:
        assert m.cout_seul_cad == pytest.approx(alone[m.entreprise])
        # in proportion to each one's own lift cost today: Un pays group × 50 / (50 + 60 + 55), and so on
        assert m.part_cad == pytest.approx(group * alone[m.entreprise] / (lifts * (50 + 60 + 55)))
        assert m.part_cad <= m.cout_seul_cad  # nobody pays more than alone
    assert g.stable
    # every pair within the radius
    pos = {d["entreprise"]["nom"]: (d["entreprise"]["coordonnees"]["lat"], d["entreprise"]["coordonnees"]["lon"]) for d in docs}
    for a, b in itertools.combinations([m.entreprise for m in g.membres], 2):
        assert great_circle(*pos[a], *pos[b]) * 1.2 <= 15
    assert g.distance_max_km <= 15


def test_a_member_with_cheap_lifts_stays_and_gains_with_the_proportional_split(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (10, "%"),
                                       "mutualisation.frais_gestion": (0, "$/an")})
    docs = [
        carton_firm("Cher1", 47.000, -71.000, fee="100 $"),
        carton_firm("Cher2", 47.010, -71.000, fee="100 $"),
        carton_firm("Pas cher", 47.020, -71.000, fee="20 $"),
    ]
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0)
    (g,) = res.mutualisations
    # split by lifts, "Pas cher" would pay 0,9 × (100 + 100 + 20) × W / 3 = 66 W > 20 W alone and leave;
    # in proportion to its own cost it pays 0,9 × 20 W = 18 W
    assert sorted(m.entreprise for m in g.membres) == ["Cher1", "Cher2", "Pas cher"]
    part = {m.entreprise: m.part_cad for m in g.membres}
    assert part["Pas cher"] == pytest.approx(0.9 * 20 * WEEKS)
    assert part["Cher1"] == part["Cher2"] == pytest.approx(0.9 * 100 * WEEKS)
    assert g.economie_cad == pytest.approx(0.1 * 220 * WEEKS)
    assert g.stable and g.coalition_bloquante is None


def plastic_film_firm(nom, lat, lon, fee, levees):
    return firm(nom, lat, lon, flux=[residue("film", "plastique_film", "5 t/an", tarif="0 $/t", mode="recyclage",
                                             gestion={"collecte": bin_(frais_levee=fee, levees=levees)})])


@pytest.mark.parametrize("frais_gestion", [0, 600])
def test_reviewer_case_no_member_dropped_and_every_one_saves(tmp_path, frais_gestion):
    """Three plastic-film recyclers 6 to 9 km apart by road: the firm with many cheap lifts stays in."""
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (30, "%"),
                                       "mutualisation.frais_gestion": (frais_gestion, "$/an")})
    docs = [
        plastic_film_firm("Film A", 47.000, -71.000, "240 $", "2/mois"),
        plastic_film_firm("Film B", 47.050, -71.000, "230 $", "2/mois"),
        plastic_film_firm("Film C", 47.000, -71.070, "95 $", "1/semaine"),
    ]
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0)
    (g,) = res.mutualisations
    alone = {"Film A": 24 * 240, "Film B": 24 * 230, "Film C": WEEKS * 95}  # 5 760, 5 520, 4 956,96 $
    total = 24 * 240 + 24 * 230 + WEEKS * 95  # 16 236,96 $
    group = 0.7 * total + frais_gestion  # 11 365,88 $ (+ 600 $)
    # split by lifts, Film C would have paid 11 365,88 × 52,18 / (24 + 24 + 52,18) = 5 919,98 $ > 4 956,96 $
    assert 0.7 * total * WEEKS / (48 + WEEKS) > alone["Film C"]
    assert sorted(m.entreprise for m in g.membres) == ["Film A", "Film B", "Film C"]
    assert g.cout_groupe_cad == pytest.approx(group)
    for m in g.membres:
        assert m.cout_seul_cad == pytest.approx(alone[m.entreprise])
        assert m.part_cad == pytest.approx(group * alone[m.entreprise] / total)
        assert m.economie_cad > 0
    if frais_gestion == 0:  # each pays 70 % of its own lifts: 4 032, 3 864 and 3 469,87 $
        parts = {m.entreprise: m.part_cad for m in g.membres}
        assert parts == {"Film A": pytest.approx(4032), "Film B": pytest.approx(3864),
                         "Film C": pytest.approx(0.7 * 95 * WEEKS)}
        assert alone["Film C"] - parts["Film C"] == pytest.approx(1487.09, abs=0.01)
    assert g.stable  # in the core: a sub-group S would pay 0,7 Σ_S c + G ≥ its shares


def test_the_leaving_rule_stays_as_a_safety_net_for_shapley(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (10, "%"),
                                       "mutualisation.frais_gestion": (900, "$/an")})
    docs = [
        carton_firm("Cher1", 47.000, -71.000, fee="100 $"),
        carton_firm("Cher2", 47.010, -71.000, fee="100 $"),
        carton_firm("Pas cher", 47.020, -71.000, fee="20 $"),
    ]
    W = WEEKS
    # Shapley of the three: φ = 0,9 c + G/3 + 0,1 c/3 − (B − 0,1 c)/6, B = 0,1 × 220 W = 22 W;
    # "Pas cher": 18 W + 300 + 2 W/3 − 20 W/6 = 15,33 W + 300 = 1 100,07 $ > 20 W = 1 043,57 $ alone: it leaves.
    assert 18 * W + 300 + 2 * W / 3 - 20 * W / 6 > 20 * W
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0, repartition="shapley")
    (g,) = res.mutualisations
    assert sorted(m.entreprise for m in g.membres) == ["Cher1", "Cher2"]
    for m in g.membres:  # the pair: 0,9 × 100 W + 900 / 2 each, less than 100 W alone
        assert m.part_cad == pytest.approx(90 * W + 450)
    # the proportional split keeps all three: c(N) = 0,9 × 220 W + 900 < 220 W, "Pas cher" pays c(N) × 20 / 220
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0)
    (g,) = res.mutualisations
    part = {m.entreprise: m.part_cad for m in g.membres}
    assert part["Pas cher"] == pytest.approx((0.9 * 220 * W + 900) * 20 / 220)
    assert part["Pas cher"] < 20 * W and g.stable


def test_a_firm_at_most_once_per_group(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (0, "$/an")})
    two_bins = firm("Deux bacs", 47.0, -71.0, flux=[
        residue("carton1", "carton", "10 t/an", tarif="0 $/t", mode="recyclage", masse_volumique="50 kg/m³",
                gestion={"collecte": bin_()}),
        residue("carton2", "carton", "10 t/an", tarif="0 $/t", mode="recyclage", masse_volumique="50 kg/m³",
                gestion={"collecte": bin_()}),
    ])
    res = analyse(tmp_path, [two_bins, carton_firm("Voisin", 47.01, -71.0)], overlay=overlay, rayon_partage_km=0)
    for g in res.mutualisations:
        names = [m.entreprise for m in g.membres]
        assert len(names) == len(set(names))
    assert len(res.mutualisations) == 1


def test_close_firms_share_one_container(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.frais_gestion": (100, "$/an")})
    # two carton bins 100 m apart, each lifted every week half empty: one shared 8 vg³ bin
    docs = [carton_firm("Voisin A", 47.0000, -71.0000), carton_firm("Voisin B", 47.0009, -71.0000)]
    res = analyse(tmp_path, docs, overlay=overlay)
    assert [g.forme for g in res.mutualisations] == ["conteneur_partage"]
    g = res.mutualisations[0]
    vg3 = 0.9144 ** 3
    capacity = 8 * vg3 * 0.8  # mutualisation.taux_remplissage = 0,8 (library)
    volume = 2 * 10 / 0.05  # 2 × 10 t/an at 50 kg/m³ = 400 m³/an
    lifts = math.ceil(volume / capacity)
    assert g.levees_groupe == lifts
    assert g.cout_groupe_cad == pytest.approx(lifts * 50 + 100)
    assert all(m.part_cad <= m.cout_seul_cad for m in g.membres)


def test_group_contract_shapley_closed_form_matches_the_method():
    rng = random.Random(11)
    for _ in range(50):
        n = rng.randint(2, 7)
        alone = [rng.uniform(100, 5000) for _ in range(n)]
        rebate, fee = rng.uniform(0, 0.5), rng.uniform(0, 800)

        def cost(mask, n=n, alone=alone, rebate=rebate, fee=fee):
            idx = [k for k in range(n) if mask >> k & 1]
            if len(idx) == 1:
                return alone[idx[0]]
            return sum((1 - rebate) * alone[k] for k in idx) + (fee if idx else 0)

        assert territory.contract_shapley(alone, rebate, fee) == pytest.approx(method.shapley(n, cost))
        weights = [rng.uniform(0.2, 2) for _ in range(n)]
        efficient = [cost((1 << n) - 1) * w / sum(weights) for w in weights]  # shares that add up to c(N)
        for shares in (efficient, [rng.uniform(0.5, 1.1) * c for c in alone]):
            fast = territory.contract_core_violation(alone, shares, rebate, fee)
            slow = method.core_violation(n, shares, cost)
            assert (fast is None) == (slow is None)


# ---------------------------------------------------------------------------
# Anonymisation and totals


def test_anonymised_names_are_stable_codes_and_small_totals_are_hidden(tmp_path):
    docs = [
        firm("Scierie A", *A, flux=[residue("ecorces", "bois_residus", "400 t/an")], scian="321111"),
        firm("Serres B", *B, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t")], scian="111419"),
    ]
    res = analyse(tmp_path, docs, anonymiser=True)
    code = "E-" + hashlib.sha256("Scierie A".encode()).hexdigest()[:6].upper()
    assert res.appariements[0].fournisseur == code
    text = json.dumps([str(res)], ensure_ascii=False)
    assert "Scierie A" not in text and "Serres B" not in text
    # two firms only: the family, sector and territory totals are not published
    assert all(b.supprime and b.valeur_cad is None for b in res.par_famille)
    assert all(b.supprime for b in res.par_secteur)
    assert res.totaux.supprime


def test_totals_by_family_sector_and_firm_add_up(tmp_path):
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "400 t/an")], scian="321111"),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t")], scian="111419"),
        firm("Ferme", 47.05, -71.02, intrants=[need("litiere", "100 t/an", "30 $/t")], scian="112120"),
    ]
    res = analyse(tmp_path, docs)
    t = res.totaux
    assert t.appariements == 2 and t.quantite_t == pytest.approx(350)
    assert sum(f.valeur_cad for f in res.entreprises) == pytest.approx(t.valeur_cad + t.economie_mutualisation_cad)
    assert sum(b.valeur_cad for b in res.par_famille) == pytest.approx(t.valeur_cad)
    assert {b.cle for b in res.par_secteur} == {"31-33", "11"}
    assert sum(b.valeur_cad for b in res.par_secteur) == pytest.approx(t.valeur_cad)


def test_same_inputs_same_result(tmp_path):
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "400 t/an")]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t")]),
    ]
    one, two = analyse(tmp_path, docs), analyse(tmp_path, list(reversed(docs)))  # file order does not matter
    assert (one.appariements, one.mutualisations, one.totaux) == (two.appariements, two.mutualisations, two.totaux)


def test_a_declared_container_used_by_one_stream_alone_can_be_pooled(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (0, "$/an")})
    own = carton_firm("Bac propre", 47.0, -71.0)
    listed = firm("Bac déclaré", 47.01, -71.0, conteneurs=[{"id": "bac", **bin_()}],
                  flux=[residue("carton", "carton", "10 t/an", tarif="0 $/t", mode="recyclage",
                                masse_volumique="50 kg/m³", gestion={"conteneur": "bac"})])
    mixed = firm("Bac mixte", 47.02, -71.0, conteneurs=[{"id": "bac", **bin_()}], flux=[
        residue("carton", "carton", "10 t/an", tarif="0 $/t", mode="recyclage", masse_volumique="50 kg/m³",
                gestion={"conteneur": "bac"}),
        residue("papier", "papier", "10 t/an", tarif="0 $/t", mode="recyclage", masse_volumique="50 kg/m³",
                gestion={"conteneur": "bac"}),
    ])
    res = analyse(tmp_path, [own, listed, mixed], overlay=overlay, rayon_partage_km=0)
    (g,) = res.mutualisations
    # a bin shared by two materials cannot be pooled by material: the mixed one stays out
    assert sorted(m.entreprise for m in g.membres) == ["Bac déclaré", "Bac propre"]


# ---------------------------------------------------------------------------
# Totals by SCIAN sector: a match counts once on each side


def test_sector_table_counts_a_match_once_per_side_and_adds_up_to_the_totals(tmp_path):
    # a sawmill gives to a paper mill of its own sector (31-33) and to greenhouses (11)
    S, P, G = (47.000, -71.000), (47.020, -71.000), (47.100, -71.050)
    docs = [
        firm("Scierie", *S, flux=[residue("ecorces", "bois_residus", "400 t/an", tarif="98 $/t")], scian="321111"),
        firm("Papetière", *P, intrants=[need("biomasse_combustible", "100 t/an", "45 $/t", "Chaudière")],
             scian="322121"),
        firm("Serres", *G, intrants=[need("biomasse_combustible", "250 t/an", "45 $/t", "Copeaux")], scian="111419"),
    ]
    res = analyse(tmp_path, docs)
    t = res.totaux
    assert t.appariements == 2 and t.quantite_t == pytest.approx(100 + 250)
    sec = {b.cle: b for b in res.par_secteur}
    assert set(sec) == {"31-33", "11"}
    # 31-33: the sawmill supplies both matches (100 + 250 t), the paper mill takes one (100 t) — not "3 matches, 450 t"
    assert (sec["31-33"].appariements_fournis, sec["31-33"].appariements_recus) == (2, 1)
    assert sec["31-33"].quantite_donnee_t == pytest.approx(350)
    assert sec["31-33"].quantite_recue_t == pytest.approx(100)
    assert (sec["11"].appariements_fournis, sec["11"].appariements_recus) == (0, 1)
    assert sec["11"].quantite_recue_t == pytest.approx(250)
    # each column adds up to the summary
    assert sum(b.appariements_fournis for b in sec.values()) == t.appariements
    assert sum(b.appariements_recus for b in sec.values()) == t.appariements
    assert sum(b.quantite_donnee_t for b in sec.values()) == pytest.approx(t.quantite_t)
    assert sum(b.quantite_recue_t for b in sec.values()) == pytest.approx(t.quantite_t)
    # money: each firm's own share. 31-33 = (100 + 250) × (98 + 36) − transport of both + 100 × 45; 11 = 250 × 45
    d_p = great_circle(*S, *P) * 1.2
    d_g = great_circle(*S, *G) * 1.2
    transport = 0.16 * (100 * d_p + 250 * d_g)
    assert sec["31-33"].valeur_cad == pytest.approx(350 * (98 + 36) - transport + 100 * 45)
    assert sec["11"].valeur_cad == pytest.approx(250 * 45)
    assert sec["31-33"].valeur_cad + sec["11"].valeur_cad == pytest.approx(t.valeur_cad)


# ---------------------------------------------------------------------------
# --anonymiser: no total of fewer than 3 firms, not even by subtraction


def test_disclosure_hides_a_sibling_when_the_total_would_give_a_small_cell():
    d = territory.disclosure.Disclosure(True)
    d.cell("T", {1, 2, 3, 4, 5, 6})
    d.cell("a", {1, 2})  # two firms: hidden
    d.cell("b", {3, 4, 5, 6})  # shown alone, but T − b = a
    d.equation("T", ["a", "b"])
    d.solve()
    assert d.hide("a") and d.hide("b") and not d.hide("T")


def test_disclosure_hides_the_row_total_when_one_part_is_small():
    d = territory.disclosure.Disclosure(True)
    d.cell("m", {1, 2})
    d.cell("e", {3, 4, 5})
    d.cell("t", {1, 2, 3, 4, 5})
    d.equation("t", ["m", "e"], "parent")
    d.solve()
    assert d.hide("m") and not d.hide("e") and d.hide("t")  # t − e = m: the total goes


def test_disclosure_hidden_cells_must_not_add_up_to_fewer_than_three_firms():
    d = territory.disclosure.Disclosure(True)
    d.cell("T", {1, 2, 3, 4, 5})
    d.cell("a", {1, 2})
    d.cell("b", {1})
    d.cell("c", {3, 4, 5})
    d.equation("T", ["a", "b", "c"])
    d.solve()
    # a + b = T − c is a total of firms 1 and 2 only: c is hidden too
    assert d.hide("a") and d.hide("b") and d.hide("c")


def test_disclosure_follows_a_chain_of_subtractions():
    d = territory.disclosure.Disclosure(True)
    for key, firms in {"T": {1, 2, 3, 4, 5, 6, 7}, "F1": {1, 2, 3, 4, 5}, "F2": {6, 7},
                       "x": {1, 2}, "y": {3, 4, 5}}.items():
        d.cell(key, firms)
    d.equation("T", ["F1", "F2"])
    d.equation("F1", ["x", "y"])
    d.solve()
    # F2 hidden ⇒ F1 hidden (else T − F1 = F2) ⇒ F1 is no longer published, x hidden, y may show
    assert d.hide("F2") and d.hide("F1") and d.hide("x")
    # nothing of fewer than 3 firms follows: T is shown, F1 and F2 hidden, and x = F1 − y needs F1


def test_disclosure_does_nothing_without_anonymiser():
    d = territory.disclosure.Disclosure(False)
    d.cell("a", {1})
    d.cell("T", {1, 2, 3})
    d.equation("T", ["a"])
    d.solve()
    assert not d.hide("a") and not d.hide("T")


def test_disclosure_counts_suppliers_and_takers_apart():
    d = territory.disclosure.Disclosure(True)
    # one supplier, three takers: the total is that supplier's own total given
    d.cell("T", fournisseurs={1}, preneurs={2, 3, 4})
    d.cell("U", fournisseurs={1, 5, 6}, preneurs={2, 3, 4})
    d.solve()
    assert d.hide("T") and not d.hide("U")


def anonymous_territory():
    """Wood from 3 firms to 3 (family "autres"), spent grains from 1 to 1 (organics), a cardboard group of 3."""
    return [
        firm("Scierie Nord", 47.000, -71.000, flux=[residue("ecorces", "bois_residus", "100 t/an")], scian="321111"),
        firm("Scierie Sud", 47.010, -71.010, flux=[residue("sciure", "bois_residus", "100 t/an")], scian="321111"),
        firm("Menuiserie", 47.020, -70.990, flux=[residue("retailles", "bois_residus", "100 t/an")],
             scian="337110"),
        firm("Serres Sud", 47.050, -71.020, intrants=[need("biomasse_combustible", "100 t/an", "45 $/t")],
             scian="111419"),
        firm("Serres Est", 47.020, -70.950, intrants=[need("biomasse_combustible", "100 t/an", "45 $/t")],
             scian="111419"),
        firm("Brasserie Ouest", 47.030, -71.060, flux=[residue("dreches", "dreches", "37 t/an", tarif="113 $/t")],
             scian="312120"),
        firm("Ferme Centre", 47.040, -71.030, intrants=[need("alimentation_animale", "37 t/an", "61 $/t"),
                                                        need("litiere", "100 t/an", "30 $/t")], scian="112120"),
        carton_firm("Carton Un", 47.200, -71.000, fee="50 $", scian="445110"),
        carton_firm("Carton Deux", 47.230, -71.000, fee="60 $", scian="722511"),
        carton_firm("Carton Trois", 47.200, -71.040, fee="55 $", scian="811111"),
    ]


def test_anonymised_result_publishes_no_total_of_fewer_than_three_firms(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (300, "$/an")})
    clear = analyse(tmp_path, anonymous_territory(), overlay=overlay, rayon_partage_km=0)
    res = analyse(tmp_path, anonymous_territory(), overlay=overlay, rayon_partage_km=0, anonymiser=True)
    assert len(res.appariements) == 4 and len(res.mutualisations) == 1
    assert {m.famille for m in clear.appariements} == {"autres", "organiques"}
    # a match is two firms' business: who and what, no figures
    for m in res.appariements:
        assert m.supprime and m.quantite_t is None and m.valeur_cad is None and m.distance_km is None
        assert m.fournisseur.startswith("E-") and m.matiere and m.categorie
    # the organics family (brewery → farm) is hidden; "autres" (3 suppliers, 3 takers) would give it by
    # subtraction from the territory's total: hidden too
    fam = {b.cle: b for b in res.par_famille}
    assert fam["organiques"].supprime and fam["organiques"].valeur_cad is None
    assert fam["autres"].valeur_cad is None and fam["autres"].quantite_t is None
    # the territory's total (4 suppliers, 3 takers) is published
    assert res.totaux.valeur_cad == pytest.approx(clear.totaux.valeur_cad)
    assert res.totaux.quantite_t == pytest.approx(3 * 100 + 37)
    # the group of 3: its total shows, each member's share does not
    (g,) = res.mutualisations
    assert g.economie_cad == pytest.approx(clear.mutualisations[0].economie_cad) and not g.supprime
    assert all(mb.supprime and mb.part_cad is None and mb.cout_seul_cad is None for mb in g.membres)
    assert fam["pcpvm"].economie_mutualisation_cad == pytest.approx(g.economie_cad)
    # per firm: nothing but counts; SCIAN cut to the sector, positions to 0,05°
    for r in res.entreprises:
        assert r.supprime and r.valeur_cad is None and r.offre_t is None and r.donne_t is None
        assert r.scian in territory.SCIAN_SECTORS
        assert abs(r.lat / 0.05 - round(r.lat / 0.05)) < 1e-6 and abs(r.lon / 0.05 - round(r.lon / 0.05)) < 1e-6
    # sectors: 31-33 supplies 4 matches to 3 takers, 11 (two greenhouses and the farm) takes them all: shown;
    # each cardboard member is alone in its sector: its pooling savings are hidden
    sec = {b.cle: b for b in res.par_secteur}
    assert sec["31-33"].quantite_donnee_t == pytest.approx(337) and sec["11"].quantite_recue_t == pytest.approx(337)
    for k in ("44-45", "72", "81"):
        assert sec[k].entreprises == 1 and sec[k].economie_mutualisation_cad is None and sec[k].total_cad is None
    # the matrix: presence only
    for row in res.matrice:
        assert all(v is None for v in row.offre.values()) and all(v is None for v in row.demande.values())
        assert row.offre_reste_t is None and row.demande_reste_t is None
        if row.offre_t is not None:
            assert len(row.offre) >= 3


def test_a_two_member_group_is_hidden_and_cannot_be_had_by_subtraction(tmp_path):
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (300, "$/an")})
    docs = anonymous_territory() + [carton_firm("Carton Loin A", 47.900, -71.000, fee="70 $"),
                                    carton_firm("Carton Loin B", 47.910, -71.000, fee="70 $")]
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0, anonymiser=True)
    assert len(res.mutualisations) == 2
    pair = next(g for g in res.mutualisations if len(g.membres) == 2)
    trio = next(g for g in res.mutualisations if len(g.membres) == 3)
    assert pair.supprime and pair.economie_cad is None and pair.cout_groupe_cad is None
    # published carton savings minus the trio's would give the pair's: one of them is hidden
    carton = next(b for b in res.par_matiere if b.cle == "carton")
    published = [v for v in (carton.economie_mutualisation_cad, trio.economie_cad) if v is not None]
    assert len(published) < 2
    if res.totaux.economie_mutualisation_cad is not None:
        assert trio.economie_cad is None


@pytest.mark.parametrize("seed", range(6))
def test_anonymised_tables_never_give_a_hidden_row_by_subtraction(tmp_path, seed):
    """Random territories: wherever rows add up to a published total, never exactly one row is hidden."""
    rng = random.Random(seed)
    overlay = overlay_dir(tmp_path, **{"mutualisation.rabais_levee": (20, "%"),
                                       "mutualisation.frais_gestion": (100, "$/an")})
    docs = []
    for k in range(14):
        flux = [residue(f"f{j}", rng.choice(["bois_residus", "dreches", "cendres", "carton", "bois_palettes"]),
                        f"{rng.randint(5, 200)} t/an", tarif=f"{rng.randint(20, 120)} $/t") for j in range(2)]
        if rng.random() < 0.5:
            flux.append(residue("bac", "carton", "10 t/an", tarif="0 $/t", mode="recyclage",
                                masse_volumique="50 kg/m³",
                                gestion={"collecte": bin_(frais_levee=f"{rng.randint(30, 90)} $")}))
        intrants = [need(rng.choice(["biomasse_combustible", "alimentation_animale", "amendement_sol", "carton"]),
                         f"{rng.randint(5, 150)} t/an", f"{rng.randint(10, 80)} $/t", f"achat{j}") for j in range(2)]
        docs.append(firm(f"Firme {k:02d}", 47 + rng.random() / 3, -71 + rng.random() / 3, flux=flux,
                         intrants=intrants, scian=rng.choice(["111419", "321111", "445110", "722511"])))
    res = analyse(tmp_path, docs, overlay=overlay, rayon_partage_km=0, anonymiser=True)
    t = res.totaux

    def check(rows, total, value):
        if total is None:
            return
        hidden = [r for r in rows if value(r) is None]
        assert len(hidden) != 1, (seed, [getattr(r, "cle", r) for r in hidden])

    for name, key in (("valeur_cad", "valeur_cad"), ("quantite_t", "quantite_t"),
                      ("economie_mutualisation_cad", "economie_mutualisation_cad")):
        check(res.par_famille, getattr(t, key), lambda b, name=name: getattr(b, name))
    for fam in res.par_famille:
        members = [b for b in res.par_matiere if lib_family(b.cle) == fam.cle]
        for name in ("valeur_cad", "quantite_t", "economie_mutualisation_cad", "total_cad"):
            check(members, getattr(fam, name), lambda b, name=name: getattr(b, name))
    check(res.par_secteur, t.quantite_t, lambda b: b.quantite_donnee_t)
    check(res.par_secteur, t.quantite_t, lambda b: b.quantite_recue_t)
    check(res.par_secteur, t.valeur_cad, lambda b: b.valeur_cad)
    check(res.par_secteur, t.economie_mutualisation_cad, lambda b: b.economie_mutualisation_cad)
    check(res.mutualisations, t.economie_mutualisation_cad, lambda g: g.economie_cad)
    for b in res.par_famille + res.par_matiere:  # a row total less a published part gives the other part
        parts = [b.valeur_cad if b.appariements else 0.0, b.economie_mutualisation_cad if b.mutualisations else 0.0]
        if b.total_cad is not None:
            assert None not in parts
    assert all(m.supprime and m.valeur_cad is None for m in res.appariements)


def lib_family(material: str) -> str:
    return factors.load(None).materials[material].family


def test_matches_and_groups_found_at_once_equal_one_after_the_other(tmp_path):
    """A large territory with -j 2: matches and pooling groups come from two worker processes, the
    warnings in the same order; the result is the one of the steps run one after the other."""
    import dataclasses

    from symbio_cli.territory import analysis

    rng = random.Random(15)
    docs = []
    for k in range(analysis.PARALLEL_MIN_FIRMS + 20):
        flux = [residue(f"f{j}", rng.choice(["bois_residus", "carton", "cendres", "dreches"]),
                        f"{rng.randint(5, 300)} t/an", tarif=f"{rng.randint(0, 120)} $/t",
                        gestion={"collecte": bin_(contenant=f"{rng.choice([6, 10, 20])} vg³",
                                                  frais_levee=f"{rng.randint(60, 300)} $")})
                for j in range(2)]
        intrants = [need(rng.choice(["biomasse_combustible", "litiere", "amendement_sol"]),
                         f"{rng.randint(10, 400)} t/an", f"{rng.randint(10, 60)} $/t")]
        extra = {"hypotheses": {}} if k % 50 == 0 else {}  # some firms without pinned factors: warnings
        docs.append(firm(f"Firme {k:03d}", 46 + rng.gauss(0, 0.05), -72 + rng.gauss(0, 0.05),
                         flux=flux, intrants=intrants, **extra))
    lib = factors.load()
    firms = load_firms(tmp_path, docs, lib)
    from symbio_cli import runner

    pools = []
    real_pool = runner.run_pool

    def counted(*args, **kwargs):
        pools.append(args[2])
        return real_pool(*args, **kwargs)

    one = territory.analyse(firms, lib, Options())
    runner.run_pool = counted
    try:
        both = territory.analyse(firms, lib, Options(), jobs=2)
    finally:
        runner.run_pool = real_pool
    assert pools == [2]  # the two steps ran in two worker processes
    assert one.appariements and one.mutualisations and one.avertissements
    assert dataclasses.asdict(both) == dataclasses.asdict(one)
