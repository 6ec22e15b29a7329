"""`symbio valider`: every bad inventory is refused with a located, specific diagnosis.

Each file of tests/bad/ holds one defect, named by its file name. EXPECTED
says, for each, the line the diagnosis must point to (None when the problem
concerns the whole file) and the fragments the message must contain, so a
case passes only when symbio explains *that* defect, not merely when it exits 1.
"""

from __future__ import annotations

import json

import pytest

from conftest import BAD, EXEMPLES, bad_files, example_files, run

# name -> (line, fragment, fragment…)
EXPECTED: dict[str, tuple] = {
    "alias_bombe": (3, "les ancres et alias YAML (& et *) ne sont pas acceptés"),
    "annee_hors_bornes": (6, "annee: valeur trop petite (minimum 1990)"),
    "annee_manquante": (2, "annee: champ obligatoire manquant"),
    "annee_texte": (6, "annee: nombre entier attendu"),
    "booleen_no": (15, "redevance_incluse: true ou false attendu"),
    "booleen_non": (15, "redevance_incluse: true ou false attendu"),
    "cle_composee": (7, "clé composée interdite"),
    "cle_double": (12, "clé « quantite » en double (déjà à la ligne 11)"),
    "cle_inconnue": (12, "clé inconnue « masse_volumiqe » (vouliez-vous dire « masse_volumique » ?)"),
    "collecte_et_conteneur": (19, "« collecte » et « conteneur » s'excluent"),
    "contenant_manquant": (15, "gestion.collecte.contenant: champ obligatoire manquant"),
    "conteneur_inconnu": (19, "conteneur « dechet » absent de « conteneurs: »", "« dechets »"),
    "coordonnees_hors_globe": (6, "coordonnees.lat: valeur trop grande (maximum 90"),
    "deux_documents": (15, "un seul document YAML attendu"),
    "deux_retenus": (21, "scenarios[1].retenu: flux « carton » : les scénarios retenus 1 et 2 détournent ensemble 200 %"),
    "dimension_fausse": (11, "« 95 $/t » est de dimension argent/masse", "masse/temps"),
    "entreposage_type_inconnu": (15, "valeur « dehors » invalide", "interieur, exterieur"),
    "exposant_enorme": (11, "quantite: nombre illisible « 10**10**10 kg »"),
    "flux_manquant": (2, "flux: champ obligatoire manquant"),
    "flux_vide": (7, "flux: au moins un élément attendu"),
    "frais_levee_manquant": (15, "gestion.collecte.frais_levee: champ obligatoire manquant"),
    "fusion_yaml": (4, "la fusion YAML « << » n'est pas acceptée"),
    "hypothese_inconnue": (8, "clé de facteur inconnue « redevance.elimnation »", "« redevance.elimination »"),
    "hypothese_unite": (8, "« 36 $ » : unité incompatible avec « redevance.elimination »", "$/t"),
    "id_double": (15, "flux[1].id: identifiant « carton » déjà utilisé (flux[0].id)"),
    "id_double_conteneur": (12, "flux[0].id: identifiant « carton » déjà utilisé (conteneurs[0].id)"),
    "identifiant_invalide": (8, "flux[0].id: identifiant attendu"),
    "imbrication_profonde": (4, "YAML trop imbriqué"),
    "infini": (6, "coordonnees.lat: nombre fini attendu"),
    "liste": (1, "le fichier contient une liste"),
    "matiere_dangereuse": (10, "« huiles_usees » est une matière dangereuse",
                           "Règlement sur les matières dangereuses"),
    "matiere_inconnue": (10, "matière « cartonn » inconnue (vouliez-vous dire « carton » ?)"),
    "mode_inconnu": (13, "gestion.mode: valeur « enfouisement » invalide (vouliez-vous dire « enfouissement » ?)"),
    "mutualisation_conteneur_partage": (21, "scenarios[0]: une mutualisation demande un conteneur propre au flux"),
    "mutualisation_sans_collecte": (16, "scenarios[0]: une mutualisation demande que le flux ait son conteneur"),
    "nan": (11, "quantite: nombre fini attendu"),
    "negatif": (11, "quantite: valeur négative interdite"),
    "nom_vide": (4, "entreprise.nom: texte vide"),
    "nombre_trop_grand": (11, "quantite: nombre trop grand"),
    "parentheses": (11, "quantite: quantité trop longue"),
    "partenaire_dimension_fausse": (19, "partenaires[0].quantite: « 9800 $/an » est de dimension argent/temps"),
    "pourcentage_hors_bornes": (17, "part: pourcentage entre 0 et 100 % attendu"),
    "prix_manquant": (16, "scenarios[0].prix: champ obligatoire manquant"),
    "quantite_booleen": (11, "quantite: quantité attendue, pas un booléen"),
    "quantite_sans_unite": (11, "« 18 » est de dimension nombre sans unité"),
    "region_inconnue": (5, "région « capitale-nationalle » inconnue (vouliez-vous dire « capitale-nationale » ?)"),
    "scalaire": (1, "le fichier contient une valeur seule"),
    "scenario_sans_type": (16, "« type » manquant ; attendu : substitution, collecte ou mutualisation"),
    "statut_inconnu": (17, "statut: valeur « en_cours » invalide"),
    "tabulation": (9, "tabulation interdite"),
    "tag_python": (4, "étiquette YAML interdite", "python/object/apply"),
    "taux_remplissage_nul": (18, "taux_remplissage: valeur strictement positive attendue"),
    "transport_dimension_fausse": (18, "transport: « 12 t » est de dimension masse", "$/voyage"),
    "type_scenario_inconnu": (16, "type de scénario « echange » inconnu"),
    "unite_inconnue": (11, "quantite: unité inconnue « brouettes »"),
    "unite_trop_complexe": (11, "unité trop complexe"),
    "version_future": (2, "version « 2 » non prise en charge"),
    "vide": (1, "fichier vide"),
    "virgule_table_en_ligne": (14, "frais_levee: virgule décimale dans une table { … }", "« frais_levee: 45.50 $ »",
                               "« frais_levee: \"45,50 $\" »", "style bloc"),
    "cle_accentuee": (10, "clé « matière » : les clés s'écrivent sans accent", "écrivez « matiere »"),
    "matiere_huile_vegetale": (10, "matière « huile_de_friture » inconnue", "« organique_alimentaire »"),
    "matiere_dangereuse_synonyme": (10, "« batteries » est une matière dangereuse (Piles et batteries)"),
    "matiere_chaleur": (10, "« chaleur_residuelle » : les échanges d'énergie", "hors du champ de symbio"),
    "unite_tons": (11, "unité « tons » ambiguë", "« tc » (tonne courte", "« t » (tonne métrique)"),
    "unite_gallons": (11, "unité « gallons » non acceptée", "« L »", "masse volumique"),
    "unite_verges": (15, "contenant: unité « verges » non acceptée", "« vg³ »"),
    "compaction_nulle": (17, "compaction: valeur strictement positive attendue"),
    "hypothese_remplissage_nul": (7, "collecte.taux_remplissage: « 0 » : valeur strictement positive attendue"),
    "masse_volumique_denormale": (12, "masse_volumique: valeur trop petite", "1 kg/m³ au moins"),
    "montant_enorme": (14, "frais_fixes: valeur hors des bornes"),
    "caractere_controle": (10, "caractère de contrôle invisible U+001B"),
    "version_booleen": (2, "version: nombre entier attendu", "pas « true »"),
    "annee_trop_longue": (5, "nombre de 40 chiffres : trop long"),
    "cle_d_un_autre_endroit": (17, "clé inconnue ici « tarif » (vouliez-vous dire « prix » ?)"),
    "echappement_inconnu": (10, "YAML invalide : échappement inconnu"),
    "windows1252_invalide": (10, "clé « matière » : les clés s'écrivent sans accent", "écrivez « matiere »"),
    "yaml_malforme": (4, "YAML invalide", "« , » ou « } » attendu"),
}

