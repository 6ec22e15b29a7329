"""`symbio territoire`: the command, its formats and its contract."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import stat

import pytest
import yaml

from conftest import EXEMPLES, run

MRC = EXEMPLES / "mrc-cote-de-beaupre"
R = 6371.0088


def great_circle(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


def write(folder, name, doc):
    path = folder / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def pair(tmp_path, supplier="Scierie A", taker="Serres B"):
    """Two firms and one match: 400 t of bark at 98 $/t + 36 $/t for a 250 t/an fuel purchase at 45 $/t."""
    hyp = {"redevance.elimination": "36 $/t", "transport.facteur_route": 1.2, "transport.cout": "0,16 $/t/km"}
    write(tmp_path, "a.yaml", {
        "version": 1, "annee": 2026, "hypotheses": hyp,
        "entreprise": {"nom": supplier, "coordonnees": {"lat": 47.0, "lon": -71.0}, "scian": "321111"},
        "flux": [{"id": "ecorces", "nom": "Écorces", "matiere": "bois_residus", "quantite": "400 t/an",
                  "gestion": {"mode": "enfouissement", "tarif": "98 $/t"}}],
    })
    write(tmp_path, "b.yaml", {
        "version": 1, "annee": 2026, "hypotheses": hyp,
        "entreprise": {"nom": taker, "coordonnees": {"lat": 47.1, "lon": -71.05}, "scian": "111419"},
        "flux": [{"id": "film", "nom": "Film", "matiere": "plastique_film", "quantite": "1 t/an",
                  "gestion": {"mode": "enfouissement", "tarif": "115 $/t"}}],
        "intrants": [{"nom": "Copeaux", "matiere": "biomasse_combustible", "quantite": "250 t/an", "prix": "45 $/t"}],
    })
    return tmp_path


def as_json(*args, code=0):
    result = run("territoire", *args, "-f", "json", "--date", "2026-01-01", code=code)
    return json.loads(result.stdout), result


# ---------------------------------------------------------------------------
# The example MRC: every expected match, the one pooling group


def test_example_mrc_matches_and_group():
    data, _ = as_json(MRC)
    got = {(m["fournisseur"], m["flux"], m["preneur"]): m["quantite_t"] for m in data["appariements"]}
    # 80 t/mois of bark (960 t/an) + 1,5 t/mois of pallets (18 t/an) fill 978 t of the greenhouses'
    # 1 800 t/an of fuel; the sawdust is recycled today, so the boiler would move it down the LQE
    # hierarchy ([R2], not proposed without --descendre): it goes as bedding (recycling) to the farm,
    # min(45 t/mois × 12 = 540, 180 t/an wanted) = 180 t; spent grains 7 t/mois (84 t/an) feed the farm
    # (300 t/an wanted), ashes 4 t/mois (48 t/an) replace lime (60 t/an); 8 t/an of boxes from the
    # nearest cardboard.
    assert got == {
        ("Bois de sciage Saint-Joachim inc.", "ecorces", "Serres du Petit-Pré inc."): pytest.approx(960),
        ("Bois de sciage Saint-Joachim inc.", "sciure", "Ferme des Battures SENC"): pytest.approx(min(540, 180)),
        ("Microbrasserie de la Côte inc.", "dreches", "Ferme des Battures SENC"): pytest.approx(84),
        ("Serres du Petit-Pré inc.", "cendres", "Ferme des Battures SENC"): pytest.approx(48),
        ("Quincaillerie Beaupré inc.", "palettes", "Serres du Petit-Pré inc."): pytest.approx(18),
        ("Quincaillerie Beaupré inc.", "carton", "Microbrasserie de la Côte inc."): pytest.approx(8),
    }
    # never beyond a demand
    taken = {}
    for m in data["appariements"]:
        taken[(m["preneur"], m["intrant"])] = taken.get((m["preneur"], m["intrant"]), 0) + m["quantite_t"]
    assert taken[("Serres du Petit-Pré inc.", "Copeaux et écorces pour la chaudière")] <= 1800
    # the one pooling group: the three cardboard bins of Beaupré and Sainte-Anne (the greenhouses are too far)
    assert len(data["mutualisations"]) == 1
    g = data["mutualisations"][0]
    assert (g["matiere"], g["forme"]) == ("carton", "contrat_groupe")
    assert sorted(m["entreprise"] for m in g["membres"]) == [
        "Auberge des Neiges de Beaupré inc.", "Microbrasserie de la Côte inc.", "Quincaillerie Beaupré inc."]
    alone = sum(m["cout_seul_cad"] for m in g["membres"])
    for m in g["membres"]:
        assert m["part_cad"] <= m["cout_seul_cad"]
        assert m["economie_cad"] == pytest.approx(m["cout_seul_cad"] - m["part_cad"])
        # in proportion to each one's own lift cost today; no coordination fee in the library: 70 % of it
        assert m["part_cad"] == pytest.approx(g["cout_groupe_cad"] * m["cout_seul_cad"] / alone)
        assert m["part_cad"] == pytest.approx(0.7 * m["cout_seul_cad"])
    assert g["economie_cad"] == pytest.approx(sum(m["economie_cad"] for m in g["membres"]))
    assert g["stable"] is True and g["coalition_bloquante"] is None


CHEESE = """
version: 1
entreprise:
  nom: Fromagerie du Vieux-Moulin inc.
  region: capitale-nationale
  mrc: La Côte-de-Beaupré
  coordonnees: {lat: 46.975, lon: -71.015}
  scian: "311515"
