"""The example inventories: they cover the whole contract, and each one audits."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXEMPLES, example_files, run
from symbio_cli import factors, inventory, loader

VG3 = 0.764554857984  # m³
WEEKS_PER_YEAR = 365.25 / 7

DATA = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in example_files()}


def _all(key):
    """Every value of `key`, at any depth, in every example."""
    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key:
                    yield v
                yield from walk(v)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v)
    return [v for d in DATA.values() for v in walk(d)]


def _streams():
    return [f for d in DATA.values() for f in d["flux"]]


def test_there_are_the_six_sector_examples_and_the_mrc():
    names = {p.relative_to(EXEMPLES).as_posix() for p in DATA}
    for name in ("usine.yaml", "scierie.yaml", "fromagerie.yaml", "brasserie.yaml", "fonderie.yaml",
                 "imprimerie.yaml"):
        assert name in names
    mrc = [p for p in DATA if p.parent.name == "mrc-cote-de-beaupre"]
    assert 4 <= len(mrc) <= 6
    for p in mrc:
        firm = DATA[p]["entreprise"]
        assert firm["region"] == "capitale-nationale"
        assert firm["mrc"] == "La Côte-de-Beaupré"
        assert 46.8 < firm["coordonnees"]["lat"] < 47.2 and -71.3 < firm["coordonnees"]["lon"] < -70.7


def test_examples_cover_the_contract():
    transports = {inventory.units.label(inventory.units.parse(t).dims) for t in _all("transport")}
    assert {"$/voyage", "$/m", "$/t", "$/t/m"} <= transports
    assert True in _all("redevance_incluse")
    assert any(d.get("hypotheses") for d in DATA.values())
    assert any(isinstance(e, dict) and e.get("type") == "exterieur" for e in _all("entreposage"))
    assert _all("levees_apres") and _all("penalite") and _all("investissement")
    assert "en_place" in _all("statut")
    assert set(_all("statut_reglementaire")) == {"inconnu", "exempte", "declaration", "autorisation_requise"}
    assert set(_all("source_donnees")) == {"pesee", "facture", "caracterisation", "estimation"}
    assert {"conteneur_partage", "contrat_groupe"} <= set(_all("forme"))
    assert "shapley" in _all("repartition")
    assert any(d.get("intrants") for d in DATA.values())
    # a volume quantity with its density
    assert any("vg³" in f["quantite"] and "masse_volumique" in f for f in _streams())
    # a rebate
    assert any(str(f["gestion"].get("tarif", "")).startswith("-") for f in _streams())
    # a shared container used by two streams
    for d in DATA.values():
        users = [f["gestion"].get("conteneur") for f in d["flux"] if f["gestion"].get("conteneur")]
        if any(users.count(u) >= 2 for u in users):
            break
    else:
        pytest.fail("no container shared by two streams")


def test_examples_use_only_the_library():
    lib = factors.load()
    for path, data in DATA.items():
        assert data["entreprise"]["region"] in lib.regions, path
        for f in data["flux"]:
            assert f["matiere"] in lib.materials, (path, f["matiere"])
        for item in data.get("intrants") or []:
            assert item["matiere"] in lib.materials or item["matiere"] in lib.input_categories


def test_mrc_residues_meet_inputs():
    """In the MRC folder, some residue can replace another firm's input (what `territoire` looks for)."""
    lib = factors.load()
    mrc = {p: d for p, d in DATA.items() if p.parent.name == "mrc-cote-de-beaupre"}
    matches = set()
    for pa, a in mrc.items():
        for f in a["flux"]:
            for pb, b in mrc.items():
                if pa == pb:
                    continue
                for item in b.get("intrants") or []:
                    if item["matiere"] in lib.materials[f["matiere"]].substitutes:
                        matches.add((f["matiere"], item["matiere"]))
    assert {("bois_residus", "biomasse_combustible"), ("bois_residus", "litiere"),
            ("dreches", "alimentation_animale"), ("cendres", "amendement_sol")} <= matches
    cardboard = [p for p, d in mrc.items() if any(f["matiere"] == "carton" for f in d["flux"])]
    assert len(cardboard) >= 3


def test_usine_total_mass_by_hand():
    # sciure 18 t/mois × 12 = 216 t ; mélanges 10 t/mois × 12 = 120 t ;
    # palettes 40 vg³/mois × 12 × 0,764554857984 m³ × 0,150 t/m³ = 55,048 t ;
    # carton 20 vg³/semaine × 365,25/7 × 0,764554857984 m³ × 0,050 t/m³ = 39,892 t
    expected = 216 + 120 + 40 * 12 * VG3 * 0.150 + 20 * WEEKS_PER_YEAR * VG3 * 0.050
    model, problems = inventory.validate(loader.read(EXEMPLES / "usine.yaml"), factors.load())
    assert problems == []
    total = 0.0
    for f in model.flux:
        q = f.quantite.value
        total += q if f.quantite.dims == inventory.MASS_RATE else q * f.masse_volumique.value
    assert total == pytest.approx(expected)
    assert expected == pytest.approx(430.94, abs=0.01)


@pytest.fixture(scope="module")
def has_audit():
    from symbio_cli.cli import main

    if "audit" not in main.commands:
        pytest.skip("no audit command yet")


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXEMPLES)))
def test_example_audits_to_json(has_audit, path):
    result = run("audit", path, "-f", "json", "--date", "2026-11-28")
    report = json.loads(result.stdout)
    assert report["schema"] == "symbio.audit/1"
    data = DATA[path]
    assert [f["id"] for f in report["flux"]] == [f["id"] for f in data["flux"]]
    for f_in, f_out in zip(data["flux"], report["flux"]):
        for s_in, s_out in zip(f_in.get("scenarios") or [], f_out["scenarios"]):
            if s_in.get("retenu"):
                assert s_out["retenu"] is True
    assert "Traceback" not in result.stderr
    # same inventory, same date: same bytes
    assert run("audit", path, "-f", "json", "--date", "2026-11-28").stdout == result.stdout


def test_mrc_folder_gives_the_workshop_synergies():
    """`symbio territoire` on the MRC folder finds the matches and the cardboard pool the example is built for."""
    from symbio_cli.cli import main

    if "territoire" not in main.commands:
        pytest.skip("no territoire command yet")
    result = run("territoire", EXEMPLES / "mrc-cote-de-beaupre", "-f", "json", "--date", "2026-11-28")
    report = json.loads(result.stdout)
    pairs = {(m["matiere"], m["categorie"]) for m in report["appariements"]}
    assert {("bois_residus", "biomasse_combustible"), ("dreches", "alimentation_animale"),
            ("cendres", "amendement_sol")} <= pairs
    pools = [g for g in report["mutualisations"] if g["matiere"] == "carton"]
    assert pools and len(pools[0]["membres"]) >= 3
