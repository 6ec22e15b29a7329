"""Relecture de 17 h (notes/relecture.md) : chaque faute, pour toute sa famille, avec des valeurs calculées à la main."""

from __future__ import annotations

import pytest

from methode_outils import base, lib_value, run, stream
from symbio_cli import factors, i18n, units
from symbio_cli.reports import audit as audit_report
from symbio_cli.reports.factors import show_factor
from symbio_cli.reports.formatting import Formatter


def codes(result) -> list[str]:
    return [w.code for w in result.avertissements]


def sub(**kw) -> dict:
    out = {"type": "substitution", "prix": "0 $/t"}
    out.update(kw)
    return out


def md(result) -> str:
    return audit_report.render(result, "md", "fr", "2026-11-29", factors.load())


# -- 1. libellés du catalogue, jamais des clés internes (issues 9 et 12) -------------------------------------


def test_a_scenario_without_a_name_is_named_by_the_label_of_its_route():
    inv = base()
    inv["flux"] = [stream("bois", quantite="100 t/an",
                          scenarios=[sub(filiere="valorisation_energetique", combustible_remplace="mazout")]),
                   stream("carton", matiere="carton", quantite="10 t/an", scenarios=[sub(filiere="recyclage")])]
    result = run(inv)
    names = [f.scenarios[0].nom for f in result.flux]
    assert names == [i18n.mode("valorisation_energetique", "fr"), i18n.mode("recyclage", "fr")]
    assert names == ["Valorisation énergétique", "Recyclage"]
    text = md(result)
    assert "valorisation_energetique)" not in text and "Substitution (" not in text


def test_a_named_taker_still_names_the_scenario():
    inv = base()
    inv["flux"] = [stream("carton", matiere="carton", quantite="10 t/an",
                          scenarios=[sub(filiere="recyclage", preneur="Cartonnerie X")])]
    assert run(inv).flux[0].scenarios[0].nom == "Substitution (Cartonnerie X)"


def test_warnings_name_modes_by_their_labels():
    inv = base()
    # no emission factor for synthetic gypsum: the GHG warning names both modes
    inv["flux"] = [stream("gypse", matiere="gypse_synthetique", quantite="100 t/an", masse_volumique="1 t/m³",
                          scenarios=[sub(filiere="recyclage")])]
    result = run(inv)
    messages = [w.message for w in result.avertissements if w.code == "ges_partiel"]
    assert messages and all("(Enfouissement → Recyclage)" in m for m in messages), messages
    assert not any("enfouissement →" in w.message for w in result.avertissements)


DIMENSION_WORDS = ("masse", "longueur", "temps", "argent", "levées", "voyages", "GES", "énergie", "volume",
                   "surface", "nombre sans unité")


def test_every_factor_of_the_library_displays_a_unit_not_a_dimension_name():
    lib = factors.load()
    assert lib.factors
    for key, f in lib.factors.items():
        _, shown = units.display(1.0, f.dims)
        assert not any(w in shown for w in DIMENSION_WORDS), (key, shown)
    # the fuels in kg CO2e/GJ as energie.yaml gives them: 0,05211 t CO2e/GJ × 1 000 = 52,11 kg CO2e/GJ
    gas = lib.factors["combustible.gaz_naturel.emission"]
    assert units.display(gas.value, gas.dims) == (pytest.approx(52.11), "kg CO2e/GJ")
    heat = lib.factors["pouvoir_calorifique.bois_residus"]
    assert units.display(heat.value, heat.dims) == (pytest.approx(9.42), "GJ/t")


