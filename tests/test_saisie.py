"""What people really type: each case of tests/data/saisie/ (issues 11 and 13) answered as promised.

Every warning of a file reaches its JSON `avertissements` (with its line and
column), its md/html report and the terminal summary; bad inputs get one French
message located `fichier:ligne:colonne`; hints never repeat what was typed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import run
from symbio_cli import factors, pipeline, units
from symbio_cli.reports import terminal

DATA = Path(__file__).resolve().parent / "data" / "saisie"
DATE = "2026-01-01"
WEEKS_PER_YEAR = 365.25 / 7  # METHODE.md, "Time": 1 an = 365,25 jours


def _json(path, *extra) -> dict:
    return json.loads(run("audit", path, "-f", "json", "--date", DATE, *extra).stdout)


def _errors(path) -> list[str]:
    """`valider`'s lines for a file that must be refused."""
    result = run("valider", path, code=1)
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "erreur interne" not in out
    return [ln for ln in result.stdout.splitlines() if ": avertissement: " not in ln]


# -- warnings reach every report --------------------------------------------------------------------


def test_english_thousands_warning_reaches_json_with_its_line_and_column():
    path = DATA / "milliers-virgule-anglaise.yaml"
    data = _json(path)
    [w] = [w for w in data["avertissements"] if w["code"] == "lecture_nombre"]
    # line 17 of the file: `        frais_levee: 1,250 $` — the value starts at column 22
    assert (w["ligne"], w["colonne"], w["champ"]) == (17, 22, "flux[0].gestion.collecte.frais_levee")
    assert "1,25" in w["message"] and "« 1 250 »" in w["message"]
    # read as 1,25 $ a lift: 1 lift a week, 52,18 lifts a year
    [c] = data["conteneurs"]
    assert c["frais_levee_cad"] == pytest.approx(1.25)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_english_thousands_warning_reaches_md_and_html(fmt):
    out = run("audit", DATA / "milliers-virgule-anglaise.yaml", "-f", fmt, "--date", DATE).stdout
    assert "1 250" in out and "1,25" in out


def test_every_warning_reaches_the_json_and_valider_strict_fails_on_them(tmp_path):
    path = tmp_path / "tout.yaml"
    path.write_text("""version: 1
entreprise: {nom: Essai inc., region: quebec}
annee: 2026
flux:
  - id: dechets
    nom: Déchets
    matiere: dechets_melanges
    quantite: 1,500 t/mois
    gestion:
      mode: enfouissement
      tarif: \u2013 15 $/t
      collecte: {contenant: 30 vg³, levees: 1/semaine, frais_levee: 250 $}
""", encoding="utf-8")
    data = _json(path)
    codes = {w["code"]: w for w in data["avertissements"]}
    assert codes["lecture_nombre"]["ligne"] == 8
    assert codes["signe_moins"]["ligne"] == 11
    # the en dash is a minus: the fee is -15 $/t (a rebate)
    assert data["flux"][0]["tarif_cad_t"] == -15
    assert data["flux"][0]["masse_t"] == pytest.approx(1.5 * 12)
    strict = run("valider", "--strict", path, code=1).stdout.splitlines()
    assert len(strict) == len(data["avertissements"])
    assert all(": avertissement: " in ln for ln in strict)


def test_windows1252_warning_reaches_the_json(tmp_path):
    path = tmp_path / "excel.yaml"
    text = (DATA / "milliers-virgule-anglaise.yaml").read_text(encoding="utf-8").replace("1,250 $", "1250 $")
    path.write_bytes(text.encode("cp1252"))
    [w] = _json(path)["avertissements"][:1]
    assert w["code"] == "encodage" and "Windows-1252" in w["message"]


