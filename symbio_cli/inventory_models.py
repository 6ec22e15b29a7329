"""The inventory contract as pydantic models: the source of `symbio schema` and of the contract table.

These models are the YAML contract written once (field names, kinds, units,
defaults, documentation). `json_schema()` turns them into the Draft-07 JSON
Schema editors use; `table_source()` freezes their fields into
`_contract_table.py`, which `symbio_cli.contract` checks documents against
without importing pydantic (issue 15: pydantic's import and model build were
most of a one-file `valider`). Run `python -m symbio_cli.inventory_models`
after changing a model; tests/test_contract.py fails while the table is stale,
and checks on the test corpus and fuzzed documents that pydantic and the
contract table give the same errors and the same values.

The field rules themselves (quantities, texts, identifiers, `version`) live in
`symbio_cli.contract`; the models call them.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Literal, Union

from symbio_cli import _sans_plugins

_sans_plugins.install()  # before the first model is built: no plugin search (issue 15)

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError, PydanticUndefined

from symbio_cli import schema as _schema
from symbio_cli import units
from symbio_cli.contract import (
    EXAMPLES,
    SAME,
    SCHEMA_VERSION,
    SLUG,
    FieldError,
    Kind,
    check_version,
    read_hypothesis,
    read_quantity,
    read_slug,
    read_text,
)
from symbio_cli.factors import MODES, Library
from symbio_cli.units import (
    AREA,
    DENSITY,
    LENGTH,
    LIFT_RATE,
    MASS,
    MASS_PER_LIFT,
    MASS_PER_TRIP,
    MASS_RATE,
    MONEY,
    MONEY_RATE,
    PER_KM,
    PER_LIFT,
    PER_TIME,
    PER_TKM,
    PER_TRIP,
    PRICE,
    VOLUME,
    VOLUME_RATE,
    Quantity,
)


def _plain(reader, *args):
    """A pydantic validator calling one of contract's readers, its FieldError told as pydantic's."""

    def validate(value, info=None):
        try:
            return reader(value, *args)
        except FieldError as exc:
            raise PydanticCustomError(exc.kind, "{msg}", {"msg": exc.message}) from None

    return validate


def _quantity_validator(accepted: tuple, sign: str, percent: bool, negative: str = ""):
    def validate(value, info):
        try:
            return read_quantity(value, accepted, sign, percent, negative, getattr(info, "field_name", None) or "")
        except FieldError as exc:
            raise PydanticCustomError(exc.kind, "{msg}", {"msg": exc.message}) from None

    return validate


def Q(*accepted: frozenset, sign: str = "nonnegative", percent: bool = False, doc: str = "", negative: str = ""):
    """A quantity field accepting the given dimensions, as a JSON-Schema string."""
    from symbio_cli.schema import quantity_pattern

    examples = [EXAMPLES[d] for d in accepted if d in EXAMPLES] or (["85 %"] if percent else ["1"])
    pattern = quantity_pattern(accepted, sign, percent, tuple(SAME.items()))
    schema = {"type": "string", "pattern": pattern, "description": doc or "quantité « nombre unité »",
              "examples": examples}
    if percent or accepted == (units.DIMENSIONLESS,):
        number = {"type": "number", "minimum": 0}
        if percent:
            number["maximum"] = 1
        if sign == "positive":
            number["exclusiveMinimum"] = number.pop("minimum")
        schema = {"anyOf": [{"type": "string", "pattern": pattern}, number], "description": doc,
                  "examples": examples}
    return Annotated[Quantity, PlainValidator(_quantity_validator(accepted, sign, percent, negative)),
                     WithJsonSchema(schema), Kind("q", accepted, sign, percent, negative)]


Text = Annotated[str, PlainValidator(_plain(read_text)), WithJsonSchema(_schema.text_schema()), Kind("text")]


Slug = Annotated[str, PlainValidator(_plain(read_slug)), WithJsonSchema({"type": "string", "pattern": SLUG.pattern}),
                 Kind("slug")]
Percent = Q(units.DIMENSIONLESS, percent=True, doc="pourcentage, ex. 85 %")
Mode = Literal[MODES]  # type: ignore[valid-type]


class Strict(BaseModel):
    """Every model refuses unknown keys and keeps the contract's names."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Coordonnees(Strict):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