def test_the_factor_table_of_the_audit_shows_units():
    inv = base()
    inv["flux"] = [stream("bois", quantite="100 t/an",
                          scenarios=[sub(filiere="valorisation_energetique", combustible_remplace="gaz_naturel")])]
    rows = {r["cle"]: r for r in audit_report._factors(run(inv), Formatter("fr"), "fr")}
    assert rows["combustible.gaz_naturel.emission"]["unite"] == "kg CO2e/GJ"
    assert rows["combustible.gaz_naturel.emission"]["valeur"] == "52,11"
    assert rows["pouvoir_calorifique.bois_residus"]["unite"] == "GJ/t"
    for r in rows.values():
        assert not any(w in r["unite"] for w in DIMENSION_WORDS), r


def test_a_plain_number_factor_shows_no_unit_one():
    text = show_factor(factors.load().factors["collecte.taux_remplissage"])
    line = next(x for x in text.splitlines() if x.strip().startswith("valeur"))
    assert line.rstrip().endswith("0,8"), line


# -- 2. la valorisation énergétique montre son calcul (issue 12) ------------------------------------------------


def test_energy_recovery_ghg_line_shows_the_fuel_term():
    inv = base()
    inv["flux"] = [stream("bois", quantite="100 t/an",
                          scenarios=[sub(filiere="valorisation_energetique", combustible_remplace="mazout")])]
    result = run(inv)
    ef_landfill = lib_value("emission.bois_residus.enfouissement")  # −1,014 t CO2e/t
    ef_burn = lib_value("emission.bois_residus.valorisation_energetique")  # 0,05512 t CO2e/t
    heat = lib_value("pouvoir_calorifique.bois_residus")  # 9,42 GJ/t
    oil = lib_value("combustible.mazout.emission")  # 0,07065 t CO2e/GJ
    # 100 t × (−1,014 − (0,05512 − 9,42 × 0,07065)) = 100 × (−1,014 − 0,05512 + 0,66552) = −40,4 t CO2e
    expected = 100 * (ef_landfill - (ef_burn - heat * oil))
    assert result.flux[0].scenarios[0].ges_evites_tco2e == pytest.approx(expected)
    assert round(expected, 1) == -40.4
    line = next(x for x in md(result).splitlines() if x.startswith("- GES évités")).replace("\xa0", " ")
    assert "100,0 t × (-1,014 − (0,05512 − 9,42 GJ/t × 0,07065 t CO₂e/GJ)) t CO₂e/t = -40,4 t CO₂e" in line, line
    assert "pouvoir_calorifique.bois_residus" in line and "combustible.mazout.emission" in line


# -- 3. du bois sans filière n'est jamais compté en recyclage (issues 12 et 10) -------------------------------


def test_wood_without_a_route_counts_as_energy_recovery_with_a_warning():
    """cas/methode/granules_comptes_recyclage.yaml : 100 t de sciure, deux preneurs au même gain."""
    inv = base()
    inv["flux"] = [stream("sciure", quantite="100 t/an", gestion={"tarif": "100 $/t", "entreposage": "5 m²"},
                          scenarios=[sub(nom="Granules (sans filiere)", preneur="Granulerie", prix="20 $/t"),
                                     sub(nom="Granules (valorisation)", preneur="Granulerie", prix="20 $/t",
                                         filiere="valorisation_energetique")])]
    result = run(inv)
    first = result.flux[0].scenarios[0]
    assert first.filiere == "valorisation_energetique"
    assert first.ges_evites_tco2e is None  # no combustible_remplace: n.d., never the 81,6 t of recycling
    assert result.totaux.taux_recyclage_apres == 0  # 0 t recycled out of 100 t
    assert result.totaux.taux_mise_en_valeur_apres == pytest.approx(100 / 100)
    warning = next(w for w in result.avertissements if w.code == "filiere_bois")
    assert "valorisation énergétique" in warning.message and "recyclage" in warning.message


@pytest.mark.parametrize("material", ["bois_residus", "bois_construction"])
def test_every_wood_material_without_a_route_is_energy_recovery(material):
    inv = base()
    inv["flux"] = [stream("b", matiere=material, quantite="50 t/an", masse_volumique="250 kg/m³",
                          scenarios=[sub(combustible_remplace="gaz_naturel")])]
    result = run(inv)
    assert result.flux[0].scenarios[0].filiere == "valorisation_energetique"
    assert "filiere_bois" in codes(result)


