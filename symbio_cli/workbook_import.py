"""Import of a filled workbook (`symbio importer`): each firm as a commented YAML inventory.

The workbook's layout is in `workbook.LAYOUT`. Sheets are read from xlsx
(openpyxl) or from CSV files side by side (`client-flux.csv`,
`client-entreprise.csv`…, `,` or `;`, UTF-8 or Windows-1252). Columns are
found by their header (case, accents and the parenthesised unit do not
matter), so a consultant may reorder or drop optional columns. Each firm's
inventory is written as YAML text, every value commented with its cell, then
validated with `inventory.validate` as `symbio valider` would: every problem
names its cell (`classeur.xlsx:Flux!E12: Quantité: …`). A firm with an error
gets no text. Never imports click or rich; writes no file.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field

from symbio_cli.errors import Problem, field_name
from symbio_cli.workbook import (
    CONTENEURS,
    ENTREPRISE,
    FIRM,
    FLUX,
    HYPOTHESES,
    INTRANTS,
    LAYOUT,
    PARTENAIRES,
    SCENARIOS,
    SHEETS,
    Column,
    _fold,
    _lists,
)

# ------------------------------------------------------------------------------------------ reading

def _header_key(text: str) -> str:
    """A header without its parenthesised unit: « Tarif ($/t) » and « tarif » match."""
    return _fold(re.sub(r"\([^)]*\)", " ", str(text)))


@dataclass
class Cell:
    value: object
    ref: str  # Flux!E12
    percent: bool = False  # formatted as a percentage in the workbook


@dataclass
class Sheet:
    name: str
    headers: dict[int, str]  # column index -> header text
    rows: list[tuple[int, dict[int, Cell]]]  # (row number, cells by column)


def _col_letter(i: int) -> str:
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_xlsx(path: str, display: str) -> tuple[dict[str, Sheet], list[Problem]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # noqa: BLE001 - zip, XML or format errors of a file the user gave
        return {}, [Problem(display, None, None, "", f"classeur illisible ({type(exc).__name__} : {exc}) ; "
                                                     "attendu : un classeur .xlsx (Excel, LibreOffice)")]
    sheets = {}
    for ws in wb.worksheets:
        headers = {}
        rows = []
        for r, row in enumerate(ws.iter_rows(), 1):
            cells = {}
            for c, cell in enumerate(row, 1):
                value = cell.value
                if isinstance(value, str):
                    value = value.strip()
                if value is None or value == "":
                    continue
                if r == 1:
                    headers[c] = str(value)
                else:
                    fmt = cell.number_format or ""
                    cells[c] = Cell(value, f"{ws.title}!{_col_letter(c)}{r}", "%" in fmt)
            if r > 1 and cells:
                rows.append((r, cells))
        sheets[ws.title] = Sheet(ws.title, headers, rows)
    return sheets, []


def _read_csv_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _read_csv(path: str, display: str) -> tuple[dict[str, Sheet], list[Problem]]:
    """A CSV workbook: `<préfixe><feuille>.csv` files side by side, one per sheet."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    folded = _fold(stem).replace(" ", "")
    prefix = None
    for sheet in SHEETS:
        tail = _fold(sheet).replace(" ", "")
        if folded.endswith(tail):
            prefix = folded[: len(folded) - len(tail)]
            break
    if prefix is None:
        names = ", ".join(f"{_fold(s).replace(' ', '')}.csv" for s in SHEETS)
        return {}, [Problem(display, None, None, "", "nom de fichier CSV non reconnu : une feuille par fichier, "
                                                     f"nommé d'après elle ({names}, avec un préfixe commun "
                                                     "au besoin, ex. client-flux.csv)")]
    sheets = {}
    for entry in sorted(os.listdir(folder or ".")):
        base, ext = os.path.splitext(entry)
        if ext.lower() != ".csv":
            continue
        b = _fold(base).replace(" ", "")
        for sheet in SHEETS:
            if b == prefix + _fold(sheet).replace(" ", ""):
                full = os.path.join(folder, entry)
                with open(full, "rb") as fh:
                    text = _read_csv_text(fh.read())
                first = text.split("\n", 1)[0]
                delimiter = ";" if first.count(";") > first.count(",") else ","
                headers, rows = {}, []
                for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
                    cells = {}
                    for c, value in enumerate(row, 1):
                        value = value.strip()
                        if not value:
                            continue
                        if r == 1:
                            headers[c] = value
                        else:
                            cells[c] = Cell(value, f"{sheet}!{_col_letter(c)}{r}")
                    if r > 1 and cells:
                        rows.append((r, cells))
                sheets[sheet] = Sheet(sheet, headers, rows)
    return sheets, []


