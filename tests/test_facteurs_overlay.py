"""`--facteurs DIR` is checked as strictly as an inventory (issue 13).

The red team's repros (../shared/cas/sorties/04-*, 05-*, 07-*) are rebuilt
here, plus other keys and shapes of the same kinds: a factor of the wrong
dimension, a non-finite, huge, denormal, zero or negative value, a badly shaped
matieres.yaml / regions.yaml, and files that are not regular files. Every
problem is `fichier:ligne:colonne: clé: message`, exit 1, never a traceback.
"""

from __future__ import annotations

import os
import sys

import pytest

from conftest import EXEMPLES, run
from symbio_cli import factors

MINI = """\
version: 1
entreprise:
  nom: Mini inc.
  region: capitale-nationale
annee: 2026
flux:
  - id: bois
    nom: Bois
    matiere: bois_residus
    quantite: 10 t/mois
    gestion:
      mode: enfouissement
"""


def _overlay(tmp_path, files: dict[str, str]):
    folder = tmp_path / f"facteurs{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _factor(key: str, unit: str, value: str, extra: str = "") -> str:
    return f"{key}:\n  unite: {unit}\n  source: essai\n  annee: 2026\n  valeur: {value}\n{extra}"


def _refused(tmp_path, files, *fragments, line=None):
    folder = _overlay(tmp_path, files)
    result = run("valider", "--facteurs", folder, code=1)
    err = result.stderr
    for fragment in fragments:
        assert fragment in err, err
    if line is not None:
        name = next(iter(files))
        assert f"{name}:{line}:" in err, err
    assert "erreur interne" not in err and "Traceback" not in err
    return err


# --- 04: a factor's dimension is checked against the library's -----------------

@pytest.mark.parametrize("key, unit, expected", [
    ("tarif.enfouissement.capitale-nationale", "$/km", "argent/masse attendue"),   # the repro
    ("redevance.elimination", "$/m³", "argent/masse attendue"),                   # the repro
    ("masse_volumique.bois_residus", "$/t", "masse/longueur^3 attendue"),         # the repro
    ("transport.charge_utile", "km", "masse attendue"),                           # the repro
    ("tarif.compostage.mauricie", "$/levée", "argent/masse attendue"),            # a new region, same family
    ("entreposage.loyer_exterieur.estrie", "$/pi²", "argent/longueur^2·temps attendue"),
    ("emission.carton.recyclage", "t CO2e/km", "GES/masse attendue"),
    ("contenant.40vg3.surface", "vg³", "surface attendue"),
    ("mutualisation.frais_levee", "$/t", "argent/levées attendue"),
    ("transport.cout", "$/t", "argent/longueur·masse attendue"),
    ("collecte.taux_remplissage", "kg", "nombre sans unité attendue"),
])
def test_wrong_dimension_is_refused(tmp_path, key, unit, expected):
    err = _refused(tmp_path, {"erreurs.yaml": _factor(key, unit, "12")}, f"{key}.unite: unité « {unit} »",
                   expected, line=2)
    assert "erreurs.yaml:2:10:" in err  # the value of `unite:`


def test_the_04_overlay_is_refused_by_audit_too(tmp_path):
    inventory = tmp_path / "mini.yaml"
    inventory.write_text(MINI, encoding="utf-8")
    folder = _overlay(tmp_path, {"erreurs.yaml": _factor("tarif.enfouissement.capitale-nationale", "$/km", "100")})
    result = run("audit", inventory, "--facteurs", folder, "-f", "json", code=1)
    assert "tarif.enfouissement.capitale-nationale.unite" in result.stderr
    assert result.stdout == ""  # no report computed from a fee in $/km


def test_same_dimension_other_unit_is_accepted_and_converted(tmp_path):
    folder = _overlay(tmp_path, {"t.yaml": _factor("tarif.enfouissement.mauricie", "$/tc", "90")})
    run("valider", "--facteurs", folder, code=0)
    lib = factors.load(str(folder))
    # 90 $/tc = 90 / 0,90718474 $/t = 99,208… $/t
    assert lib.get("tarif.enfouissement.mauricie").value == pytest.approx(90 / 0.90718474)


def test_unknown_key_is_refused_at_its_line(tmp_path):
    text = _factor("tarif.enfouissement.mauricie", "$/t", "90") + _factor("tarif_enfouissement", "$/t", "90")
    _refused(tmp_path, {"t.yaml": text}, "t.yaml:6:1: tarif_enfouissement: clé inconnue")


# --- 05: values are finite, in range, with the right sign ----------------------