def test_wood_with_a_said_route_keeps_it():
    inv = base()
    inv["flux"] = [stream("b", quantite="50 t/an", scenarios=[sub(filiere="recyclage")])]
    result = run(inv)
    assert result.flux[0].scenarios[0].filiere == "recyclage"
    assert "filiere_bois" not in codes(result)
    assert result.totaux.taux_recyclage_apres == pytest.approx(50 / 50)


# -- 5. une ligne de calcul ne montre jamais « a + −b » (issue 10) ---------------------------------------------


def test_a_subtracted_zero_is_written_with_a_minus():
    f = Formatter("fr")

    def signed(terms):
        return f.signed(terms).replace("\xa0", " ")

    assert signed([(0.0, 1), (0.0, -1)]) == "0 $ − 0 $"
    assert signed([(100.0, 1), (30.0, -1)]) == "100 $ − 30 $"
    assert signed([(100.0, 1), (-30.0, 1)]) == "100 $ − 30 $"
    assert signed([(100.0, 1), (-30.0, -1)]) == "100 $ + 30 $"


# -- 4. une capacité minuscule est refusée : jamais plus de 10^6 levées ou voyages par an (issues 13 et 11) -------

from pathlib import Path  # noqa: E402

from symbio_cli import pipeline  # noqa: E402


def _audit_text(tmp_path: Path, text: str):
    p = tmp_path / "cap.yaml"
    p.write_text(text, encoding="utf-8")
    return pipeline.audit_file(str(p), factors.load())


CONTAINER_CASE = """version: 1
entreprise: {{nom: X, region: quebec}}
annee: 2026
conteneurs:
  - {{id: c, contenant: {contenant}, frais_levee: 300 $, taux_remplissage: 100 %, charge_utile: {charge}}}
flux:
  - id: a
    nom: A
    matiere: carton
    quantite: {quantite}
    masse_volumique: 50 kg/m³
    gestion: {{mode: enfouissement, tarif: 95 $/t, conteneur: c}}
    scenarios:
      - {{type: substitution, prix: 10 $/t, distance: 10 km, charge_voyage: {voyage}}}
"""


def _errors(outcome):
    return [p for p in outcome.problems if p.severity != "avertissement"]


@pytest.mark.parametrize("field,values", [
    ("charge_utile", dict(contenant="40 vg³", charge="0.0000000001 t", quantite="10 t/mois", voyage="10 t")),
    ("charge_voyage", dict(contenant="40 vg³", charge="10 t", quantite="10 t/mois", voyage="0.0000001 t")),
    ("contenant", dict(contenant="0.0000001 m³", charge="10 t", quantite="10 t/mois", voyage="10 t")),
])
def test_a_tiny_capacity_is_refused_at_input(tmp_path, field, values):
    outcome = _audit_text(tmp_path, CONTAINER_CASE.format(**values))
    assert outcome.result is None
    errors = _errors(outcome)
    assert errors and errors[0].field.endswith(field) and errors[0].line is not None and errors[0].column is not None
    assert "trop petite" in errors[0].message