annee: 2026
flux:
  - id: lactoserum
    nom: Lactosérum
    matiere: lactoserum
    quantite: %s t/mois
    gestion: {mode: epandage, tarif: 25 $/t}
    scenarios:
      - type: substitution
        statut: en_place
        statut_reglementaire: exempte
        preneur: Ferme des Battures SENC
        prix: 0 $/t
        filiere: alimentation_animale
        distance: 12 km
"""


@pytest.mark.parametrize("tonnes_par_mois, dreches", [(10, 84), (20, 60)])
def test_scenario_in_place_counted_apart_and_taken_from_the_demand(tmp_path, tonnes_par_mois, dreches):
    for p in MRC.glob("*.yaml"):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    (tmp_path / "fromagerie.yaml").write_text(CHEESE % tonnes_par_mois, encoding="utf-8")
    data, _ = as_json(tmp_path)
    # the whey already feeds the farm: counted apart, and taken out of the farm's 300 t/an of feed.
    # 10 t/mois = 120 t/an: 180 t/an still wanted, the brewery's 84 t of spent grains fit;
    # 20 t/mois = 240 t/an: only 300 − 240 = 60 t/an of spent grains are still wanted.
    (ep,) = data["en_place"]
    assert (ep["fournisseur"], ep["preneur"], ep["dans_territoire"]) == (
        "Fromagerie du Vieux-Moulin inc.", "Ferme des Battures SENC", True)
    assert ep["quantite_t"] == pytest.approx(12 * tonnes_par_mois)
    assert data["totaux"]["en_place_quantite_t"] == pytest.approx(12 * tonnes_par_mois)
    assert not any(m["flux"] == "lactoserum" for m in data["appariements"])
    grains = next(m for m in data["appariements"] if m["flux"] == "dreches")
    assert grains["quantite_t"] == pytest.approx(dreches)
    md = run("territoire", tmp_path).stdout
    section = md.split("## 11. Déjà en place")[1].split("## 12.")[0]
    assert "| Fromagerie du Vieux-Moulin inc. | lactoserum |" in section


def test_json_contract_keys(tmp_path):
    data, _ = as_json(MRC)
    assert data["schema"] == "symbio.territoire/1"
    for key in ("appariements", "mutualisations", "totaux", "facteurs_utilises", "avertissements"):
        assert key in data
    match_keys = ["fournisseur", "flux", "preneur", "intrant", "matiere", "quantite_t", "distance_km",
                  "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad",
                  "ges_evites_tco2e"]
    for m in data["appariements"]:
        assert list(m)[:len(match_keys)] == match_keys
    for g in data["mutualisations"]:
        assert list(g)[:6] == ["matiere", "forme", "membres", "cout_groupe_cad", "economie_cad", "stable"]
        for m in g["membres"]:
            assert list(m)[:5] == ["entreprise", "flux", "cout_seul_cad", "part_cad", "economie_cad"]
    for f in data["facteurs_utilises"]:
        assert {"cle", "valeur", "unite", "source", "annee", "defaut"} <= set(f)
    for w in data["avertissements"]:
        assert set(w) == {"code", "message", "champ"}


def test_hand_computed_match_through_the_command(tmp_path):
    data, _ = as_json(pair(tmp_path))
    (m,) = data["appariements"]
    d = great_circle(47.0, -71.0, 47.1, -71.05) * 1.2
    assert m["quantite_t"] == pytest.approx(min(400, 250))
    assert m["distance_km"] == pytest.approx(d)
    assert m["valeur_fournisseur_cad"] == pytest.approx(250 * (98 + 36))
    assert m["valeur_preneur_cad"] == pytest.approx(250 * 45)
    assert m["cout_transport_cad"] == pytest.approx(0.16 * 250 * d)
    assert m["valeur_cad"] == pytest.approx(250 * (98 + 36) + 250 * 45 - 0.16 * 250 * d)
    assert data["totaux"]["valeur_cad"] == pytest.approx(m["valeur_cad"])


def test_same_bytes_twice_and_with_workers(tmp_path):
    one = run("territoire", MRC, "-f", "json", "--date", "2026-01-01").stdout
    two = run("territoire", MRC, "-f", "json", "--date", "2026-01-01", "-j", "2").stdout
    assert one == two


# ---------------------------------------------------------------------------
# Formats


def test_csv_has_matches_and_group_members(tmp_path):
    out = tmp_path / "territoire.csv"
    run("territoire", MRC, "-o", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and list(rows[0])[0] == "type"
    kinds = [r["type"] for r in rows]
    assert kinds.count("appariement") == 6
    assert kinds.count("mutualisation") == 3  # one row per member of the one group
    bark = next(r for r in rows if r["type"] == "appariement" and r["flux"] == "ecorces")
    assert float(bark["quantite_t"]) == pytest.approx(960)
    assert bark["fournisseur"] == "Bois de sciage Saint-Joachim inc."
    assert bark["mode"] == "enfouissement"  # today's mode of the supplier's stream
    assert {r["mode"] for r in rows if r["type"] == "mutualisation"} == {"recyclage"}  # the group's mode
    assert {r["supprime"] for r in rows} == {"false"}


def test_csv_cells_cannot_become_formulas(tmp_path):
    pair(tmp_path, supplier="=HYPERLINK(\"http://x\")")
    text = run("territoire", tmp_path, "-f", "csv").stdout
    assert "'=HYPERLINK" in text


def test_markdown_report_sections(tmp_path):
    text = run("territoire", MRC, "--date", "2026-01-01").stdout
    for title in ("Synthèse", "Carte", "Opportunités classées", "Totaux par famille", "Totaux par secteur SCIAN",
                  "Totaux par entreprise", "Matrice de l'offre et de la demande", "Pistes pour l'atelier",
                  "Méthode", "Facteurs utilisés"):
        assert title in text, title
    assert "<svg" in text and "</svg>" in text
    # a regulatory step from matieres.yaml in the leads
    assert "Règlement sur les aliments du bétail" in text


def test_english_report(tmp_path):
    text = run("territoire", MRC, "--langue", "en", "-f", "html", "--date", "2026-01-01").stdout
    assert '<html lang="en">' in text and "Leads for the workshop" in text and "$" in text


def test_markdown_escapes_a_name_like_the_audit_does(tmp_path):
    """One Markdown escaper for every report: a firm's name reads the same in the audit and the territory."""
    from symbio_cli.reports.templating import md as audit_md

    name = "~~b~~ <Nord> & https://evil.example/x www.evil.com"
    pair(tmp_path, supplier=name)
    text = run("territoire", tmp_path, "--date", "2026-01-01").stdout
    assert "\n\n" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]  # one raw HTML block: XML-escaped
    text = re.sub(r"<svg.*?</svg>", "", text, flags=re.S)
    assert audit_md(name) in text
    assert "~~b~~" not in text and "https://evil" not in text and "www.evil" not in text and "&lt;" not in text
    audit = run("audit", tmp_path / "a.yaml", "-f", "md", "--date", "2026-01-01").stdout
    assert audit_md(name) in audit


