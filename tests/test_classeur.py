"""Spreadsheets in: the input workbook, filled as a consultant would, imports to inventories that audit like YAML.

`symbio init --format xlsx` writes the workbook; here it is filled with
openpyxl cell by cell (numbers in number cells, units picked from the unit
columns, percentages typed as 12 % in percent-formatted cells) with the data
of exemples/usine.yaml, then `symbio importer` writes the YAML inventory and
the audit of both must give the same figures, stream by stream.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import EXEMPLES, run

FIRM = {"Code": "meubles-laurentiens", "Nom": "Meubles Laurentiens inc.", "Région": "capitale-nationale",
        "MRC": "La Côte-de-Beaupré", "Municipalité": "Beaupré", "Latitude": 47.044, "Longitude": -70.893,
        "SCIAN": 337123, "Année": 2026, "Période des données": "2025-01 à 2025-12"}
HYPOTHESES = [
    {"Clé": "redevance.elimination", "Valeur": 36, "Unité": "$/t"},
    {"Clé": "entreposage.loyer_exterieur", "Valeur": 25, "Unité": "$/m²/an"},
]
CONTAINERS = [
    {"Identifiant": "conteneur-cour", "Contenant": 40, "Unité du contenant": "vg³", "Levées": 1,
     "Unité des levées": "/semaine", "Frais par levée ($)": 310, "Surcharge (%)": 0.12, "Location": 120,
     "Unité de la location": "$/mois", "Taux de remplissage (%)": 0.8, "Charge utile (t)": 10},
    {"Identifiant": "bac-sciure", "Contenant": 40, "Unité du contenant": "vg³", "Levées": 1,
     "Unité des levées": "/semaine", "Frais par levée ($)": 310, "Surcharge (%)": 0.12, "Location": 120,
     "Unité de la location": "$/mois", "Taux de remplissage (%)": 0.8},
    {"Identifiant": "compacteur-carton", "Contenant": 30, "Unité du contenant": "vg³", "Levées": 1,
     "Unité des levées": "/mois", "Frais par levée ($)": 185, "Location": 350, "Unité de la location": "$/mois",
     "Taux de remplissage (%)": 0.8, "Compaction": 4},
    {"Identifiant": "bac-granules", "Contenant": 30, "Unité du contenant": "vg³", "Frais par levée ($)": 250,
     "Taux de remplissage (%)": 0.9},
    {"Identifiant": "compacteur-groupe", "Contenant": 30, "Unité du contenant": "vg³", "Frais par levée ($)": 185,
     "Location": 350, "Unité de la location": "$/mois", "Taux de remplissage (%)": 0.8, "Compaction": 4},
]
STREAMS = [
    {"Identifiant": "sciure", "Nom": "Sciure et copeaux de bois (aspiration des ateliers)", "Matière": "bois_residus",
     "Quantité": 18, "Unité de la quantité": "t/mois", "Masse volumique (kg/m³)": 210, "Source des données": "pesee",
     "Mode de gestion": "enfouissement", "Tarif ($/t)": 98, "Redevance incluse": "non", "Conteneur": "bac-sciure",
     "Entreposage (m²)": 30},
    {"Identifiant": "melanges", "Nom": "Déchets de production (emballages souillés, poussières, divers)",
     "Matière": "dechets_melanges", "Quantité": 10, "Unité de la quantité": "t/mois", "Masse volumique (kg/m³)": 180,
     "Source des données": "caracterisation", "Mode de gestion": "enfouissement", "Tarif ($/t)": 105,
     "Conteneur": "conteneur-cour", "Entreposage (m²)": 18, "Type d'entreposage": "exterieur"},
    {"Identifiant": "palettes", "Nom": "Palettes brisées", "Matière": "bois_palettes", "Quantité": 40,
     "Unité de la quantité": "vg³/mois", "Masse volumique (kg/m³)": 150, "Source des données": "estimation",
     "Mode de gestion": "enfouissement", "Tarif ($/t)": 105, "Conteneur": "conteneur-cour", "Entreposage (m²)": 12,
     "Type d'entreposage": "exterieur"},
    {"Identifiant": "carton", "Nom": "Carton d'emballage des panneaux et quincaillerie", "Matière": "carton",
     "Quantité": 20, "Unité de la quantité": "vg³/semaine", "Masse volumique (kg/m³)": 50,
     "Source des données": "facture", "Mode de gestion": "recyclage", "Tarif ($/t)": -20,
     "Conteneur": "compacteur-carton", "Entreposage (m²)": 15},
]
SCENARIOS = [
    {"Flux": "sciure", "Type": "substitution", "Nom": "Granules (fabricant de granules de bois)", "Retenu": "oui",
     "Statut": "etude", "Statut réglementaire": "exempte", "Preneur": "Granules Boréal inc.", "Part (%)": 1,
     "Prix ($/t)": 25, "Filière": "valorisation_energetique", "Combustible remplacé": "gaz_naturel",
     "Distance (km)": 38, "Transport": 325, "Unité du transport": "$/voyage", "Charge par voyage (t)": 12,
     "Préparation ($/t)": 4, "Conteneur": "bac-granules", "Frais fixes ($/an)": 0, "Investissement ($)": 15000,
     "Entreposage après (m²)": 25},
    {"Flux": "sciure", "Type": "substitution", "Nom": "Litière pour une ferme de la côte", "Statut": "idee",
     "Preneur": "Ferme des Battures", "Part (%)": 0.4, "Prix ($/t)": 0, "Filière": "recyclage", "Distance (km)": 17},
    {"Flux": "palettes", "Type": "substitution", "Nom": "Réparation par un recycleur de palettes", "Statut": "etude",
     "Statut réglementaire": "inconnu", "Preneur": "Palettes Charlevoix inc.", "Prix ($/t)": 0, "Filière": "reemploi",
     "Distance (km)": 24, "Levées après": 3, "Unité des levées après": "/mois", "Entreposage après (m²)": 6},
    {"Flux": "carton", "Code": "M1", "Type": "mutualisation", "Nom": "Compacteur partagé avec deux voisins",
     "Statut": "idee", "Forme": "conteneur_partage", "Conteneur": "compacteur-groupe",
     "Frais de gestion ($/an)": 500, "Tarif de groupe ($/t)": -25, "Répartition": "proportionnelle"},
]
PARTNERS = [
    {"Scénario": "M1", "Nom": "Imprimerie du Fleuve", "Quantité": 15, "Unité de la quantité": "vg³/semaine",
     "Coût actuel ($/an)": 7800},
    {"Scénario": "M1", "Nom": "Quincaillerie Beaupré", "Quantité": 8, "Unité de la quantité": "vg³/semaine",
     "Coût actuel ($/an)": 4200},
]
INPUTS = [{"Nom": "Palettes neuves", "Matière": "bois_palettes", "Quantité": 25, "Unité de la quantité": "t/an",
           "Prix ($/t)": 600}]


def fill(ws, rows: list[dict], firm: str | None = None) -> None:
    """Type each row under the template's headers, as a consultant would (row 2 onward)."""
    headers = {cell.value: cell.column for cell in ws[1] if cell.value}
    for r, row in enumerate(rows, 2):
        if firm is not None:
            row = {"Entreprise": firm, **row}
        for header, value in row.items():
            assert header in headers, f"{ws.title}: no column « {header} » in the template ({sorted(headers)})"
            ws.cell(row=r, column=headers[header], value=value)