# ------------------------------------------------------------------------------------------ values

class _Bad(Exception):
    """A cell whose value is not what its column expects."""


def _number_text(value) -> str:
    """A cell number as symbio writes it (`18`, `0.12`, `15000`), never in exponent notation."""
    if isinstance(value, bool):
        raise _Bad("nombre attendu, pas un booléen")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad("nombre fini attendu")
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        return text
    raise _Bad("nombre attendu")


def _as_number(cell: Cell) -> float:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).replace("\u00a0", " ").replace("\u202f", " ").strip()
    m = re.fullmatch(r"([-+−]?)\s*(\d{1,3}(?: \d{3})+|\d+)(?:[.,](\d+))?", text)
    if not m:
        raise _Bad(f"nombre attendu, pas « {value} »")
    number = float(m.group(2).replace(" ", "") + ("." + m.group(3) if m.group(3) else ""))
    return -number if m.group(1) in ("-", "−") else number


def _text(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()[:10]
    return str(value).strip()


def _has_unit(text: str) -> bool:
    return bool(re.search(r"[^\d\s.,+\-−]", text))


def _quantity(cell: Cell, unit: Cell | None, fixed: str = "") -> str:
    """The quantity string of a number cell and its unit (cell, or fixed by the header)."""
    value = cell.value
    if isinstance(value, str) and _has_unit(value):
        if unit is not None:
            raise _Bad(f"« {value} » a déjà une unité ; mettez le nombre seul ici (l'unité est en {unit.ref})")
        return value  # « 18 t/mois » typed in one cell: the grammar reads it
    number = _number_text(value) if not isinstance(value, str) else value
    if unit is not None:
        u = _text(unit)
    elif fixed:
        u = fixed
    else:
        raise _Bad("unité manquante : choisissez-la dans la colonne « Unité … » voisine")
    return f"{number}{u}" if u.startswith("/") else f"{number} {u}"


def _percent(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, str):
        if "%" in value or "pct" in value.lower():
            return value
        number = _as_number(cell)
    else:
        number = float(_number_text(value))
    if -1 <= number <= 1:
        number *= 100  # 0,12, or 12 % typed in a percentage cell (stored 0,12): a fraction
    # above 1: percentage points, whatever the cell's format (12 typed where 12 % was meant)
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return f"{text} %"


def _bool(cell: Cell) -> bool:
    value = cell.value
    if isinstance(value, bool):
        return value
    folded = _fold(value)
    if folded in ("oui", "o", "vrai", "true", "yes", "1", "x"):
        return True
    if folded in ("non", "n", "faux", "false", "no", "0"):
        return False
    raise _Bad(f"« {value} » : oui ou non attendu")


def _choice(cell: Cell, values: list[tuple[str, str]]) -> str:
    text = _text(cell)
    for key, _label in values:
        if text == key:
            return key
    folded = _fold(text)
    for key, label in values:
        if folded in (_fold(key), _fold(label)):
            return key
    return text  # unknown: validation says so, with the nearest known value


# ------------------------------------------------------------------------------------------ import

@dataclass
class Firm:
    """One firm of the workbook: its inventory as data, and the cell of every field."""

    code: str
    row: int
    ref: str  # Entreprise!B3
    data: dict = field(default_factory=dict)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field name -> (cell ref, header)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (cell ref, header, message)


@dataclass
class Imported:
    """The result of importing a workbook: one YAML text per valid firm, and the problems."""

    inventories: dict[str, str]  # file name (code.yaml) -> YAML text
    problems: list[Problem]
    failed: list[str]  # codes of firms with errors
    warnings: list[Problem] = field(default_factory=list)


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:60] or "entreprise"


