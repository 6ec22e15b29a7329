"""The territory's result: frozen records that every view renders (METHODE.md, "Territory").

Distances in km, money in CAD per year before taxes, masses in t per year,
GHG in t CO2e per year. Under `--anonymiser` the figures a record may not
publish are None and its `supprime` is true (see disclosure.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbio_cli.result import FactorUse, Warning_

REPARTITIONS = ("proportionnelle", "shapley")


@dataclass(frozen=True)
class Options:
    """The analysis' parameters (the command's options)."""

    rayon_km: float = 15.0
    rayon_partage_km: float = 0.3
    repartition: str = "proportionnelle"
    attribution_ges: float = 0.5  # the giver's share of the GHG avoided
    anonymiser: bool = False
    descendre: bool = False  # [R2] propose matches that move a stream down the LQE hierarchy
    sel: str = field(default="", repr=False)  # secret salt of the anonymous codes (SYMBIO_SEL)


@dataclass(frozen=True)
class Match:
    """A substitution match: a residue of one firm replaces an input of another."""

    rang: int
    fournisseur: str
    flux: str
    preneur: str
    intrant: str
    matiere: str
    categorie: str
    famille: str
    quantite_t: float
    distance_km: float
    valeur_fournisseur_cad: float
    valeur_preneur_cad: float
    cout_transport_cad: float
    valeur_cad: float
    valeur_par_tonne_cad: float
    ges_evites_tco2e: float | None
    ges_fournisseur_tco2e: float | None
    ges_preneur_tco2e: float | None
    mode_actuel: str
    filiere: str
    voyages: int
    tarif_cad_t: float
    redevance_cad_t: float
    prix_intrant_cad_t: float
    cout_transport_cad_t_km: float
    enfouissement_evite_t: float
    elimination_evitee_t: float
    redevance_evitee_cad: float
    statut: str  # statut of a planned scenario that names this taker, else "idee"
    statut_reglementaire: str
    demarche: str  # the material's regulatory note (matieres.yaml)
    supprime: bool = False  # --anonymiser: a match is two firms' business, its figures are None
    descend_hierarchie: bool = False  # [R2] recycled today → energy recovery or elimination (only with --descendre)
    i_fournisseur: int = field(default=-1, compare=False, repr=False)
    i_preneur: int = field(default=-1, compare=False, repr=False)
    i_flux: int = field(default=-1, compare=False, repr=False)  # the stream's index in the supplier's flux
    i_intrant: int = field(default=-1, compare=False, repr=False)  # the input's index in the taker's intrants


@dataclass(frozen=True)
class Member:
    """A member of a pooling group."""

    entreprise: str
    flux: str
    levees: float
    volume_m3: float | None
    cout_seul_cad: float
    part_cad: float
    economie_cad: float
    supprime: bool = False  # --anonymiser: one firm's figures, None
    i_entreprise: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Group:
    """A pooling group: a group contract or a shared container."""

    rang: int
    matiere: str
    famille: str
    mode: str
    forme: str  # contrat_groupe | conteneur_partage
    membres: tuple[Member, ...]
    cout_groupe_cad: float
    economie_cad: float
    stable: bool
    coalition_bloquante: tuple[str, ...] | None
    repartition: str
    distance_max_km: float
    rabais_levee: float | None
    frais_gestion_cad: float
    levees_groupe: float
    contenant_m3: float | None = None
    frais_levee_cad: float | None = None
    supprime: bool = False  # --anonymiser: the group's own totals are None (fewer than 3 members)
    i_frais_propre: bool = field(default=False, compare=False, repr=False)  # frais_levee_cad: a member's own fee


@dataclass(frozen=True)
class EnPlace:
    """A substitution or mutualisation already in place, counted apart."""

    type: str
    fournisseur: str
    flux: str
    preneur: str | None
    intrant: str | None
    matiere: str
    quantite_t: float
    gain_cad: float
    ges_evites_tco2e: float | None
    dans_territoire: bool
    statut_reglementaire: str
    supprime: bool = False  # --anonymiser: figures None
    i_fournisseur: int = field(default=-1, compare=False, repr=False)
    i_preneur: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class FirmRow:
    """One firm's figures (money it saves or earns, GHG attributed to it)."""

    entreprise: str
    fichier: str | None
    secteur: str
    scian: str | None
    mrc: str | None
    municipalite: str | None
    lat: float | None
    lon: float | None
    flux: int
    offre_t: float
    demande_t: float
    donne_t: float
    recu_t: float
    valeur_fournisseur_cad: float
    cout_transport_cad: float
    valeur_preneur_cad: float
    economie_mutualisation_cad: float
    valeur_cad: float
    ges_tco2e: float
    ges_partiel: bool
    appariements: int
    mutualisations: int
    supprime: bool = False  # --anonymiser: a firm's own totals are never published (None)