@pytest.fixture
def template(tmp_path) -> Path:
    path = tmp_path / "classeur.xlsx"
    run("init", "--format", "xlsx", path)
    return path


def filled(template: Path, firm_column: str | None = None) -> Path:
    wb = openpyxl.load_workbook(template)
    fill(wb["Entreprise"], [FIRM])
    for sheet, rows in (("Hypothèses", HYPOTHESES), ("Conteneurs", CONTAINERS), ("Flux", STREAMS),
                        ("Scénarios", SCENARIOS), ("Partenaires", PARTNERS), ("Intrants", INPUTS)):
        fill(wb[sheet], rows, firm_column)
    wb.save(template)
    return template


def audit(path: Path) -> dict:
    return json.loads(run("audit", path, "-f", "json", "--date", "2026-01-15").stdout)


def test_template_has_the_sheets_lists_and_instructions(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[:1] == ["Lisez-moi"]
    assert {"Entreprise", "Hypothèses", "Conteneurs", "Flux", "Scénarios", "Partenaires", "Intrants"} <= set(wb.sheetnames)
    readme = "\n".join(str(c.value or "") for c in wb["Lisez-moi"]["A"])
    assert "symbio importer" in readme and "Unité" in readme
    flux = wb["Flux"]
    headers = [c.value for c in flux[1]]
    assert headers.index("Unité de la quantité") == headers.index("Quantité") + 1  # quantity and unit side by side
    lists = {tuple(dv.sqref.ranges)[0].coord.split(":")[0][:-1]: dv.formula1 for dv in flux.data_validations.dataValidation}
    letter = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, 1)}
    for header in ("Matière", "Unité de la quantité", "Mode de gestion"):
        assert letter[header] in lists, header
    listes = wb["Listes"]
    values = {c.value for row in listes.iter_rows() for c in row}
    assert {"bois_residus", "carton", "enfouissement", "recyclage", "capitale-nationale", "t/mois", "vg³/semaine"} <= values
    assert wb["Entreprise"].freeze_panes == "A2"


