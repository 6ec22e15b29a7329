"""Spreadsheets in: the input workbook (`symbio init --format xlsx`) and its import (`symbio importer`).

A consultant receives a client's data in a spreadsheet. The workbook has one
sheet per part of the inventory, one row per thing, quantity and unit in
separate columns, and drop-down lists (materials, modes, regions, units) taken
from the factor library:

- Entreprise: one row per firm (several firms may share one workbook; the
  other sheets name their firm by its code in an « Entreprise » column);
- Hypothèses: factor values of the firm (key, value, unit);
- Conteneurs: every container, by identifier. A container used by one stream
  becomes that stream's own `collecte`; used by several, a shared entry of
  `conteneurs:`; named by a scenario, the new container of that scenario
  (or the terms of a mutualisation);
- Flux: the streams and how they are managed today;
- Scénarios: substitutions, mutualisations and collection changes, by stream;
- Partenaires: the neighbours of a mutualisation, by scenario code;
- Intrants: raw materials bought (for `symbio territoire`).

`workbook_import.import_workbook()` turns each firm into the text of a
commented YAML inventory (see that module). This module never imports click or
rich; it never writes files (the CLI writes with `files.write_output`).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

# ---------------------------------------------------------------------------------------- layout

ENTREPRISE, HYPOTHESES, CONTENEURS, FLUX, SCENARIOS, PARTENAIRES, INTRANTS = (
    "Entreprise", "Hypothèses", "Conteneurs", "Flux", "Scénarios", "Partenaires", "Intrants")
README = "Lisez-moi"
LISTS = "Listes"
SHEETS = (ENTREPRISE, HYPOTHESES, CONTENEURS, FLUX, SCENARIOS, PARTENAIRES, INTRANTS)

FIRM = "Entreprise"  # the firm column of every sheet but Entreprise

# Units offered in the drop-down lists (any unit of the grammar is accepted on import).
UNITS = {
    "quantite": ["t/an", "t/mois", "t/semaine", "t/jour", "kg/mois", "kg/semaine", "kg/jour",
                 "vg³/an", "vg³/mois", "vg³/semaine", "m³/an", "m³/mois", "m³/semaine", "L/mois", "L/semaine"],
    "volume": ["vg³", "m³", "L"],
    "periode": ["/semaine", "/mois", "/an", "/jour", "/2 semaines"],
    "argent_periode": ["$/mois", "$/an", "$/semaine"],
    "transport": ["$/voyage", "$/km", "$/t", "$/t/km"],
    "masse_periode": ["t/an", "t/mois", "t/semaine", "kg/mois", "kg/semaine"],
    "hypothese": ["$/t", "$/m²/an", "kg/m³", "t", "t CO2e/t", "%", "$", "$/km", "$/t/km", "$/voyage", "$/levée"],
}

YES = ("oui", "non")


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    `key`: the YAML field (dotted under the row's object), or a `@name` the
    importer handles itself; `kind`: text | slug | int | float | choice |
    bool | qty (number, unit in the column `unit_of`) | fixed (number, the
    unit `unit`) | pct | unit | ref; `choices`: the name of a list.
    """

    header: str
    key: str
    kind: str = "text"
    unit: str = ""
    choices: str = ""
    required: bool = False
    note: str = ""
    width: int = 14


def _qty(header, key, units, note, required=False, width=11):
    """A quantity: a number column and its unit column."""
    return [Column(header, key, "qty", required=required, note=note, width=width),
            Column(f"Unité {units[0]}", key, "unit", choices=units[1], required=required,
                   note="unité, dans la liste (ou toute unité de symbio)", width=12)]