class Entreprise(Strict):
    nom: Text
    region: Text = "quebec"
    mrc: Text | None = None
    municipalite: Text | None = None
    coordonnees: Coordonnees | None = None
    scian: Text | None = None


class Collecte(Strict):
    """A container's terms (own container, shared container or new bin)."""

    # [R2] hauler pricing: `nombre` identical containers lifted together, `tonnes_incluses`
    # per lift with `surplus` $/t above, `forfait` (a flat service price that needs `levees`;
    # `frais_levee` is then optional), `distance` (km one way, for the GHG of collection trips).

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, json_schema_extra={
        "anyOf": [{"required": ["frais_levee"]}, {"required": ["forfait", "levees"]}]})

    contenant: Q(VOLUME, sign="positive", doc="volume du conteneur, ex. 40 vg³")
    frais_levee: Q(MONEY, PER_LIFT, doc="frais par levée, ex. 310 $") | None = None
    levees: Q(PER_TIME, LIFT_RATE, doc="levées par période, ex. 1/semaine") | None = None
    surcharge: Percent | None = None
    location: Q(MONEY_RATE, doc="location, ex. 120 $/mois") | None = None
    taux_remplissage: Q(units.DIMENSIONLESS, percent=True, sign="positive", doc="taux de remplissage, ex. 80 %") | None = None
    charge_utile: Q(MASS, MASS_PER_LIFT, sign="positive", doc="charge utile par levée, ex. 10 t") | None = None
    compaction: Q(units.DIMENSIONLESS, sign="positive", doc="ratio de compaction (compacteur : 3 à 5)") | None = None
    nombre: Q(units.DIMENSIONLESS, sign="positive", doc="conteneurs identiques levés ensemble, ex. 2") | None = None
    tonnes_incluses: Q(MASS, MASS_PER_LIFT, doc="tonnes incluses dans chaque levée, ex. 3 t") | None = None
    surplus: Q(PRICE, doc="prix de chaque tonne au-delà des tonnes incluses, ex. 38 $/t") | None = None
    forfait: Q(MONEY_RATE, doc="prix forfaitaire du service, ex. 648 $/mois") | None = None
    distance: Q(LENGTH, doc="distance aller jusqu'au site qui reçoit le contenu, ex. 25 km") | None = None