def test_filled_workbook_audits_like_the_yaml_example(template, tmp_path):
    out = tmp_path / "inventaires"
    result = run("importer", filled(template), "-o", out)
    produced = out / "meubles-laurentiens.yaml"
    assert produced.is_file(), result.stderr
    assert "inventaire écrit" in result.stderr
    run("valider", produced)
    text = produced.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=inventaire.schema.json")
    assert "# Flux!" in text and "# Conteneurs!" in text  # every value says which cell it came from
    assert (out / "inventaire.schema.json").is_file()

    mine, reference = audit(produced), audit(EXEMPLES / "usine.yaml")
    assert mine["totaux"] == reference["totaux"]
    assert [f["id"] for f in mine["flux"]] == ["sciure", "melanges", "palettes", "carton"]
    for got, want in zip(mine["flux"], reference["flux"]):
        assert got == want, got["id"]
    assert mine["conteneurs"] == reference["conteneurs"]
    assert mine["politique"] == reference["politique"]
    # the same inventory, field for field (the example has containers and streams in this order)
    data = yaml.safe_load(text)
    example = yaml.safe_load((EXEMPLES / "usine.yaml").read_text(encoding="utf-8"))
    assert data["flux"] == example["flux"] or _same_streams(data, example)
    assert data["intrants"] == [{"nom": "Palettes neuves", "matiere": "bois_palettes", "quantite": "25 t/an",
                                 "prix": "600 $/t"}]


def _same_streams(data, example) -> bool:
    from symbio_cli import units

    def norm(v):
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items() if k not in ("redevance_incluse",) or x}
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, str):
            try:
                q = units.parse(v)
                return (round(q.value, 9), q.dims)
            except Exception:  # noqa: BLE001 - a plain text
                return v
        return v

    assert norm(data["flux"]) == norm(example["flux"])
    return True


TWO_FIRMS = [
    {"Code": "scierie-a", "Nom": "Scierie A inc.", "Région": "mauricie", "Année": 2026},
    {"Code": "fromagerie-b", "Nom": "Fromagerie B inc.", "Année": 2026},
]


def two_firms(template: Path, streams: list[dict]) -> Path:
    wb = openpyxl.load_workbook(template)
    fill(wb["Entreprise"], TWO_FIRMS)
    fill(wb["Flux"], streams)
    wb.save(template)
    return template


GOOD_A = {"Entreprise": "scierie-a", "Identifiant": "sciure", "Nom": "Sciure", "Matière": "bois_residus",
          "Quantité": 540, "Unité de la quantité": "t/an", "Mode de gestion": "enfouissement", "Tarif ($/t)": 105}
GOOD_B = {"Entreprise": "fromagerie-b", "Identifiant": "carton", "Nom": "Carton", "Matière": "carton",
          "Quantité": 2, "Unité de la quantité": "t/mois", "Mode de gestion": "recyclage", "Tarif ($/t)": -40}