@pytest.mark.parametrize("key, unit, value, fragment", [
    ("redevance.elimination", "$/t", ".nan", "nombre fini attendu"),       # the repro
    ("redevance.elimination", "$/t", ".inf", "nombre fini attendu"),       # the repro
    ("tarif.enfouissement.estrie", "$/t", "-.inf", "nombre fini attendu"),
    ("tarif.enfouissement.estrie", "$/t", "1e308", "hors d'échelle"),
    ("redevance.elimination", "$/t", "-1000", "valeur négative impossible"),  # the repro
    ("transport.cout", "$/t/km", "-0.16", "valeur négative impossible"),
    ("masse_volumique.carton", "kg/m³", "0", "strictement positive"),
    ("masse_volumique.carton", "kg/m³", "-50", "strictement positive"),
    ("masse_volumique.carton", "kg/m³", "1e-320", "trop petite"),
    ("transport.charge_utile", "t", "0", "strictement positive"),
    ("collecte.taux_remplissage", "'%'", "0", "fraction supérieure à 0"),
    ("collecte.taux_remplissage", "'%'", "120", "fraction supérieure à 0 et au plus 100 %"),
    ("mutualisation.rabais_levee", "'%'", "-5", "fraction entre 0 et 100 %"),
    ("politique.objectif.crd", "'1'", "1.5", "fraction entre 0 et 100 %"),
    ("collecte.compaction", "'1'", "0", "strictement positive"),
    ("transport.facteur_route", "'1'", "0.5", "au moins 1"),
    ("contenant.40vg3.surface", "pi²", "0", "strictement positive"),
    ("tarif.enfouissement.estrie", "$/t", "'cent'", "nombre attendu"),
])
def test_bad_values_are_refused(tmp_path, key, unit, value, fragment):
    _refused(tmp_path, {"v.yaml": _factor(key, unit, value)}, f"{key}.valeur:", fragment, line=5)


def test_negative_fee_stays_allowed(tmp_path):
    """A rebate (scrap metal, cardboard) is a negative fee: not a sign error."""
    folder = _overlay(tmp_path, {"t.yaml": _factor("tarif.recyclage.estrie", "$/t", "-40")})
    run("valider", "--facteurs", folder, code=0)


def test_by_year_rows_and_ranges_are_checked(tmp_path):
    text = ("redevance.elimination:\n  unite: $/t\n  source: essai\n  annee: 2026\n  valeurs:\n"
            "    - {annee: 2025, valeur: 34, source: s}\n    - {annee: 2026, valeur: .nan, source: s}\n")
    _refused(tmp_path, {"r.yaml": text}, "redevance.elimination.valeurs[1].valeur: nombre fini attendu", line=7)
    text = _factor("tarif.enfouissement.estrie", "$/t", "90", "  plage: {bas: 120, haut: 60}\n")
    _refused(tmp_path, {"p.yaml": text}, "plage inversée")
    text = _factor("tarif.enfouissement.estrie", "$/t", "90", "  plage: [60, 120]\n")
    _refused(tmp_path, {"p.yaml": text}, "tarif.enfouissement.estrie.plage: section attendue")


def test_the_05_negative_levy_never_reaches_a_cost(tmp_path):
    inventory = tmp_path / "mini.yaml"
    inventory.write_text(MINI, encoding="utf-8")
    folder = _overlay(tmp_path, {"redevance.yaml": _factor("redevance.elimination", "$/t", "-1000")})
    result = run("audit", inventory, "--facteurs", folder, "-f", "json", code=1)
    assert "valeur négative impossible" in result.stderr and result.stdout == ""


# --- 07: badly shaped matieres.yaml / regions.yaml / factor files ----------------

