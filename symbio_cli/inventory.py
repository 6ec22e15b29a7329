"""The inventory: the YAML contract's records and their validation.

`validate()` turns a loaded Document into an `Inventaire` (quantities already
parsed into canonical floats) or a list of located Problems, all of them in
one pass: schema errors from the contract (symbio_cli.contract, which checks
the fields of the pydantic models of symbio_cli.inventory_models without
importing pydantic), then cross-checks against the factor library (materials,
modes, regions, container ids, hypotheses).
"""

from __future__ import annotations

import re
import unicodedata

from symbio_cli import contract, units
from symbio_cli.contract import SCHEMA_VERSION, Record, shown  # noqa: F401 (re-exported)
from symbio_cli.errors import Problem, QuantityError, field_name
from symbio_cli.factors import MODES, Factor, Library
from symbio_cli.loader import Document
from symbio_cli.numbers import message_bound
from symbio_cli.scenario_checks import check_scenarios, check_terms
from symbio_cli.units import MASS_RATE, VOLUME_RATE, Quantity  # noqa: F401  (MASS_RATE: re-exported)

# ---------------------------------------------------------------------------
# Errors in French, located

# The records of the contract (frozen; fields named as in the YAML).
Inventaire = contract.RECORDS["Inventaire"]
Entreprise = contract.RECORDS["Entreprise"]
Coordonnees = contract.RECORDS["Coordonnees"]
Collecte = contract.RECORDS["Collecte"]
CollecteTermes = contract.RECORDS["CollecteTermes"]
Conteneur = contract.RECORDS["Conteneur"]
Entreposage = contract.RECORDS["Entreposage"]
Gestion = contract.RECORDS["Gestion"]
Substitution = contract.RECORDS["Substitution"]
Partenaire = contract.RECORDS["Partenaire"]
Mutualisation = contract.RECORDS["Mutualisation"]
CollecteScenario = contract.RECORDS["CollecteScenario"]
Flux = contract.RECORDS["Flux"]
Intrant = contract.RECORDS["Intrant"]

_KNOWN_KEYS: set[str] = {name for fields in contract.MODELS.values() for name, _, _ in fields}

_TAGS = {"substitution", "mutualisation", "collecte"}


def _clean_loc(loc: tuple) -> tuple:
    out = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and (part in _TAGS and i > 0 and isinstance(loc[i - 1], int) and i >= 2 and loc[i - 2] == "scenarios"):
            continue
        if isinstance(part, str) and (part.startswith("function-") or part in ("Entreposage", "Quantity")):
            continue
        out.append(part)
    return tuple(out)