def test_each_firm_is_its_own_inventory_and_audits_like_its_yaml_twin(template, tmp_path):
    out = tmp_path / "inv"
    run("importer", two_firms(template, [GOOD_A, GOOD_B]), "-o", out)
    assert sorted(p.name for p in out.glob("*.yaml")) == ["fromagerie-b.yaml", "scierie-a.yaml"]
    twin = tmp_path / "jumeau.yaml"
    twin.write_text("version: 1\nentreprise: {nom: Scierie A inc., region: mauricie}\nannee: 2026\nflux:\n"
                    "  - id: sciure\n    nom: Sciure\n    matiere: bois_residus\n    quantite: 540 t/an\n"
                    "    gestion: {mode: enfouissement, tarif: 105 $/t}\n", encoding="utf-8")
    mine, want = audit(out / "scierie-a.yaml"), audit(twin)
    assert mine["totaux"] == want["totaux"] and mine["flux"] == want["flux"]
    # 540 t/an × (105 + levy) $/t: the imported file carries the same tonnage and tariff
    assert mine["flux"][0]["masse_t"] == 540


def test_errors_name_the_cell_and_nothing_is_written_for_that_firm(template, tmp_path):
    bad = dict(GOOD_B, **{"Matière": "cartonn", "Unité de la quantité": "brouettes"})
    del bad["Nom"]
    out = tmp_path / "inv"
    result = run("importer", two_firms(template, [GOOD_A, bad]), "-o", out, code=1)
    err = result.stderr
    # the row of firm B is row 3 of Flux; columns: C Nom, D Matière, E Quantité
    assert "classeur.xlsx:Flux!C3: Nom: valeur obligatoire manquante" in err, err
    assert (out / "scierie-a.yaml").is_file()
    assert not (out / "fromagerie-b.yaml").exists()
    assert "1 inventaire écrit, 1 en échec" in err  # real plurals: 1 inventaire, 2 inventaires
    assert "Traceback" not in err


def test_validation_errors_point_at_the_cells(template, tmp_path):
    bad = dict(GOOD_B, **{"Matière": "cartonn", "Unité de la quantité": "brouettes", "Tarif ($/t)": "cher"})
    result = run("importer", two_firms(template, [GOOD_A, bad]), "-o", tmp_path / "inv", code=1)
    lines = [line for line in result.stderr.splitlines() if "Flux!" in line]
    assert any("classeur.xlsx:Flux!D3: Matière: matière « cartonn » inconnue" in line and "carton" in line
               for line in lines), lines
    assert any("classeur.xlsx:Flux!E3: Quantité:" in line and "brouettes" in line for line in lines), lines
    assert any("classeur.xlsx:Flux!J3: Tarif ($/t):" in line for line in lines), lines


def test_existing_inventory_is_never_overwritten_without_force(template, tmp_path):
    out = tmp_path / "inv"
    out.mkdir()
    (out / "scierie-a.yaml").write_text("# à moi\n", encoding="utf-8")
    book = two_firms(template, [GOOD_A, GOOD_B])
    result = run("importer", book, "-o", out, code=1)
    assert "existe déjà" in result.stderr and "--force" in result.stderr
    assert (out / "scierie-a.yaml").read_text(encoding="utf-8") == "# à moi\n"
    assert (out / "fromagerie-b.yaml").is_file()
    run("importer", book, "-o", out, "--force")
    assert (out / "scierie-a.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_rows_without_their_firm_code_in_a_shared_workbook(template, tmp_path):
    orphan = {k: v for k, v in GOOD_A.items() if k != "Entreprise"}
    result = run("importer", two_firms(template, [orphan]), "-o", tmp_path / "inv", code=1)
    assert "classeur.xlsx:Flux!A2: Entreprise: entreprise manquante" in result.stderr


def test_csv_sheets_side_by_side_with_semicolons_and_decimal_commas(tmp_path):
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "client-entreprise.csv").write_bytes(
        "\ufeffNom;Région;Année\nFonderie Trois-Rivières n°2 inc.;mauricie;2026\n".encode("utf-8"))
    (folder / "client-flux.csv").write_bytes(
        ("Identifiant;Nom;Matière;Quantité;Unité de la quantité;Mode de gestion;Tarif ($/t);Part inconnue\n"
         "sable;Sable de fonderie;sable_fonderie;12,5;t/mois;enfouissement;98;x\n").encode("cp1252"))
    out = tmp_path / "inv"
    result = run("importer", folder / "client-flux.csv", "-o", out)
    assert "client-flux.csv:Flux!H1: avertissement: Part inconnue: colonne inconnue" in result.stderr
    produced = out / "fonderie-trois-rivieres-n2-inc.yaml"  # no code: the name, as a file name
    text = produced.read_text(encoding="utf-8")
    assert "quantite: 12,5 t/mois" in text and "Fonderie Trois-Rivières n°2 inc." in text
    assert audit(produced)["flux"][0]["masse_t"] == pytest.approx(12.5 * 12)  # 12,5 t/mois × 12 mois