def test_batch_report_of_each_file_holds_its_warning(tmp_path):
    out = tmp_path / "rapports"
    run("audit", DATA / "lot-avertissement-perdu", "-o", out, "-f", "json", "--date", DATE)
    a = json.loads((out / "client-a.json").read_text(encoding="utf-8"))
    assert [w["code"] for w in a["avertissements"]].count("lecture_nombre") == 1
    b = json.loads((out / "client-b.json").read_text(encoding="utf-8"))
    assert "lecture_nombre" not in [w["code"] for w in b["avertissements"]]
    run("audit", DATA / "lot-avertissement-perdu", "-o", tmp_path / "md", "--date", DATE)
    assert "« 1 250 »" in (tmp_path / "md" / "client-a.md").read_text(encoding="utf-8")


def test_outcome_carries_the_warnings_for_batch_summaries():
    lib = factors.load()
    outcome = pipeline.audit_file(str(DATA / "lot-avertissement-perdu" / "client-a.yaml"), lib)
    first = outcome.warnings[0]
    assert (first.line, first.column, first.code) == (18, 22, "lecture_nombre")  # `frais_levee: 1,250 $`
    assert first.format().startswith(f"{DATA / 'lot-avertissement-perdu' / 'client-a.yaml'}:18:22: avertissement: ")
    assert [w.code for w in outcome.result.avertissements] == [p.code for p in outcome.warnings]


def test_terminal_summary_lists_every_warning():
    lib = factors.load()
    outcome = pipeline.audit_file(str(DATA / "milliers-virgule-anglaise.yaml"), lib)
    buf = io.StringIO()
    terminal.render_summary(outcome.result, "fr", file=buf, width=200)
    out = buf.getvalue()
    for w in outcome.result.avertissements:
        assert w.message[:40] in out


def test_zero_tonnes_stream_gets_a_warning(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text((DATA / "milliers-virgule-anglaise.yaml").read_text(encoding="utf-8")
                    .replace("10 t/mois", "0 t/mois"), encoding="utf-8")
    [w] = [w for w in _json(path)["avertissements"] if w["code"] == "quantite_nulle"]
    assert w["ligne"] == 10 and w["champ"] == "flux[0].quantite"


# -- terminal and one-line diagnostics never carry control characters --------------------------------


def test_control_characters_are_escaped_in_valider_lines():
    result = run("valider", DATA / "16-terminal" / "esc.yaml", code=1)
    out = result.stdout + result.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert not any(ln.startswith("faux.yaml:1:1") for ln in out.splitlines())
    assert "\\x1b" in out and "ligne\\nfaux.yaml:1:1" in out
    github = run("valider", "--format", "github", DATA / "16-terminal" / "esc.yaml", code=1).stdout
    assert "\x1b" not in github and all(ln.startswith("::") for ln in github.splitlines())


def test_terminal_summary_escapes_the_company_name(tmp_path):
    path = tmp_path / "nom.yaml"
    path.write_text((DATA / "milliers-virgule-anglaise.yaml").read_text(encoding="utf-8")
                    .replace("nom: Sonde inc.", 'nom: "Sonde\\e]0;PWNED\\a inc."'), encoding="utf-8")
    outcome = pipeline.audit_file(str(path), factors.load())
    buf = io.StringIO()
    terminal.render_summary(outcome.result, "fr", file=buf, width=200)
    assert "\x1b]0" not in buf.getvalue() and "\\x1b]0;PWNED" in buf.getvalue()


# -- zero and extreme numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("name, line", [("remplissage_texte_0.yaml", 18), ("remplissage_nombre_0.yaml", 18),
                                        ("hypothese_remplissage_0.yaml", 7)])
def test_zero_fill_rate_is_refused_everywhere(name, line):
    path = DATA / "15-taux-remplissage-zero" / name
    [error] = _errors(path)
    assert error.startswith(f"{path}:{line}:")
    assert "taux_remplissage" in error and "strictement positive" in error
    run("audit", path, "-f", "json", code=1)