class CollecteTermes(Collecte):
    """Terms of a collecte scenario: those it leaves out are today's (levees excepted)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, json_schema_extra={})

    contenant: Q(VOLUME, sign="positive", doc="volume du conteneur, ex. 40 vg³") | None = None


class Conteneur(Collecte):
    id: Slug


class Entreposage(Strict):
    surface: Q(AREA, doc="surface, ex. 30 m²")
    type: Literal["interieur", "exterieur"] = "interieur"


def _storage(value):
    if isinstance(value, dict):
        return Entreposage.model_validate(value)
    return _quantity_validator((AREA,), "nonnegative", False)(value, None)


Storage = Annotated[Union[Quantity, Entreposage], PlainValidator(_storage), Kind("storage"), WithJsonSchema({
    "anyOf": [
        {"type": "string", "examples": ["30 m²"]},
        {"type": "object", "additionalProperties": False, "required": ["surface"],
         "properties": {"surface": {"type": "string", "examples": ["30 m²"]},
                        "type": {"enum": ["interieur", "exterieur"], "default": "interieur"}}},
    ],
    "description": "surface d'entreposage, ou {surface, type}",
})]


class Gestion(Strict):
    mode: Mode
    tarif: Q(PRICE, sign="any", doc="tarif par tonne avant redevance (négatif : ristourne)") | None = None
    redevance_incluse: bool = Field(False, strict=True)  # only true/false, never « NO » or 1
    collecte: Collecte | None = None
    conteneur: Slug | None = None
    frais_fixes: Q(MONEY_RATE, doc="autres frais annuels, ex. 0 $/an",
                   negative=" : une ristourne forfaitaire se donne dans « ristourne » (ex. 193 $/mois), "
                            "une ristourne par tonne dans un « tarif » négatif (ex. -40 $/t)") | None = None
    ristourne: Q(MONEY_RATE, doc="ristourne forfaitaire versée à l'usine, ex. 193 $/mois") | None = None
    distance: Q(LENGTH, doc="distance aller jusqu'au site d'élimination ou de recyclage, ex. 25 km") | None = None
    entreposage: Storage | None = None


Statut = Literal["idee", "etude", "en_place"]
StatutReglementaire = Literal["inconnu", "exempte", "declaration", "autorisation_requise"]


class Substitution(Strict):
    type: Literal["substitution"]
    nom: Text | None = None
    retenu: bool = Field(False, strict=True)
    statut: Statut = "idee"
    statut_reglementaire: StatutReglementaire = "inconnu"
    preneur: Text | None = None
    part: Percent | None = None
    prix: Q(PRICE, sign="any", doc="prix payé par le preneur (négatif : l'usine paie)")
    filiere: Mode | None = None
    combustible_remplace: Literal["gaz_naturel", "mazout", "propane", "aucun"] | None = None
    distance: Q(LENGTH, doc="distance routière, ex. 38 km") | None = None
    transport: Q(PER_TRIP, PER_KM, PRICE, PER_TKM, doc="coût du transport : $/voyage, $/km, $/t ou $/t/km") | None = None
    charge_voyage: Q(MASS, MASS_PER_TRIP, sign="positive", doc="tonnes par voyage") | None = None
    preparation: Q(PRICE, doc="tri, mise en balles… par tonne") | None = None
    collecte: Collecte | None = None
    frais_fixes: Q(MONEY_RATE) | None = None
    investissement: Q(MONEY) | None = None
    penalite: Q(MONEY) | None = None
    entreposage_apres: Q(AREA) | None = None
    levees_apres: Q(PER_TIME, LIFT_RATE) | None = None


class Partenaire(Strict):
    nom: Text
    quantite: Q(VOLUME_RATE, MASS_RATE, doc="volume ou masse par période, ex. 20 vg³/semaine")
    cout_actuel: Q(MONEY_RATE, doc="coût de collecte actuel seulement, ex. 9800 $/an") | None = None
    levees: Q(PER_TIME, LIFT_RATE) | None = None
    frais_levee: Q(MONEY, PER_LIFT) | None = None
    masse: Q(MASS_RATE, doc="masse par période, pour le tarif de groupe, ex. 20 t/an") | None = None
    tarif: Q(PRICE, sign="any", doc="tarif actuel du partenaire par tonne, ex. 131 $/t") | None = None


class Mutualisation(Strict):
    type: Literal["mutualisation"]
    nom: Text | None = None
    retenu: bool = Field(False, strict=True)
    statut: Statut = "idee"
    statut_reglementaire: StatutReglementaire = "inconnu"
    forme: Literal["conteneur_partage", "contrat_groupe"] = "conteneur_partage"
    partenaires: list[Partenaire] = Field(min_length=1)
    contenant: Q(VOLUME, sign="positive") | None = None
    frais_levee: Q(MONEY, PER_LIFT) | None = None
    location: Q(MONEY_RATE) | None = None
    taux_remplissage: Q(units.DIMENSIONLESS, percent=True, sign="positive") | None = None
    surcharge: Percent | None = None
    compaction: Q(units.DIMENSIONLESS, sign="positive") | None = None
    frais_gestion: Q(MONEY_RATE) | None = None
    tarif: Q(PRICE, sign="any") | None = None
    redevance_incluse: bool | None = Field(None, strict=True)  # absent: the plant's gestion.redevance_incluse
    repartition: Literal["proportionnelle", "shapley"] = "proportionnelle"
    entreposage_apres: Q(AREA) | None = None


class CollecteScenario(Strict):
    """A change of container or schedule: compactor, smaller bin, fewer lifts, flat service."""

    type: Literal["collecte"]
    nom: Text | None = None
    retenu: bool = Field(False, strict=True)
    statut: Statut = "idee"
    statut_reglementaire: StatutReglementaire = "inconnu"
    conteneur: Slug | None = None
    collecte: CollecteTermes = Field(default_factory=CollecteTermes)
    frais_fixes: Q(MONEY_RATE) | None = None
    investissement: Q(MONEY) | None = None
    penalite: Q(MONEY) | None = None
    entreposage_apres: Q(AREA) | None = None


Scenario = Annotated[Union[Substitution, Mutualisation, CollecteScenario], Field(discriminator="type")]


class Flux(Strict):
    id: Slug
    nom: Text
    matiere: Text
    quantite: Q(MASS_RATE, VOLUME_RATE, doc="masse ou volume par période, ex. 18 t/mois")
    masse_volumique: Q(DENSITY, sign="positive", doc="ex. 210 kg/m³") | None = None
    source_donnees: Literal["pesee", "facture", "caracterisation", "estimation"] = "estimation"
    gestion: Gestion
    scenarios: list[Scenario] = Field(default_factory=list)


class Intrant(Strict):
    nom: Text
    matiere: Text
    quantite: Q(MASS_RATE, VOLUME_RATE)
    prix: Q(PRICE, sign="any") | None = None
    masse_volumique: Q(DENSITY, sign="positive") | None = None


Hypothese = Annotated[Quantity, PlainValidator(_plain(read_hypothesis)), Kind("hyp"),
                      WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}], "examples": ["36 $/t"]})]


class Inventaire(Strict):
    """A plant's inventory of residual streams (the YAML input contract)."""

    version: int
    entreprise: Entreprise
    annee: int = Field(ge=1990, le=2100)
    periode_donnees: Text | None = None
    hypotheses: dict[str, Hypothese] = Field(default_factory=dict)
    conteneurs: list[Conteneur] = Field(default_factory=list)
    flux: list[Flux] = Field(min_length=1)
    intrants: list[Intrant] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value):
        return _plain(check_version)(value)