def _french(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return "champ obligatoire manquant"
    if kind == "extra_forbidden":
        return _unknown_key(err["loc"])
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        expected = expected.replace("'", "").replace(" or ", ", ")
        choices = [c.strip() for c in expected.split(",")]
        return f"valeur {shown(value)} invalide{_hint(str(value), choices)} ; attendu : {expected}"
    if kind in ("union_tag_invalid",):
        return f"type de scénario {shown(ctx.get('tag'))} inconnu ; attendu : substitution, collecte ou mutualisation"
    if kind == "union_tag_not_found":
        return "« type » manquant ; attendu : substitution, collecte ou mutualisation"
    if kind in ("bool_type", "bool_parsing"):
        return "true ou false attendu"
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return f"nombre entier attendu (pas {shown(value)})"
    if kind in ("float_type", "float_parsing"):
        return f"nombre attendu (pas {shown(value)})"
    if kind == "finite_number":
        return "nombre fini attendu"
    if kind in ("greater_than_equal", "greater_than"):
        return f"valeur trop petite (minimum {message_bound(ctx.get('ge', ctx.get('gt')))})"
    if kind in ("less_than_equal", "less_than"):
        return f"valeur trop grande (maximum {message_bound(ctx.get('le', ctx.get('lt')))})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "section attendue (des lignes « clé: valeur »)"
    if kind == "list_type":
        return "liste attendue (des lignes commençant par « - »)"
    if kind == "too_short":
        return "au moins un élément attendu"
    if kind in ("string_type",):
        return "texte attendu"
    if kind in ("quantite", "texte", "identifiant", "version"):
        return err["msg"]
    return f"valeur invalide ({err['msg']})"


def _plain(word: str) -> str:
    """A key without accents nor capitals: `Quantité` → `quantite`."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def _close_matches(word: str, choices, n: int, cutoff: float) -> list[str]:
    """difflib's close matches, imported only when a hint is needed (an error: never on a valid file)."""
    import difflib

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


# Words users write for a key, by the key they mean (offered only where that key exists).
_KEY_SYNONYMS = {
    "tri": "preparation", "triage": "preparation", "mise_en_balles": "preparation", "conditionnement": "preparation",
    "masse": "quantite", "poids": "quantite", "tonnage": "quantite", "volume": "quantite",
    "densite": "masse_volumique", "remplissage": "taux_remplissage", "frequence": "levees",
    "taille": "contenant", "conteneur": "contenant", "prix": "tarif", "tarif": "prix", "cout": "frais_fixes",
    "acheteur": "preneur", "client": "preneur", "loyer": "location", "materiau": "matiere", "annees": "annee",
}


def _fields_at(loc: tuple) -> set[str] | None:
    """The keys a mapping accepts at a pydantic error location (its last part is the key), or None."""
    candidates = ["Inventaire"]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        tagged = [m for m in candidates if part == contract.type_tag(m)] if len(candidates) > 1 else []
        if tagged:  # the location names the scenario type chosen by `type:`
            candidates = tagged
            continue
        fields = contract.fields_of(candidates[0]) if len(candidates) == 1 else {}
        if part not in fields:
            return None
        candidates = contract.models_in(fields[part])
        if not candidates:
            return None
    if len(candidates) != 1:
        return None
    return set(contract.fields_of(candidates[0]))


def _unknown_key(loc: tuple) -> str:
    """`clé inconnue « … »` with a hint that exists where the key was typed, and never the key itself."""
    key = str(loc[-1])
    fields = _fields_at(loc) or _KNOWN_KEYS
    plain = _plain(key)
    if plain != key and plain in fields:
        return f"clé « {key} » : les clés s'écrivent sans accent ni majuscule ; écrivez « {plain} »"
    choices = sorted(f for f in fields if f != key)
    hint = []
    synonym = _KEY_SYNONYMS.get(plain)
    if synonym in choices:
        hint = [synonym]
    if not hint:
        hint = _close_matches(plain, choices, n=1, cutoff=0.6)
    where = ""
    if fields is not _KNOWN_KEYS and key in _KNOWN_KEYS:
        where = " ici"
    return f"clé inconnue{where} « {key} »" + (f" (vouliez-vous dire « {hint[0]} » ?)" if hint else "")


def _accented_keys(errors: list) -> set[tuple]:
    """Locations of the keys that an accented key (`quantité`) stood for: their « missing » is not news."""
    out = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            plain = _plain(key)
            if plain != key and plain in (_fields_at(err["loc"]) or _KNOWN_KEYS):
                out.add(tuple(err["loc"][:-1]) + (plain,))
    return out


def _problems_from(errors: list[dict], doc: Document) -> list[Problem]:
    problems = []
    stood_for = _accented_keys(errors)
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in stood_for:
            continue  # one error per accented key, not two
        path = _clean_loc(err["loc"])
        on_value = err["type"] not in ("missing", "extra_forbidden")
        line, col = doc.where(path, value=on_value)
        problems.append(Problem(doc.file, line, col, field_name(path), _french(err)))
    return problems


# ---------------------------------------------------------------------------
# Cross-checks against the library


def _quantity_warnings(model, doc: Document, path: tuple, out: list) -> None:
    """Collect the grammar's warnings (`1,500 t`) with their positions."""
    if isinstance(model, Quantity):
        for code, message in model.warnings:
            line, col = doc.where(path, value=True)
            out.append(Problem(doc.file, line, col, field_name(path), message, "avertissement", code))
        return
    if isinstance(model, Record):
        for name in model.FIELDS:
            value = getattr(model, name)
            if value is not None:
                _quantity_warnings(value, doc, path + (name,), out)
    elif isinstance(model, list):
        for i, item in enumerate(model):
            _quantity_warnings(item, doc, path + (i,), out)
    elif isinstance(model, dict):
        for k, item in model.items():
            _quantity_warnings(item, doc, path + (k,), out)


def _hint(word: str, choices) -> str:
    hint = _close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {hint[0]} » ?)" if hint else ""


def _tokens(text: str) -> tuple[str, ...]:
    """Words of a name, without accents, capitals nor plural marks: `Huiles usées` → (huile, usee)."""
    words = re.split(r"[^a-z0-9]+", _plain(text))
    return tuple(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words if w)


def hazardous_match(key: str, lib: Library) -> str | None:
    """The hazardous residue a material name is (`batteries` → piles_batteries), if any.

    Only its exact name or one of its listed `synonymes` (facteurs/matieres.yaml), compared
    word for word without accents, capitals or plural marks — never a shared word stem, so
    `huiles_vegetales` or `lactoserum_acide` are not hazardous.
    """
    if key in lib.hazardous:
        return key
    words = sorted(_tokens(key))
    for name, spec in lib.hazardous.items():
        names = [name, *(spec.get("synonymes") or [])] if isinstance(spec, dict) else [name]
        if any(sorted(_tokens(str(n))) == words for n in names):
            return name
    return None