@pytest.mark.parametrize("text", ["0", "0 %", "0,0 %", "1e-320", "0.000001"])
@pytest.mark.parametrize("field", ["taux_remplissage", "compaction"])
def test_zero_or_denormal_rates_are_refused(tmp_path, field, text):
    path = tmp_path / "taux.yaml"
    body = (DATA / "15-taux-remplissage-zero" / "remplissage_nombre_0.yaml").read_text(encoding="utf-8")
    body = body.replace("taux_remplissage: 0", "taux_remplissage: 80 %").replace("compaction: 1", "compaction: 1.5")
    body = body.replace(f"{field}: 80 %" if field == "taux_remplissage" else f"{field}: 1.5", f"{field}: {text}")
    path.write_text(body, encoding="utf-8")
    [error] = _errors(path)
    assert f"collecte.{field}: valeur" in error


@pytest.mark.parametrize("key, value", [("collecte.taux_remplissage", "0"), ("masse_volumique.carton", "0 kg/m³"),
                                        ("collecte.taux_remplissage", "1e-320")])
def test_zero_rates_in_hypotheses_are_refused(tmp_path, key, value):
    path = tmp_path / "hyp.yaml"
    body = (DATA / "15-taux-remplissage-zero" / "hypothese_remplissage_0.yaml").read_text(encoding="utf-8")
    path.write_text(body.replace("collecte.taux_remplissage: 0 %", f"{key}: {value}"), encoding="utf-8")
    [error] = _errors(path)
    assert error.startswith(f"{path}:7:")
    assert "strictement positive" in error or "trop petite" in error


@pytest.mark.parametrize("name, line, field", [
    ("remplissage_1e-320.yaml", 18, "taux_remplissage"),
    ("compaction_1e-320.yaml", 19, "compaction"),
    ("compaction_1e308.yaml", 19, "compaction"),
    ("levees_1e15_par_heure.yaml", 17, "levees"),
    ("montants_1e33.yaml", 10, "quantite"),
    ("annee_5000_chiffres.yaml", 15, ""),
    ("version_true.yaml", 7, "version"),
])
def test_extreme_numbers_are_refused_at_input(name, line, field):
    path = DATA / "14-nombres-extremes" / name
    errors = _errors(path)
    assert errors[0].startswith(f"{path}:{line}:"), errors
    assert field in errors[0]
    result = run("audit", path, "-f", "json", code=1)
    assert "erreur interne" not in result.stderr


def test_version_true_does_not_contradict_itself():
    [error] = _errors(DATA / "14-nombres-extremes" / "version_true.yaml")
    assert "« true »" in error and "« 1 »" not in error


@pytest.mark.parametrize("value", ["999 999 999 999 $/t", "100 000 000 t/h", "1 000 000/jour"])
def test_printable_bounds_of_single_values(value):
    q = units.parse(value)
    assert units.bounds_problem(q.value, q.dims) is not None


def test_bounds_helper_is_shared_by_rates_of_every_origin():
    assert units.bounds_problem(0.0, units.DIMENSIONLESS, "collecte.taux_remplissage")
    assert units.bounds_problem(5e-324, units.DIMENSIONLESS, "compaction")
    assert units.bounds_problem(0.21, units.dims(mass=1, length=-3), "masse_volumique.bois_residus") is None
    assert units.bounds_problem(0.8, units.DIMENSIONLESS, "taux_remplissage") is None


def test_audit_of_an_empty_folder_fails_like_valider(tmp_path):
    result = run("audit", tmp_path, code=1)
    assert "aucun inventaire" in result.stderr
    run("valider", tmp_path, code=1)


# -- rates "every N units" ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1/2 semaines", "aux 2 semaines", "aux deux semaines", "toutes les 2 semaines",
                                  "1 levée aux 2 semaines", "0,5/semaine"])
def test_every_two_weeks(text):
    q = units.parse(text)
    assert q.value == pytest.approx(WEEKS_PER_YEAR / 2)