def test_importer_refuses_what_is_not_a_workbook(tmp_path):
    fake = tmp_path / "classeur.xlsx"
    fake.write_text("pas un classeur", encoding="utf-8")
    result = run("importer", fake, "-o", tmp_path / "inv", code=1)
    assert "classeur illisible" in result.stderr and "Traceback" not in result.stderr
    result = run("importer", tmp_path / "absent.xlsx", "-o", tmp_path / "inv", code=1)
    assert "introuvable" in result.stderr


def test_init_never_overwrites_a_workbook(template):
    before = template.read_bytes()
    result = run("init", "--format", "xlsx", template, code=2)
    assert "existe déjà" in result.stderr
    assert template.read_bytes() == before


@pytest.mark.parametrize("name", ["Usine: « X » #1 & cie", "- tiret", "[crochets]", "*étoile", "337123", "true",
                                  "oui", "12 t/mois", "O'Brien ltée", 'guillemets "doubles"', "fin # commentaire",
                                  "deux\nlignes", " espaces ", "{accolade}", "50 % de rabais", "%pct", "~", "null"])
def test_any_text_typed_in_a_cell_comes_back_the_same(name):
    from symbio_cli import loader
    from symbio_cli.workbook_import import to_yaml

    doc = loader.loads(to_yaml({"version": 1, "entreprise": {"nom": name}, "annee": 2026}))
    assert not isinstance(doc, list), doc
    assert doc.data["entreprise"]["nom"] == name


def test_a_consultant_s_habits_import_to_the_same_audit(template, tmp_path):
    """Labels instead of keys, capitals, percentages typed as points, a quantity typed whole, decimal commas."""
    containers = [dict(c) for c in CONTAINERS]
    containers[0].update({"Surcharge (%)": 12, "Taux de remplissage (%)": "80 %"})
    streams = [dict(s) for s in STREAMS]
    streams[0].update({"Matière": "Résidus de bois (sciure, copeaux, retailles)", "Mode de gestion": "Enfouissement",
                       "Redevance incluse": "Non", "Source des données": "Pesée"})
    del streams[0]["Unité de la quantité"]
    streams[0]["Quantité"] = "18 t/mois"
    streams[3].update({"Matière": "Carton", "Quantité": "20,0", "Masse volumique (kg/m³)": "50,0"})
    scenarios = [dict(s) for s in SCENARIOS]
    scenarios[0].update({"Retenu": "OUI", "Part (%)": 100, "Filière": "Valorisation énergétique"})
    wb = openpyxl.load_workbook(template)
    fill(wb["Entreprise"], [dict(FIRM, **{"Région": "Capitale-Nationale"})])
    for sheet, rows in (("Hypothèses", HYPOTHESES), ("Conteneurs", containers), ("Flux", streams),
                        ("Scénarios", scenarios), ("Partenaires", PARTNERS), ("Intrants", INPUTS)):
        fill(wb[sheet], rows)
    wb.save(template)
    out = tmp_path / "inv"
    run("importer", template, "-o", out)
    mine, reference = audit(out / "meubles-laurentiens.yaml"), audit(EXEMPLES / "usine.yaml")
    assert mine["totaux"] == reference["totaux"]
    assert mine["flux"] == reference["flux"]


# -- every example, through a workbook -----------------------------------------------------------------

