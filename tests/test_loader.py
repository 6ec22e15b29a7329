"""Safe YAML reading: positions kept, dangerous or ambiguous YAML refused, encodings handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbio_cli import loader
from symbio_cli.errors import Problem
from symbio_cli.loader import Document


def load(text: str) -> Document:
    doc = loader.loads(text, "t.yaml")
    assert isinstance(doc, Document), [p.format() for p in doc]
    return doc


def refused(text: str) -> Problem:
    result = loader.loads(text, "t.yaml")
    assert isinstance(result, list) and result, result
    assert all(isinstance(p, Problem) for p in result)
    return result[0]


def test_positions_of_keys_and_values():
    doc = load("version: 1\nflux:\n  - id: sciure\n    quantite: 18 t/mois\n")
    assert doc.data == {"version": 1, "flux": [{"id": "sciure", "quantite": "18 t/mois"}]}
    assert doc.keys[("flux", 0, "quantite")] == (4, 5)
    assert doc.values[("flux", 0, "quantite")] == (4, 15)
    assert doc.where(("flux", 0, "quantite"), value=True) == (4, 15)
    # an absent path falls back to its closest ancestor
    assert doc.where(("flux", 0, "absent")) == doc.keys[("flux", 0)]


def test_duplicate_key_names_both_lines():
    p = refused("version: 1\nannee: 2025\nflux: []\nannee: 2026\n")
    assert (p.line, p.column) == (4, 1)
    assert "clé « annee » en double (déjà à la ligne 2)" in p.message


def test_duplicate_key_in_a_nested_mapping():
    p = refused("flux:\n  - id: a\n    nom: A\n    id: b\n")
    assert p.line == 4
    assert "déjà à la ligne 2" in p.message


def test_aliases_are_refused():
    p = refused("a: &x [1, 2]\nb: *x\n")
    assert p.line == 2
    assert "alias" in p.message


def test_billion_laughs_is_refused_quickly():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    p = refused(text)  # how fast: bench/bench_garde_fous.py
    assert "alias" in p.message


def test_merge_key_is_refused():
    assert "fusion" in refused("a:\n  <<: {b: 1}\n").message


@pytest.mark.parametrize("text", [
    '!!python/object/apply:os.system ["echo pirate"]',
    "a: !!python/name:os.system ''",
    "a: !!python/object:collections.OrderedDict {}",
    "a: !!binary aGk=",
    "a: !!set {x}",
    "a: !custom 1",
])
def test_non_core_tags_are_refused(text):
    p = refused(text)
    assert "étiquette YAML interdite" in p.message


@pytest.mark.parametrize("text, value", [
    ("a: true", True), ("a: false", False), ("a: True", True), ("a: FALSE", False),
    ("a: NO", "NO"), ("a: no", "no"), ("a: yes", "yes"), ("a: on", "on"), ("a: off", "off"),
    ("a: y", "y"), ("a: n", "n"),
])
def test_only_true_and_false_are_booleans(text, value):
    assert load(text).data["a"] == value
    assert type(load(text).data["a"]) is type(value)


@pytest.mark.parametrize("text, value", [
    ("a: 012", 12), ("a: 12", 12), ("a: -3", -3), ("a: 0.5", 0.5), ("a: 12:30", "12:30"),
    ("a: 0x1F", "0x1F"), ("a: 2026-01-01", "2026-01-01"), ("a: '012'", "012"),
    ("a: ~", None), ("a:", None), ("a: 18 t/mois", "18 t/mois"),
])
def test_yaml_1_1_typing_is_not_applied(text, value):
    data = load(text).data["a"]
    assert data == value and type(data) is type(value)


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\nnom: Usine\n")
    doc = loader.read(path)
    assert isinstance(doc, Document)
    assert doc.data == {"version": 1, "nom": "Usine"}
    assert doc.warnings == []
    assert doc.keys[("version",)] == (1, 1)


def test_utf16_with_bom_is_accepted(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("version: 1\nnom: Scierie Boréale\n".encode("utf-16"))
    doc = loader.read(path)
    assert isinstance(doc, Document)
    assert doc.data["nom"] == "Scierie Boréale"


def test_windows_1252_is_read_with_a_warning(tmp_path):
    path = tmp_path / "excel.yaml"
    path.write_bytes("version: 1\nnom: Fromagerie du Val-Saint-François\nmunicipalite: Québec\n".encode("cp1252"))
    doc = loader.read(path)
    assert isinstance(doc, Document)
    assert doc.data["nom"] == "Fromagerie du Val-Saint-François"
    assert doc.data["municipalite"] == "Québec"
    [warning] = doc.warnings
    assert warning.severity == "avertissement"
    assert warning.line == 2  # first byte that is not UTF-8
    assert "Windows-1252" in warning.message


def test_50_mb_is_refused_quickly(tmp_path):
    path = tmp_path / "enorme.yaml"
    with open(path, "wb") as fh:
        fh.write(b"version: 1\n")
        fh.write((b"# " + b"x" * 1021 + b"\n") * (50 * 1024))
    result = loader.read(path)  # how fast: bench/bench_garde_fous.py
    assert isinstance(result, list)
    [p] = result
    assert "fichier trop gros" in p.message


def test_nul_byte_is_refused():
    assert "binaire" in refused("version: 1\x00\n").message


def test_missing_file_and_folder_are_problems(tmp_path):
    [p] = loader.read(tmp_path / "absent.yaml")
    assert "lecture impossible" in p.message
    [p] = loader.read(tmp_path)
    assert "dossier" in p.message


def test_deep_nesting_is_refused():
    p = refused("a: " + "[" * 500 + "]" * 500)
    assert "imbriqué" in p.message


def test_very_deep_nesting_is_refused_without_recursion_error():
    result = loader.loads("a: " + "[" * 100_000 + "]" * 100_000, "t.yaml")
    assert isinstance(result, list)
    assert "imbriqué" in result[0].message or "YAML invalide" in result[0].message


def test_too_many_nodes_is_refused():
    text = "a: [" + ", ".join(["1"] * (loader.MAX_NODES + 10)) + "]\n"
    p = refused(text)
    assert "trop d'éléments" in p.message


@pytest.mark.parametrize("text, fragment", [
    ("a: [1, 2\nb: 3\n", "YAML invalide"),
    ("a:\n\tb: 1\n", "tabulation"),
    ("a: 1\n---\nb: 2\n", "un seul document"),
    ("nom: Usine: Beaupré\n", "« : » inattendu"),
    ("- a\nb: 1\n", "« - » attendu"),
    ("a: 'non fermé\n", "YAML invalide"),
    ("? [a, b]\n: c\n", "clé composée"),
])
def test_syntax_errors_are_located_in_french(text, fragment):
    p = refused(text)
    assert fragment in p.message
    assert "syntaxe YAML (" not in p.message, "message left in English"
    assert p.line is not None


def test_empty_document():
    p = refused("# seulement un commentaire\n")
    assert "fichier vide" in p.message


def _index_where(doc, path, value):
    """`where` as the full index answers it (the reference of the walk)."""
    doc.keys  # noqa: B018 - builds the index
    return doc.where(path, value=value)


def test_where_by_walking_equals_where_by_index():
    """Before any index is built, `where` and `has` walk down the tree: same answers as the index."""
    import random

    from conftest import EXEMPLES

    rng = random.Random(7)
    root = Path(__file__).resolve().parent
    files = sorted([*root.rglob("*.yaml"), *EXEMPLES.rglob("*.yaml")])
    checked = 0
    for path in files:
        first = loader.read(path)
        if isinstance(first, list):
            continue
        paths = list(loader.read(path).keys)
        probes = paths + [p + ("absent",) for p in paths[:20]] + [p[:-1] + (999,) for p in paths[:20]] + [()]
        for probe in rng.sample(probes, min(len(probes), 60)):
            for value in (False, True):
                walked = loader.read(path)
                indexed = loader.read(path)
                assert walked.where(probe, value=value) == _index_where(indexed, probe, value), (path, probe)
                assert walked.has(probe) == (probe in indexed.keys), (path, probe)
                checked += 1
    assert checked > 1000


def _places_by_name(doc, champ):
    """The former lookup of a warning's place: every key named, then the name shortened until known."""
    from symbio_cli.errors import field_name
    from symbio_cli.pipeline import _PARENT

    by_name = {field_name(p): p for p in doc.keys}
    name = champ
    while name:
        if name in by_name:
            return doc.where(by_name[name], value=False)
        shorter = _PARENT.sub("", name)
        if shorter == name:
            break
        name = shorter
    return None, None


def test_warning_places_by_walking_equal_places_by_name():
    """`_Places` walks down a plain name instead of naming every key: same line and column, dotted keys
    (`hypotheses: {redevance.elimination: …}`) and absent keys included."""
    import random

    from conftest import EXEMPLES
    from symbio_cli.errors import field_name
    from symbio_cli.pipeline import _Places

    rng = random.Random(11)
    root = Path(__file__).resolve().parent
    checked = 0
    for path in sorted([*root.rglob("*.yaml"), *EXEMPLES.rglob("*.yaml")]):
        if isinstance(loader.read(path), list):
            continue
        names = [field_name(p) for p in loader.read(path).keys]
        champs = names + [n + ".filiere" for n in names[:30]] + [n + "[3]" for n in names[:10]] + ["", "absent", "a.b[2].c"]
        for champ in rng.sample(champs, min(len(champs), 80)):
            assert _Places(loader.read(path))(champ) == _places_by_name(loader.read(path), champ), (path, champ)
            checked += 1
    assert checked > 1000