@pytest.mark.parametrize("text, per_year", [("aux 3 mois", 12 / 3), ("1/4 jours", 365.25 / 4), ("chaque mois", 12),
                                            ("2/3 semaines", 2 * WEEKS_PER_YEAR / 3),
                                            ("2 fois par semaine", 2 * WEEKS_PER_YEAR),
                                            ("une fois aux deux semaines", WEEKS_PER_YEAR / 2),
                                            ("une levée par mois", 12), ("hebdomadaire", WEEKS_PER_YEAR),
                                            ("tous les 15 jours", 365.25 / 15)])
def test_every_n_units(text, per_year):
    assert units.parse(text).value == pytest.approx(per_year)


def test_lifts_every_two_weeks_in_an_inventory():
    data = _json(DATA / "levees_aux_deux_semaines.yaml")
    [c] = data["conteneurs"]
    assert c["levees_avant"] == pytest.approx(WEEKS_PER_YEAR / 2)  # 26,09 lifts a year


# -- unit hints --------------------------------------------------------------------------------------


def test_tons_point_to_short_tons():
    [first, *_] = _errors(DATA / "tons-suggere-tonnes.yaml")
    assert "« tc »" in first and "tonne courte" in first
    assert "tonnes »" not in first


def test_verges_point_to_cubic_yards():
    [error] = _errors(DATA / "verges-suggere-livres.yaml")
    message = error.split("contenant: ", 1)[1]
    assert "« vg³ »" in message and "livres" not in message


@pytest.mark.parametrize("text, wanted", [("10 tons/mois", "« tc »"), ("30 verges cubes", "« vg³ »"),
                                          ("30 cu yd", "« vg³ »"), ("40 verge", "« vg³ »"),
                                          ("200 gallons/mois", "« L »"), ("200 gal/mois", "masse volumique"),
                                          ("5 GJ/h", "hors du champ")])
def test_unit_hints(text, wanted):
    with pytest.raises(units.QuantityError) as exc:
        units.parse(text)
    assert wanted in str(exc.value)


@pytest.mark.parametrize("text", ["10 T", "10 Kg", "5 semanes", "3 tonnnes", "4 kgs", "2 livre", "8 m3x"])
def test_unit_hints_never_repeat_the_input(text):
    try:
        units.parse(text)
    except units.QuantityError as exc:
        unit = text.split(" ", 1)[1]
        assert f"dire « {unit} »" not in str(exc)


# -- inputs of CONCEPTION.md [R2] --------------------------------------------------------------------


def test_decimal_comma_in_a_flow_mapping_is_one_error_per_value_with_the_fix():
    path = DATA / "flow-virgule-decimale.yaml"
    errors = _errors(path)
    assert len(errors) == 2  # `levees: 1,5/semaine` and `frais_levee: 312,50 $`, nothing about `5/semaine`
    levees, fee = errors
    assert levees.startswith(f"{path}:14:45: flux[0].gestion.collecte.levees: virgule décimale")
    assert "« levees: 1.5/semaine »" in levees and "« levees: \"1,5/semaine\" »" in levees and "style bloc" in levees
    assert "« frais_levee: 312.50 $ »" in fee


def test_the_fix_it_shows_is_read_as_intended(tmp_path):
    path = tmp_path / "corrige.yaml"
    path.write_text((DATA / "flow-virgule-decimale.yaml").read_text(encoding="utf-8")
                    .replace("levees: 1,5/semaine", "levees: 1.5/semaine")
                    .replace("frais_levee: 312,50 $", 'frais_levee: "312,50 $"'), encoding="utf-8")
    [c] = _json(path)["conteneurs"]
    assert c["levees_avant"] == pytest.approx(1.5 * WEEKS_PER_YEAR)
    assert c["frais_levee_cad"] == pytest.approx(312.5)