# Exchanges symbio does not model: energy, heat, steam, water. A name holding one of these words gets
# a message saying so, not « inconnue ».
_OUT_OF_SCOPE = {"vapeur", "chaleur", "energie", "electricite", "eau", "thermique", "calorie", "frigorie",
                 "froid", "steam", "heat", "energy", "water", "electricity", "biogaz", "air_comprime", "gaz",
                 "biomethane", "hydrogene", "condensat", "electrique", "energetique"}
# …unless the name is a residue of it: `boues_eaux_usees` is a sludge, in scope.
_RESIDUE_WORDS = {"boue", "residu", "dechet", "cendre", "sable", "solide", "huile", "sludge"}
# Words users write for a word of the taxonomy, for the hints of an unknown material.
_MATERIAL_WORDS = {"mixte": "melange", "melangee": "melange", "metau": "metal", "vegetale": "alimentaire",
                   "friture": "alimentaire", "cuisine": "alimentaire", "nourriture": "alimentaire",
                   "plastic": "plastique", "ondule": "carton", "gazon": "vert", "feuille": "vert",
                   **dict.fromkeys(("gateau", "pain", "invendu", "aliment", "patisserie", "boulangerie", "fruit",
                                    "legume", "viande", "repa", "table"), "alimentaire")}


def out_of_scope(key: str) -> bool:
    """True when a material name is an energy, heat, steam or water exchange (`vapeur`, `eaux_usees`)."""
    tokens = set(_tokens(key))
    if tokens & _RESIDUE_WORDS:
        return False
    return bool(tokens & _OUT_OF_SCOPE) or "_".join(_tokens(key)) in _OUT_OF_SCOPE


def material_hint(key: str, choices) -> str:
    """`(vouliez-vous dire « a », « b » ?)` with the nearest known names, never `key` itself.

    Names holding every word typed come first (`plastique` → every plastic; `residus_bois`
    → bois_residus), then names sharing a word, then close spellings.
    """
    choices = sorted(c for c in choices if c != key)
    typed = {_MATERIAL_WORDS.get(t, t) for t in _tokens(key)}
    whole = [c for c in choices if typed and typed <= set(_tokens(c))]
    some = [c for c in choices if typed & set(_tokens(c)) and c not in whole]
    hints = whole or some[:3]
    if len(hints) < 3:
        close = _close_matches(key, choices, n=3, cutoff=0.6)
        hints += [c for c in close if c not in hints][:3 - len(hints)]
    if not hints:  # a far spelling (`gateaux_invendus` → textile) is no hint: say nothing rather than nonsense
        return ""
    return " (vouliez-vous dire " + ", ".join(f"« {h} »" for h in hints) + " ?)"


def _parsed(value):
    """A quantity from raw text, or None when it does not parse (pydantic says why)."""
    try:
        return units.parse(value)
    except QuantityError:
        return None


# Factor families whose last key part is a region, a material or a mode.
_REGIONAL, _NEGATIVE_OK, _FRACTIONS = contract.HYPOTHESIS_REGIONAL, contract.HYPOTHESIS_NEGATIVE_OK, contract.HYPOTHESIS_FRACTIONS


def _unknown_leaf(key: str, lib: Library) -> tuple:
    """(why a key outside the library is wrong: family, region, mode or material; or None, its known parent)."""
    parent, _, leaf = key.rpartition(".")
    if not (parent and "." in parent or parent in ("masse_volumique",)) or not lib.known_prefix(parent):
        return f"clé de facteur inconnue « {key} »{_hint(key, lib.factors)}", parent
    if parent.startswith(_REGIONAL) and lib.regions and leaf not in lib.regions:
        return f"région « {leaf} » inconnue dans « {key} »{_hint(leaf, lib.regions)}", parent
    if parent.startswith("emission.") and leaf not in MODES:
        return f"mode « {leaf} » inconnu dans « {key} »{_hint(leaf, MODES)}", parent
    if parent in ("masse_volumique", "enfouissement.masse_volumique_en_place") and leaf not in lib.materials:
        return f"matière « {leaf} » inconnue dans « {key} »{_hint(leaf, lib.materials)}", parent
    return None, parent