LAYOUT: dict[str, list[Column]] = {
    ENTREPRISE: [
        Column("Code", "@code", "slug", note="court et unique : nom du fichier YAML (ex. meubles-laurentiens) ; "
               "les autres feuilles désignent l'entreprise par ce code", width=20),
        Column("Nom", "entreprise.nom", required=True, note="raison sociale", width=30),
        Column("Région", "entreprise.region", "choice", choices="regions",
               note="région des facteurs (quebec : toute la province)", width=22),
        Column("MRC", "entreprise.mrc", width=20),
        Column("Municipalité", "entreprise.municipalite", width=18),
        Column("Latitude", "entreprise.coordonnees.lat", "float", note="degrés décimaux, ex. 47.044 (pour « territoire »)"),
        Column("Longitude", "entreprise.coordonnees.lon", "float", note="degrés décimaux, ex. -70.893"),
        Column("SCIAN", "entreprise.scian", note="code SCIAN, ex. 337123"),
        Column("Année", "annee", "int", required=True, note="année des données et des dollars, ex. 2026", width=8),
        Column("Période des données", "periode_donnees", note="texte libre, ex. 2025-01 à 2025-12", width=22),
    ],
    HYPOTHESES: [
        Column(FIRM, "@firm", "ref", note="code de l'entreprise (feuille Entreprise) ; vide s'il n'y en a qu'une", width=20),
        Column("Clé", "@key", required=True, note="clé de facteur, ex. redevance.elimination (voir « symbio facteurs »)",
               width=36),
        Column("Valeur", "@value", "qty", required=True, note="nombre", width=10),
        Column("Unité", "@value", "unit", choices="unites_hypothese", note="ex. $/t", width=10),
    ],
    CONTENEURS: [
        Column(FIRM, "@firm", "ref", note="code de l'entreprise ; vide s'il n'y en a qu'une", width=20),
        Column("Identifiant", "id", "slug", required=True,
               note="court, unique ; la feuille Flux (colonne Conteneur) ou Scénarios le désigne", width=18),
        *_qty("Contenant", "contenant", ("du contenant", "unites_volume"),
              "volume du conteneur, ex. 40 (obligatoire, sauf pour le contrat de groupe d'une mutualisation)"),
        *_qty("Levées", "levees", ("des levées", "periodes"), "levées par période, ex. 1 (et « /semaine »)"),
        Column("Frais par levée ($)", "frais_levee", "fixed", "$", required=True, note="ex. 310"),
        Column("Surcharge (%)", "surcharge", "pct", note="surcharge carburant, ex. 12 %"),
        *_qty("Location", "location", ("de la location", "unites_argent_periode"), "ex. 120 ($/mois)"),
        Column("Taux de remplissage (%)", "taux_remplissage", "pct", note="ex. 80 %"),
        Column("Charge utile (t)", "charge_utile", "fixed", "t", note="tonnes par levée, ex. 10"),
        Column("Compaction", "compaction", "float", note="ratio (compacteur : 3 à 5)"),
        Column("Nombre", "nombre", "float", note="conteneurs identiques levés ensemble"),
        Column("Tonnes incluses (t)", "tonnes_incluses", "fixed", "t", note="tonnes incluses dans chaque levée"),
        Column("Surplus ($/t)", "surplus", "fixed", "$/t", note="prix de chaque tonne au-delà"),
        *_qty("Forfait", "forfait", ("du forfait", "unites_argent_periode"), "prix fixe du service (avec des levées)"),
        Column("Distance (km)", "distance", "fixed", "km", note="aller simple vers le site qui reçoit le contenu"),
    ],
    FLUX: [
        Column(FIRM, "@firm", "ref", note="code de l'entreprise ; vide s'il n'y en a qu'une", width=20),
        Column("Identifiant", "id", "slug", required=True, note="court, unique, ex. sciure", width=16),
        Column("Nom", "nom", required=True, note="ex. Sciure et copeaux", width=30),
        Column("Matière", "matiere", "choice", choices="matieres", required=True, note="dans la liste", width=22),
        *_qty("Quantité", "quantite", ("de la quantité", "unites_quantite"), "masse ou volume par période, ex. 18",
              True),
        Column("Masse volumique (kg/m³)", "masse_volumique", "fixed", "kg/m³", note="ex. 210 ; requise pour un volume"),
        Column("Source des données", "source_donnees", "choice", choices="sources", width=16),
        Column("Mode de gestion", "gestion.mode", "choice", choices="modes", required=True, width=22),
        Column("Tarif ($/t)", "gestion.tarif", "fixed", "$/t", note="avant redevance ; négatif : ristourne par tonne"),
        Column("Redevance incluse", "gestion.redevance_incluse", "bool", choices="oui_non",
               note="oui si le tarif de la facture inclut la redevance"),
        Column("Conteneur", "@container", "ref", note="identifiant de la feuille Conteneurs", width=16),
        Column("Frais fixes ($/an)", "gestion.frais_fixes", "fixed", "$/an", note="autres frais annuels"),
        *_qty("Ristourne", "gestion.ristourne", ("de la ristourne", "unites_argent_periode"),
              "ristourne forfaitaire versée à l'usine"),
        Column("Distance (km)", "gestion.distance", "fixed", "km", note="aller simple vers le site d'élimination"),
        Column("Entreposage (m²)", "@storage", "fixed", "m²", note="surface occupée"),
        Column("Type d'entreposage", "@storage_type", "choice", choices="entreposages", note="interieur ou exterieur"),
    ],
    SCENARIOS: [
        Column(FIRM, "@firm", "ref", note="code de l'entreprise ; vide s'il n'y en a qu'une", width=20),
        Column("Flux", "@stream", "ref", required=True, note="identifiant du flux (feuille Flux)", width=16),
        Column("Code", "@code", "slug", note="pour la feuille Partenaires (mutualisation), ex. S1", width=8),
        Column("Type", "type", "choice", choices="types", required=True, width=16),
        Column("Nom", "nom", width=28),
        Column("Retenu", "retenu", "bool", choices="oui_non", note="oui : ce scénario entre dans les totaux"),
        Column("Statut", "statut", "choice", choices="statuts"),
        Column("Statut réglementaire", "statut_reglementaire", "choice", choices="statuts_reglementaires", width=18),
        Column("Preneur", "preneur", note="substitution : l'entreprise qui reçoit", width=24),
        Column("Part (%)", "part", "pct", note="part du flux détournée (100 % par défaut)"),
        Column("Prix ($/t)", "prix", "fixed", "$/t", note="substitution : payé par le preneur (négatif : l'usine paie)"),
        Column("Filière", "filiere", "choice", choices="modes", width=20),
        Column("Combustible remplacé", "combustible_remplace", "choice", choices="combustibles", width=16),
        Column("Distance (km)", "distance", "fixed", "km"),
        *_qty("Transport", "transport", ("du transport", "unites_transport"), "coût du transport, ex. 325 ($/voyage)"),
        Column("Charge par voyage (t)", "charge_voyage", "fixed", "t"),
        Column("Préparation ($/t)", "preparation", "fixed", "$/t", note="tri, mise en balles…"),
        Column("Conteneur", "@container", "ref",
               note="nouveau conteneur (feuille Conteneurs) ; mutualisation : le conteneur du groupe", width=16),
        Column("Conteneur remplacé", "conteneur", "slug",
               note="collecte : le conteneur partagé (feuille Conteneurs) que le nouveau conteneur remplace", width=16),
        Column("Frais fixes ($/an)", "frais_fixes", "fixed", "$/an"),
        Column("Investissement ($)", "investissement", "fixed", "$"),
        Column("Pénalité ($)", "penalite", "fixed", "$", note="sortie anticipée du contrat actuel"),
        Column("Entreposage après (m²)", "entreposage_apres", "fixed", "m²"),
        *_qty("Levées après", "levees_apres", ("des levées après", "periodes"),
              "levées du conteneur actuel après le changement"),
        Column("Forme", "forme", "choice", choices="formes", note="mutualisation", width=18),
        Column("Frais de gestion ($/an)", "frais_gestion", "fixed", "$/an", note="mutualisation"),
        Column("Tarif de groupe ($/t)", "tarif", "fixed", "$/t", note="mutualisation"),
        Column("Redevance incluse", "redevance_incluse", "bool", choices="oui_non", note="mutualisation"),
        Column("Répartition", "repartition", "choice", choices="repartitions", note="mutualisation", width=16),
    ],
    PARTENAIRES: [
        Column(FIRM, "@firm", "ref", note="code de l'entreprise ; vide s'il n'y en a qu'une", width=20),
        Column("Scénario", "@scenario", "ref", required=True, note="code du scénario (feuille Scénarios)", width=10),
        Column("Nom", "nom", required=True, width=28),
        *_qty("Quantité", "quantite", ("de la quantité", "unites_quantite"), "volume ou masse par période", True),
        Column("Coût actuel ($/an)", "cout_actuel", "fixed", "$/an", note="leur collecte seulement"),
        *_qty("Levées", "levees", ("des levées", "periodes"), "levées par période"),
        Column("Frais par levée ($)", "frais_levee", "fixed", "$"),
        *_qty("Masse", "masse", ("de la masse", "unites_masse_periode"), "masse par période"),
        Column("Tarif ($/t)", "tarif", "fixed", "$/t"),
    ],
    INTRANTS: [
        Column(FIRM, "@firm", "ref", note="code de l'entreprise ; vide s'il n'y en a qu'une", width=20),
        Column("Nom", "nom", required=True, width=28),
        Column("Matière", "matiere", "choice", choices="matieres_intrants", required=True, width=22),
        *_qty("Quantité", "quantite", ("de la quantité", "unites_quantite"), "masse ou volume par période", True),
        Column("Prix ($/t)", "prix", "fixed", "$/t"),
        Column("Masse volumique (kg/m³)", "masse_volumique", "fixed", "kg/m³"),
    ],
}