@pytest.mark.parametrize("text, key", [("{lat: 47,044, lon: -70,893}", "lat"), ("{quantite: 1,5 t/mois}", "quantite")])
def test_flow_comma_other_keys(tmp_path, text, key):
    from symbio_cli import loader

    result = loader.loads(f"a: {text}\n", "t.yaml")
    assert isinstance(result, list) and len(result) >= 1
    assert f"a.{key}" == result[0].field and "virgule décimale" in result[0].message


def test_accented_keys_get_one_error_each_naming_the_plain_key():
    path = DATA / "cles_accentuees.yaml"
    errors = _errors(path)
    keys = ["région", "année", "matière", "quantité", "levées", "frais_levée"]
    assert len(errors) == len(keys)  # no « champ obligatoire manquant » for the same keys
    for key, error in zip(keys, errors):
        plain = key.replace("é", "e").replace("è", "e")
        assert f"clé « {key} »" in error and f"écrivez « {plain} »" in error


def test_key_hints_exist_where_the_key_was_typed_and_never_repeat_it():
    tri, tarif = _errors(DATA / "suggestion_tarif_contradictoire.yaml")
    assert "« preparation »" in tri
    assert "dire « tarif »" not in tarif and "« prix »" in tarif


@pytest.mark.parametrize("name, hint", [("residus_vert", "« residus_verts »"), ("residus_bois", "« bois_residus »"),
                                        ("lactoserum_acide", "« lactoserum »"),
                                        ("huiles_vegetales", "« organique_alimentaire »"),
                                        ("materiaux_mixtes", "« dechets_melanges »")])
def test_ordinary_materials_are_unknown_not_hazardous(name, hint):
    errors = _errors(DATA / "matiere-typo-dangereuse.yaml")
    [error] = [e for e in errors if f"« {name} »" in e]
    message = error.split("matiere: ", 1)[1]
    assert "inconnue" in message and "dangereuse" not in message and hint in message


def test_plastique_suggests_every_plastic():
    lib = factors.load()
    from symbio_cli import inventory

    plastics = sorted(m for m in lib.materials if m.startswith("plastique_"))
    assert len(plastics) >= 2
    hint = inventory.material_hint("plastique", set(lib.materials))
    assert all(f"« {p} »" in hint for p in plastics)


@pytest.mark.parametrize("name, category", [("batteries", "piles_batteries"), ("huile_moteur", "huiles_usees"),
                                            ("Huiles usées", "huiles_usees"), ("peinture", "peintures"),
                                            ("acides", "acides"), ("residus_dangereux", "matieres_dangereuses")])
def test_hazardous_refusals_come_from_names_and_listed_synonyms(name, category):
    from symbio_cli import inventory

    assert inventory.hazardous_match(name, factors.load()) == category


@pytest.mark.parametrize("name", ["huiles_vegetales", "lactoserum_acide", "materiaux_mixtes", "residus_bois",
                                  "acide_lactique_alimentaire", "bases_de_palettes"])
def test_word_stems_are_never_hazardous(name):
    from symbio_cli import inventory

    assert inventory.hazardous_match(name, factors.load()) is None


@pytest.mark.parametrize("name", ["vapeur", "chaleur_residuelle", "eau_de_procede", "eaux_usees", "electricite",
                                  "rejets_thermiques", "gaz_naturel", "biogaz"])
def test_energy_and_water_are_out_of_scope(tmp_path, name):
    path = tmp_path / "energie.yaml"
    path.write_text((DATA / "09-vapeur-energie.yaml").read_text(encoding="utf-8")
                    .replace("matiere: vapeur", f"matiere: {name}").replace("50 GJ/h", "50 t/mois"), encoding="utf-8")
    [error] = _errors(path)
    assert "hors du champ de symbio" in error and "inconnue" not in error


def test_steam_case_says_out_of_scope_for_material_and_unit():
    errors = _errors(DATA / "09-vapeur-energie.yaml")
    assert len(errors) == 2 and all("hors du champ de symbio" in e for e in errors)


def test_sludge_of_waste_water_is_in_scope():
    from symbio_cli import inventory

    assert not inventory.out_of_scope("boues_eaux_usees")


