"""`symbio territoire`: the command, its formats and its contract."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
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
    # 80 t/mois of bark (960 t/an) + 45 t/mois of sawdust (540 t/an) + 1,5 t/mois of pallets (18 t/an)
    # fill 1 518 t of the greenhouses' 1 800 t/an of fuel; spent grains 7 t/mois (84 t/an) feed the farm
    # (300 t/an wanted), ashes 4 t/mois (48 t/an) replace lime (60 t/an); 8 t/an of boxes from the
    # nearest cardboard.
    assert got == {
        ("Bois de sciage Saint-Joachim inc.", "ecorces", "Serres du Petit-Pré inc."): pytest.approx(960),
        ("Bois de sciage Saint-Joachim inc.", "sciure", "Serres du Petit-Pré inc."): pytest.approx(540),
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
    for m in g["membres"]:
        assert m["part_cad"] <= m["cout_seul_cad"]
        assert m["economie_cad"] == pytest.approx(m["cout_seul_cad"] - m["part_cad"])
    assert g["economie_cad"] == pytest.approx(sum(m["economie_cad"] for m in g["membres"]))


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
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| X" in md  # a cell stays a cell


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
    # the pcpvm family is made of three firms' cardboard: shown; organics (two firms): hidden
    fam = {b["cle"]: b for b in data["par_famille"]}
    assert fam["organiques"]["supprime"] and fam["organiques"]["valeur_cad"] is None
    assert not fam["pcpvm"]["supprime"]
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