INSTRUCTIONS = """\
Classeur d'inventaire symbio — une ligne par chose, une feuille par partie de l'inventaire.
Remplissez les feuilles, puis : symbio importer classeur.xlsx -o inventaires/  (un inventaire YAML par entreprise),
et : symbio valider inventaires/  puis  symbio audit inventaires/ -o rapports/.

Entreprise : une ligne par entreprise. Plusieurs entreprises peuvent partager le classeur : donnez-leur un Code, et
  reprenez ce code dans la colonne « Entreprise » des autres feuilles (vide s'il n'y a qu'une entreprise).
Hypothèses : vos valeurs à la place des facteurs par défaut (clé, valeur, unité), ex. redevance.elimination 36 $/t.
Conteneurs : chaque conteneur, avec un identifiant. Un conteneur désigné par un seul flux devient le conteneur de ce
  flux ; désigné par plusieurs flux, un conteneur partagé ; désigné par un scénario, le nouveau conteneur du scénario
  (pour une mutualisation : le conteneur du groupe).
Flux : une ligne par matière résiduelle, et sa gestion actuelle (mode, tarif, conteneur).
Scénarios : une ligne par scénario, rattachée à son flux par l'identifiant du flux. Type : substitution (un preneur
  achète ou reçoit la matière), mutualisation (conteneur ou contrat partagé avec des voisins), collecte (nouveau
  conteneur ou horaire). Une mutualisation a un Code, que la feuille Partenaires reprend.
Partenaires : les voisins d'une mutualisation (code du scénario, nom, quantité, coût actuel de leur collecte).
Intrants : matières premières achetées (pour « symbio territoire »).

Quantités : le nombre dans sa colonne, l'unité dans la colonne « Unité … » voisine (listes déroulantes ; toute unité
  de symbio est acceptée, ex. 18 et t/mois, 30 et vg³/semaine, 1 et /semaine). Une colonne dont l'en-tête donne
  l'unité, ex. « Tarif ($/t) », ne prend que le nombre. Pourcentages : 12 % (format pourcentage) ou 0,12.
Montants avant taxes, en dollars de l'année de l'inventaire. Virgule ou point décimal.
Oui/non : « oui » ou « non ». Les valeurs des listes (matières, modes, régions) sont les clés de symbio
  (« symbio facteurs » les décrit ; la feuille Listes les donne avec leur nom).
Les colonnes vides prennent la valeur par défaut de symbio. Une erreur nomme sa cellule, ex. classeur.xlsx:Flux!E12.
Rien n'est écrit pour une entreprise qui a une erreur, et aucun fichier existant n'est remplacé sans --force.
"""