# -- messages in French, located -----------------------------------------------------------------


def test_control_character_gets_a_french_located_message():
    path = DATA / "binaire_message_anglais.yaml"
    [error] = _errors(path)
    # `entreprise: {nom: <U+001C>Essai}`: line 2, column 19
    assert error.startswith(f"{path}:2:19: caractère de contrôle invisible U+001C")


@pytest.mark.parametrize("text", ['a: "\\q"', 'a: "\\x4"', "a:\n\tb: 1", "%FOO\n---\na: 1", "a: !<x y", "a: |0\n b",
                                  "a: [1, 2", "a: {b: 1", "- a\nb: 1", "a: b: c", "a: 'x", "a: &x 1\nb: *y",
                                  "%YAML 2.0\n---\na: 1", "a: |x\n b", "a: b\n- c", "a: `b`"])
def test_remaining_yaml_errors_are_french_and_located(text):
    from symbio_cli import loader

    result = loader.loads(text, "t.yaml")
    assert isinstance(result, list)
    [problem] = result
    assert problem.line is not None
    for english in ("found", "expected", "while ", "scanning", "parsing", "character", "allowed"):
        assert english not in problem.message


# -- fuzz: every warning reaches the JSON, every message is French ----------------------------------

import tempfile  # noqa: E402

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_inventory import assert_french  # noqa: E402

from symbio_cli.reports import audit_json  # noqa: E402

TRICKY = {  # field -> what people type there, warnings included
    "quantite": ["1,500 t/mois", "2 t/mois", "0 t/an", "1 500 kg/semaine", "3,250 t/an", "30 vg³/semaine",
                 "10 tons/mois", "\u2212 2 t/mois", "1e3 t/an"],
    "tarif": ["\u201315 $/t", "\u221215 $/t", "95 $/t", "1,250 $/t", "95 $/ton", "-15 $/t"],
    "frais_levee": ["1,250 $", "310 $", "0 $", "312,50 $", "\u2013 5 $", "999 999 999 999 999 $"],
    "levees": ["1/2 semaines", "aux 2 semaines", "1/semaine", "aux trois mois", "0/semaine", "1/0 semaine",
               "toutes les 2 semaines", "2,500/mois"],
    "taux_remplissage": ["80 %", "0 %", 0, 0.8, "1e-320", 1e-320, "100,000 %", "0,5 %"],
    "compaction": [1, 0, 4, 1e308, "3,000", 1e-320],
    "contenant": ["40 vg³", "30 verges", "8 cu yd", "0 vg³", "40 vg3", "200 gal"],
}


@st.composite
def tricky_inventories(draw):
    data = yaml.safe_load((Path(__file__).resolve().parent.parent / "exemples" / "usine.yaml").read_text(encoding="utf-8"))
    for stream in data["flux"]:
        collecte = stream["gestion"].get("collecte")
        for key in ("quantite", "tarif"):
            if draw(st.booleans()):
                target = stream["gestion"] if key == "tarif" else stream
                target[key] = draw(st.sampled_from(TRICKY[key]))
        if isinstance(collecte, dict):
            for key in ("frais_levee", "levees", "taux_remplissage", "compaction", "contenant"):
                if draw(st.integers(0, 7)) == 0:
                    collecte[key] = draw(st.sampled_from(TRICKY[key]))
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tricky_inventories())
def test_every_warning_reaches_the_json_and_every_message_is_french(data):
    lib = _LIB
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        outcome = pipeline.audit_file(str(path), lib)
    for p in outcome.problems:
        assert_french(p.message)
        assert p.line is not None or p.severity == "avertissement" or "fichier" in p.message, p
    if not outcome.ok:
        assert any(p.severity == "erreur" for p in outcome.problems)
        return
    report = json.loads(audit_json.render(outcome.result, DATE))
    located = [(w["code"], w["message"], w["champ"], w["ligne"], w["colonne"]) for w in report["avertissements"]]
    for p in outcome.warnings:
        assert (p.code, p.message, p.field, p.line, p.column) in located, p