# Known bugs of symbio_cli, kept visible: the case passes once the bug is fixed
# (strict xfail then fails, so the mark must be removed).
KNOWN_BUGS: dict[str, str] = {}


def _generated(tmp_path, name):
    """Bad inputs too big or too binary to commit, made at run time: (path, line, fragments…)."""
    base = (BAD / "negatif.yaml").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.yaml"
    if name == "chaine_100ko":
        path.write_text(base.replace("-2 t/mois", "2 " + "t" * 100_000), encoding="utf-8")
        return path, 11, "quantite: quantité trop longue (100002 caractères"
    if name == "fichier_50mo":
        with open(path, "wb") as fh:
            fh.write(base.encode("utf-8"))
            fh.write((b"# " + b"x" * 1021 + b"\n") * (50 * 1024))
        return path, None, "fichier trop gros"
    if name == "binaire":
        path.write_bytes(base.encode("utf-8") + b"\x00\x01\x02")
        return path, None, "fichier binaire"
    raise KeyError(name)


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Load the CLI, pint and the factor library once, so timings measure the file."""
    run("valider", EXEMPLES / "usine.yaml")


def _check(result, path, line, fragments):
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    name = str(path)
    if line is None:
        lines = [ln for ln in out.splitlines() if ln.startswith(name + ": ")]
    else:
        lines = [ln for ln in out.splitlines() if ln.startswith(f"{name}:{line}:")]
    assert any(all(f in ln for f in fragments) for ln in lines), (
        f"expected a line {name}:{line}: with {fragments!r}; got:\n{out}")
    # every problem is located: `fichier:ligne:` whenever the file could be read as YAML
    for ln in out.splitlines():
        assert ln.startswith(name + ":"), ln


def test_table_covers_the_corpus():
    names = {p.stem for p in bad_files()}
    assert len(names) >= 30
    assert names == set(EXPECTED), (names ^ set(EXPECTED))


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_BUGS[n], strict=True)) if n in KNOWN_BUGS else n
    for n in sorted(EXPECTED)
])
def test_bad_file_is_refused_with_its_diagnosis(name):
    path = BAD / f"{name}.yaml"
    line, *fragments = EXPECTED[name]
    result = run("valider", path, code=1)  # how fast: bench/bench_garde_fous.py
    _check(result, path, line, fragments)
    assert "1 inventaire invalide sur 1" in result.stderr


def test_windows1252_is_read_with_a_warning():
    path = BAD / "windows1252_invalide.yaml"
    result = run("valider", path, code=1)
    # line 1, column of the first byte that is not UTF-8 (the « é » of « clé », one cp1252 byte)
    col = next(i for i, b in enumerate(path.read_bytes().split(b"\n")[0]) if b >= 0x80) + 1
    assert f"{path}:1:{col}: avertissement: fichier lu en Windows-1252" in result.stdout


@pytest.mark.parametrize("name", ["chaine_100ko", "fichier_50mo", "binaire"])
def test_generated_bad_file_is_refused_quickly(tmp_path, name):
    path, line, *fragments = _generated(tmp_path, name)
    result = run("valider", path, code=1)  # how fast: bench/bench_garde_fous.py
    _check(result, path, line, fragments)


def test_a_folder_named_like_a_file_is_not_an_inventory(tmp_path):
    folder = tmp_path / "dossier.yaml"
    folder.mkdir()
    (folder / "rien.txt").write_text("", encoding="utf-8")
    # a folder is expanded (here: no inventory inside) rather than read as a file
    result = run("valider", folder, code=None)
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stdout + result.stderr


def test_the_whole_bad_folder_is_refused_in_one_batch():
    result = run("valider", BAD, code=1)
    n = len(bad_files())
    assert f"{n} inventaires invalides sur {n}" in result.stderr  # every bad file, plural
    for name in set(EXPECTED) - set(KNOWN_BUGS):
        assert f"{BAD / name}.yaml:" in result.stdout, name


def _audit_warnings(path) -> list[str]:
    """The warnings of `symbio audit PATH -f json`, as `valider` prints them."""
    data = json.loads(run("audit", path, "-f", "json", "--date", "2026-01-01").stdout)
    lines = []
    for w in data["avertissements"]:
        where = str(path) + "".join(f":{n}" for n in (w["ligne"], w["colonne"]) if n is not None)
        lines.append(f"{where}: avertissement: " + (f"{w['champ']}: " if w["champ"] else "") + w["message"])
    return lines


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXEMPLES)))
def test_example_is_valid_and_valider_prints_exactly_the_audit_warnings(path):
    result = run("valider", path)
    assert "1 inventaire valide" in result.stderr
    assert "erreur" not in result.stdout
    printed = result.stdout.splitlines()
    assert sorted(printed) == sorted(_audit_warnings(path))
    # --strict fails exactly when audit has something to say
    run("valider", "--strict", path, code=1 if printed else 0)


def test_examples_folder_is_valid():
    result = run("valider", EXEMPLES)
    n = len(example_files())
    assert n >= 12
    assert f"{n} inventaires valides" in result.stderr
    assert all(": avertissement: " in line for line in result.stdout.splitlines())


def test_strict_mode_counts_the_examples_that_have_audit_warnings():
    warned = sum(1 for p in example_files() if _audit_warnings(p))
    result = run("valider", "--strict", EXEMPLES, code=1 if warned else 0)
    if warned:
        word = "inventaire invalide" if warned == 1 else "inventaires invalides"  # French: 1 singular
        assert f"{warned} {word} sur {len(example_files())}" in result.stderr


def test_batch_with_good_and_bad_files_exits_1_and_reports_both():
    good = EXEMPLES / "usine.yaml"
    bad = BAD / "negatif.yaml"
    result = run("valider", good, bad, code=1)
    assert f"{bad}:11:15: flux[0].quantite: valeur négative interdite ici" in result.stdout
    assert all(": avertissement: " in line for line in result.stdout.splitlines() if line.startswith(str(good)))
    assert "1 inventaire invalide sur 2" in result.stderr
    payload = json.loads(run("valider", "--format", "json", good, bad, code=1).stdout)
    valid = {f["fichier"]: f["valide"] for f in payload["fichiers"]}
    assert valid == {str(good): True, str(bad): False}


def test_format_json():
    bad = BAD / "unite_inconnue.yaml"
    result = run("valider", "--format", "json", bad, code=1)
    payload = json.loads(result.stdout)
    assert payload["schema"] == "symbio.validation/1"
    [entry] = payload["fichiers"]
    assert entry["fichier"] == str(bad)
    assert entry["valide"] is False
    [problem] = entry["problemes"]
    assert problem == {
        "fichier": str(bad), "ligne": 11, "colonne": 15, "champ": "flux[0].quantite",
        "message": "unité inconnue « brouettes »", "gravite": "erreur",
    }


def test_format_json_of_a_valid_file():
    path = EXEMPLES / "mrc-cote-de-beaupre" / "ferme-ange-gardien.yaml"
    assert _audit_warnings(path) == []
    payload = json.loads(run("valider", "--format", "json", path).stdout)
    assert payload["fichiers"] == [{"fichier": str(path), "valide": True, "problemes": []}]


def test_format_json_lists_the_audit_warnings_of_a_valid_file():
    path = EXEMPLES / "usine.yaml"
    payload = json.loads(run("valider", "--format", "json", path).stdout)
    [entry] = payload["fichiers"]
    assert entry["valide"] is True
    audit = json.loads(run("audit", path, "-f", "json", "--date", "2026-01-01").stdout)["avertissements"]
    assert [(p["ligne"], p["colonne"], p["champ"], p["message"]) for p in entry["problemes"]] == \
        [(w["ligne"], w["colonne"], w["champ"], w["message"]) for w in audit]
    assert {p["gravite"] for p in entry["problemes"]} == {"avertissement"}


def test_format_github():
    bad = BAD / "pourcentage_hors_bornes.yaml"
    result = run("valider", "--format", "github", bad, code=1)
    assert result.stdout.splitlines() == [
        f"::error file={bad},line=17,col=15,title=symbio::flux[0].scenarios[0].part: "
        "pourcentage entre 0 et 100 %25 attendu"
    ]


def test_format_github_warning():
    result = run("valider", "--format", "github", BAD / "windows1252_invalide.yaml", code=1)
    assert any(ln.startswith("::warning ") and "Windows-1252" in ln for ln in result.stdout.splitlines())
    assert any(ln.startswith("::error ") and "line=10" in ln for ln in result.stdout.splitlines())


def test_missing_file(tmp_path):
    missing = tmp_path / "absent.yaml"
    result = run("valider", missing, code=1)
    assert f"{missing}: fichier introuvable" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_file_in_a_batch_does_not_stop_it(tmp_path):
    missing = tmp_path / "absent.yaml"
    result = run("valider", missing, EXEMPLES / "usine.yaml", code=1)
    assert "1 inventaire invalide sur 2" in result.stderr


def test_no_argument_is_a_usage_error():
    result = run("valider", code=2)
    assert "donnez au moins un fichier" in result.stderr


def test_warning_alone_passes_unless_strict(tmp_path):
    text = (EXEMPLES / "fromagerie.yaml").read_text(encoding="utf-8")
    path = tmp_path / "milliers.yaml"
    path.write_text(text.replace("quantite: 1,8 t/mois", "quantite: 1,800 t/mois"), encoding="utf-8")
    result = run("valider", path)
    assert "avertissement:" in result.stdout
    assert "écrivez « 1 800 »" in result.stdout
    run("valider", "--strict", path, code=1)
