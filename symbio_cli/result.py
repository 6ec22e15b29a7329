"""The one result object of an audit: frozen dataclasses every view renders.

Field names are the JSON report's keys (CONCEPTION.md, "JSON report"):
they are data keys of the contract, so they keep its French spelling.
Money in CAD per year before taxes, masses in t/an, GHG in t CO2e/an,
areas in m², volumes in m³/an, rates as fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Allocation:
    """One member of a pooling group: stand-alone cost, share and savings."""

    membre: str
    volume_m3: float
    levees: float | None
    cout_seul_cad: float
    part_cad: float
    economie_cad: float  # stand-alone cost − share + m_k × (T_k − tarif) (rule 20)
    cout_estime: bool = False
    gain_tarif_cad: float = 0.0  # m_k × (T_k − tarif) when the pooled contract sets a tarif


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's figures, computed alone against today."""

    type: str
    nom: str
    statut: str
    statut_reglementaire: str
    retenu: bool
    retenu_force: bool
    gain_net_cad: float
    revenus_cad: float
    couts_cad: float
    cout_evite_cad: float
    retour_annees: float | None
    elimination_evitee_t: float
    enfouissement_evite_t: float
    enfouissement_evite_m3: float | None
    redevance_evitee_cad: float
    ges_evites_tco2e: float | None
    surface_recuperee_m2: float
    valeur_surface_cad: float | None
    # detail of the arithmetic
    masse_detournee_t: float = 0.0
    filiere: str | None = None
    preneur: str | None = None
    detail: dict = field(default_factory=dict)
    # mutualisation only
    forme: str | None = None
    repartition: str | None = None
    cout_groupe_cad: float | None = None
    economie_groupe_cad: float | None = None  # lift-only part: Σ c_k − c(N)
    economies_groupe_cad: float | None = None  # [R2] with the group price on every member's tonnes
    groupe_forme: bool | None = None  # [R2] False: the group costs more than its members alone
    stable: bool | None = None
    coalition_bloquante: tuple | None = None
    membres: tuple = ()


@dataclass(frozen=True)
class StreamResult:
    """One residual stream as managed today, and its scenarios."""

    id: str
    nom: str
    matiere: str
    famille: str
    mode: str
    masse_t: float
    volume_m3: float | None
    masse_volumique_t_m3: float | None
    tarif_cad_t: float | None
    redevance_cad_t: float
    cout_elimination_cad: float
    cout_collecte_cad: float
    frais_fixes_cad: float
    cout_actuel_cad: float
    surface_m2: float
    type_entreposage: str
    conteneur: str | None
    source_donnees: str
    scenarios: tuple[ScenarioResult, ...]
    scenario_retenu: int | None  # the first retained scenario (see scenarios_retenus)
    scenarios_retenus: tuple[int, ...] = ()  # [R2] several takers, a collecte with them
    ristourne_cad: float = 0.0  # [R2] flat rebate paid to the plant, $/an


@dataclass(frozen=True)
class ContainerResult:
    """A container (own or shared): lifts and cost before and after."""

    id: str
    partage: bool
    flux: tuple[str, ...]
    contenant_m3: float
    capacite_m3: float
    levees_avant: float
    levees_besoin: float
    levees_apres: float
    levees_declarees: bool
    cout_avant_cad: float
    cout_apres_cad: float
    frais_levee_cad: float
    surcharge: float
    location_cad: float
    surdimensionnement_cad: float  # right-sizing potential, never added to a scenario
    ecart_conjoint_cad: float  # joint-lifts difference vs the sum of scenarios
    ecart_conjoint_ges_tco2e: float = 0.0  # [R2] the same for the GHG of collection trips (rule 7)
    nombre: float = 1.0  # [R2] identical containers lifted together
    forfait_cad: float | None = None  # [R2] flat service price, $/an
    depassement_avant_cad: float = 0.0  # [R2] overage today (tonnes above those included)
    distance_km: float | None = None  # [R2] one way, for the GHG of collection trips
    nouveau: bool = False  # [R2] a container a `collecte` scenario brings


@dataclass(frozen=True)
class Totals:
    """Totals with all retained scenarios applied together."""

    masse_t: float
    volume_m3: float
    cout_actuel_cad: float
    cout_projete_cad: float
    economies_nettes_cad: float
    revenus_substitution_cad: float
    economies_mutualisation_cad: float
    surface_recuperee_m2: float
    valeur_surface_cad: float
    elimination_evitee_t: float
    enfouissement_evite_t: float
    enfouissement_evite_m3: float
    redevance_evitee_cad: float
    ges_evites_tco2e: float | None  # [R2] None ("n.d.") when no retained scenario has a factor
    ges_partiel: bool
    taux_recyclage_avant: float | None
    taux_recyclage_apres: float | None
    taux_mise_en_valeur_avant: float | None
    taux_mise_en_valeur_apres: float | None
    taux_elimination_avant: float | None
    taux_elimination_apres: float | None
    ecart_levees_conjointes_cad: float
    potentiel_redimensionnement_cad: float
    part_masse_pesee: float | None
    ges_tonnes_exclues_t: float = 0.0  # [R2] tonnes of retained scenarios left out of the GHG total
    ecart_conjoint_ges_tco2e: float = 0.0  # [R2] joint change of lifts in GHG vs the sum (rule 7)
    nombre_defauts: int = 0  # [R2] library values the inventory did not give


@dataclass(frozen=True)
class PolicyRow:
    """A policy family's recycling rate before/after against its target."""

    famille: str
    masse_t: float
    taux_recyclage_avant: float | None
    taux_recyclage_apres: float | None
    objectif: float | None
    taux: str = "recyclage"  # [R2] the rate the target counts: recyclage | mise_en_valeur
    taux_mise_en_valeur_avant: float | None = None
    taux_mise_en_valeur_apres: float | None = None


@dataclass(frozen=True)
class FactorUse:
    """A factor that entered a figure, with its provenance."""

    cle: str
    valeur: float
    unite: str
    source: str
    annee: int | None
    defaut: bool
    confiance: str
    proxy: bool
    note: str
    url: str


@dataclass(frozen=True)
class DefaultUse:
    """[R2] A library value the inventory did not give, and the stream it enters."""

    cle: str
    valeur: float
    unite: str
    flux: str


@dataclass(frozen=True)
class Warning_:
    """Something estimated, missing or inconsistent."""

    code: str
    message: str
    champ: str


@dataclass(frozen=True)
class LocatedWarning(Warning_):
    """A warning of one inventory file, with the line and column it points at (None: the whole file)."""

    ligne: int | None = None
    colonne: int | None = None


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit computed; views only format it."""

    fichier: str
    entreprise: dict
    annee: int
    periode_donnees: str | None
    region: str
    flux: tuple[StreamResult, ...]
    conteneurs: tuple[ContainerResult, ...]
    totaux: Totals
    politique: tuple[PolicyRow, ...]
    facteurs_utilises: tuple[FactorUse, ...]
    avertissements: tuple[Warning_, ...]
    defauts: tuple[DefaultUse, ...] = ()