_LIB = factors.load()


def test_a_product_too_large_to_print_is_refused_at_its_stream(tmp_path):
    # 999 999 999 t/an (under the 10^9 t/an bound) × 9 999 999 $/t (under 10^7 $/t) ≈ 10^16 $ > 10^15 $
    path = tmp_path / "produit.yaml"
    path.write_text((DATA / "14-nombres-extremes" / "montants_1e33.yaml").read_text(encoding="utf-8")
                    .replace('"999 999 999 999 999 t/h"', '"999 999 999 t/an"')
                    .replace('"999 999 999 999 999 $/t"', '"9 999 999 $/t"')
                    # 10^9 t/an needs at most 10^6 lifts and trips a year (containers.MAX_LIFTS): 4·10^9 m³/an
                    # ÷ (100 000 m³ × 80 %) = 49 999 levées, 999 999 999 t ÷ 1 000 t = 999 999 voyages
                    .replace('"20 vg³"', '"100000 m³"').replace('"12 t"', '"1000 t"'), encoding="utf-8")
    result = run("audit", path, "-f", "md", code=1)
    assert f"{path}:7:5: flux[0]: résultat" in result.stderr and "hors des bornes imprimables" in result.stderr
    # 999 999 999 t/an × 999 $/t ≈ 10^12 $: printable, and printed
    path.write_text(path.read_text(encoding="utf-8").replace('"9 999 999 $/t"', '"999 $/t"'), encoding="utf-8")
    for fmt in ("md", "html", "json"):
        run("audit", path, "-f", fmt, "--date", DATE)


def test_flow_comma_with_three_digits_also_offers_thousands():
    from symbio_cli import loader

    [problem] = loader.loads("a: {quantite: 1,500 t/mois}\n", "t.yaml")
    assert "« quantite: 1.500 t/mois »" in problem.message and "« quantite: 1 500 t/mois »" in problem.message


def test_key_hints_inside_a_collection_scenario_use_the_container_keys(tmp_path):
    path = tmp_path / "collecte.yaml"
    path.write_text((DATA / "milliers-virgule-anglaise.yaml").read_text(encoding="utf-8").replace(
        "        frais_levee: 1,250 $\n",
        "        frais_levee: 250 $\n    scenarios:\n      - type: collecte\n"
        "        collecte: {contenant: 30 vg³, frais_levée: 340 $, levees: aux 2 semaines, locaton: 5 $/mois}\n"),
        encoding="utf-8")
    accent, typo = _errors(path)
    assert "collecte.frais_levée: clé « frais_levée »" in accent and "écrivez « frais_levee »" in accent
    assert "collecte.locaton: clé inconnue « locaton » (vouliez-vous dire « location » ?)" in typo


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["levees", "frais_levee", "quantite", "tarif", "contenant", "lat"]),
       st.integers(0, 999), st.integers(0, 9999), st.sampled_from(["", " $", "/semaine", " t/mois", " vg³"]))
def test_any_decimal_comma_in_a_flow_mapping_is_one_error_with_the_fix(key, whole, frac, unit):
    from symbio_cli import loader

    typed = f"{whole},{frac}{unit}"
    result = loader.loads(f"a: {{x: 1, {key}: {typed}, y: 2}}\n", "t.yaml")
    assert isinstance(result, list)
    [problem] = result
    # the value starts after `a: {x: 1, ` (10 characters), the key and `: `: column 10 + len(key) + 2 + 1
    assert problem.field == f"a.{key}" and (problem.line, problem.column) == (1, 10 + len(key) + 2 + 1)
    assert f"« {key}: {whole}.{frac}{unit} »" in problem.message and f"« {key}: \"{typed}\" »" in problem.message
    assert_french(problem.message)