def _set(data: dict, dotted: str, value) -> None:
    parts = dotted.split(".")
    for p in parts[:-1]:
        data = data.setdefault(p, {})
    data[parts[-1]] = value


def import_workbook(path: str, lib, display: str | None = None) -> Imported:
    """Each firm of the workbook (xlsx, or CSV sheets) as the text of a YAML inventory.

    Returns the texts of the firms without error (by file name `code.yaml`),
    and every problem located as `fichier:Feuille!Cellule: colonne: message`.
    The texts validate with `inventory.validate` against `lib`.
    """
    display = display or path
    reader = _read_csv if path.lower().endswith(".csv") else _read_xlsx
    sheets, problems = reader(path, display)
    if problems:
        return Imported({}, problems, [])
    return _Import(sheets, lib, display).run()


class _Import:
    """One workbook being imported: its tables, firms, containers and scenarios, step by step."""

    def __init__(self, sheets: dict[str, Sheet], lib, display: str):
        self.sheets = {_fold(name): sheet for name, sheet in sheets.items()}
        self.lib = lib
        self.display = display
        self.lists = _lists(lib)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.tables: dict[str, list[tuple[int, dict[str, Cell]]]] = {}
        self.columns: dict[str, dict[str, Column]] = {}
        self.firms: dict[str, Firm] = {}
        self.order: list[Firm] = []
        self.containers: dict[tuple[str, str], tuple[dict, dict, str]] = {}  # (firm, id) -> (terms, cells, ref)
        self.used: dict[tuple[str, str], list] = {}  # container -> [(firm, stream index, cell)]
        self.named_by_scenarios: set[tuple[str, str]] = set()
        self.streams: dict[tuple[str, str], int] = {}
        self.scenario_of: dict[tuple[str, str], tuple[int, int]] = {}

    def where(self, ref, header, message, severity="erreur") -> Problem:
        return Problem(f"{self.display}:{ref}", None, None, header, message, severity)

    def run(self) -> Imported:
        self.read_tables()
        if self.problems:
            return Imported({}, self.problems, [], self.warnings)
        self.read_firms()
        if not self.firms:
            self.problems.append(self.where(f"{ENTREPRISE}!A2", "", "aucune entreprise : remplissez la feuille "
                                                                    "Entreprise (une ligne par entreprise)"))
            return Imported({}, self.problems, [], self.warnings)
        for step in (self.read_hypotheses, self.read_containers, self.read_streams, self.place_containers,
                     self.read_scenarios, self.keep_unused_containers, self.read_partners, self.read_inputs):
            step()
        return self.finish()

    # ---- tables and columns

    def read_tables(self) -> None:
        for sheet in SHEETS:
            found = self.sheets.get(_fold(sheet))
            layout = LAYOUT[sheet]
            self.columns[sheet] = {c.header: c for c in layout}
            if found is None:
                if sheet in (ENTREPRISE, FLUX):
                    self.problems.append(self.where(sheet, "", f"feuille « {sheet} » absente ; attendu : les feuilles "
                                                               "du modèle (symbio init --format xlsx)"))
                self.tables[sheet] = []
                continue
            mapping = self.map_columns(sheet, found, layout)
            rows = [(r, {mapping[c]: cell for c, cell in cells.items() if c in mapping}) for r, cells in found.rows]
            self.tables[sheet] = [(r, cells) for r, cells in rows if cells]

    def map_columns(self, sheet: str, found: Sheet, layout: list[Column]) -> dict[int, str]:
        known = {_header_key(c.header): c for c in layout}
        mapping: dict[int, str] = {}
        for c, header in found.headers.items():
            col = known.get(_header_key(header))
            if col is None:
                self.warnings.append(self.where(f"{sheet}!{_col_letter(c)}1", header, "colonne inconnue, ignorée "
                                                "(voir les en-têtes du modèle : symbio init --format xlsx)",
                                                "avertissement"))
                continue
            mapping[c] = col.header
        for col in layout:
            if col.required and col.header not in mapping.values() and found.rows:
                self.problems.append(self.where(f"{sheet}!1:1", col.header, "colonne obligatoire absente"))
        return mapping

    # ---- firms

    def read_firms(self) -> None:
        for r, cells in self.tables[ENTREPRISE]:
            code_cell, name_cell = cells.get("Code"), cells.get("Nom")
            code = _text(code_cell) if code_cell else _slug(_text(name_cell)) if name_cell else f"entreprise-{r}"
            firm = Firm(code, r, f"{ENTREPRISE}!A{r}")
            if code in self.firms:
                self.problems.append(self.where(code_cell.ref if code_cell else firm.ref, "Code",
                                                f"code « {code} » déjà pris par la ligne {self.firms[code].row} ; "
                                                "un code par entreprise"))
                continue
            self.firms[code] = firm
            self.order.append(firm)
            firm.data["version"] = 1
            _fill(firm, "", cells, self.columns[ENTREPRISE], self.lists, firm.data)
            if code_cell is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", code):
                firm.problems.append((code_cell.ref, "Code", "code attendu : lettres sans accent, chiffres, « _ » ou "
                                                             "« - » (il nomme le fichier YAML)"))

    def firm_of(self, sheet: str, cells: dict[str, Cell], r: int) -> Firm | None:
        cell = cells.get(FIRM)
        if cell is None:
            if len(self.order) == 1:
                return self.order[0]
            self.problems.append(self.where(f"{sheet}!A{r}", FIRM, "entreprise manquante : le classeur en a "
                                                                   "plusieurs ; donnez le code de la feuille Entreprise"))
            return None
        code = _text(cell)
        if code in self.firms:
            return self.firms[code]
        for f in self.order:  # the firm's name works too
            if _fold(code) in (_fold(f.code), _fold(f.data.get("entreprise", {}).get("nom", ""))):
                return f
        self.problems.append(self.where(cell.ref, FIRM, f"entreprise « {code} » absente de la feuille Entreprise"
                                                        f"{_near(code, self.firms)}"))
        return None

    def rows(self, sheet: str):
        """(firm, row number, cells) of each row of `sheet` whose firm is known."""
        for r, cells in self.tables[sheet]:
            firm = self.firm_of(sheet, cells, r)
            if firm is not None:
                yield firm, r, cells

    # ---- sheets

    def read_hypotheses(self) -> None:
        for firm, r, cells in self.rows(HYPOTHESES):
            key_cell, value_cell = cells.get("Clé"), cells.get("Valeur")
            if key_cell is None or value_cell is None:
                miss = "Clé" if key_cell is None else "Valeur"
                firm.problems.append((f"{HYPOTHESES}!{_col_of(HYPOTHESES, miss)}{r}", miss,
                                      "valeur obligatoire manquante"))
                continue
            key = _text(key_cell)
            unit = cells.get("Unité")
            try:
                if unit is not None or _has_unit(str(value_cell.value)):
                    text = _quantity(value_cell, unit)
                elif isinstance(value_cell.value, str):
                    text = value_cell.value
                else:
                    text = _number_text(value_cell.value)
            except _Bad as exc:
                firm.problems.append((value_cell.ref, "Valeur", str(exc)))
                continue
            firm.data.setdefault("hypotheses", {})[key] = text
            firm.cells[field_name(("hypotheses", key))] = (value_cell.ref, "Valeur")

    def read_containers(self) -> None:
        for firm, r, cells in self.rows(CONTENEURS):
            terms: dict = {}
            probe = Firm(firm.code, r, "")
            _fill(probe, "", cells, self.columns[CONTENEURS], self.lists, terms)
            firm.problems.extend(probe.problems)
            cid = terms.get("id")
            if cid is None:
                continue
            if (firm.code, cid) in self.containers:
                firm.problems.append((cells["Identifiant"].ref, "Identifiant",
                                      f"conteneur « {cid} » déjà défini ({self.containers[(firm.code, cid)][2]})"))
                continue
            self.containers[(firm.code, cid)] = (terms, probe.cells, cells["Identifiant"].ref)

    def read_streams(self) -> None:
        for firm, r, cells in self.rows(FLUX):
            flux = firm.data.setdefault("flux", [])
            i = len(flux)
            item: dict = {}
            _fill(firm, f"flux[{i}]", cells, self.columns[FLUX], self.lists, item)
            flux.append(item)
            firm.cells.setdefault(f"flux[{i}]", (f"{FLUX}!A{r}", ""))
            if isinstance(item.get("id"), str):
                self.streams[(firm.code, item["id"])] = i
            storage = item.pop("@storage", None)
            storage_type = item.pop("@storage_type", None)
            if storage is not None:
                gestion = item.setdefault("gestion", {})
                gestion["entreposage"] = storage if storage_type in (None, "interieur") else \
                    {"surface": storage, "type": storage_type}
                firm.cells[f"flux[{i}].gestion.entreposage"] = firm.cells.pop(f"flux[{i}].@storage")
            elif storage_type is not None:
                firm.problems.append((cells["Type d'entreposage"].ref, "Type d'entreposage",
                                      "type sans surface : donnez « Entreposage (m²) »"))
            item.pop("@container", None)
            ref_cell = cells.get("Conteneur")
            if ref_cell is not None:
                self.used.setdefault((firm.code, _text(ref_cell)), []).append((firm, i, ref_cell))

    def place_containers(self) -> None:
        """A container named by one stream is its own `collecte`; by several, a shared `conteneurs:` entry."""
        for (code, cid), users in self.used.items():
            firm = self.firms[code]
            if (code, cid) not in self.containers:
                known = [k for c, k in self.containers if c == code]
                for _, _, cell in users:
                    firm.problems.append((cell.ref, "Conteneur", f"conteneur « {cid} » absent de la feuille "
                                                                 f"Conteneurs{_near(cid, known)}"))
                continue
            terms, cells, row = self.containers[(code, cid)]
            if len(users) == 1:
                _, i, _ = users[0]
                gestion = firm.data["flux"][i].setdefault("gestion", {})
                gestion["collecte"] = {k: v for k, v in terms.items() if k != "id"}
                _move(firm, cells, f"flux[{i}].gestion.collecte", skip="id", row=row)
                continue
            shared = firm.data.setdefault("conteneurs", [])
            _move(firm, cells, f"conteneurs[{len(shared)}]", row=row)
            shared.append(terms)
            for _, i, cell in users:
                firm.data["flux"][i].setdefault("gestion", {})["conteneur"] = cid
                firm.cells[f"flux[{i}].gestion.conteneur"] = (cell.ref, "Conteneur")

    def read_scenarios(self) -> None:
        for firm, r, cells in self.rows(SCENARIOS):
            stream_cell = cells.get("Flux")
            if stream_cell is None:
                firm.problems.append((f"{SCENARIOS}!{_col_of(SCENARIOS, 'Flux')}{r}", "Flux",
                                      "flux manquant : identifiant de la feuille Flux"))
                continue
            sid = _text(stream_cell)
            if (firm.code, sid) not in self.streams:
                known = [k for c, k in self.streams if c == firm.code]
                firm.problems.append((stream_cell.ref, "Flux", f"flux « {sid} » absent de la feuille Flux"
                                                               f"{_near(sid, known)}"))
                continue
            i = self.streams[(firm.code, sid)]
            scenarios = firm.data["flux"][i].setdefault("scenarios", [])
            j = len(scenarios)
            base = f"flux[{i}].scenarios[{j}]"
            item: dict = {}
            _fill(firm, base, cells, self.columns[SCENARIOS], self.lists, item)
            scenarios.append(item)
            firm.cells.setdefault(base, (f"{SCENARIOS}!A{r}", ""))
            for key in ("@code", "@stream", "@container"):
                value = item.pop(key, None)
                firm.cells.pop(f"{base}.{key}", None)
                if key == "@code" and value is not None:
                    if (firm.code, value) in self.scenario_of:
                        firm.problems.append((cells["Code"].ref, "Code", f"code de scénario « {value} » déjà pris"))
                    self.scenario_of[(firm.code, value)] = (i, j)
            if cells.get("Conteneur") is not None:
                self.scenario_container(firm, item, base, cells["Conteneur"])

    def scenario_container(self, firm: Firm, item: dict, base: str, ref_cell: Cell) -> None:
        """A scenario's new container: its `collecte`, or the terms of a mutualisation's group container."""
        cid = _text(ref_cell)
        if (firm.code, cid) not in self.containers:
            known = [k for c, k in self.containers if c == firm.code]
            firm.problems.append((ref_cell.ref, "Conteneur", f"conteneur « {cid} » absent de la feuille Conteneurs"
                                                             f"{_near(cid, known)}"))
            return
        self.named_by_scenarios.add((firm.code, cid))
        terms, cells, row = self.containers[(firm.code, cid)]
        if item.get("type") != "mutualisation":
            item["collecte"] = {k: v for k, v in terms.items() if k != "id"}
            _move(firm, cells, f"{base}.collecte", skip="id", row=row)
            return
        allowed = ("contenant", "frais_levee", "location", "taux_remplissage", "surcharge", "compaction")
        for key in terms:
            if key not in allowed and key != "id":
                firm.problems.append((cells[key][0], cells[key][1], "une mutualisation ne prend du conteneur que "
                                      "contenant, frais par levée, location, taux de remplissage, surcharge et "
                                      "compaction"))
        for key in allowed:
            if key in terms:
                item[key] = terms[key]
                firm.cells[f"{base}.{key}"] = cells[key]

    def keep_unused_containers(self) -> None:
        """A container named by nobody stays a `conteneurs:` entry: nothing typed is dropped."""
        for (code, cid), (terms, cells, row) in self.containers.items():
            if (code, cid) in self.used or (code, cid) in self.named_by_scenarios:
                continue
            shared = self.firms[code].data.setdefault("conteneurs", [])
            _move(self.firms[code], cells, f"conteneurs[{len(shared)}]", row=row)
            shared.append(terms)

    def read_partners(self) -> None:
        for firm, r, cells in self.rows(PARTENAIRES):
            code_cell = cells.get("Scénario")
            if code_cell is None:
                firm.problems.append((f"{PARTENAIRES}!{_col_of(PARTENAIRES, 'Scénario')}{r}", "Scénario",
                                      "code du scénario manquant (colonne Code de la feuille Scénarios)"))
                continue
            code = _text(code_cell)
            if (firm.code, code) not in self.scenario_of:
                firm.problems.append((code_cell.ref, "Scénario", f"scénario « {code} » absent de la feuille "
                                                                 "Scénarios (colonne Code)"))
                continue
            i, j = self.scenario_of[(firm.code, code)]
            partners = firm.data["flux"][i]["scenarios"][j].setdefault("partenaires", [])
            base = f"flux[{i}].scenarios[{j}].partenaires[{len(partners)}]"
            item: dict = {}
            _fill(firm, base, cells, self.columns[PARTENAIRES], self.lists, item)
            item.pop("@scenario", None)
            firm.cells.pop(f"{base}.@scenario", None)
            firm.cells.setdefault(base, (f"{PARTENAIRES}!A{r}", ""))
            partners.append(item)

    def read_inputs(self) -> None:
        for firm, r, cells in self.rows(INTRANTS):
            items = firm.data.setdefault("intrants", [])
            base = f"intrants[{len(items)}]"
            item: dict = {}
            _fill(firm, base, cells, self.columns[INTRANTS], self.lists, item)
            firm.cells.setdefault(base, (f"{INTRANTS}!A{r}", ""))
            items.append(item)

    # ---- each firm: YAML text, validated like `symbio valider`

    def finish(self) -> Imported:
        from symbio_cli import inventory, loader

        inventories: dict[str, str] = {}
        failed: list[str] = []
        for firm in self.order:
            for key in ("@firm", "@code"):
                firm.data.pop(key, None)
            errors = [self.where(ref, header, message) for ref, header, message in firm.problems]
            text = to_yaml(firm.data, firm, self.display)
            if not errors:
                doc = loader.loads(text, f"{firm.code}.yaml")
                found = doc if isinstance(doc, list) else inventory.validate(doc, self.lib)[1]
                for p in found:
                    ref, header = _locate(firm, p.field)
                    message = p.message if header or not p.field else f"{p.field} : {p.message}"
                    problem = self.where(ref, header, message, p.severity)
                    (errors if p.severity == "erreur" else self.warnings).append(problem)
            if errors:
                failed.append(firm.code)
                self.problems.extend(errors)
            else:
                inventories[f"{firm.code}.yaml"] = text
        return Imported(inventories, self.problems, failed, self.warnings)