def test_html_escapes_a_hostile_name_and_the_map_is_inline_svg(tmp_path):
    hostile = "<script>alert(1)</script> | X"
    pair(tmp_path, supplier=hostile)
    html = run("territoire", tmp_path, "-f", "html", "--date", "2026-01-01").stdout
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | X" in html
    assert html.count("<svg") == 1 and "<title id=\"carte-titre\">" in html and "<desc id=\"carte-desc\">" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org/2000/svg", "")
    md = run("territoire", tmp_path, "--date", "2026-01-01").stdout
    assert "<script>" not in md
    assert r"\<script\>alert(1)\</script\> \| X" in md  # the audit's escaping; a cell stays a cell


def test_output_to_a_folder_and_by_extension(tmp_path):
    folder = tmp_path / "sortie"
    folder.mkdir()
    run("territoire", MRC, "-f", "html", "-o", folder)
    assert (folder / "territoire.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    run("territoire", MRC, "-o", tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["schema"] == "symbio.territoire/1"


def test_dev_null_is_written_through_not_replaced():
    run("territoire", MRC, "-f", "json", "-o", os.devnull)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# ---------------------------------------------------------------------------
# Options


def test_anonymiser_hides_names_everywhere(tmp_path):
    names = [yaml.safe_load(p.read_text(encoding="utf-8"))["entreprise"]["nom"] for p in sorted(MRC.glob("*.yaml"))]
    for fmt in ("json", "csv", "md", "html"):
        text = run("territoire", MRC, "-f", fmt, "--anonymiser", "--date", "2026-01-01").stdout
        for name in names:
            assert name not in text, (fmt, name)
            assert name.replace("'", "&#39;") not in text
    data, _ = as_json(MRC, "--anonymiser")
    code = "E-" + hashlib.sha256("Bois de sciage Saint-Joachim inc.".encode()).hexdigest()[:6].upper()
    assert code in {m["fournisseur"] for m in data["appariements"]}
    # pcpvm: the cardboard group of three firms shows its savings, its one match (two firms) does not;
    # organics (one brewery, one farm): hidden
    fam = {b["cle"]: b for b in data["par_famille"]}
    assert fam["organiques"]["supprime"] and fam["organiques"]["valeur_cad"] is None
    assert fam["pcpvm"]["economie_mutualisation_cad"] == pytest.approx(data["mutualisations"][0]["economie_cad"])
    assert fam["pcpvm"]["valeur_cad"] is None and fam["pcpvm"]["total_cad"] is None
    md = run("territoire", MRC, "--anonymiser").stdout
    assert "— (moins de 3 entreprises)" in md


def test_attribution_and_radius_options(tmp_path):
    data, _ = as_json(MRC, "--attribution-ges", "70", "--rayon", "5", "--rayon-partage", "0,3")
    assert data["parametres"]["attribution_ges_fournisseur"] == pytest.approx(0.7)
    assert data["parametres"]["rayon_km"] == 5
    # road distances: inn–hardware store 3,4 km, brewery–hardware store 4,1 km, inn–brewery 6,6 km.
    # Within 5 km the hardware store has the most neighbours (2): it seeds the group and takes the
    # nearest (the inn); the brewery is 6,6 km from the inn, so it cannot join.
    (g,) = data["mutualisations"]
    assert sorted(m["entreprise"] for m in g["membres"]) == ["Auberge des Neiges de Beaupré inc.", "Quincaillerie Beaupré inc."]
    for m in data["appariements"]:
        if m["ges_evites_tco2e"] is not None:
            assert m["ges_fournisseur_tco2e"] == pytest.approx(0.7 * m["ges_evites_tco2e"])


def test_shapley_allocation_on_the_example():
    data, _ = as_json(MRC, "--repartition", "shapley")
    (g,) = data["mutualisations"]
    assert g["repartition"] == "shapley"
    assert sum(m["part_cad"] for m in g["membres"]) == pytest.approx(g["cout_groupe_cad"])
    assert all(m["part_cad"] <= m["cout_seul_cad"] for m in g["membres"])
    # with no coordination fee a pair already gets the whole rebate: only "each pays its own reduced
    # lifts" is in the core, so neither rule is stable here, and the report says so
    assert g["stable"] is False and g["coalition_bloquante"]


@pytest.mark.parametrize("args", [("--rayon", "beaucoup"), ("--attribution-ges", "150"), ("--rayon-partage", "-1")])
def test_bad_option_values_are_usage_errors(args):
    result = run("territoire", MRC, *args, code=2)
    assert "Error" in result.stderr or "Erreur" in result.stderr


def test_help():
    result = run("territoire", "--help")
    assert "--anonymiser" in result.stdout and "--rayon-partage" in result.stdout


# ---------------------------------------------------------------------------
# Bad files


def test_bad_file_is_reported_skipped_and_exit_1(tmp_path):
    pair(tmp_path)
    (tmp_path / "casse.yaml").write_text(
        "version: 1\nannee: 2026\nentreprise:\n  nom: Cassée\nflux:\n  - id: x\n    nom: X\n"
        "    matiere: bois_residus\n    quantite: 12 brouettes\n    gestion: {mode: enfouissement}\n",
        encoding="utf-8")
    data, result = as_json(tmp_path, code=1)
    assert f"{tmp_path / 'casse.yaml'}:9:" in result.stderr  # file:line like `valider`
    assert len(data["appariements"]) == 1  # the others were still processed


def test_missing_input_and_no_valid_file(tmp_path):
    result = run("territoire", tmp_path / "absent", code=1)
    assert "introuvable" in result.stderr
    (tmp_path / "vide.yaml").write_text("version: 1\n", encoding="utf-8")
    result = run("territoire", tmp_path / "vide.yaml", code=1)
    assert "aucun inventaire valide" in result.stderr


# ---------------------------------------------------------------------------
# --anonymiser across every format; the sector table; the matrix; files left out


HYP = {"redevance.elimination": "36 $/t", "transport.facteur_route": 1.2, "transport.cout": "0,16 $/t/km",
       "transport.charge_utile": "10 t", "transport.emission_vehicule": "1 kg CO2e/km"}


def inventory(name, lat, lon, scian, flux=(), intrants=()):
    doc = {"version": 1, "annee": 2026, "hypotheses": dict(HYP),
           "entreprise": {"nom": name, "coordonnees": {"lat": lat, "lon": lon}, "scian": scian},
           "flux": list(flux) or [{"id": "rien", "nom": "Rien", "matiere": "dechets_melanges", "quantite": "1 t/an",
                                   "gestion": {"mode": "recyclage", "tarif": "0 $/t"}}]}
    if intrants:
        doc["intrants"] = list(intrants)
    return doc


def stream(id, matiere, quantite, tarif, mode="enfouissement", **extra):
    return {"id": id, "nom": id, "matiere": matiere, "quantite": quantite,
            "gestion": {"mode": mode, "tarif": tarif, **extra}}


def carton_bin(fee):
    return stream("carton", "carton", "10 t/an", "0 $/t", mode="recyclage",
                  collecte={"contenant": "8 vg³", "levees": "1/semaine", "frais_levee": fee}) | {
        "masse_volumique": "50 kg/m³"}


def small_territory(folder):
    """Wood: 3 sawmills to 2 greenhouses and a farm; spent grains: 1 brewery to that farm (two firms);
    a cardboard group of three."""
    docs = {
        "scierie-nord": inventory("Scierie Nord", 47.000, -71.000, "321111",
                                  [stream("ecorces", "bois_residus", "100 t/an", "98 $/t")]),
        "scierie-sud": inventory("Scierie Sud", 47.010, -71.010, "321111",
                                 [stream("sciure", "bois_residus", "100 t/an", "98 $/t")]),
        "menuiserie": inventory("Menuiserie", 47.020, -70.990, "337110",
                                [stream("retailles", "bois_residus", "100 t/an", "98 $/t")]),
        "serres-sud": inventory("Serres Sud", 47.050, -71.020, "111419", intrants=[
            {"nom": "Copeaux", "matiere": "biomasse_combustible", "quantite": "100 t/an", "prix": "45 $/t"}]),
        "serres-est": inventory("Serres Est", 47.020, -70.950, "111419", intrants=[
            {"nom": "Plaquettes", "matiere": "biomasse_combustible", "quantite": "100 t/an", "prix": "45 $/t"}]),
        "brasserie": inventory("Brasserie Ouest", 47.030, -71.060, "312120",
                               [stream("dreches", "dreches", "37 t/an", "113 $/t")]),
        "ferme": inventory("Ferme Centre", 47.040, -71.030, "112120", intrants=[
            {"nom": "Moulée", "matiere": "alimentation_animale", "quantite": "37 t/an", "prix": "61 $/t"},
            {"nom": "Ripe", "matiere": "litiere", "quantite": "100 t/an", "prix": "30 $/t"}]),
        "carton-un": inventory("Carton Un", 47.200, -71.000, "445110", [carton_bin("50 $")]),
        "carton-deux": inventory("Carton Deux", 47.230, -71.000, "722511", [carton_bin("60 $")]),
        "carton-trois": inventory("Carton Trois", 47.200, -71.040, "811111", [carton_bin("55 $")]),
    }
    for name, doc in docs.items():
        write(folder, f"{name}.yaml", doc)
    return folder


def test_a_two_firm_exchange_leaks_through_no_table_in_any_format(tmp_path):
    from symbio_cli.numbers import format_money

    folder = small_territory(tmp_path)
    clear, _ = as_json(folder)
    grains = next(m for m in clear["appariements"] if m["matiere"] == "dreches")
    # 37 t/an of spent grains: 37 × (113 + 36) = 5 513 $ of disposal avoided, 37 × 61 = 2 257 $ of feed
    assert grains["quantite_t"] == pytest.approx(37)
    assert grains["valeur_fournisseur_cad"] == pytest.approx(37 * (113 + 36))
    assert grains["valeur_preneur_cad"] == pytest.approx(37 * 61)
    secret = [grains[k] for k in ("valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad")]
    outputs = {fmt: run("territoire", folder, "-f", fmt, "--anonymiser", "--date", "2026-01-01").stdout
               for fmt in ("md", "html", "json", "csv")}
    for fmt in ("md", "html"):
        text = outputs[fmt]
        for v in secret:
            assert format_money(v, "fr", 0) not in text, (fmt, v)
        assert not re.search(r"(?<![0-9\u202f\u00a0])37,0(?![0-9])", text), fmt  # 37,0 t, alone
        assert "Brasserie Ouest" not in text and "Ferme Centre" not in text
        assert "(moins de 3 entreprises)" in text
    for v in secret:
        assert json.dumps(v) not in outputs["json"]
        assert f"{v:.2f}" not in outputs["csv"]
    data = json.loads(outputs["json"])
    # the match is listed (who, what) without a figure
    (m,) = [m for m in data["appariements"] if m["matiere"] == "dreches"]
    assert m["supprime"] is True and m["quantite_t"] is None and m["valeur_cad"] is None
    # the organics family (its only match) is hidden, and so is a sibling that would give it by subtraction
    fam = {b["cle"]: b for b in data["par_famille"]}
    assert fam["organiques"]["valeur_cad"] is None and fam["organiques"]["supprime"] is True
    assert data["totaux"]["valeur_cad"] is not None
    assert fam["autres"]["valeur_cad"] is None
    # per firm: no figure; SCIAN cut to the sector
    for f in data["entreprises"]:
        assert f["supprime"] is True and f["valeur_cad"] is None and f["offre_t"] is None
        assert f["scian"] in {"11", "31-33", "44-45", "72", "81"}
    # the matrix: presence only
    for row in data["matrice"]:
        assert all(v is None for v in row["offre"].values()) and all(v is None for v in row["demande"].values())
    section = outputs["md"].split("## 9.")[1].split("## 10.")[0]
    assert "| D |" in section or " D |" in section
    # CSV: the match row is there, empty figures, supprime
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    grains_row = next(r for r in rows if r["matiere"] == "dreches")
    assert grains_row["quantite_t"] == grains_row["valeur_cad"] == "" and grains_row["supprime"] == "true"


def test_a_group_of_three_shows_its_total_not_its_members_shares(tmp_path):
    from symbio_cli.numbers import format_money

    folder = small_territory(tmp_path)
    clear, _ = as_json(folder)
    (g,) = clear["mutualisations"]
    data, _ = as_json(folder, "--anonymiser")
    (h,) = data["mutualisations"]
    assert h["supprime"] is False and h["economie_cad"] == pytest.approx(g["economie_cad"])
    assert h["cout_groupe_cad"] == pytest.approx(g["cout_groupe_cad"])
    assert all(m["supprime"] and m["part_cad"] is None and m["economie_cad"] is None for m in h["membres"])
    md = run("territoire", folder, "--anonymiser", "--date", "2026-01-01").stdout
    assert format_money(g["economie_cad"], "fr", 0) in md
    for m in g["membres"]:  # no member's share, in any table or lead
        assert format_money(m["part_cad"], "fr", 0) not in md
        assert format_money(m["economie_cad"], "fr", 0) not in md
    rows = [r for r in csv.DictReader(io.StringIO(run("territoire", folder, "-f", "csv", "--anonymiser").stdout))
            if r["type"] == "mutualisation"]
    assert len(rows) == 3 and all(r["part_cad"] == "" and r["economie_groupe_cad"] for r in rows)
    assert all(r["mode"] == "recyclage" for r in rows)


def test_anonymised_map_positions_are_rounded_to_five_km(tmp_path):
    folder = small_territory(tmp_path)
    data, _ = as_json(folder, "--anonymiser")
    for f in data["entreprises"]:
        for x in (f["lat"], f["lon"]):
            assert abs(x / 0.05 - round(x / 0.05)) < 1e-9
    html = run("territoire", folder, "-f", "html", "--anonymiser").stdout
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Scierie" not in svg and " t," not in svg


def test_sector_table_of_the_example_adds_up_to_the_summary():
    data, _ = as_json(MRC)
    t = data["totaux"]
    sec = data["par_secteur"]
    assert sum(b["appariements_fournis"] for b in sec) == t["appariements"] == 6
    assert sum(b["appariements_recus"] for b in sec) == t["appariements"]
    assert sum(b["quantite_donnee_t"] for b in sec) == pytest.approx(t["quantite_t"])
    assert sum(b["quantite_recue_t"] for b in sec) == pytest.approx(t["quantite_t"])
    assert sum(b["valeur_cad"] for b in sec) == pytest.approx(t["valeur_cad"])
    # the sawmill and the brewery (31-33) supply 960 + 180 + 84 = 1 224 t (the sawdust as bedding, R2);
    # the brewery takes 8 t of boxes
    mfg = next(b for b in sec if b["cle"] == "31-33")
    assert mfg["quantite_donnee_t"] == pytest.approx(960 + 180 + 84)
    assert mfg["quantite_recue_t"] == pytest.approx(8)
    from symbio_cli.numbers import format_number

    md = run("territoire", MRC, "--date", "2026-01-01").stdout
    section = md.split("## 7.")[1].split("## 8.")[0]
    t = format_number(960 + 180 + 84 + 8 + 48 + 18, "fr", 1)  # 1 298 t
    assert f"| **Total du territoire** | 6 | 6 | {t} | 6 | {t} |" in section


def test_matrix_shows_what_is_offered_and_what_is_left():
    data, _ = as_json(MRC)
    carton = next(r for r in data["matrice"] if r["categorie"] == "carton")
    # the hardware store offers 1,2 t/mois = 14,4 t/an of cardboard and gives 8 t to the brewery: 6,4 t left
    assert carton["offre"]["Quincaillerie Beaupré inc."] == pytest.approx(14.4)
    assert carton["offre_reste"]["Quincaillerie Beaupré inc."] == pytest.approx(14.4 - 8)
    assert carton["demande_reste"]["Microbrasserie de la Côte inc."] == pytest.approx(0)
    md = run("territoire", MRC, "--date", "2026-01-01").stdout
    section = md.split("## 9.")[1].split("## 10.")[0]
    assert "encore disponibles" not in section
    assert "O 14,4 (reste 6,4)" in section


def test_inventories_left_out_are_listed_in_the_report(tmp_path):
    pair(tmp_path)
    bad = tmp_path / "casse.yaml"
    bad.write_text(
        "version: 1\nannee: 2026\nentreprise:\n  nom: Cassée\nflux:\n  - id: x\n    nom: X\n"
        "    matiere: bois_residus\n    quantite: 12 brouettes\n    gestion: {mode: enfouissement}\n",
        encoding="utf-8")
    from symbio_cli.reports.templating import md as md_escape

    md = run("territoire", tmp_path, "--date", "2026-01-01", code=1).stdout
    section = md.split("Inventaires écartés\n")[1]
    assert md_escape(f"{bad}:9:") in section  # file:line: message, as on stderr
    assert "- **Inventaires écartés pour erreurs**\u00a0: 1 (voir la section 14)" in md
    html = run("territoire", tmp_path, "-f", "html", "--langue", "en", code=1).stdout
    assert "Inventories left out" in html and f"{bad}:9:" in html
    data, _ = as_json(tmp_path, code=1)
    assert data["inventaires_exclus"]["nombre"] == 1
    assert data["inventaires_exclus"]["fichiers"][0]["fichier"] == str(bad)
    assert data["inventaires_exclus"]["fichiers"][0]["erreur"].startswith(f"{bad}:9:")
    # anonymised: the count only
    md = run("territoire", tmp_path, "--anonymiser", code=1).stdout
    assert "1 inventaire écarté pour erreurs\u00a0: ses flux" in md and "casse.yaml" not in md
    data, _ = as_json(tmp_path, "--anonymiser", code=1)
    assert data["inventaires_exclus"] == {"nombre": 1, "fichiers": None, "supprime": True}