@dataclass(frozen=True)
class Breakdown:
    """A total by material family or material; `supprime` when --anonymiser hid some of its figures (None).

    Every match and every group belongs to one family and one material: the
    rows add up to the territory's totals.
    """

    cle: str
    entreprises: int
    appariements: int
    quantite_t: float | None
    valeur_cad: float | None
    ges_evites_tco2e: float | None
    ges_partiel: bool
    mutualisations: int
    economie_mutualisation_cad: float | None
    total_cad: float | None
    supprime: bool


@dataclass(frozen=True)
class SectorBreakdown:
    """A total by SCIAN sector: each firm's own figures, added up by the sector of the firm.

    A match counts once on the supplier's side (`appariements_fournis`,
    `quantite_donnee_t`) and once on the taker's (`appariements_recus`,
    `quantite_recue_t`): each column adds up to the territory's totals, even
    when both firms are of one sector. Money and GHG are the firms' own shares
    (the supplier's avoided disposal less transport, the taker's avoided
    purchases; GHG by --attribution-ges), which add up to the totals too;
    `mutualisations` counts memberships of pooling groups.
    """

    cle: str
    entreprises: int
    appariements_fournis: int
    quantite_donnee_t: float | None
    appariements_recus: int
    quantite_recue_t: float | None
    valeur_cad: float | None
    ges_tco2e: float | None
    ges_partiel: bool
    mutualisations: int
    economie_mutualisation_cad: float | None
    total_cad: float | None
    supprime: bool


@dataclass(frozen=True)
class MatrixRow:
    """A row of the offer/demand matrix: one material or input category.

    Offer: the residues of that material not already diverted by a scenario in
    place; what is left of it after the proposed matches. Demand: the inputs of
    that category as declared; what is left of them after the scenarios in
    place and the proposed matches. Under --anonymiser the per-firm values are
    None (presence only) and the totals None below 3 firms; what is left is
    not published (with the offer it would give the tonnes exchanged).
    """

    categorie: str
    offre: dict  # firm index -> t/an offered (residues of that material)
    demande: dict  # firm index -> t/an demanded (inputs of that category)
    offre_t: float | None
    demande_t: float | None
    entreprises: int
    supprime: bool
    offre_reste: dict = field(default_factory=dict)  # firm index -> t/an still offered after the matches
    demande_reste: dict = field(default_factory=dict)  # firm index -> t/an still wanted after the matches
    offre_reste_t: float | None = None
    demande_reste_t: float | None = None


@dataclass(frozen=True)
class Totals:
    """Territory totals: potential synergies, and those already in place apart."""

    entreprises: int
    entreprises_localisees: int
    flux: int
    intrants: int
    appariements: int
    quantite_t: float
    valeur_fournisseur_cad: float
    valeur_preneur_cad: float
    cout_transport_cad: float
    valeur_cad: float
    ges_evites_tco2e: float
    ges_partiel: bool
    ges_fournisseurs_tco2e: float
    ges_preneurs_tco2e: float
    elimination_evitee_t: float
    enfouissement_evite_t: float
    redevance_evitee_cad: float
    mutualisations: int
    economie_mutualisation_cad: float
    economies_totales_cad: float
    offre_t: float
    demande_t: float
    en_place_substitutions: int
    en_place_quantite_t: float
    en_place_gain_cad: float
    en_place_ges_evites_tco2e: float
    en_place_ges_partiel: bool
    en_place_mutualisations: int
    en_place_economie_mutualisation_cad: float
    supprime: bool = False  # --anonymiser: some potential totals not published (None): fewer than 3 firms
    en_place_supprime: bool = False  # --anonymiser: fewer than 3 firms in the totals in place (None)
    ges_sans_facteur_t: float | None = 0.0  # [R2] t of matches left out of a partial GHG total (no factor)


@dataclass(frozen=True)
class TerritoryResult:
    """Everything `symbio territoire` computed; views only format it."""

    options: Options
    annee: int | None
    mrc: tuple[str, ...]
    entreprises: tuple[FirmRow, ...]
    appariements: tuple[Match, ...]
    mutualisations: tuple[Group, ...]
    en_place: tuple[EnPlace, ...]
    totaux: Totals
    par_famille: tuple[Breakdown, ...]
    par_secteur: tuple[SectorBreakdown, ...]
    par_matiere: tuple[Breakdown, ...]
    matrice: tuple[MatrixRow, ...]
    facteurs_utilises: tuple[FactorUse, ...]
    avertissements: tuple[Warning_, ...]
    hypotheses: dict  # territory-wide factors used: rabais_levee, frais_gestion, facteur_route…
    exclus: tuple[tuple[str, str], ...] = ()  # (file, its first error) of the inventories left out; () anonymised
    exclus_nombre: int = 0  # how many inventories were left out for errors
    transport_defaut: dict | None = None  # [R2] short hauls at the default transport.cout: see analysis.short_hauls