def _near(word: str, choices) -> str:
    import difflib

    hint = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {hint[0]} » ?)" if hint else ""


def _col_of(sheet: str, header: str) -> str:
    for c, col in enumerate(LAYOUT[sheet], 1):
        if col.header == header:
            return _col_letter(c)
    return "A"


def _move(firm: Firm, cells: dict, base: str, skip: str = "", row: str = "") -> None:
    """Record the cells of a container's terms (and its row, `row`) under their place in the inventory."""
    if row:
        firm.cells.setdefault(base, (row, ""))
    for key, where in cells.items():
        if key != skip:
            firm.cells[f"{base}.{key}"] = where


def _locate(firm: Firm, field_text: str) -> tuple[str, str]:
    """The cell (and header) of a validation problem's field.

    A field with no cell (a required value left empty) is placed in the column
    of that field on the row of the closest enclosing object (`Conteneurs!C3`
    for a container's missing `contenant`), else on that row's first cell.
    """
    text = field_text
    while text:
        if text in firm.cells:
            ref, header = firm.cells[text]
            rest = field_text[len(text):].lstrip(".")
            if rest and "." not in rest and "[" not in rest:
                sheet, _, cell = ref.partition("!")
                row = re.sub(r"^[A-Z]+", "", cell)
                for c, col in enumerate(LAYOUT.get(sheet, []), 1):
                    if col.kind not in ("unit",) and col.key.rpartition(".")[2] == rest:
                        return f"{sheet}!{_col_letter(c)}{row}", col.header
            return ref, header
        cut = max(text.rfind("."), text.rfind("["))
        if cut <= 0:
            break
        text = text[:cut]
    return firm.cells.get("", (firm.ref, ""))


