"""`symbio schema`: a valid draft-07 JSON Schema that accepts every example, shipped beside them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import BAD, EXEMPLES, example_files, run

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)$")


@pytest.fixture(scope="module")
def schema_text() -> str:
    return run("schema").stdout


@pytest.fixture(scope="module")
def schema(schema_text) -> dict:
    return json.loads(schema_text)


def test_schema_is_valid_draft_07(schema):
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert set(schema["required"]) >= {"version", "entreprise", "annee", "flux"}
    assert schema["additionalProperties"] is False


def test_schema_refs_resolve(schema):
    """Every $ref points into the schema's own definitions."""
    refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(schema))
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/"), ref
        assert ref.split("/")[-1] in schema["definitions"], ref


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXEMPLES)))
def test_schema_accepts_example(schema, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(data), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXEMPLES)))
def test_example_modeline_points_to_the_schema_beside_it(schema_text, path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = MODELINE.match(first)
    assert m, f"{path.name}: first line must be the yaml-language-server modeline, got {first!r}"
    target = m.group("target")
    assert Path(target).name == "inventaire.schema.json"
    assert "://" not in target
    schema_file = (path.parent / target).resolve()
    assert schema_file == (EXEMPLES / "inventaire.schema.json").resolve()
    assert schema_file.is_file()
    assert schema_file.read_text(encoding="utf-8") == schema_text, (
        "exemples/inventaire.schema.json is stale: symbio schema -o exemples/inventaire.schema.json")


@pytest.mark.parametrize("name", [
    "cle_inconnue", "mode_inconnu", "annee_manquante", "prix_manquant", "frais_levee_manquant",
    "contenant_manquant", "statut_inconnu", "type_scenario_inconnu", "flux_vide", "flux_manquant",
    "entreposage_type_inconnu", "identifiant_invalide", "coordonnees_hors_globe", "annee_hors_bornes",
])
def test_schema_refuses_what_an_editor_can_see(schema, name):
    data = yaml.safe_load((BAD / f"{name}.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(data)), name


def test_schema_output_file(tmp_path, schema_text):
    out = tmp_path / "sous-dossier" / "inventaire.schema.json"
    run("schema", "-o", out, code=2)  # like a shell redirection: the folder must exist (write_output)
    out.parent.mkdir()
    result = run("schema", "-o", out)
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == schema_text


def test_schema_is_stable(schema_text):
    assert run("schema").stdout == schema_text