@pytest.mark.parametrize("field,values,count", [
    # 1 000 000 t/an ÷ 0,5 t par levée = 2 000 000 levées > 1 000 000
    ("charge_utile", dict(contenant="40 vg³", charge="0.5 t", quantite="1000000 t/an", voyage="10 t"), "2 000 000"),
    # 10 t/mois × 12 = 120 t/an ÷ 0,0001 t… refused at input; 100 000 t/an ÷ 0,05 t = 2 000 000 voyages
    ("charge_voyage", dict(contenant="40 vg³", charge="20 t", quantite="100000 t/an", voyage="0.05 t"), "2 000 000"),
    # 100 000 t/an ÷ 0,05 t/m³ = 2 000 000 m³/an in a 1 m³ container, full = 2 000 000 levées
    ("contenant", dict(contenant="1 m³", charge="1000 t", quantite="100000 t/an", voyage="1000 t"), "2 000 000"),
])
def test_a_capacity_that_needs_more_than_a_million_lifts_a_year_is_refused(tmp_path, field, values, count):
    outcome = _audit_text(tmp_path, CONTAINER_CASE.format(**values))
    assert outcome.result is None
    errors = _errors(outcome)
    assert errors, outcome.problems
    e = errors[0]
    assert e.field.endswith(field), e.field
    assert e.line is not None and e.column is not None
    assert count in e.message.replace("\u202f", " ").replace("\xa0", " "), e.message
    assert "1 000 000 au plus" in e.message.replace("\u202f", " ").replace("\xa0", " ")


def test_a_million_lifts_exactly_is_accepted(tmp_path):
    # 500 000 t/an ÷ 0,5 t = 1 000 000 levées : the cap itself is allowed
    outcome = _audit_text(tmp_path, CONTAINER_CASE.format(contenant="40 vg³", charge="0.5 t",
                                                          quantite="500000 t/an", voyage="1000 t"))
    assert not _errors(outcome), [p.message for p in _errors(outcome)]


# -- 5 (suite) : le cas de la mutualisation, de bout en bout ----------------------------------------------------

from conftest import run as cli  # noqa: E402

CAS = Path("/work/shared/cas/methode")


@pytest.mark.skipif(not (CAS / "mutualisation-tarif-redevance-incluse.yaml").exists(), reason="cas partagés absents")
def test_the_group_saving_line_subtracts(tmp_path):
    out = tmp_path / "m.md"
    cli("audit", str(CAS / "mutualisation-tarif-redevance-incluse.yaml"), "-o", str(out))
    line = next(x for x in out.read_text(encoding="utf-8").splitlines() if "somme des coûts seuls" in x)
    line = line.replace("\xa0", " ")
    assert " + " not in line.split(":", 1)[1], line  # somme des coûts seuls − coût du groupe
    assert " − " in line.split(":", 1)[1], line


# -- 7. des avertissements qu'on peut suivre, une fois (issue 11) ----------------------------------------------


OUTDOOR = """version: 1
entreprise: {nom: X, region: quebec}
annee: 2026
flux:
""" + "".join(f"""  - id: f{i}
    nom: F{i}
    matiere: carton
    quantite: 10 t/an
    masse_volumique: 50 kg/m³
    gestion: {{mode: enfouissement, tarif: 95 $/t, entreposage: {{surface: 10 m², type: exterieur}}}}
    scenarios:
      - {{type: substitution, prix: 0 $/t, filiere: recyclage}}
""" for i in range(3))


def test_a_missing_outdoor_rent_is_said_once_per_file_and_the_value_is_nd(tmp_path):
    outcome = _audit_text(tmp_path, OUTDOOR)
    assert outcome.result is not None
    gaps = [w for w in outcome.result.avertissements if "loyer_exterieur" in w.message]
    assert len(gaps) == 1, [w.message for w in gaps]  # three streams, one data gap
    assert gaps[0].code == "loyer_exterieur_manquant"
    # 3 × 10 m² recovered, no rent: the figure reads n.d., not 0 $
    assert outcome.result.totaux.surface_recuperee_m2 == pytest.approx(3 * 10)
    fig = next(x for x in audit_report.figures(outcome.result, "fr") if x["id"] == "surface")
    assert "valeur locative : n.d." in fig["detail"].replace("\xa0", " ")