def _missing(firm: Firm, header: str, col: Column, columns: dict[str, Column], cells: dict[str, Cell]) -> None:
    """Record a required cell left empty, placed in its column on the row being read."""
    letter = _col_of_sheet(columns, header)
    row = _row_of(cells)
    sheet = next(iter(cells.values())).ref.split("!")[0] if cells else ""
    firm.problems.append((f"{sheet}!{letter}{row}", header, "valeur obligatoire manquante"
                          + (f" ({col.note})" if col.note else "")))


def _read_value(cell: Cell, col: Column, columns: dict[str, Column], cells: dict[str, Cell], lists):
    """One cell's value by its column's kind, kept apart from the row loop; raises _Bad on a bad value."""
    if col.kind in ("text", "slug", "ref"):
        value = _text(cell)
    elif col.kind == "int":
        number = _as_number(cell)
        if number != int(number):
            raise _Bad(f"nombre entier attendu, pas « {cell.value} »")
        value = int(number)
    elif col.kind == "float":
        value = _as_number(cell)
        if value == int(value) and col.key.endswith(("compaction", "nombre")):
            value = int(value)
    elif col.kind == "choice":
        value = _choice(cell, lists.get(col.choices, []))
    elif col.kind == "bool":
        value = _bool(cell)
    elif col.kind == "pct":
        value = _percent(cell)
    elif col.kind == "qty":
        unit_header = next((h for h, c in columns.items() if c.kind == "unit" and c.key == col.key), None)
        value = _quantity(cell, cells.get(unit_header) if unit_header else None)
    elif col.kind == "fixed":
        value = _quantity(cell, None, col.unit)
    else:  # pragma: no cover - every kind is listed above
        value = _text(cell)
    return value