def _rows_of(data: dict) -> dict[str, list[dict]]:
    """The workbook rows a consultant would type for one inventory (values typed whole: « 18 t/mois »)."""
    from symbio_cli.workbook import LAYOUT

    def by_key(sheet: str, obj: dict, prefix: str = "") -> dict:
        row = {}
        for col in LAYOUT[sheet]:
            if col.kind == "unit" or col.key.startswith("@"):
                continue
            value = obj
            for part in col.key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                continue
            row[col.header] = ("oui" if value else "non") if isinstance(value, bool) else value
        return row

    sheets: dict[str, list[dict]] = {name: [] for name in LAYOUT}
    sheets["Entreprise"].append(by_key("Entreprise", data))
    for key, value in (data.get("hypotheses") or {}).items():
        sheets["Hypothèses"].append({"Clé": key, "Valeur": value})
    for c in data.get("conteneurs", []):
        sheets["Conteneurs"].append(by_key("Conteneurs", c))
    mutual = ("contenant", "frais_levee", "location", "taux_remplissage", "surcharge", "compaction")
    for f in data["flux"]:
        row = by_key("Flux", f)
        g = f["gestion"]
        if "conteneur" in g:
            row["Conteneur"] = g["conteneur"]
        if "collecte" in g:
            cid = f"bac-{f['id']}"
            sheets["Conteneurs"].append(by_key("Conteneurs", dict(g["collecte"], id=cid)))
            row["Conteneur"] = cid
        storage = g.get("entreposage")
        if isinstance(storage, dict):
            row["Entreposage (m²)"] = storage["surface"]
            row["Type d'entreposage"] = storage.get("type", "interieur")
        elif storage is not None:
            row["Entreposage (m²)"] = storage
        sheets["Flux"].append(row)
        for j, sc in enumerate(f.get("scenarios", [])):
            srow = dict(by_key("Scénarios", sc), Flux=f["id"])
            code = f"{f['id']}-{j}"
            if sc["type"] == "mutualisation":
                srow["Code"] = code
                terms = {k: sc[k] for k in mutual if k in sc}
                if terms:
                    sheets["Conteneurs"].append(by_key("Conteneurs", dict(terms, id=f"groupe-{code}")))
                    srow["Conteneur"] = f"groupe-{code}"
                for p in sc["partenaires"]:
                    sheets["Partenaires"].append(dict(by_key("Partenaires", p), **{"Scénario": code}))
            elif "collecte" in sc:
                sheets["Conteneurs"].append(by_key("Conteneurs", dict(sc["collecte"], id=f"nouveau-{code}")))
                srow["Conteneur"] = f"nouveau-{code}"
            sheets["Scénarios"].append(srow)
    for item in data.get("intrants", []):
        sheets["Intrants"].append(by_key("Intrants", item))
    return sheets


@pytest.mark.parametrize("example", sorted(p.relative_to(EXEMPLES).as_posix() for p in EXEMPLES.rglob("*.yaml")))
def test_every_example_through_a_workbook_audits_the_same(example, template, tmp_path):
    from symbio_cli import loader

    source = EXEMPLES / example
    data = loader.read(str(source)).data
    wb = openpyxl.load_workbook(template)
    for sheet, rows in _rows_of(data).items():
        fill(wb[sheet], rows)
    wb.save(template)
    out = tmp_path / "inv"
    result = run("importer", template, "-o", out, code=None)
    produced = list(out.glob("*.yaml"))
    assert result.exit_code == 0 and len(produced) == 1, result.stderr
    mine, reference = audit(produced[0]), audit(source)
    assert mine["totaux"] == reference["totaux"]
    assert mine["flux"] == reference["flux"]


def test_a_missing_value_is_named_in_its_own_column(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    fill(wb["Entreprise"], [FIRM])
    fill(wb["Conteneurs"], [{"Identifiant": "bac", "Frais par levée ($)": 310, "Levées": 1,
                              "Unité des levées": "/semaine"}])
    fill(wb["Flux"], [dict(GOOD_A, Conteneur="bac", Entreprise=None)])
    wb.save(template)
    result = run("importer", template, "-o", tmp_path / "inv", code=1)
    # the container's row is 2; « Contenant » is column C of Conteneurs
    assert "classeur.xlsx:Conteneurs!C2: Contenant: champ obligatoire manquant" in result.stderr, result.stderr


def test_importer_message_has_real_plurals():
    from symbio_cli.i18n import count

    assert count(0, "inventaire écrit", "inventaires écrits") == "0 inventaire écrit"  # French: 0 is singular
    assert count(2, "inventaire écrit", "inventaires écrits") == "2 inventaires écrits"
    assert "(s)" not in (Path(__file__).resolve().parent.parent / "symbio_cli" / "cli.py").read_text(encoding="utf-8")