@pytest.mark.parametrize("name, text, where, fragment", [
    ("matieres.yaml", "matieres: [carton, papier]\n", "1:11: matieres:", "section attendue"),   # the repro
    ("regions.yaml", "regions: [quebec, montreal]\n", "1:10: regions:", "section attendue"),    # the repro
    ("regions.yaml", 'regions: "quebec"\n', "1:10: regions:", "section attendue"),              # the repro
    ("regions.yaml", "regions:\n  mauricie: Mauricie\n", "2:13: regions.mauricie:", "section attendue"),
    ("regions.yaml", "regions:\n  mauricie: {en: Mauricie}\n", "2:13: regions.mauricie:", "libellé « fr »"),
    ("matieres.yaml", "matieres:\n  bois_x: [Bois]\n", "2:11: matieres.bois_x:", "section attendue"),
    ("matieres.yaml", "matieres:\n  bois_x: {fr: Bois, en: Wood, famille: crd, filiere_defaut: bruler}\n",
     "matieres.bois_x.filiere_defaut:", "filière « bruler » inconnue"),
    ("matieres.yaml", "matieres:\n  bois_x: {fr: Bois, en: Wood, famille: bois}\n",
     "matieres.bois_x.famille:", "famille « bois » inconnue"),
    ("matieres.yaml", "matieres:\n  bois_x: {fr: Bois, en: Wood, substitue: litiere}\n",
     "matieres.bois_x.substitue:", "liste de catégories"),
    ("matieres.yaml", "categories_intrants: [litiere]\n", "1:22: categories_intrants:", "section attendue"),
    ("matieres.yaml", "dangereuses: texte\n", "1:14: dangereuses:", "section attendue"),
    ("tarifs.yaml", "- tarif.enfouissement.estrie\n", "tarifs.yaml:1:1:", "section attendue"),
    ("tarifs.yaml", "tarif.enfouissement.estrie: 90\n", "1:29: tarif.enfouissement.estrie:", "section attendue"),
    ("tarifs.yaml", "tarif.enfouissement.estrie: {unite: $/t, source: s, valeur: 90, valuer: 9}\n",
     "tarif.enfouissement.estrie.valuer:", "champ inconnu"),
    ("tarifs.yaml", "tarif.enfouissement.estrie: {unite: [$/t], source: s, valeur: 90}\n",
     "tarif.enfouissement.estrie.unite:", "texte"),
    ("tarifs.yaml", "tarif.enfouissement.estrie: {unite: $/t, source: s, valeur: 90, confiance: top}\n",
     "tarif.enfouissement.estrie.confiance:", "haute, moyenne, faible, aucune"),
    ("tarifs.yaml", "redevance.elimination: {unite: $/t, source: s, valeurs: 36}\n",
     "redevance.elimination.valeurs:", "liste d'années"),
])
def test_bad_structure_is_located(tmp_path, name, text, where, fragment):
    for command in (("valider", "--facteurs"), ("facteurs", "--facteurs")):
        folder = tmp_path / f"{command[0]}"
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        result = run(*command, folder, code=1)
        assert where in result.stderr and fragment in result.stderr, result.stderr
        assert "erreur interne" not in result.stderr


# --- only regular files are read ------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="FIFO and /dev/zero are POSIX")
def test_fifo_device_link_folder_and_dangling_link_are_refused_without_reading(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    os.mkfifo(folder / "tube.yaml")                      # opening it would block forever
    os.symlink("/dev/zero", folder / "zero.yaml")        # reading it would never end
    (folder / "dossier.yaml").mkdir()
    os.symlink(folder / "absent", folder / "brise.yaml")
    result = run("valider", "--facteurs", folder, code=1)
    err = result.stderr
    for name in ("tube.yaml", "zero.yaml", "dossier.yaml"):
        assert f"{name}: ce n'est pas un fichier ordinaire" in err, err
    assert "brise.yaml: lien symbolique brisé" in err


def test_oversized_factor_file_is_refused(tmp_path):
    from symbio_cli import loader

    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "gros.yaml").write_bytes(b"# " + b"x" * (loader.MAX_BYTES + 10) + b"\n")
    result = run("valider", "--facteurs", folder, code=1)
    assert "gros.yaml: fichier trop gros" in result.stderr


def test_too_many_nodes_is_refused(tmp_path):
    from symbio_cli import loader

    folder = tmp_path / "f"
    folder.mkdir()
    items = ", ".join("0" for _ in range(loader.MAX_NODES + 5))
    (folder / "noeuds.yaml").write_text(f"tarif.enfouissement.estrie: {{unite: $/t, source: s, ref: [{items}], valeur: 9}}\n")
    result = run("valider", "--facteurs", folder, code=1)
    assert "noeuds.yaml:1:" in result.stderr and "trop d'éléments" in result.stderr


# --- the overlay alone, and the packaged library --------------------------------

def test_valider_facteurs_alone_accepts_a_good_overlay(tmp_path):
    folder = _overlay(tmp_path, {
        "tarifs.yaml": _factor("tarif.enfouissement.mauricie", "$/t", "91.50"),
        "regions.yaml": "regions:\n  nord-du-quebec: {fr: Nord-du-Québec, en: Nord-du-Québec}\n",
        "matieres.yaml": "matieres:\n  bois_x: {fr: Bois X, en: Wood X, famille: autres, "
                         "filiere_defaut: recyclage, substitue: [bois_x, litiere]}\n",
    })
    result = run("valider", "--facteurs", folder, code=0)
    assert "facteurs valides" in result.stderr


def test_valider_with_inventory_and_overlay_still_validates_both(tmp_path):
    folder = _overlay(tmp_path, {"t.yaml": _factor("tarif.enfouissement.mauricie", "$/t", "91.5")})
    run("valider", EXEMPLES / "usine.yaml", "--facteurs", folder, code=0)


def test_every_library_key_has_a_rule_and_passes_it():
    """The packaged library obeys the rules an overlay is held to (no problem at all)."""
    lib = factors.load(None)
    assert lib.problems == []
    for key in lib.factors:
        assert factors.key_rule(key) is not None, key