def _units_without_number(firm: Firm, columns: dict[str, Column], cells: dict[str, Cell]) -> None:
    """Record every unit cell filled while the number it qualifies is empty."""
    for header, col in columns.items():
        if col.kind == "unit" and header in cells:
            number_header = next((h for h, c in columns.items() if c.kind == "qty" and c.key == col.key), None)
            if number_header not in cells:
                firm.problems.append((cells[header].ref, header, f"unité sans nombre : remplissez « {number_header} »"))


def _fill(firm: Firm, base: str, cells: dict[str, Cell], columns: dict[str, Column], lists, out: dict) -> None:
    """Read one row's cells into `out` (keys of the YAML), recording each field's cell in `firm.cells`."""
    if not base:
        firm.cells.setdefault("", (next(iter(cells.values())).ref if cells else firm.ref, ""))
    for header, col in columns.items():
        if col.kind == "unit" or col.key == "@firm":
            continue
        cell = cells.get(header)
        path = f"{base}.{col.key}" if base else col.key
        if cell is None:
            if col.required:
                _missing(firm, header, col, columns, cells)
            continue
        try:
            value = _read_value(cell, col, columns, cells, lists)
        except _Bad as exc:
            firm.problems.append((cell.ref, header, f"{exc}" + (f" ; attendu : {col.note}" if col.note else "")))
            continue
        _set(out, col.key, value)
        firm.cells[path] = (cell.ref, header)
    _units_without_number(firm, columns, cells)