def _check_hypothesis(key: str, q: Quantity, lib: Library) -> str | None:
    """What is wrong with one `hypotheses:` entry, or None."""
    message, known = (None, key) if lib.known_prefix(key) else _unknown_leaf(key, lib)
    if message:
        return message
    expected = lib.dims_under(known)
    if q.dims not in expected and not (not q.dims and len(expected) == 1 and not next(iter(expected))):
        wanted = " ou ".join(units.label(d) or "nombre" for d in expected)
        return f"« {q.text} » : unité incompatible avec « {key} » (attendu : {wanted})"
    if q.value < 0 and not key.startswith(_NEGATIVE_OK):
        return f"« {q.text} » : valeur négative impossible pour « {key} »"
    if not q.dims and any(word in key for word in _FRACTIONS) and not 0 <= q.value <= 1:
        return f"« {q.text} » : pourcentage entre 0 et 100 % attendu pour « {key} »"
    if key.startswith("transport.charge_utile") and q.value <= 0:
        return f"« {q.text} » : valeur strictement positive attendue pour « {key} »"
    problem = units.bounds_problem(q.value, q.dims, key)
    if problem:
        return f"« {q.text} » : {problem} (« {key} »)"
    return None


def _density_known(material: str, hypotheses: dict, lib: Library) -> bool:
    if f"masse_volumique.{material}" in hypotheses or "masse_volumique" in hypotheses:
        return True
    f = lib.factors.get(f"masse_volumique.{material}") or lib.factors.get("masse_volumique")
    return f is not None and f.value is not None



def _check_material(path: tuple, key, lib: Library, add, inputs: bool = False) -> None:
    """A material (or input category) must be known; hazardous and out-of-scope names are told apart."""
    if not isinstance(key, str) or key in lib.materials or (inputs and key in lib.input_categories):
        return
    danger = hazardous_match(key, lib)  # exact names and synonyms first: `bonbonnes` is an aerosol
    if danger is not None:
        rule = lib.hazardous_rule.get("fr", "Règlement sur les matières dangereuses (RLRQ, c. Q-2, r. 32)")
        label = lib.hazardous[danger].get("fr", danger)
        add(path, f"« {key} » est une matière dangereuse ({label}), hors du champ de symbio : sa gestion relève du {rule}")
        return
    if out_of_scope(key):
        add(path, f"« {key} » : les échanges d'énergie, de chaleur, de vapeur et d'eau sont hors du champ "
                  "de symbio, qui traite les matières résiduelles (solides, boues, liquides en vrac)")
        return
    choices = set(lib.materials) | (set(lib.input_categories) if inputs else set())
    add(path, f"matière « {key} » inconnue{material_hint(key, choices)}")


def _cross_flow(base: tuple, f: dict, lib: Library, hypotheses: dict, container_ids: set, add) -> bool:
    """Cross-check one stream (material, container, density, scenarios); True when it needs the levy."""
    material = f.get("matiere")
    _check_material(base + ("matiere",), material, lib, add)
    g = f.get("gestion") if isinstance(f.get("gestion"), dict) else {}
    if g.get("collecte") is not None and g.get("conteneur") is not None:
        add(base + ("gestion", "conteneur"), "« collecte » et « conteneur » s'excluent : un conteneur propre ou un conteneur partagé")
    if isinstance(g.get("conteneur"), str) and g["conteneur"] not in container_ids:
        add(base + ("gestion", "conteneur"), f"conteneur « {g['conteneur']} » absent de « conteneurs: »{_hint(g['conteneur'], container_ids)}")
    known = isinstance(material, str) and material in lib.materials
    density = f.get("masse_volumique") is not None or (known and _density_known(material, hypotheses, lib))
    if (q := _parsed(f.get("quantite"))) is not None and q.dims == VOLUME_RATE and not density and known:
        add(base + ("quantite",), f"quantité en volume, mais aucune masse volumique connue pour « {material} » : "
                                  "donnez « masse_volumique » (ex. 210 kg/m³)")
    check_scenarios(f, base, g, density, add)
    return g.get("mode") in ("enfouissement", "incineration", "recouvrement_let")


def _cross_hypotheses(data: dict, hypotheses: dict, lib: Library, levy_needed: bool, add) -> None:
    """Check each parsed `hypotheses:` entry, and ask for the levy when the year precedes every known one."""
    for key, value in hypotheses.items():
        q = _parsed(value)  # None: pydantic reported it
        message = _check_hypothesis(str(key), q, lib) if q is not None else None
        if message:
            add(("hypotheses", key), message, on_value=not message.startswith("clé de facteur inconnue"))
    levy, annee = lib.factors.get("redevance.elimination"), data.get("annee")
    if (levy_needed and isinstance(annee, int) and not isinstance(annee, bool) and levy is not None
            and levy.by_year and annee < levy.by_year[0][0] and "redevance.elimination" not in hypotheses):
        add(("annee",), f"aucune redevance d'élimination connue avant {levy.by_year[0][0]} : "
                        "donnez-la dans « hypotheses: redevance.elimination » (ex. 23,07 $/t)")