def test_no_right_sizing_warning_worth_zero_dollars(tmp_path):
    # a forfait paid whatever the lifts: 52 levées/an for 4 needed is worth 0 $ to change
    text = """version: 1
entreprise: {nom: X, region: quebec}
annee: 2026
flux:
  - id: a
    nom: A
    matiere: carton
    quantite: 4 t/an
    masse_volumique: 50 kg/m³
    gestion:
      mode: enfouissement
      tarif: 95 $/t
      collecte: {contenant: 40 vg³, levees: 1/semaine, forfait: 0 $/an}
"""
    outcome = _audit_text(tmp_path, text)
    assert outcome.result is not None, [p.message for p in outcome.problems]
    assert not [w for w in outcome.result.avertissements if w.code == "surdimensionnement"]
    # with a lift fee the same schedule is a real quick win, and is said
    outcome = _audit_text(tmp_path, text.replace("forfait: 0 $/an", "frais_levee: 100 $"))
    [w] = [w for w in outcome.result.avertissements if w.code == "surdimensionnement"]
    # 4 t ÷ 0,05 t/m³ = 80 m³/an ÷ (30,58 m³ × 80 %) = 3,3 → 4 levées ; (52,18 − 4) × 100 $ = 4 818 $/an
    assert "4 818 $/an" in w.message.replace("\xa0", " ").replace("\u202f", " ")


def test_a_fresh_template_validates_strictly(tmp_path):
    path = tmp_path / "usine.yaml"
    cli("init", str(path))
    result = cli("valider", "--strict", str(path))
    assert "avertissement" not in result.stderr + result.stdout


# -- 6. petits défauts des messages (issues 11 et 13) ---------------------------------------------------------

from symbio_cli import loader  # noqa: E402
from symbio_cli.units import QuantityError  # noqa: E402


def test_the_windows_1252_warning_has_a_column():
    raw = "version: 1\nentreprise: {nom: Crème, region: quebec}\n".encode("cp1252")
    _, [problem] = loader.decode(raw, "cp.yaml")
    # line 2, « è » is the 20th character of « entreprise: {nom: Crème… » (19 before it)
    assert (problem.line, problem.column) == (2, len("entreprise: {nom: Cr") + 1) == (2, 21)


def test_a_number_too_long_names_its_field_and_groups_its_digits():
    [problem] = loader.loads("version: 1\nannee: " + "2" * 5000 + "\n", "n.yaml")
    assert problem.field == "annee"
    assert "5 000 chiffres" in problem.message.replace("\u202f", " ").replace("\xa0", " ")
    assert (problem.line, problem.column) == (2, 8)


def test_range_bounds_are_written_in_fr_ca():
    inv = base()
    inv["entreprise"]["coordonnees"] = {"lat": 1e308, "lon": -71}
    doc = loader.loads(__import__("yaml").safe_dump(inv, allow_unicode=True), "c.yaml")
    from symbio_cli import inventory
    _, problems = inventory.validate(doc, factors.load())
    [p] = [p for p in problems if "lat" in p.field]
    assert "maximum 90)" in p.message and "90.0" not in p.message


@pytest.mark.parametrize("typed", ["TM", "Tm", "TONNES_X"])
def test_a_unit_hint_never_repeats_the_input(typed):
    try:
        units.parse(f"3 {typed}/mois")
    except QuantityError as exc:
        hint = exc.args[0].split("« ")[-1].split(" »")[0] if "vouliez-vous dire" in exc.args[0] else None
        assert hint is None or hint.casefold() != typed.casefold(), exc.args[0]


def test_material_hints_are_plausible():
    lib = factors.load()
    from symbio_cli.inventory import material_hint
    assert material_hint("gateaux_invendus", lib.materials) == " (vouliez-vous dire « organique_alimentaire » ?)"
    assert "textile" not in material_hint("peaux_animales", lib.materials)
    assert "papier" in material_hint("bureau_papier", lib.materials)


def test_a_missing_folder_fails_without_writing_a_summary(tmp_path):
    out = tmp_path / "rapports"
    result = cli("audit", str(tmp_path / "clients") + "/", "-o", str(out) + "/", code=1)
    assert "introuvable" in result.stderr
    assert not out.exists()