MODELS = (Inventaire, Entreprise, Coordonnees, Collecte, CollecteTermes, Conteneur, Entreposage, Gestion,
          Substitution, Partenaire, Mutualisation, CollecteScenario, Flux, Intrant)


def errors_of(data) -> tuple[Inventaire | None, list[dict]]:
    """pydantic's verdict on a loaded document: the model, or its errors (the oracle of the contract table)."""
    try:
        return Inventaire.model_validate(data), []
    except ValidationError as exc:
        return None, exc.errors(include_url=False)


# ---------------------------------------------------------------------------
# The contract table


_DIM_NAMES = {getattr(units, n): n for n in sorted(dir(units), reverse=True)
              if n.isupper() and isinstance(getattr(units, n), frozenset)}


def _spec(annotation, metadata: list) -> tuple:
    """The table's spec of one annotation (see symbio_cli.contract)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _spec(args[0], [*args[1:], *metadata])
    kind = next((m for m in metadata if isinstance(m, Kind)), None)
    if kind is not None:
        if kind.spec[0] == "q":
            tag, accepted, sign, percent, negative = kind.spec
            return ("q", tuple(_DIM_NAMES[d] for d in accepted), sign, percent, negative)
        return kind.spec
    if origin in (Union, types.UnionType) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return ("opt", _spec(inner, metadata))
    if origin is Union:
        discriminator = next(m.discriminator for m in metadata if getattr(m, "discriminator", None))
        return ("tagged", discriminator, tuple((typing.get_args(m.model_fields[discriminator].annotation)[0],
                                                m.__name__) for m in args))
    if origin is Literal:
        return ("lit", args)
    return _plain_spec(annotation, origin, args, metadata)


def _plain_spec(annotation, origin, args: tuple, metadata: list) -> tuple:
    """The spec of a bool, int, float, list, dict or model annotation."""
    bounds = {k: getattr(m, k) for m in metadata for k in ("ge", "le", "min_length", "allow_inf_nan", "strict")
              if getattr(m, k, None) is not None}
    if annotation is bool:
        assert bounds.get("strict"), "a boolean of the contract is strict (true or false only)"
        return ("bool",)
    if annotation is int:
        return ("int", bounds.get("ge"), bounds.get("le"))
    if annotation is float:
        ge, le = bounds.get("ge"), bounds.get("le")
        return ("float", None if ge is None else float(ge), None if le is None else float(le),
                bounds.get("allow_inf_nan", True))
    if origin is list:
        return ("list", _spec(args[0], []), bounds.get("min_length", 0))
    if origin is dict:
        return ("dict", _spec(args[1], []))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation.__name__)
    raise TypeError(f"annotation sans équivalent dans la table du contrat : {annotation!r}")


def _default(info) -> tuple:
    if info.default_factory is not None:
        factory = info.default_factory
        return ("factory", factory.__name__)
    if info.default is PydanticUndefined:
        return ("req",)
    return ("value", info.default)


def table() -> dict[str, tuple]:
    """Each model's fields as `(name, spec, default)`, in the contract's order."""
    out = {}
    for model in MODELS:
        fields = []
        for name, info in model.model_fields.items():
            spec = ("version",) if (model is Inventaire and name == "version") else _spec(info.annotation, list(info.metadata))
            fields.append((name, spec, _default(info)))
        out[model.__name__] = tuple(fields)
    return out


def table_source() -> str:
    """The text of _contract_table.py."""
    lines = ['"""The inventory contract\'s fields, generated by `python -m symbio_cli.inventory_models`: do not edit."""',
             "", "# model: ((field, spec, default), ...) — specs and defaults are read by symbio_cli.contract", "MODELS = {"]
    for name, fields in table().items():
        lines.append(f"    {name!r}: (")
        lines.extend(f"        {field!r}," for field in fields)
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _enums(schema: dict, lib: Library | None) -> None:
    """Known values of the library (default, or with an overlay), so editors can complete them."""
    from symbio_cli import factors

    _schema.add_library(schema, lib if lib is not None else factors.load())
    _schema.add_rules(schema)
    schema["properties"]["version"]["const"] = SCHEMA_VERSION
    annee = schema["properties"]["annee"]  # valider reads "2026" as 2026
    bounds = {k: annee.pop(k) for k in ("minimum", "maximum", "type") if k in annee}
    annee["anyOf"] = [bounds, {"type": "string", "pattern": r"^\s*(?:199[0-9]|20[0-9][0-9]|2100)\s*$"}]
    schema["properties"]["hypotheses"]["additionalProperties"]["anyOf"][0]["pattern"] = _schema.any_quantity_pattern()


def json_schema(lib: Library | None = None) -> dict:
    """Draft-07 JSON Schema of the inventory, generated from the models.

    `lib`: the factor library whose materials, regions and factor keys the
    schema enumerates (default: the packaged library; `symbio schema
    --facteurs DIR` passes the overlaid one). See symbio_cli/schema.py.
    """
    from pydantic.json_schema import GenerateJsonSchema

    class Draft07(GenerateJsonSchema):
        def generate(self, schema, mode="validation"):
            out = super().generate(schema, mode=mode)
            out["$schema"] = "http://json-schema.org/draft-07/schema#"
            return out

    schema = Inventaire.model_json_schema(ref_template="#/definitions/{model}", schema_generator=Draft07)
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    _enums(schema, lib)
    schema["title"] = "Inventaire symbio"
    schema["$id"] = "https://symbio.quebec/inventaire.schema.json"
    schema["description"] = "Inventaire des matières résiduelles d'une usine (symbio, version 1)."
    return schema


if __name__ == "__main__":  # pragma: no cover - regenerates the table
    import pathlib

    pathlib.Path(__file__).with_name("_contract_table.py").write_text(table_source(), encoding="utf-8")