def _col_of_sheet(columns: dict[str, Column], header: str) -> str:
    for c, h in enumerate(columns, 1):
        if h == header:
            return _col_letter(c)
    return "A"


def _row_of(cells: dict[str, Cell]) -> str:
    for cell in cells.values():
        return re.sub(r"^.*![A-Z]+", "", cell.ref)
    return "?"


# ------------------------------------------------------------------------------------------ YAML

_PLAIN = re.compile(r"^[A-Za-zÀ-ÿ0-9][^:#\[\]{}&*!|>'\"%@`]*$")  # block style only: commas are plain
_TYPED = re.compile(r"^(?:[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|[-+]?\.\d+|true|false|null|~|yes|no|on|off)$", re.I)
_QUANTITY = re.compile(r"^[-+−]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?\s*[^\s\d#:.,].*$|^\d+/\S+$")


def _scalar(value) -> str:
    """One YAML scalar, quoted whenever a plain one could be misread."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if "\n" in text or text != text.strip():
        return json.dumps(text, ensure_ascii=False)
    if _QUANTITY.match(text) and not re.search(r"[:#\[\]{}&*!|>'\"`]|\s#", text):
        return text
    if _PLAIN.match(text) and not _TYPED.match(text) and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _where_comment(firm: Firm | None, path: str) -> str:
    if firm is None or path not in firm.cells:
        return ""
    return f"  # {firm.cells[path][0]}"


def _emit(value, indent: int, path: str, firm: Firm | None, lines: list[str], key: str | None = None,
          dash: bool = False) -> None:
    pad = "  " * indent
    prefix = f"{pad}- " if dash else pad
    if isinstance(value, dict):
        first = True
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            lead = prefix if first else ("  " * indent + ("  " if dash else ""))
            first = False
            name = _scalar(k) if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", str(k)) else str(k)
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{lead}{name}:")
                _emit(v, indent + (2 if dash else 1), sub, firm, lines)
            else:
                lines.append(f"{lead}{name}: {_scalar(v) if not isinstance(v, (dict, list)) else '{}' if isinstance(v, dict) else '[]'}"
                             f"{_where_comment(firm, sub)}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            sub = f"{path}[{i}]"
            if isinstance(item, dict):
                _emit(item, indent, sub, firm, lines, dash=True)
            else:
                lines.append(f"{pad}- {_scalar(item)}")


def to_yaml(data: dict, firm: Firm | None = None, source: str = "") -> str:
    """The commented YAML text of one inventory (each value commented with the cell it came from)."""
    lines = ["# yaml-language-server: $schema=inventaire.schema.json"]
    name = " ".join(str(data.get("entreprise", {}).get("nom", "")).split())  # one comment line
    source = " ".join(os.path.basename(source).split())
    lines.append(f"# Inventaire importé par « symbio importer »{f' du classeur {source}' if source else ''}"
                 + (f" : {name.rstrip('.')}." if name else "."))
    lines.append("# Chaque valeur porte en commentaire la cellule d'où elle vient. Vérifiez : symbio valider ce-fichier.yaml")
    ordered = {k: data[k] for k in ("version", "entreprise", "annee", "periode_donnees", "hypotheses",
                                    "conteneurs", "flux", "intrants") if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    for key, value in ordered.items():
        if isinstance(value, (dict, list)) and value:
            if key in ("conteneurs", "flux", "intrants", "hypotheses"):
                lines.append("")
            lines.append(f"{key}:")
            _emit(value, 1, key, firm, lines)
        else:
            lines.append(f"{key}: {_scalar(value)}{_where_comment(firm, key)}")
    return "\n".join(lines) + "\n"