def cross_check(data: dict, doc: Document, lib: Library, skip: set) -> list[Problem]:
    """Checks that need the whole inventory or the factor library.

    They read the raw data (with type guards) so that they run even when the
    schema found problems: a user fixes everything in one pass. `skip` holds
    the paths pydantic already reported.
    """
    problems: list[Problem] = []

    def add(path, message, on_value=True):
        if any(path[:n] in skip for n in range(1, len(path) + 1)):
            return
        line, col = doc.where(path, value=on_value)
        problems.append(Problem(doc.file, line, col, field_name(path), message))

    def items(key):
        value = data.get(key)
        return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []

    entreprise = data.get("entreprise") if isinstance(data.get("entreprise"), dict) else {}
    region = entreprise.get("region", "quebec")
    if not isinstance(region, str):
        region = "quebec"
    if lib.regions and isinstance(region, str) and region not in lib.regions:
        add(("entreprise", "region"), f"région « {region} » inconnue{_hint(region, lib.regions)}")

    ids: dict[str, tuple] = {}
    for what in ("conteneurs", "flux"):
        for i, c in items(what):
            cid = c.get("id")
            if not isinstance(cid, str):
                continue
            if cid in ids:
                extra = " : flux et conteneurs partagent les identifiants" if ids[cid][0] != what else ""
                add((what, i, "id"), f"identifiant « {cid} » déjà utilisé ({field_name(ids[cid])}){extra}")
            else:
                ids[cid] = (what, i, "id")
    container_ids = {c.get("id") for _, c in items("conteneurs") if isinstance(c.get("id"), str)}

    hypotheses = data.get("hypotheses") if isinstance(data.get("hypotheses"), dict) else {}
    levy_needed = any([_cross_flow(("flux", i), f, lib, hypotheses, container_ids, add) for i, f in items("flux")])
    for j, c in items("conteneurs"):
        check_terms(c, ("conteneurs", j), add)
    for i, item in items("intrants"):
        _check_material(("intrants", i, "matiere"), item.get("matiere"), lib, add, inputs=True)
    _cross_hypotheses(data, hypotheses, lib, levy_needed, add)
    return problems


def hypotheses_factors(inv: Inventaire) -> dict[str, Factor]:
    """The inventory's `hypotheses:` as factors that win over the library."""
    out = {}
    for key, q in inv.hypotheses.items():
        out[key] = Factor(key=key, value=q.value, dims=q.dims, unit=units.label(q.dims), raw=q.value,
                          source="hypothèse de l'inventaire", year=inv.annee, confidence="aucune",
                          note=f"donnée par l'inventaire : {q.text}", layer="hypothèse de l'inventaire",
                          origin="hypothese")
    return out


def validate(doc: Document, lib: Library) -> tuple[Inventaire | None, list[Problem]]:
    """The inventory model of a loaded document, and every problem found."""
    problems: list[Problem] = list(doc.warnings)
    if not isinstance(doc.data, dict):
        kind = "une liste" if isinstance(doc.data, list) else "une valeur seule"
        problems.append(Problem(doc.file, 1, 1, "", f"le fichier contient {kind} ; un inventaire est une section de clés (version, entreprise, annee, flux…)"))
        return None, problems
    warned = units.warning_count
    inv, schema_errors = contract.check(doc.data)
    problems.extend(_problems_from(schema_errors, doc))
    skip = {tuple(_clean_loc(err["loc"])) for err in schema_errors}
    if inv is not None and units.warning_count != warned:
        _quantity_warnings(inv, doc, (), problems)
    if inv is not None:
        for i, f in enumerate(inv.flux):
            if f.quantite.value == 0:
                line, col = doc.where(("flux", i, "quantite"), value=True)
                problems.append(Problem(doc.file, line, col, field_name(("flux", i, "quantite")),
                                        f"flux « {f.id} » de 0 t/an : il ne compte dans aucun total "
                                        "(retirez-le, ou donnez sa quantité)", "avertissement", "quantite_nulle"))
    errors = cross_check(doc.data, doc, lib, skip)
    problems.extend(errors)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return (None if errors or inv is None else inv), problems


def json_schema(lib: Library | None = None) -> dict:
    """Draft-07 JSON Schema of the inventory (see symbio_cli.inventory_models.json_schema)."""
    from symbio_cli import inventory_models

    return inventory_models.json_schema(lib)
