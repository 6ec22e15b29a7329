"""The inventory model: problems as values, never an exception, whatever the input.

The fuzz tests feed `loader.loads` then `inventory.validate` with arbitrary
text, with YAML built from the contract's keys and random values, and with
the examples where one value is replaced at random. Each must give either a
valid model or a list of located Problems.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXEMPLES, example_files
from symbio_cli import factors, inventory, loader
from symbio_cli.errors import Problem
from symbio_cli.inventory import Inventaire

LIB = factors.load()

CONTRACT_KEYS = sorted({
    "version", "entreprise", "nom", "region", "mrc", "municipalite", "coordonnees", "lat", "lon",
    "scian", "annee", "periode_donnees", "hypotheses", "conteneurs", "id", "contenant", "levees",
    "frais_levee", "surcharge", "location", "taux_remplissage", "charge_utile", "compaction", "flux",
    "matiere", "quantite", "masse_volumique", "source_donnees", "gestion", "mode", "tarif",
    "redevance_incluse", "collecte", "conteneur", "frais_fixes", "entreposage", "surface", "type",
    "scenarios", "retenu", "statut", "statut_reglementaire", "preneur", "part", "prix", "filiere",
    "distance", "transport", "charge_voyage", "preparation", "investissement", "penalite",
    "entreposage_apres", "levees_apres", "forme", "partenaires", "cout_actuel", "frais_gestion",
    "repartition", "intrants", "redevance.elimination",
})

WORDS = [
    "substitution", "mutualisation", "enfouissement", "recyclage", "carton", "bois_residus",
    "huiles_usees", "capitale-nationale", "quebec", "conteneur_partage", "contrat_groupe",
    "shapley", "exterieur", "pesee", "etude", "en_place", "dechets", "sciure", "",
]
UNITS = ["t/mois", "t/an", "vg³/semaine", "vg³", "$", "$/t", "$/mois", "$/an", "$/voyage", "$/km",
         "$/t/km", "%", "km", "m²", "kg/m³", "/semaine", "t", "t CO2e/t", "brouettes", "**10", ""]

numbers = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
quantities = st.builds(
    lambda n, sep, u: f"{n}{sep}{u}",
    st.one_of(numbers.map(str), st.sampled_from(["1,500", "0,005", "12 500", "-3", "1 0", ".5"])),
    st.sampled_from([" ", "", "\u00a0", "  "]),
    st.sampled_from(UNITS),
)
leaves = st.one_of(
    st.none(), st.booleans(), numbers, st.text(max_size=30), st.sampled_from(WORDS), quantities,
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(CONTRACT_KEYS) | st.text(max_size=8), children, max_size=6),
    ),
    max_leaves=25,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.just(1), values),
        "entreprise": st.one_of(
            st.fixed_dictionaries({"nom": st.one_of(st.text(max_size=20), values)},
                                  optional={"region": st.one_of(st.sampled_from(WORDS), values),
                                            "coordonnees": values}),
            values),
        "annee": st.one_of(st.integers(1980, 2110), values),
        "hypotheses": st.dictionaries(st.sampled_from(["redevance.elimination", "tarif", "x.y", ""]),
                                      st.one_of(quantities, values), max_size=3),
        "conteneurs": st.lists(st.dictionaries(st.sampled_from(CONTRACT_KEYS), st.one_of(quantities, values),
                                               max_size=8), max_size=2),
        "flux": st.one_of(
            st.lists(st.dictionaries(st.sampled_from(CONTRACT_KEYS), st.one_of(quantities, values),
                                     max_size=10), max_size=3),
            values),
        "intrants": values,
    },
)


def _check(result) -> None:
    """Either a valid model and warnings only, or no model and at least one located error."""
    if isinstance(result, list):  # from the loader
        assert result and all(isinstance(p, Problem) for p in result)
        problems = result
    else:
        model, problems = inventory.validate(result, LIB)
        assert isinstance(problems, list)
        assert all(isinstance(p, Problem) for p in problems)
        errors = [p for p in problems if p.severity == "erreur"]
        if model is None:
            assert errors, "no model and no error"
        else:
            assert isinstance(model, Inventaire)
            assert not errors
    for p in problems:
        assert isinstance(p.message, str) and p.message
        assert p.severity in ("erreur", "avertissement")
        json.dumps(p.as_dict(), ensure_ascii=False)
        assert_french(p.message)
        line = p.format()
        assert "\n" not in line and "\x1b" not in line  # one problem, one line, no terminal escapes


# English words PyYAML, pydantic or Python would leave in a message; what the user typed is quoted « … ».
_ENGLISH = re.compile(r"\b(the|found|expected|while|allowed|cannot|could|must|should|not|value|error|traceback|"
                      r"input|field|required|valid|string|integer|float|none|object)\b", re.IGNORECASE)


def assert_french(message: str) -> None:
    """No English (nor a traceback) in a message, once the user's own text in « … » is set aside."""
    balanced = message.count("«") == message.count("»")  # else the user's text holds a guillemet
    own = re.sub(r"«[^«»]*»" if balanced else r"«.*»", "", message)
    assert "Traceback" not in message
    assert not _ENGLISH.search(own), message


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    _check(loader.loads(text, "fuzz.yaml"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@`,? \n\t\u00a0é²³$/0123456789.")),
               max_size=200))
def test_yaml_punctuation_never_raises(text):
    _check(loader.loads(text, "fuzz.yaml"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_contract_shaped_documents_never_raise(data):
    _check(loader.loads(_dump(data), "fuzz.yaml"))


EXAMPLES = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in example_files()}


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated_examples(draw):
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    data = copy.deepcopy(EXAMPLES[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "quantity"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "quantity":
            parent[path[-1]] = draw(quantities)
        else:
            parent[path[-1]] = draw(values)
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_examples())
def test_mutated_examples_never_raise(data):
    _check(loader.loads(_dump(data), "fuzz.yaml"))


# ---------------------------------------------------------------------------
# Hand-written cases


def _validate(text: str):
    doc = loader.loads(text, "t.yaml")
    assert not isinstance(doc, list), doc
    return inventory.validate(doc, LIB)


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXEMPLES)))
def test_examples_give_a_model(path):
    doc = loader.read(path)
    model, problems = inventory.validate(doc, LIB)
    assert problems == []
    assert isinstance(model, Inventaire)


def test_quantities_are_parsed_into_canonical_units():
    model, _ = inventory.validate(loader.read(EXEMPLES / "usine.yaml"), LIB)
    sciure = model.flux[0]
    assert sciure.quantite.value == pytest.approx(18 * 12)  # 18 t/mois = 216 t/an
    assert sciure.masse_volumique.value == pytest.approx(0.21)  # 210 kg/m³ = 0,21 t/m³
    carton = next(f for f in model.flux if f.id == "carton")
    assert carton.gestion.tarif.value == pytest.approx(-20)  # a rebate stays negative
    assert model.hypotheses["redevance.elimination"].value == pytest.approx(36)


def test_all_problems_are_found_in_one_pass():
    text = """version: 1
entreprise: {nom: X}
annee: 2026
flux:
  - id: a
    nom: A
    matiere: carton
    quantite: 12 brouettes/mois
    gestion: {mode: recyclage, tarif: 12 t}
  - id: b
    nom: B
    matiere: carton
    quantite: -1 t/an
    gestion: {mode: recyclage}
"""
    model, problems = _validate(text)
    assert model is None
    fields = [p.field for p in problems]
    assert fields == ["flux[0].quantite", "flux[0].gestion.tarif", "flux[1].quantite"]
    assert [p.line for p in problems] == [8, 9, 13]


def test_cross_check_problems_are_all_reported():
    text = """version: 1
entreprise: {nom: X, region: nulle-part}
annee: 2026
flux:
  - id: a
    nom: A
    matiere: cartonn
    quantite: 1 t/an
    gestion: {mode: recyclage, conteneur: absent}
  - id: a
    nom: B
    matiere: solvants
    quantite: 1 t/an
    gestion: {mode: recyclage}
"""
    model, problems = _validate(text)
    assert model is None
    messages = " | ".join(p.message for p in problems)
    for fragment in ("région « nulle-part » inconnue", "matière « cartonn » inconnue",
                     "conteneur « absent »", "identifiant « a » déjà utilisé", "matière dangereuse"):
        assert fragment in messages


def test_warning_does_not_invalidate():
    text = """version: 1
entreprise: {nom: X}
annee: 2026
flux:
  - id: a
    nom: A
    matiere: carton
    quantite: 1,500 t/mois
    gestion: {mode: recyclage}
"""
    model, problems = _validate(text)
    assert isinstance(model, Inventaire)
    [p] = problems
    assert p.severity == "avertissement"
    assert p.field == "flux[0].quantite"
    assert model.flux[0].quantite.value == pytest.approx(1.5 * 12)


def test_inputs_accept_input_categories_and_materials():
    text = """version: 1
entreprise: {nom: X}
annee: 2026
flux:
  - {id: a, nom: A, matiere: carton, quantite: 1 t/an, gestion: {mode: recyclage}}
intrants:
  - {nom: Copeaux, matiere: biomasse_combustible, quantite: 400 t/an, prix: 45 $/t}
  - {nom: Carton neuf, matiere: carton, quantite: 4 t/an}
  - {nom: Autre, matiere: uranium, quantite: 4 t/an}
"""
    model, problems = _validate(text)
    assert model is None
    [p] = problems
    assert p.field == "intrants[2].matiere"


def test_defaults():
    text = """version: 1
entreprise: {nom: X}
annee: 2026
flux:
  - id: a
    nom: A
    matiere: carton
    quantite: 1 t/an
    gestion: {mode: recyclage}
    scenarios:
      - {type: substitution, prix: 10 $/t}
      - type: mutualisation
        partenaires: [{nom: Voisin, quantite: 2 vg³/semaine}]
"""
    doc = loader.loads(text.replace("gestion: {mode: recyclage}",
                                    "gestion: {mode: recyclage, collecte: {contenant: 8 vg³, frais_levee: 45 $}}"))
    model, problems = inventory.validate(doc, LIB)
    assert problems == []
    assert model.entreprise.region == "quebec"
    assert model.flux[0].source_donnees == "estimation"
    sub, mut = model.flux[0].scenarios
    assert (sub.statut, sub.statut_reglementaire, sub.retenu) == ("idee", "inconnu", False)
    assert (mut.forme, mut.repartition) == ("conteneur_partage", "proportionnelle")


def test_json_schema_is_draft_07():
    schema = inventory.json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)