def _lists(lib) -> dict[str, list[tuple[str, str]]]:
    """The drop-down lists: (value, French label) pairs, from the factor library."""
    from symbio_cli.factors import MODES

    def label(spec, key):
        if isinstance(spec, dict):
            return str(spec.get("fr") or key)
        return str(getattr(spec, "fr", None) or getattr(spec, "label_fr", None) or key)

    materials = [(k, label(v, k)) for k, v in sorted(lib.materials.items())]
    inputs = sorted(set(lib.materials) | set(lib.input_categories))
    return {
        "matieres": materials,
        "matieres_intrants": [(k, label(lib.materials.get(k) or lib.input_categories.get(k), k)) for k in inputs],
        "modes": [(m, m.replace("_", " ")) for m in MODES],
        "regions": [(k, label(v, k)) for k, v in sorted(lib.regions.items())] if lib.regions else [("quebec", "Québec")],
        "unites_quantite": [(u, u) for u in UNITS["quantite"]],
        "unites_volume": [(u, u) for u in UNITS["volume"]],
        "periodes": [(u, u) for u in UNITS["periode"]],
        "unites_argent_periode": [(u, u) for u in UNITS["argent_periode"]],
        "unites_transport": [(u, u) for u in UNITS["transport"]],
        "unites_masse_periode": [(u, u) for u in UNITS["masse_periode"]],
        "unites_hypothese": [(u, u) for u in UNITS["hypothese"]],
        "oui_non": [(v, v) for v in YES],
        "sources": [(v, v) for v in ("pesee", "facture", "caracterisation", "estimation")],
        "types": [(v, v) for v in ("substitution", "mutualisation", "collecte")],
        "statuts": [(v, v) for v in ("idee", "etude", "en_place")],
        "statuts_reglementaires": [(v, v) for v in ("inconnu", "exempte", "declaration", "autorisation_requise")],
        "formes": [(v, v) for v in ("conteneur_partage", "contrat_groupe")],
        "repartitions": [(v, v) for v in ("proportionnelle", "shapley")],
        "entreposages": [(v, v) for v in ("interieur", "exterieur")],
        "combustibles": [(v, v) for v in ("gaz_naturel", "mazout", "propane", "aucun")],
    }


