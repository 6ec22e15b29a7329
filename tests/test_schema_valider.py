"""The JSON Schema and `symbio valider` agree, file by file, as far as JSON Schema can say.

Both judge every example and every file of tests/bad/ (plus the cases of
issue 14 written below). The data given to the schema is what `valider` reads
(symbio's YAML loader: only true/false are booleans, as in YAML 1.2 editors).
The differences are deliberate and listed here: what needs a cross-reference
or a count that JSON Schema cannot state, and files that are not YAML a
JSON Schema could see at all.
"""

from __future__ import annotations

import json
import textwrap

import jsonschema
import pytest

from conftest import bad_files, example_files, run
from symbio_cli import factors, inventory, loader

# valider refuses, the schema cannot see why (cross-references and counts).
NOT_EXPRESSIBLE = {
    "conteneur_inconnu.yaml": "un « conteneur » doit exister dans « conteneurs: » (référence)",
    "id_double.yaml": "identifiants uniques entre flux (unicité d'un champ d'objets)",
    "id_double_conteneur.yaml": "identifiants uniques entre flux et conteneurs",
    "deux_retenus.yaml": "parts des scénarios retenus d'un flux : 100 % au plus en tout (somme sur des éléments)",
    "masse_volumique_denormale.yaml": "bornes d'une valeur après conversion d'unités (units.bounds_problem)",
    "montant_enorme.yaml": "bornes d'une valeur après conversion d'unités (units.bounds_problem)",
}

HEAD = """\
version: 1
entreprise:
  nom: {nom}
  region: capitale-nationale
  scian: {scian}
annee: {annee}
{hyp}flux:
  - id: sciure
    nom: Sciure
    matiere: bois_residus
    quantite: {quantite}
    gestion:
      mode: enfouissement
      tarif: {tarif}
"""


def _case(nom="Usine Fictive inc.", scian='"337123"', annee="2026", quantite="18 t/mois", tarif="98 $/t",
          hyp=""):
    return HEAD.format(nom=nom, scian=scian, annee=annee, quantite=quantite, tarif=tarif, hyp=hyp)


# (name, text, valid?) : the gaps of issue 14 and their kind, with other values.
CASES = [
    ("scian_entier", _case(scian="337123"), True),
    ("annee_chaine", _case(annee='"2026"'), True),
    ("tarif_negatif", _case(tarif="-20 $/t"), True),
    ("quantite_milliers", _case(quantite="1 500 kg/semaine"), True),
    ("quantite_volume", _case(quantite="30 vg³/semaine"), True),
    ("unite_inconnue", _case(quantite="18 brouettes"), False),
    ("unite_inconnue_mois", _case(quantite="18 brouettes/mois"), False),
    ("unite_de_prix", _case(quantite="18 $/t"), False),
    ("quantite_negative", _case(quantite="-18 t/mois"), False),
    ("quantite_sans_unite", _case(quantite="18"), False),
    ("nom_vide", _case(nom='""'), False),
    ("nom_blanc", _case(nom='"   "'), False),
    ("annee_texte", _case(annee='"deux mille"'), False),
    ("hypothese_inconnue", _case(hyp="hypotheses:\n  redevance.eliminaton: 36 $/t\n"), False),
    ("hypothese_unite", _case(hyp="hypotheses:\n  redevance.elimination: 36 $\n"), False),
    ("hypothese_connue", _case(hyp="hypotheses:\n  redevance.elimination: 36 $/t\n"), True),
    ("hypothese_region", _case(hyp="hypotheses:\n  tarif.enfouissement.capitale-nationale: 101 $/t\n"), True),
    ("hypothese_region_inconnue", _case(hyp="hypotheses:\n  tarif.enfouissement.atlantide: 101 $/t\n"), False),
]


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft7Validator(inventory.json_schema())


@pytest.fixture(scope="module")
def lib():
    return factors.load()


def _verdicts(doc, validator, lib):
    _, problems = inventory.validate(doc, lib)
    by_valider = not any(p.severity == "erreur" for p in problems)
    by_schema = not list(validator.iter_errors(doc.data))
    return by_valider, by_schema


def test_schema_and_valider_agree_on_the_corpus(validator, lib):
    agree, differ, not_yaml = [], {}, []
    for path in example_files() + bad_files():
        doc = loader.read(str(path))
        if isinstance(doc, list):  # refused by the YAML reader: no data for a schema to see
            not_yaml.append(path.name)
            continue
        by_valider, by_schema = _verdicts(doc, validator, lib)
        if by_valider == by_schema:
            agree.append(path.name)
        else:
            differ[path.name] = (by_valider, by_schema)
    assert all(v == (False, True) for v in differ.values()), differ  # never stricter than valider
    assert sorted(differ) == sorted(NOT_EXPRESSIBLE), sorted(differ)
    assert len(agree) >= len(example_files()) + 30
    assert {"tabulation.yaml", "yaml_malforme.yaml", "cle_double.yaml"} <= set(not_yaml)


@pytest.mark.parametrize("name,text,valid", CASES, ids=[c[0] for c in CASES])
def test_schema_and_valider_agree_on_the_cases(validator, lib, name, text, valid):
    doc = loader.loads(textwrap.dedent(text), f"{name}.yaml")
    assert not isinstance(doc, list), doc
    assert _verdicts(doc, validator, lib) == (valid, valid)


def test_schema_rejects_unknown_unit_and_names_the_field(validator):
    data = loader.loads(_case(quantite="18 brouettes")).data
    errors = list(validator.iter_errors(data))
    assert [list(e.absolute_path) for e in errors] == [["flux", 0, "quantite"]]


def test_schema_with_an_overlay_knows_its_materials(tmp_path):
    (tmp_path / "fac").mkdir()
    (tmp_path / "fac" / "matieres.yaml").write_text(textwrap.dedent("""\
        # Surcouche : une matière propre au client.
        matieres:
          copeaux_mdf: {fr: Copeaux de MDF, en: MDF chips, famille: autres, filiere_defaut: valorisation_energetique, substitue: [biomasse_combustible]}
        """), encoding="utf-8")
    (tmp_path / "fac" / "masses_volumiques.yaml").write_text(
        "# Surcouche.\nmasse_volumique.copeaux_mdf: {valeur: 200, unite: kg/m³, source: mesure, annee: 2025}\n",
        encoding="utf-8")
    text = _case().replace("matiere: bois_residus", "matiere: copeaux_mdf")
    data = loader.loads(text).data
    plain = json.loads(run("schema").stdout)
    overlaid = json.loads(run("schema", "--facteurs", tmp_path / "fac").stdout)
    assert list(jsonschema.Draft7Validator(plain).iter_errors(data))
    assert not list(jsonschema.Draft7Validator(overlaid).iter_errors(data))
    assert "copeaux_mdf" in overlaid["definitions"]["Flux"]["properties"]["matiere"]["enum"]
    hyp = _case(hyp="hypotheses:\n  masse_volumique.copeaux_mdf: 180 kg/m³\n")
    assert not list(jsonschema.Draft7Validator(overlaid).iter_errors(loader.loads(hyp).data))
    assert list(jsonschema.Draft7Validator(plain).iter_errors(loader.loads(hyp).data))


def test_schema_with_a_broken_overlay_says_where(tmp_path):
    (tmp_path / "fac").mkdir()
    (tmp_path / "fac" / "x.yaml").write_text("# x\ntransport.cout: {valeur: oui, unite: $/km}\n", encoding="utf-8")
    result = run("schema", "--facteurs", tmp_path / "fac", code=None)
    assert result.exit_code in (1, 2) and result.stdout == ""
    assert "x.yaml:2:" in result.stderr