# -------------------------------------------------------------------------------------- template

def template(lib) -> bytes:
    """The input workbook (xlsx bytes): instructions, one sheet per part, drop-down lists.

    `lib`: the factor library whose materials and regions fill the lists.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = _lists(lib)
    wb = Workbook()
    readme = wb.active
    readme.title = README
    readme.column_dimensions["A"].width = 120
    for i, line in enumerate(INSTRUCTIONS.splitlines(), 1):
        readme.cell(row=i, column=1, value=line)
    readme["A1"].font = Font(bold=True, size=13)

    hidden = wb.create_sheet(LISTS)
    where: dict[str, str] = {}
    for n, (name, values) in enumerate(lists.items()):
        col = get_column_letter(2 * n + 1)
        hidden.cell(row=1, column=2 * n + 1, value=name).font = Font(bold=True)
        hidden.cell(row=1, column=2 * n + 2, value="nom").font = Font(bold=True)
        for i, (value, text) in enumerate(values, 2):
            hidden.cell(row=i, column=2 * n + 1, value=value)
            hidden.cell(row=i, column=2 * n + 2, value=text)
        where[name] = f"{quote_sheetname(LISTS)}!${col}$2:${col}${len(values) + 1}"

    head_fill = PatternFill("solid", fgColor="E8F3EC")
    need_fill = PatternFill("solid", fgColor="F9E2B0")
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        ws.freeze_panes = "A2"
        for c, col in enumerate(LAYOUT[sheet], 1):
            cell = ws.cell(row=1, column=c, value=col.header)
            cell.font = Font(bold=True)
            cell.fill = need_fill if col.required else head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            note = col.note + (" — obligatoire" if col.required else "")
            if note:
                cell.comment = Comment(note, "symbio")
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = col.width
            rows = f"{letter}2:{letter}1000"
            if col.choices:
                dv = DataValidation(type="list", formula1=where[col.choices], allow_blank=True,
                                    showErrorMessage=col.kind != "unit")
                dv.error = "Choisissez une valeur de la liste (feuille Listes)."
                dv.errorTitle = col.header
                dv.promptTitle = col.header[:32]
                dv.prompt = (col.note or "valeur de la liste")[:250]
                ws.add_data_validation(dv)
                dv.add(rows)
            if col.kind == "pct":
                for r in range(2, 201):
                    ws.cell(row=r, column=c).number_format = "0 %"
            elif col.kind in ("text", "slug", "ref") or col.key == "entreprise.scian":
                for r in range(2, 201):
                    ws.cell(row=r, column=c).number_format = "@"
        ws.row_dimensions[1].height = 32
    hidden.sheet_state = "hidden"
    wb.move_sheet(hidden, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS))  # last, out of the way
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: how headers and list values are compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace("_", " ").split())
