"""`symbio territoire`: the synergies between the firms of one region (METHODE.md, "Territory").

Two steps. Per file (in worker processes when asked): read, validate and audit
the inventory with the same loader, factors and method as `symbio audit`, and
keep only what the territory needs, as a small picklable `FirmData` (fee and
levy of each stream as the method computed them, its own container, the
`intrants`, the transport and emission factors of the inventory). Then, once
for all firms, `analyse()`:

- Substitution matches: a residue stream of firm A and an `intrant` of firm
  B ≠ A whose category is in the stream material's `substitue`. Per tonne:
  value to A `T + R`, value to B the input's price, transport
  `transport.cout × distance`; net value the sum minus transport. Matches are
  allocated greedily by decreasing net value per tonne, `q = min(supply left,
  demand left)`, never beyond a supply or a demand; pairs with a net value
  ≤ 0 are not proposed. Blocking: candidates are looked up by input category
  only, and each demand explores the suppliers of its category by a
  best-first search over a lat/lon grid whose cells carry an upper bound of
  the value (highest `T + R` of the cell minus the cheapest transport to the
  cell's nearest point): a pair whose bound is already beaten is never
  computed. The result is the same as sorting all pairs (tests check it).
- Pooling: streams of one material and one mode, each in its own container,
  at different firms, bucketed by (material, mode) and by grid cells of the
  radius' size; groups are cliques (every pair within the radius) grown from
  the stream with the most neighbours. Firms within `rayon_partage` may share
  one container (`conteneur_partage`), the others a group contract
  (`contrat_groupe`). A group contract's cost is split in proportion to each
  member's own lift cost today (`--repartition shapley`: Shapley value), a
  shared container's in proportion to volume; a member who would pay more
  than alone leaves the group (a safety net: the proportional split of a
  contract that saves money never triggers it); a group is kept when it saves
  money.

Everything returned is a frozen dataclass; the views in reports/territory.py
only format it. Distances in km, money in CAD per year before taxes, masses
in t per year, GHG in t CO2e per year.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import hmac
import math
import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace

from symbio_cli import method, units
from symbio_cli.errors import Problem
from symbio_cli.factors import ELIMINATION_MODES, LANDFILL_MODES, Library, Resolver
from symbio_cli.result import FactorUse, Warning_

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
EPS = 1e-9
MIN_FIRMS = 3  # --anonymiser: no total made up of fewer firms
SHARED_MAX = method.EXACT_SHAPLEY_MAX  # a shared container: exact Shapley and core check
MATCH_CELL_DEG = 0.25  # grid of the match search (about 28 km north-south)

# The route a residue takes at the receiver, by input category (for GHG):
# a category absent here, or the material itself (direct reuse), takes the
# material's `filiere_defaut`. `categories_intrants.<c>.filiere` in
# matieres.yaml, when present, wins.
ROUTE_BY_CATEGORY = {
    "biomasse_combustible": "valorisation_energetique",
    "alimentation_animale": "alimentation_animale",
    "amendement_sol": "epandage",
    "granulats": "recyclage",
}

# SCIAN (NAICS) sectors: the first two digits, grouped as Statistics Canada does.
SCIAN_SECTORS = {
    "11": ("Agriculture, foresterie, pêche et chasse", "Agriculture, forestry, fishing and hunting"),
    "21": ("Extraction minière, exploitation en carrière, et extraction de pétrole et de gaz",
           "Mining, quarrying, and oil and gas extraction"),
    "22": ("Services publics", "Utilities"),
    "23": ("Construction", "Construction"),
    "31-33": ("Fabrication", "Manufacturing"),
    "41": ("Commerce de gros", "Wholesale trade"),
    "44-45": ("Commerce de détail", "Retail trade"),
    "48-49": ("Transport et entreposage", "Transportation and warehousing"),
    "51": ("Industrie de l'information et industrie culturelle", "Information and cultural industries"),
    "52": ("Finance et assurances", "Finance and insurance"),
    "53": ("Services immobiliers et services de location et de location à bail",
           "Real estate and rental and leasing"),
    "54": ("Services professionnels, scientifiques et techniques", "Professional, scientific and technical services"),
    "55": ("Gestion de sociétés et d'entreprises", "Management of companies and enterprises"),
    "56": ("Services administratifs, services de soutien, services de gestion des déchets et d'assainissement",
           "Administrative and support, waste management and remediation services"),
    "61": ("Services d'enseignement", "Educational services"),
    "62": ("Soins de santé et assistance sociale", "Health care and social assistance"),
    "71": ("Arts, spectacles et loisirs", "Arts, entertainment and recreation"),
    "72": ("Services d'hébergement et de restauration", "Accommodation and food services"),
    "81": ("Autres services (sauf les administrations publiques)", "Other services (except public administration)"),
    "91": ("Administrations publiques", "Public administration"),
}
_SECTOR_OF = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45", "48": "48-49", "49": "48-49"}
UNKNOWN_SECTOR = "inconnu"

REPARTITIONS = ("proportionnelle", "shapley")


# ---------------------------------------------------------------------------
# Distances


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, R = 6371,0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _gc_rad(p1: float, l1: float, c1: float, p2: float, l2: float, c2: float) -> float:
    """Great-circle km from radians and cosines precomputed (the hot path)."""
    a = math.sin((p2 - p1) / 2) ** 2 + c1 * c2 * math.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _gc_lower_bound(p: float, l: float, c: float, box: tuple) -> float:
    """A lower bound of the great-circle km from a point to a lat/lon box (radians).

    sin²(d/2R) = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2): each term is bounded
    below by its value at the box's nearest latitude and longitude and its
    smallest cosine.
    """
    p0, p1, l0, l1, cmin = box
    dp = p0 - p if p < p0 else (p - p1 if p > p1 else 0.0)
    dl = l0 - l if l < l0 else (l - l1 if l > l1 else 0.0)
    a = math.sin(dp / 2) ** 2 + c * cmin * math.sin(min(dl, math.pi) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------------------
# What one inventory brings (built per file, possibly in a worker process)


@dataclass(frozen=True)
class Container:
    """A stream's own container as the audit priced it today."""

    levees: float
    frais_levee: float
    surcharge: float
    location: float  # $/an
    contenant_m3: float
    remplissage: float
    compaction: float
    cout: float  # lifts and rental, $/an


@dataclass(frozen=True)
class EnPlaceIn:
    """A scenario already in place (`statut: en_place`) on a stream."""

    type: str
    nom: str
    preneur: str | None
    part: float
    masse_t: float
    gain_cad: float
    ges_tco2e: float | None
    statut_reglementaire: str


@dataclass(frozen=True)
class StreamIn:
    """A residue stream: what it can supply and what leaving costs or saves."""

    id: str
    nom: str
    matiere: str
    famille: str
    mode: str
    masse_t: float
    volume_m3: float | None
    tarif: float  # T, $/t (0 when unknown: the audit warned)
    redevance: float  # R, $/t
    offre_t: float  # mass not already diverted by a scenario in place
    conteneur: Container | None  # own container only
    en_place: tuple[EnPlaceIn, ...] = ()
    mutualise: bool = False  # an en_place mutualisation: already pooled
    pistes: tuple = ()  # ((preneur, statut, statut_reglementaire), …) of planned substitutions


@dataclass(frozen=True)
class DemandIn:
    """An `intrant`: a raw material bought that a residue could replace."""

    nom: str
    categorie: str
    masse_t: float
    prix: float | None


@dataclass(frozen=True)
class FirmData:
    """Everything the territory needs from one audited inventory."""

    fichier: str
    nom: str
    region: str
    mrc: str | None
    municipalite: str | None
    scian: str | None
    lat: float | None
    lon: float | None
    annee: int
    flux: tuple[StreamIn, ...]
    intrants: tuple[DemandIn, ...]
    route: float  # transport.facteur_route
    cout_km: float | None  # transport.cout, $/t/km
    charge: float | None  # transport.charge_utile, t
    emission_km: float | None  # transport.emission_vehicule, t CO2e/km
    ef: dict  # (matiere, mode) -> t CO2e/t or None
    factor_uses: dict  # key -> FactorUse (transport.*, emission.*, tarif.*, redevance.*)
    ef_keys: dict  # (matiere, mode) -> key in factor_uses
    warnings: tuple[tuple[str, str, str], ...] = ()
    # (file, first error) of the inventories the same `load_all` left out: the workshop report lists them
    exclus: tuple[tuple[str, str], ...] = ()


@functools.lru_cache(maxsize=4096)
def _use(factor, value: float, year) -> FactorUse:
    """A factor's provenance as reports list it (cached: most firms share library factors)."""
    shown, unit = units.display(value, factor.dims)
    return FactorUse(cle=factor.key, valeur=shown, unite=unit, source=factor.source, annee=year,
                     defaut=factor.default, confiance=factor.confidence, proxy=factor.proxy,
                     note=factor.note, url=factor.url)


def _lookup(r: Resolver, base: str, leaf: str | None = None) -> tuple[float | None, str | None, FactorUse | None]:
    """A factor's value, the key that gave it and its provenance (quiet: None when missing)."""
    count = len(r.used)
    value = r.lookup(base, leaf, quiet=True)
    if value is None:
        return None, None, None
    key = next(reversed(r.used)) if len(r.used) > count else None
    if key is None:  # memoized earlier: find the key the resolver recorded
        for candidate in (f"{base}.{leaf}" if leaf else base, base):
            if candidate in r.used:
                key = candidate
                break
    if key is None:
        return value, None, None
    u = r.used[key]
    return value, key, _use(u.factor, u.value, u.year)


def route_for(category: str, material, lib: Library) -> str:
    """The route of a residue used as `category` by the receiver (GHG, diversion)."""
    spec = lib.input_categories.get(category)
    if isinstance(spec, dict) and spec.get("filiere"):
        return str(spec["filiere"])
    if category == material.key:
        return material.default_route
    return ROUTE_BY_CATEGORY.get(category, material.default_route)


def firm_data(fichier: str, inv, res, lib: Library) -> tuple[FirmData | None, list[Problem]]:
    """The territory's view of one audited inventory (`Inventaire`, `AuditResult`)."""
    from symbio_cli.inventory import MASS_RATE, hypotheses_factors

    problems: list[Problem] = []
    warnings: list[tuple[str, str, str]] = []
    r = Resolver(lib, hypotheses_factors(inv), inv.annee)
    uses: dict[str, FactorUse] = {}

    def factor(base, leaf=None):
        value, key, use = _lookup(r, base, leaf)
        if use is not None:
            uses[key] = use
        return value, key

    containers = {c.id: c for c in res.conteneurs}
    declared = {c.id: c for c in inv.conteneurs}
    streams = []
    for f, sr in zip(inv.flux, res.flux):
        own = None
        c = containers.get(sr.conteneur) if sr.conteneur else None
        # a container of this stream alone: its own `collecte`, or a `conteneurs:` entry it does not share
        if c is not None and tuple(c.flux) == (f.id,):
            spec = f.gestion.collecte if f.gestion.collecte is not None else declared[c.id]
            compaction = spec.compaction.value if spec.compaction is not None else 1.0
            fill = c.capacite_m3 / (c.contenant_m3 * compaction) if c.contenant_m3 > 0 and compaction > 0 else 1.0
            own = Container(levees=c.levees_avant, frais_levee=c.frais_levee_cad, surcharge=c.surcharge,
                            location=c.location_cad, contenant_m3=c.contenant_m3, remplissage=fill,
                            compaction=compaction, cout=c.cout_avant_cad)
        en_place = []
        pistes = []
        pooled = False
        diverted = 0.0
        for sc, scr in zip(f.scenarios, sr.scenarios):
            if sc.statut == "en_place":
                if scr.type == "substitution":
                    part = scr.detail.get("part", 1.0)
                    diverted += part
                else:
                    part = 0.0
                    pooled = True
                en_place.append(EnPlaceIn(scr.type, scr.nom, scr.preneur, part, scr.masse_detournee_t,
                                          scr.gain_net_cad, scr.ges_evites_tco2e, scr.statut_reglementaire))
            elif scr.type == "substitution" and scr.preneur:
                pistes.append((scr.preneur, scr.statut, scr.statut_reglementaire))
        streams.append(StreamIn(
            id=f.id, nom=f.nom, matiere=f.matiere, famille=sr.famille, mode=sr.mode, masse_t=sr.masse_t,
            volume_m3=sr.volume_m3, tarif=sr.tarif_cad_t or 0.0, redevance=sr.redevance_cad_t,
            offre_t=sr.masse_t * max(0.0, 1.0 - diverted), conteneur=own, en_place=tuple(en_place),
            mutualise=pooled, pistes=tuple(pistes),
        ))
    for u in res.facteurs_utilises:
        if u.cle.startswith(("tarif.", "redevance.")):
            uses[u.cle] = u
    demands = []
    for k, item in enumerate(inv.intrants):
        if item.quantite.dims == MASS_RATE:
            mass = item.quantite.value
        else:
            rho = item.masse_volumique.value if item.masse_volumique is not None else None
            if rho is None and item.matiere in lib.materials:
                rho, _ = factor("masse_volumique", item.matiere)
            if rho is None:
                warnings.append(("intrant_sans_masse",
                                 f"intrant « {item.nom} » en volume sans masse volumique : ignoré (donnez « masse_volumique »)",
                                 f"intrants[{k}].quantite"))
                continue
            mass = item.quantite.value * rho
        price = item.prix.value if item.prix is not None else None
        if price is None:
            warnings.append(("intrant_sans_prix",
                             f"intrant « {item.nom} » sans prix : valeur pour le preneur comptée 0 $",
                             f"intrants[{k}].prix"))
        demands.append(DemandIn(item.nom, item.matiere, mass, price))

    for key in inv.hypotheses:
        if key.startswith("mutualisation."):
            warnings.append(("hypothese_territoire_ignoree",
                             f"« {key} » vaut pour tout le territoire : l'hypothèse de l'inventaire est ignorée "
                             f"(donnez-la avec --facteurs)", f"hypotheses.{key}"))
    route, _ = factor("transport.facteur_route")
    if route is None:
        warnings.append(("facteur_route_manquant", "transport.facteur_route inconnu : distance à vol d'oiseau (facteur 1)", ""))
        route = 1.0
    cout, _ = factor("transport.cout")
    charge, _ = factor("transport.charge_utile")
    emission, _ = factor("transport.emission_vehicule")
    ef: dict = {}
    ef_keys: dict = {}
    for s in streams:
        material = lib.materials[s.matiere]
        routes = {s.mode} | {route_for(c, material, lib) for c in material.substitutes}
        for mode in routes:
            if (s.matiere, mode) in ef:
                continue
            value, key = factor(f"emission.{s.matiere}", mode)
            ef[(s.matiere, mode)] = value
            ef_keys[(s.matiere, mode)] = key
    e = inv.entreprise
    coords = e.coordonnees
    return FirmData(
        fichier=fichier, nom=e.nom, region=e.region, mrc=e.mrc, municipalite=e.municipalite, scian=e.scian,
        lat=None if coords is None else coords.lat, lon=None if coords is None else coords.lon,
        annee=inv.annee, flux=tuple(streams), intrants=tuple(demands), route=route,
        cout_km=None if cout is None else cout * 1000, charge=charge,
        emission_km=None if emission is None else emission * 1000, ef=ef, factor_uses=uses,
        ef_keys=ef_keys,
        warnings=tuple(warnings) + tuple((w.code, w.message, w.champ) for w in res.avertissements
                                         if w.code in ("tarif_manquant", "redevance_manquante")),
    ), problems


def load_firm(path: str, lib: Library) -> tuple[FirmData | None, list[Problem]]:
    """Read, validate and audit one file as `symbio audit` does; never raises for bad input."""
    from symbio_cli import pipeline

    outcome = pipeline.audit_file(path, lib)
    if not outcome.ok:
        return None, outcome.problems
    data, problems = firm_data(path, outcome.inventory, outcome.result, lib)
    return data, outcome.problems + problems


# ---------------------------------------------------------------------------
# The result (what every view renders)


@dataclass(frozen=True)
class Options:
    """The analysis' parameters (the command's options)."""

    rayon_km: float = 15.0
    rayon_partage_km: float = 0.3
    repartition: str = "proportionnelle"
    attribution_ges: float = 0.5  # the giver's share of the GHG avoided
    anonymiser: bool = False
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


# ---------------------------------------------------------------------------
# Names


def _norm(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def anonymous_code(name: str, length: int = 6, salt: str = "") -> str:
    """`E-` and the first hex digits of SHA-256 of the name (HMAC with a salt when given)."""
    data = unicodedata.normalize("NFC", name).encode("utf-8")
    digest = hmac.new(salt.encode("utf-8"), data, hashlib.sha256).hexdigest() if salt else hashlib.sha256(data).hexdigest()
    return "E-" + digest[:length].upper()


def _display_names(firms: list[FirmData], options: Options) -> list[str]:
    if not options.anonymiser:
        return [f.nom for f in firms]
    codes = {}
    names = sorted({f.nom for f in firms})
    length = 6
    while True:  # lengthen every code until none collide (stable for a given set)
        codes = {n: anonymous_code(n, length, options.sel) for n in names}
        if len(set(codes.values())) == len(codes) or length >= 64:
            break
        length += 2
    out = []
    seen: dict[str, int] = defaultdict(int)
    for f in firms:  # two inventories with one name: -2, -3… in file order
        code = codes[f.nom]
        seen[code] += 1
        out.append(code if seen[code] == 1 else f"{code}-{seen[code]}")
    return out


def sector_of(scian: str | None) -> str:
    """The SCIAN sector (`31-33`, `72`…) of a code, or `inconnu`."""
    if not scian:
        return UNKNOWN_SECTOR
    digits = "".join(ch for ch in str(scian) if ch.isdigit())[:2]
    key = _SECTOR_OF.get(digits, digits)
    return key if key in SCIAN_SECTORS else UNKNOWN_SECTOR


# ---------------------------------------------------------------------------
# Substitution matches


@dataclass
class _Supply:
    order: int
    firm: int
    stream: int
    u: float  # T + R, $/t
    kf: float  # transport $/t per km of great-circle distance (cost × road factor)
    left: float
    p: float
    l: float
    c: float


@dataclass
class _Demand:
    order: int
    firm: int
    index: int
    category: str
    price: float
    left: float
    p: float
    l: float
    c: float


class _Cells:
    """The suppliers of one input category on a lat/lon grid, each cell sorted by T + R."""

    def __init__(self, supplies: list[_Supply]):
        cells: dict[tuple[int, int], list[_Supply]] = defaultdict(list)
        step = math.radians(MATCH_CELL_DEG)
        for s in supplies:
            cells[(math.floor(s.p / step), math.floor(s.l / step))].append(s)
        self.cells = []
        for (i, j), members in sorted(cells.items()):
            members.sort(key=lambda s: (-s.u, s.order))
            p0, p1 = i * step, (i + 1) * step
            box = (p0, p1, j * step, (j + 1) * step, min(math.cos(p0), math.cos(p1)))
            self.cells.append((box, members, min(s.kf for s in members)))


class _Candidates:
    """Suppliers of one demand in decreasing net value per tonne (best-first search)."""

    def __init__(self, demand: _Demand, cells: _Cells):
        self.d = demand
        self.heap: list = []
        for ci, (box, members, kfmin) in enumerate(cells.cells):
            reach = kfmin * _gc_lower_bound(demand.p, demand.l, demand.c, box)
            bound = members[0].u + demand.price - reach
            self.heap.append((-bound, 0, ci, 0, reach))
        heapq.heapify(self.heap)
        self.cells = cells.cells

    def next(self):
        """(value, supply) of the best remaining candidate, or None when none has a positive value."""
        d = self.d
        heap = self.heap
        while heap:
            top = heap[0]
            if top[1] == 1:
                heapq.heappop(heap)
                s = top[3]
                if s.left > EPS:
                    return -top[0], s
                continue
            if -top[0] <= 0:  # every bound left is ≤ 0: no profitable pair remains
                heap.clear()
                return None
            _, _, ci, pos, reach = heapq.heappop(heap)
            members = self.cells[ci][1]
            s = members[pos]
            if pos + 1 < len(members):
                heapq.heappush(heap, (-(members[pos + 1].u + d.price - reach), 0, ci, pos + 1, reach))
            if s.left <= EPS or s.firm == d.firm:
                continue
            gc = _gc_rad(s.p, s.l, s.c, d.p, d.l, d.c)
            value = s.u + d.price - s.kf * gc
            heapq.heappush(heap, (-value, 1, s.order, s))
        return None


def _allocate(supplies: list[_Supply], demands: list[_Demand], by_category: dict[str, list[_Supply]]):
    """Greedy allocation by decreasing net value per tonne: [(value, supply, demand, q)]."""
    grids = {c: _Cells(members) for c, members in by_category.items() if members}
    heads: list = []
    gens = {}
    for d in demands:
        grid = grids.get(d.category)
        if grid is None or d.left <= EPS:
            continue
        gen = _Candidates(d, grid)
        gens[d.order] = gen
        best = gen.next()
        if best is not None:
            heads.append((-best[0], best[1].order, d.order, best[1], d))
    heapq.heapify(heads)
    out = []
    while heads:
        negv, _, _, s, d = heapq.heappop(heads)
        if -negv <= 0:
            break
        if s.left > EPS:
            q = min(s.left, d.left)
            s.left -= q
            d.left -= q
            out.append((-negv, s, d, q))
        if d.left > EPS:
            best = gens[d.order].next()
            if best is not None:
                heapq.heappush(heads, (-best[0], best[1].order, d.order, best[1], d))
    return out


def allocate_naive(supplies: list[_Supply], demands: list[_Demand], by_category) -> list:
    """The same allocation by sorting every pair (for tests on small sets)."""
    pairs = []
    for d in demands:
        for s in by_category.get(d.category, ()):
            if s.firm == d.firm:
                continue
            value = s.u + d.price - s.kf * _gc_rad(s.p, s.l, s.c, d.p, d.l, d.c)
            if value > 0:
                pairs.append((-value, s.order, d.order, s, d))
    pairs.sort(key=lambda t: t[:3])
    out = []
    for negv, _, _, s, d in pairs:
        if s.left > EPS and d.left > EPS:
            q = min(s.left, d.left)
            s.left -= q
            d.left -= q
            out.append((-negv, s, d, q))
    return out


# ---------------------------------------------------------------------------
# Pooling


@dataclass
class _Node:
    order: int
    firm: int
    stream: int
    lat: float
    lon: float
    p: float
    l: float
    c: float
    cont: Container
    volume: float | None


def _neighbours(nodes: list[_Node], radius_km: float, route: float) -> dict[int, dict[int, float]]:
    """Pairs of nodes of different firms within `radius_km` by road, found through a grid.

    Returns, for each node, its neighbours with the squared chord between their
    unit vectors — a cheap stand-in for the distance that sorts the same way.
    """
    out: dict[int, dict[int, float]] = {n.order: {} for n in nodes}
    if radius_km <= 0 or len(nodes) < 2:
        return out
    gc_max = radius_km / route
    dlat = gc_max / EARTH_RADIUS_KM  # radians: great-circle ≥ R·Δφ
    pmax = max(abs(n.p) for n in nodes) + dlat
    cmin = math.cos(min(pmax, math.pi / 2 - 1e-6))
    # sin(d/2R) ≥ cos φmax · sin(Δλ/2): the widest Δλ a pair within the radius can have
    ratio = math.sin(gc_max / (2 * EARTH_RADIUS_KM)) / cmin
    dlon = 2 * math.asin(ratio) if ratio < 1 else 2 * math.pi
    # chord between unit vectors: |u − v| = 2 sin(d / 2R), monotone in d
    limit = (2 * math.sin(min(gc_max / (2 * EARTH_RADIUS_KM), math.pi / 2))) ** 2 * (1 + 1e-12)
    grid: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for n in nodes:
        vec = (n.c * math.cos(n.l), n.c * math.sin(n.l), math.sin(n.p))
        grid[(math.floor(n.p / dlat), math.floor(n.l / dlon))].append((n.order, n.firm, *vec))
    forward = ((0, 1), (1, -1), (1, 0), (1, 1))  # each pair of cells once
    for (i, j), members in grid.items():
        for a_list, b_list in _cell_pairs(members, [grid.get((i + di, j + dj)) for di, dj in forward]):
            for ao, af, ax, ay, az in a_list:
                oa = out[ao]
                for bo, bf, bx, by, bz in b_list:
                    if af == bf:
                        continue
                    dx, dy, dz = ax - bx, ay - by, az - bz
                    chord = dx * dx + dy * dy + dz * dz
                    if chord <= limit:
                        oa[bo] = chord
                        out[bo][ao] = chord
    return out


def _cell_pairs(members: list, others: list):
    """(a_list, b_list) blocks covering every pair within a cell and with its forward cells once."""
    for k, a in enumerate(members):
        yield (a,), members[k + 1:]
    for other in others:
        if other:
            yield members, other


def _cliques(nodes: list[_Node], nbrs: dict[int, dict[int, float]], taken: set[int], evaluate, max_size: int | None):
    """Deterministic greedy groups: seed = most free neighbours; members within the radius of every member.

    Candidates are the seed's free neighbours from nearest to farthest; one
    joins when it is a neighbour of every member so far (the candidate set is
    the intersection of the members' neighbourhoods, which also keeps a firm
    at most once: nodes of one firm are never neighbours). `evaluate(members)`
    returns (group, members kept) or None.
    """
    by_order = {n.order: n for n in nodes}
    degree = {o: len(nb.keys() - taken) if taken else len(nb) for o, nb in nbrs.items() if o in by_order}
    heap = [(-d, o) for o, d in degree.items() if d and o not in taken]
    heapq.heapify(heap)
    tried: set[int] = set()
    groups = []
    while heap:
        negdeg, seed = heapq.heappop(heap)
        if seed in taken or seed in tried:
            continue
        if degree[seed] != -negdeg:  # stale: degrees only fall
            if degree[seed]:
                heapq.heappush(heap, (-degree[seed], seed))
            continue
        tried.add(seed)
        near = sorted(((d, o) for o, d in nbrs[seed].items() if o not in taken))
        members = [seed]
        candidates = {o for _, o in near}
        for _, o in near:
            if max_size is not None and len(members) >= max_size:
                break
            if o in candidates:
                members.append(o)
                candidates &= nbrs[o].keys()
                if not candidates:
                    break
        if len(members) < 2:
            continue
        kept = evaluate([by_order[o] for o in members])
        if kept is None:
            continue
        group, kept_orders = kept
        groups.append(group)
        for o in kept_orders:
            taken.add(o)
            for x in nbrs[o]:
                if x in degree:
                    degree[x] -= 1
    return groups


def contract_shapley(alone: list[float], rebate: float, fee: float) -> list[float]:
    """Exact Shapley values of the group-contract game, in closed form.

    c({k}) = c_k; c(S) = Σ_S (1 − r) c_k + G for |S| ≥ 2. By linearity:
    φ_k = a_k + G/n + b_k/n − (B − b_k)/(n(n − 1)), with a_k = (1 − r) c_k,
    b_k = r c_k, B = Σ b (tests check it against method.shapley).
    """
    n = len(alone)
    a = [(1 - rebate) * c for c in alone]
    b = [rebate * c for c in alone]
    total_b = sum(b)
    return [a[k] + fee / n + b[k] / n - (total_b - b[k]) / (n * (n - 1)) for k in range(n)]


def contract_core_violation(alone: list[float], shares: list[float], rebate: float, fee: float) -> tuple[int, ...] | None:
    """A coalition that would pay less than its shares in the group-contract game, or None.

    Exact without enumerating: a singleton blocks when x_k > c_k; a coalition
    of two or more blocks when Σ_S (x_k − (1 − r) c_k) > G, and the best such
    S takes every positive term (at least the two largest).
    """
    tol = lambda total: 1e-6 * max(1.0, abs(total))  # noqa: E731 — the tolerance of method.core_violation
    for k, (x, c) in enumerate(zip(shares, alone)):
        if x > c + tol(x):
            return (k,)
    gaps = sorted(((x - (1 - rebate) * c, k) for k, (x, c) in enumerate(zip(shares, alone))), reverse=True)
    chosen = [k for g, k in gaps if g > 0]
    if len(chosen) < 2:
        chosen = [k for _, k in gaps[:2]]
    n = len(alone)
    if len(chosen) == n:  # the grand coalition does not count: drop its smallest gap
        chosen = [k for _, k in gaps[:-1]]
    if len(chosen) < 2:
        return None
    total = sum(shares[k] for k in chosen)
    cost = sum((1 - rebate) * alone[k] for k in chosen) + fee
    if total > cost + tol(total):
        return tuple(sorted(chosen))
    return None


# ---------------------------------------------------------------------------
# The analysis


class _Warnings:
    def __init__(self):
        self.items: list[tuple[str, str, str]] = []
        self.seen: set = set()

    def add(self, code: str, message: str, champ: str = "") -> None:
        item = (code, message, champ)
        if item not in self.seen:
            self.seen.add(item)
            self.items.append(item)


def analyse(firms: list[FirmData], lib: Library, options: Options = Options(), warnings=(),
            exclus=()) -> TerritoryResult:
    """Substitution matches, pooling groups and totals of a set of audited firms.

    `exclus`: (file, first error) of inventories left out for errors; those
    `load_all` recorded on the firms it returned are added.
    """
    left_out = sorted({*map(tuple, exclus), *(x for f in firms for x in f.exclus)})
    firms = sorted(firms, key=lambda f: (_norm(f.nom), f.fichier))
    names = _display_names(firms, options)
    w = _Warnings()
    for item in warnings:
        w.add(*item)
    years = sorted({f.annee for f in firms})
    year = years[-1] if years else None
    if len(years) > 1:
        w.add("annees_differentes",
              f"inventaires de plusieurs années ({', '.join(map(str, years))}) : montants en dollars de chaque année, "
              f"facteurs du territoire de {year}")
    dup: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(firms):
        dup[_norm(f.nom)].append(i)
    for idx in dup.values():
        if len(idx) > 1:
            w.add("entreprise_en_double",
                  f"{len(idx)} inventaires portent le nom « {names[idx[0]]} » : traités comme des sites distincts")

    def where(i: int, champ: str = "") -> str:
        return (f"{names[i]}" if options.anonymiser else firms[i].fichier) + (f": {champ}" if champ else "")

    for i, f in enumerate(firms):
        for code, message, champ in f.warnings:
            w.add(code, f"{names[i]} : {message}" if not options.anonymiser else f"{names[i]} : {_scrub(message, f)}",
                  where(i, champ))
        if f.lat is None or f.lon is None:
            w.add("sans_coordonnees",
                  f"« {names[i]} » n'a pas de coordonnées (entreprise.coordonnees) : exclue des appariements et des mutualisations",
                  where(i, "entreprise.coordonnees"))

    # territory-wide factors: library and --facteurs (no inventory's hypotheses)
    r = Resolver(lib, {}, year or 2026)
    territory_uses: dict[str, FactorUse] = {}

    def tfactor(key):
        value, k, use = _lookup(r, key)
        if use is not None:
            territory_uses[k] = use
        return value

    route = tfactor("transport.facteur_route") or 1.0
    rebate = tfactor("mutualisation.rabais_levee")
    if rebate is None:
        w.add("rabais_levee_manquant", "mutualisation.rabais_levee inconnu : aucun contrat de groupe proposé")
    management = tfactor("mutualisation.frais_gestion")
    if management is None:
        management = 0.0
        w.add("frais_gestion_manquants",
              "mutualisation.frais_gestion sans valeur : frais de coordination comptés 0 $/an (hypothèse à confirmer ; "
              "donnez-les avec --facteurs)")
    shared_terms = {k: tfactor(f"mutualisation.{k}") for k in ("contenant", "frais_levee", "location", "taux_remplissage")}

    # -- scenarios already in place: counted apart, and the demands they already fill
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(firms):
        by_name[_norm(f.nom)].append(i)
    demand_left = [[d.masse_t for d in f.intrants] for f in firms]
    en_place: list[EnPlace] = []
    for i, f in enumerate(firms):
        for s in f.flux:
            for ep in s.en_place:
                if ep.type != "substitution":
                    en_place.append(EnPlace("mutualisation", names[i], s.id, None, None, s.matiere, 0.0, ep.gain_cad,
                                            None, False, ep.statut_reglementaire, i_fournisseur=i))
                    continue
                taker = None
                intrant = None
                if ep.preneur:
                    for j in by_name.get(_norm(ep.preneur), ()):
                        if j != i:
                            taker = j
                            break
                if taker is not None:
                    need = ep.masse_t
                    substitutes = lib.materials[s.matiere].substitutes
                    for k, d in enumerate(firms[taker].intrants):
                        if need <= EPS:
                            break
                        if d.categorie in substitutes and demand_left[taker][k] > EPS:
                            q = min(need, demand_left[taker][k])
                            demand_left[taker][k] -= q
                            need -= q
                            intrant = intrant or d.nom
                preneur = names[taker] if taker is not None else (
                    None if ep.preneur is None else (_outside_name(ep.preneur, options) if options.anonymiser else ep.preneur))
                en_place.append(EnPlace("substitution", names[i], s.id, preneur,
                                        _anon_text(intrant, options) if intrant else None, s.matiere, ep.masse_t,
                                        ep.gain_cad, ep.ges_tco2e, taker is not None, ep.statut_reglementaire,
                                        i_fournisseur=i, i_preneur=-1 if taker is None else taker))

    # -- substitution matches
    supplies: list[_Supply] = []
    demands: list[_Demand] = []
    by_category: dict[str, list[_Supply]] = defaultdict(list)
    wanted = {d.categorie for f in firms for d in f.intrants}
    for i, f in enumerate(firms):
        if f.lat is None or f.lon is None:
            continue
        p, l = math.radians(f.lat), math.radians(f.lon)
        c = math.cos(p)
        if f.cout_km is None:
            w.add("cout_transport_manquant", f"transport.cout inconnu pour « {names[i]} » : transport compté 0 $",
                  where(i))
        kf = (f.cout_km or 0.0) * f.route
        for k, s in enumerate(f.flux):
            if s.offre_t <= EPS:
                continue
            sup = _Supply(len(supplies), i, k, s.tarif + s.redevance, kf, s.offre_t, p, l, c)
            supplies.append(sup)
            for cat in lib.materials[s.matiere].substitutes:
                if cat in wanted:
                    by_category[cat].append(sup)
        for k, d in enumerate(f.intrants):
            left = demand_left[i][k]
            if left > EPS:
                demands.append(_Demand(len(demands), i, k, d.categorie, d.prix or 0.0, left, p, l, c))
    allocation = _allocate(supplies, demands, by_category)
    share = options.attribution_ges
    matches: list[Match] = []
    used_keys: dict[str, FactorUse] = {}
    partial = False
    for value, s, d, q in allocation:
        A, B = firms[s.firm], firms[d.firm]
        stream = A.flux[s.stream]
        intrant = B.intrants[d.index]
        material = lib.materials[stream.matiere]
        gc = _gc_rad(s.p, s.l, s.c, d.p, d.l, d.c)
        dist = gc * A.route
        transport = (A.cout_km or 0.0) * q * dist
        giver = q * (stream.tarif + stream.redevance)
        taker = q * (intrant.prix or 0.0)
        filiere = route_for(intrant.categorie, material, lib)
        trips = method.ceil(q / A.charge) if A.charge else 0
        ghg = _ghg(A, stream, filiere, q, trips, dist)
        for key in _match_keys(A, stream, filiere, ghg is not None):
            if key in A.factor_uses:
                used_keys.setdefault(key, A.factor_uses[key])
        if ghg is None:
            partial = True
            w.add("ges_partiel",
                  f"facteur d'émission manquant pour « {stream.matiere} » ({stream.mode} → {filiere}) : "
                  f"appariements exclus du total des GES (total partiel)")
        eliminated = stream.mode in ELIMINATION_MODES and filiere not in ELIMINATION_MODES
        statut, reg = "idee", "inconnu"
        for preneur, st, sr in stream.pistes:
            if _norm(preneur) == _norm(B.nom):
                statut, reg = st, sr
                break
        matches.append(Match(
            rang=0, fournisseur=names[s.firm], flux=stream.id, preneur=names[d.firm],
            intrant=_anon_text(intrant.nom, options, intrant.categorie, d.index), matiere=stream.matiere,
            categorie=intrant.categorie, famille=material.family, quantite_t=q, distance_km=dist,
            valeur_fournisseur_cad=giver, valeur_preneur_cad=taker, cout_transport_cad=transport,
            valeur_cad=giver + taker - transport, valeur_par_tonne_cad=value, ges_evites_tco2e=ghg,
            ges_fournisseur_tco2e=None if ghg is None else ghg * share,
            ges_preneur_tco2e=None if ghg is None else ghg * (1 - share),
            mode_actuel=stream.mode, filiere=filiere, voyages=trips, tarif_cad_t=stream.tarif,
            redevance_cad_t=stream.redevance, prix_intrant_cad_t=intrant.prix or 0.0,
            cout_transport_cad_t_km=A.cout_km or 0.0,
            enfouissement_evite_t=q if eliminated and stream.mode in LANDFILL_MODES else 0.0,
            elimination_evitee_t=q if eliminated else 0.0,
            redevance_evitee_cad=q * stream.redevance if eliminated else 0.0,
            statut=statut, statut_reglementaire=reg, demarche=material.note,
            i_fournisseur=s.firm, i_preneur=d.firm, i_flux=s.stream, i_intrant=d.index,
        ))
    matches.sort(key=lambda m: (-m.valeur_cad, m.fournisseur, m.flux, m.preneur, m.intrant))
    matches = [replace(m, rang=k + 1) for k, m in enumerate(matches)]
    if matches:
        used_keys.update({k: v for i in {m.i_fournisseur for m in matches}
                          for k, v in firms[i].factor_uses.items() if k.startswith(("tarif.", "redevance."))})

    # -- pooling
    groups = _pooling(firms, names, lib, options, route, rebate, management, shared_terms, w)

    # -- per firm, breakdowns, totals
    result = _summarise(firms, names, lib, options, matches, groups, en_place, partial, demand_left)
    uses = dict(territory_uses)
    if not groups:
        for key in ("mutualisation.rabais_levee", "mutualisation.frais_gestion", "mutualisation.contenant",
                    "mutualisation.frais_levee", "mutualisation.location", "mutualisation.taux_remplissage"):
            uses.pop(key, None)
    uses.update(used_keys)
    hyp = {
        "facteur_route": route, "rabais_levee": rebate, "frais_gestion_cad": management,
        **{f"mutualisation_{k}": v for k, v in shared_terms.items()},
    }
    return TerritoryResult(
        options=options, annee=year, mrc=tuple(sorted({f.mrc for f in firms if f.mrc})),
        facteurs_utilises=tuple(uses[k] for k in sorted(uses)),
        avertissements=tuple(Warning_(*item) for item in w.items), hypotheses=hyp,
        exclus=() if options.anonymiser else tuple(left_out), exclus_nombre=len(left_out), **result,
    )


def _scrub(message: str, firm: FirmData) -> str:
    return message.replace(firm.nom, "…").replace(firm.fichier, "…")


def _anon_text(text: str | None, options: Options, category: str | None = None, index: int = 0) -> str | None:
    """Free text of an inventory (an input's name) hidden under --anonymiser."""
    if text is None or not options.anonymiser:
        return text
    return f"{category or 'intrant'} #{index + 1}"


def _outside_name(name: str, options: Options) -> str:
    return anonymous_code(name, 6, options.sel)


def _match_keys(firm: FirmData, stream: StreamIn, filiere: str, with_ghg: bool):
    """The keys of the factors that entered a match's figures."""
    yield from ("transport.facteur_route", "transport.cout", "transport.charge_utile")
    if not with_ghg:
        return
    yield "transport.emission_vehicule"
    if filiere != stream.mode:
        for mode in (stream.mode, filiere):
            key = firm.ef_keys.get((stream.matiere, mode))
            if key:
                yield key


def _ghg(firm: FirmData, stream: StreamIn, filiere: str, q: float, trips: int, dist_km: float) -> float | None:
    """GHG avoided as in Substitution: q × (EF(mode) − EF(route)) − trips × 2 × d × truck."""
    if filiere == stream.mode:
        ghg = 0.0
    else:
        before = firm.ef.get((stream.matiere, stream.mode))
        after = firm.ef.get((stream.matiere, filiere))
        if before is None or after is None:
            return None
        ghg = q * (before - after)
    if q > 0:
        if firm.emission_km is None or not firm.charge:
            return None
        ghg -= trips * 2 * dist_km * firm.emission_km
    return ghg


def _pooling(firms, names, lib, options, route, rebate, management, shared_terms, w) -> list[Group]:
    buckets: dict[tuple[str, str], list[_Node]] = defaultdict(list)
    order = 0
    for i, f in enumerate(firms):
        if f.lat is None or f.lon is None:
            continue
        p, l = math.radians(f.lat), math.radians(f.lon)
        for k, s in enumerate(f.flux):
            if s.conteneur is None or s.mutualise or s.offre_t <= EPS:
                continue
            buckets[(s.matiere, s.mode)].append(
                _Node(order, i, k, f.lat, f.lon, p, l, math.cos(p), s.conteneur, s.volume_m3))
            order += 1
    groups: list[Group] = []
    for (material, mode), nodes in sorted(buckets.items()):
        if len(nodes) < 2 or len({n.firm for n in nodes}) < 2:
            continue
        family = lib.materials[material].family
        taken: set[int] = set()

        def member(n: _Node, alone: float, share: float) -> Member:
            return Member(names[n.firm], firms[n.firm].flux[n.stream].id, n.cont.levees, n.volume,
                          alone, share, alone - share, i_entreprise=n.firm)

        def maxdist(nodes_):
            return max((_gc_rad(a.p, a.l, a.c, b.p, b.l, b.c) * route
                        for x, a in enumerate(nodes_) for b in nodes_[x + 1:]), default=0.0)

        def evaluate_shared(members: list[_Node]):
            members = [n for n in members if n.volume is not None]
            while len(members) >= 2:
                ref = max(members, key=lambda n: (n.cont.contenant_m3, -n.order)).cont
                volume = shared_terms["contenant"] or ref.contenant_m3
                fee = shared_terms["frais_levee"] if shared_terms["frais_levee"] is not None else ref.frais_levee
                rental = shared_terms["location"] if shared_terms["location"] is not None else ref.location
                fill = shared_terms["taux_remplissage"] or ref.remplissage
                cap = volume * fill * ref.compaction
                alone = [n.cont.cout for n in members]
                vols = [n.volume for n in members]
                n_ = len(members)
                cost = method.coalition_cost(alone, vols, [], False, cap, fee, ref.surcharge, rental, management)

                full = (1 << n_) - 1
                pooled = cost(full)
                if options.repartition == "shapley":
                    shares = method.shapley(n_, cost)
                else:
                    tv = sum(vols)
                    shares = [pooled * v / tv if tv > 0 else pooled / n_ for v in vols]
                worst = max(range(n_), key=lambda k: (shares[k] - alone[k], k))
                if shares[worst] > alone[worst] + 1e-6:
                    members = members[:worst] + members[worst + 1:]
                    continue
                if sum(alone) - pooled <= 0.005:
                    return None
                blocking = method.core_violation(n_, shares, cost)
                lifts = method.ceil(sum(vols) / cap) if cap > 0 else 0
                g = Group(0, material, family, mode, "conteneur_partage",
                          tuple(member(n, alone[k], shares[k]) for k, n in enumerate(members)), pooled,
                          sum(alone) - pooled, blocking is None,
                          None if blocking is None else tuple(names[members[k].firm] for k in blocking),
                          options.repartition, maxdist(members), None, management, float(lifts), volume, fee,
                          i_frais_propre=shared_terms["frais_levee"] is None)
                return g, [n.order for n in members]
            return None

        def evaluate_contract(members: list[_Node]):
            if rebate is None:
                return None
            while len(members) >= 2:
                # c_k = L_k × own fee × (1 + surcharge); c(S) = Σ_S (1 − r) c_k + G for |S| ≥ 2
                alone = [n.cont.levees * n.cont.frais_levee * (1 + n.cont.surcharge) for n in members]
                lifts = [n.cont.levees for n in members]
                pooled = sum((1 - rebate) * c for c in alone) + management
                # the savings r Σ c_k − G grow with the group: when it saves nothing, no sub-group does
                if sum(alone) - pooled <= 0.005:
                    return None
                if options.repartition == "shapley":
                    shares = contract_shapley(alone, rebate, management)
                else:
                    # in proportion to each member's own cost of its lifts today: x_k = c(N) × c_k / Σ c,
                    # < c_k whenever the group saves, and in the core (a sub-group S would pay
                    # (1 − r) Σ_S c + G ≥ Σ_S x when G ≥ 0). Lifts priced at each member's own fee make
                    # a split by lifts charge the member with cheap lifts more than alone.
                    total = sum(alone)
                    shares = [pooled * c / total for c in alone]
                worst = max(range(len(members)), key=lambda k: (shares[k] - alone[k], k))
                if shares[worst] > alone[worst] + 1e-6:  # safety net: a member who would pay more leaves
                    members = members[:worst] + members[worst + 1:]
                    continue
                blocking = contract_core_violation(alone, shares, rebate, management)
                g = Group(0, material, family, mode, "contrat_groupe",
                          tuple(member(n, alone[k], shares[k]) for k, n in enumerate(members)), pooled,
                          sum(alone) - pooled, blocking is None,
                          None if blocking is None else tuple(names[members[k].firm] for k in blocking),
                          options.repartition, maxdist(members), rebate, management, sum(lifts))
                return g, [n.order for n in members]
            return None

        if options.rayon_partage_km > 0:
            close = _neighbours(nodes, options.rayon_partage_km, route)
            groups += _cliques(nodes, close, taken, evaluate_shared, SHARED_MAX)
        free = [n for n in nodes if n.order not in taken]
        if len(free) >= 2:
            near = _neighbours(free, options.rayon_km, route)
            groups += _cliques(free, near, taken, evaluate_contract, None)
    groups.sort(key=lambda g: (-g.economie_cad, g.matiere, g.mode, [m.entreprise for m in g.membres]))
    out = []
    for k, g in enumerate(groups):
        members = tuple(sorted(g.membres, key=lambda m: (-m.economie_cad, m.entreprise, m.flux)))
        out.append(replace(g, rang=k + 1, membres=members))
    return out


class _Disclosure:
    """Which published totals --anonymiser must hide so that none made up of fewer than 3 firms shows or follows.

    Cells are totals, each with the firms that make it up, by role: a total
    of matches is made up by its suppliers (what they give) and by its takers
    (what they receive), so each role must count 3 firms or none (else one
    supplier's total, say, would show); a group's total by its members; a
    firm's own figures by itself. A cell where a role has 1 or 2 firms is
    hidden (primary suppression). Equations `parent = Σ children` say which
    published figures add up: a hidden cell must not follow from the others
    (the only unknown of an equation), and hidden children must not add up,
    beside a known parent, to a total of fewer than 3 firms in a role. Either
    way one more cell is hidden — a sibling with the fewest firms, or the
    parent for a row total (`policy="parent"`) — until nothing leaks
    (secondary suppression). Without --anonymiser nothing is hidden.
    """

    def __init__(self, active: bool):
        self.active = active
        self.roles: dict[str, dict[str, frozenset]] = {}
        self.firms: dict[str, frozenset] = {}
        self.hidden: dict[str, bool] = {}
        self.equations: list[tuple[str, tuple[str, ...], str]] = []

    def cell(self, key: str, firms=None, **roles) -> None:
        """A total: `firms` that make it up, or firm sets by role (`fournisseurs=…, preneurs=…`)."""
        if firms is not None:
            roles["entreprises"] = firms
        self.roles[key] = {r: frozenset(v) for r, v in roles.items()}
        self.firms[key] = frozenset().union(*self.roles[key].values())
        self.hidden[key] = self.active and self._small(self.roles[key])

    def roles_of(self, *keys: str) -> dict[str, frozenset]:
        """The roles of the sum of some cells (each role's firms put together)."""
        out: dict[str, frozenset] = {}
        for k in keys:
            for r, v in self.roles[k].items():
                out[r] = out.get(r, frozenset()) | v
        return out

    def equation(self, parent: str, children, policy: str = "sibling") -> None:
        children = tuple(c for c in children if c in self.firms)
        if parent in self.firms and children:
            self.equations.append((parent, children, policy))

    def hide(self, key: str) -> bool:
        return self.hidden.get(key, False)

    @staticmethod
    def _small(roles: dict) -> bool:
        return any(0 < len(v) < MIN_FIRMS for v in roles.values())

    def _unknown(self, key: str, known: dict) -> bool:
        return bool(self.firms[key]) and not known[key]

    def _fix(self, parent: str, children: tuple, policy: str, spare: str | None) -> bool:
        """Hide one more published cell of this equation (not `spare`); False when none is left."""
        shown = [c for c in children if c != spare and self.firms[c] and not self.hidden[c]]
        parent_shown = parent != spare and self.firms[parent] and not self.hidden[parent]
        if parent_shown and (policy == "parent" or not shown):
            self.hidden[parent] = True
            return True
        if shown:
            self.hidden[min(shown, key=lambda c: (len(self.firms[c]), c))] = True
            return True
        return False

    def solve(self) -> None:
        if not self.active:
            return
        for _ in range(10 * len(self.firms) + 10):
            if not self._step():
                self._aliases()
                return
        for key in self.hidden:  # never reached in practice: hide every total rather than leak one
            self.hidden[key] = bool(self.firms[key])

    def _aliases(self) -> None:
        """A cell equal to a hidden one (the other terms of their equation are empty) is hidden too.

        Nothing leaks either way (the check above passed), but a report that
        hides a value and prints it again under another name confuses; hiding
        more never makes a leak.
        """
        changed = True
        while changed:
            changed = False
            for parent, children, _ in self.equations:
                terms = [m for m in (parent, *children) if self.firms[m]]
                if len(terms) == 2 and self.hidden[terms[0]] != self.hidden[terms[1]]:
                    self.hidden[terms[0]] = self.hidden[terms[1]] = True
                    changed = True

    def _step(self) -> bool:
        """One check of every equation; True when a cell was hidden (check again)."""
        known = {k: not h for k, h in self.hidden.items()}
        derived: dict[str, tuple] = {}
        changed = True
        while changed:  # what the published figures give by subtraction
            changed = False
            for eq in self.equations:
                parent, children, policy = eq
                unknown = [m for m in (parent, *children) if self._unknown(m, known)]
                if len(unknown) == 1:
                    key = unknown[0]
                    known[key] = True
                    derived[key] = eq
                    changed = True
                    if self._small(self.roles[key]):  # a total of fewer than 3 firms follows from the others
                        return self._fix_chain(key, derived)
        for parent, children, policy in self.equations:
            if not known[parent]:
                continue
            hidden = [c for c in children if self._unknown(c, known)]
            if len(hidden) < 2 or not self._small(self.roles_of(*hidden)):
                continue
            # the hidden children add up (parent less the others) to a total of fewer than 3 firms
            if self._fix(parent, children, policy, None):
                return True
            if parent in derived:
                return self._fix_chain(parent, derived)
        return False

    def _fix_chain(self, key: str, derived: dict) -> bool:
        """Break the subtraction that gave `key`: hide a published cell of it, or of what it used.

        In the equation that gave `key`: the parent of a row total, else a
        published sibling; when every sibling is itself derived, break their
        own subtractions first; the parent last.
        """
        seen = set()
        todo = [key]
        fallback = None
        while todo:
            k = todo.pop(0)
            if k in seen or k not in derived:
                continue
            seen.add(k)
            parent, children, policy = derived[k]
            parent_shown = parent != k and bool(self.firms[parent]) and not self.hidden[parent]
            shown = [c for c in children if c != k and self.firms[c] and not self.hidden[c]]
            if parent_shown and policy == "parent":
                self.hidden[parent] = True
                return True
            if shown:
                self.hidden[min(shown, key=lambda c: (len(self.firms[c]), c))] = True
                return True
            if parent_shown and fallback is None:
                fallback = parent
            todo.extend(m for m in (parent, *children) if m != k and m in derived)
        if fallback is not None:
            self.hidden[fallback] = True
            return True
        for k in self.hidden:  # nothing published left to hide in the chain: hide all
            self.hidden[k] = bool(self.firms[k])
        return True


def _summarise(firms, names, lib, options, matches, groups, en_place, partial, demand_left) -> dict:
    anonymous = options.anonymiser
    n = len(firms)
    rows = {k: defaultdict(float) for k in range(n)}
    ghg_partial = [False] * n
    counts = [[0, 0] for _ in range(n)]
    for i, f in enumerate(firms):
        rows[i]["offre_t"] = sum(s.offre_t for s in f.flux)
        rows[i]["demande_t"] = sum(d.masse_t for d in f.intrants)
    for m in matches:
        a, b = rows[m.i_fournisseur], rows[m.i_preneur]
        a["donne_t"] += m.quantite_t
        b["recu_t"] += m.quantite_t
        a["valeur_fournisseur_cad"] += m.valeur_fournisseur_cad
        a["cout_transport_cad"] += m.cout_transport_cad
        b["valeur_preneur_cad"] += m.valeur_preneur_cad
        a["n_fournis"] += 1
        b["n_recus"] += 1
        counts[m.i_fournisseur][0] += 1
        counts[m.i_preneur][0] += 1
        if m.ges_evites_tco2e is None:
            ghg_partial[m.i_fournisseur] = ghg_partial[m.i_preneur] = True
        else:
            a["ges_tco2e"] += m.ges_fournisseur_tco2e
            b["ges_tco2e"] += m.ges_preneur_tco2e
    for g in groups:
        for mb in g.membres:
            rows[mb.i_entreprise]["economie_mutualisation_cad"] += mb.economie_cad
            counts[mb.i_entreprise][1] += 1

    cells = _Disclosure(anonymous)

    def match_roles(ms):  # a total of matches: what its suppliers give, what its takers receive
        return {"fournisseurs": {m.i_fournisseur for m in ms}, "preneurs": {m.i_preneur for m in ms}}

    def group_firms(gs):
        return {mb.i_entreprise for g in gs for mb in g.membres}

    def row_total(key, m_key, e_key):  # m + e: made up of both parts' firms
        cells.cell(key, **cells.roles_of(m_key, e_key))
        cells.equation(key, (m_key, e_key), "parent")

    # -- the territory's totals
    cells.cell("T:m", **match_roles(matches))
    cells.cell("T:e", membres=group_firms(groups))
    row_total("T:t", "T:m", "T:e")
    cells.cell("T:o", {i for i, f in enumerate(firms) if any(s.offre_t > EPS for s in f.flux)})
    cells.cell("T:d", {i for i, f in enumerate(firms) if f.intrants})
    cells.cell("T:p", fournisseurs={e.i_fournisseur for e in en_place},
               preneurs={e.i_preneur for e in en_place if e.i_preneur >= 0})

    # -- by family and by material: every match and group belongs to one of each
    families = ("pcpvm", "organiques", "crd", "autres")
    by_family: dict[str, tuple[list, list]] = {}
    by_material: dict[str, tuple[list, list]] = {}
    for m in matches:
        by_family.setdefault(m.famille, ([], []))[0].append(m)
        by_material.setdefault(m.matiere, ([], []))[0].append(m)
    for g in groups:
        by_family.setdefault(g.famille, ([], []))[1].append(g)
        by_material.setdefault(g.matiere, ([], []))[1].append(g)
    family_of = {k: lib.materials[k].family for k in by_material}
    for prefix, table in (("F", by_family), ("X", by_material)):
        for key, (ms, gs) in table.items():
            cells.cell(f"{prefix}:{key}:m", **match_roles(ms))
            cells.cell(f"{prefix}:{key}:e", membres=group_firms(gs))
            row_total(f"{prefix}:{key}:t", f"{prefix}:{key}:m", f"{prefix}:{key}:e")
    for part in "met":
        cells.equation(f"T:{part}", [f"F:{k}:{part}" for k in by_family])
        for fam in by_family:
            cells.equation(f"F:{fam}:{part}", [f"X:{k}:{part}" for k in by_material if family_of[k] == fam])
    for j, g in enumerate(groups):
        cells.cell(f"G:{j}", membres=group_firms([g]))
    group_index = {id(g): j for j, g in enumerate(groups)}
    for key, (_, gs) in by_material.items():
        cells.equation(f"X:{key}:e", [f"G:{group_index[id(g)]}" for g in gs])
    cells.equation("T:e", [f"G:{j}" for j in range(len(groups))])
    cells.equation("T:e", [f"X:{k}:e" for k in by_material])

    # -- by SCIAN sector: each firm's own figures
    sector_firms: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(firms):
        if counts[i][0] or counts[i][1]:
            sector_firms[sector_of(f.scian)].append(i)
    supplied: dict[str, list] = defaultdict(list)
    received: dict[str, list] = defaultdict(list)
    for m in matches:
        supplied[sector_of(firms[m.i_fournisseur].scian)].append(m)
        received[sector_of(firms[m.i_preneur].scian)].append(m)
    for key, idx in sector_firms.items():
        # t given: the matches its firms supply (their suppliers and takers); t received: those they take
        cells.cell(f"S:{key}:d", **match_roles(supplied.get(key, ())))
        cells.cell(f"S:{key}:r", **match_roles(received.get(key, ())))
        # money and GHG: each firm's own share
        cells.cell(f"S:{key}:m", {i for i in idx if counts[i][0]})
        cells.cell(f"S:{key}:e", membres={i for i in idx if counts[i][1]})
        row_total(f"S:{key}:t", f"S:{key}:m", f"S:{key}:e")
    for part, total in (("d", "T:m"), ("r", "T:m"), ("m", "T:m"), ("e", "T:e"), ("t", "T:t")):
        cells.equation(total, [f"S:{k}:{part}" for k in sector_firms])

    # -- offer/demand matrix: materials offered and input categories demanded, by firm
    offer: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    offer_left: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    demand: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    demand_open: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    given: dict[tuple[int, int], float] = defaultdict(float)
    taken: dict[tuple[int, int], float] = defaultdict(float)
    for m in matches:
        given[(m.i_fournisseur, m.i_flux)] += m.quantite_t
        taken[(m.i_preneur, m.i_intrant)] += m.quantite_t
    for i, f in enumerate(firms):
        for k, s in enumerate(f.flux):
            if s.offre_t > EPS:
                offer[s.matiere][i] += s.offre_t
                offer_left[s.matiere][i] += max(0.0, s.offre_t - given[(i, k)])
        for k, d in enumerate(f.intrants):
            demand[d.categorie][i] += d.masse_t
            demand_open[d.categorie][i] += max(0.0, demand_left[i][k] - taken[(i, k)])
    categories = sorted(set(offer) | set(demand))
    for cat in categories:
        cells.cell(f"O:{cat}", set(offer.get(cat, {})))
        cells.cell(f"D:{cat}", set(demand.get(cat, {})))
    cells.equation("T:o", [f"O:{c}" for c in categories])
    cells.equation("T:d", [f"D:{c}" for c in categories])

    cells.solve()
    hide = cells.hide

    def shown(key, value):
        return None if hide(key) else value

    # -- per firm: never published under --anonymiser (a firm's row is a total of one firm)
    firm_rows = []
    for i, f in enumerate(firms):
        r = rows[i]
        value = r["valeur_fournisseur_cad"] - r["cout_transport_cad"] + r["valeur_preneur_cad"] + r["economie_mutualisation_cad"]
        lat, lon = f.lat, f.lon
        if anonymous and lat is not None:  # about 5 km: positions identify firms
            lat, lon = round(round(lat / ANON_DEG) * ANON_DEG, 2), round(round(lon / ANON_DEG) * ANON_DEG, 2)

        def own(v):
            return None if anonymous else v
        firm_rows.append(FirmRow(
            entreprise=names[i], fichier=None if anonymous else f.fichier, secteur=sector_of(f.scian),
            scian=_public_scian(f.scian) if anonymous else f.scian, mrc=f.mrc,
            municipalite=None if anonymous else f.municipalite,
            lat=lat, lon=lon, flux=len(f.flux), offre_t=own(r["offre_t"]), demande_t=own(r["demande_t"]),
            donne_t=own(r["donne_t"]), recu_t=own(r["recu_t"]), valeur_fournisseur_cad=own(r["valeur_fournisseur_cad"]),
            cout_transport_cad=own(r["cout_transport_cad"]), valeur_preneur_cad=own(r["valeur_preneur_cad"]),
            economie_mutualisation_cad=own(r["economie_mutualisation_cad"]), valeur_cad=own(value),
            ges_tco2e=own(r["ges_tco2e"]), ges_partiel=ghg_partial[i], appariements=counts[i][0],
            mutualisations=counts[i][1], supprime=anonymous,
        ))

    def breakdown(prefix, table, order) -> tuple[Breakdown, ...]:
        out = []
        for key in sorted(table, key=order):
            ms, gs = table[key]
            m_, e_, t_ = (f"{prefix}:{key}:{p}" for p in "met")
            ghg = sum(m.ges_evites_tco2e for m in ms if m.ges_evites_tco2e is not None)
            value = sum(m.valeur_cad for m in ms)
            saved = sum(g.economie_cad for g in gs)
            out.append(Breakdown(
                key, len(cells.firms[t_]), len(ms), shown(m_, sum(m.quantite_t for m in ms)), shown(m_, value),
                shown(m_, ghg), any(m.ges_evites_tco2e is None for m in ms), len(gs), shown(e_, saved),
                shown(t_, value + saved), any(hide(c) for c in (m_, e_, t_))))
        return tuple(out)

    par_famille = breakdown("F", by_family, lambda k: (families.index(k) if k in families else 99, k))
    par_matiere = breakdown("X", by_material, lambda k: k)

    by_sector = []
    for key in sorted(sector_firms, key=lambda k: (k == UNKNOWN_SECTOR, k)):
        idx = sector_firms[key]
        d_, r_, m_, e_, t_ = (f"S:{key}:{p}" for p in "drmet")
        value = sum(rows[i]["valeur_fournisseur_cad"] - rows[i]["cout_transport_cad"] + rows[i]["valeur_preneur_cad"]
                    for i in idx)
        saved = sum(rows[i]["economie_mutualisation_cad"] for i in idx)
        by_sector.append(SectorBreakdown(
            cle=key, entreprises=len(idx),
            appariements_fournis=int(sum(rows[i]["n_fournis"] for i in idx)),
            quantite_donnee_t=shown(d_, sum(rows[i]["donne_t"] for i in idx)),
            appariements_recus=int(sum(rows[i]["n_recus"] for i in idx)),
            quantite_recue_t=shown(r_, sum(rows[i]["recu_t"] for i in idx)),
            valeur_cad=shown(m_, value), ges_tco2e=shown(m_, sum(rows[i]["ges_tco2e"] for i in idx)),
            ges_partiel=any(ghg_partial[i] for i in idx), mutualisations=sum(counts[i][1] for i in idx),
            economie_mutualisation_cad=shown(e_, saved), total_cad=shown(t_, value + saved),
            supprime=any(hide(c) for c in (d_, r_, m_, e_, t_)),
        ))

    matrix = []
    for cat in categories:
        o, d = dict(offer.get(cat, {})), dict(demand.get(cat, {}))
        ol, dl = dict(offer_left.get(cat, {})), dict(demand_open.get(cat, {}))
        o_total = shown(f"O:{cat}", sum(o.values())) if o else None
        d_total = shown(f"D:{cat}", sum(d.values())) if d else None
        if anonymous:  # presence only; what is left is not published (with the offer it gives the tonnes exchanged)
            o, d = dict.fromkeys(o), dict.fromkeys(d)
            ol, dl = dict.fromkeys(ol), dict.fromkeys(dl)
        matrix.append(MatrixRow(
            cat, o, d, o_total, d_total, len(set(o) | set(d)), anonymous, offre_reste=ol, demande_reste=dl,
            offre_reste_t=None if anonymous or not o else sum(ol.values()),
            demande_reste_t=None if anonymous or not d else sum(dl.values()),
        ))

    ep_subs = [e for e in en_place if e.type == "substitution"]
    ep_pool = [e for e in en_place if e.type == "mutualisation"]
    ghg = sum(m.ges_evites_tco2e for m in matches if m.ges_evites_tco2e is not None)
    value = sum(m.valeur_cad for m in matches)
    pooling = sum(g.economie_cad for g in groups)
    hide_p = hide("T:p")

    def tm(v):
        return shown("T:m", v)

    def tp(v):
        return None if hide_p else v
    totals = Totals(
        entreprises=n, entreprises_localisees=sum(1 for f in firms if f.lat is not None and f.lon is not None),
        flux=sum(len(f.flux) for f in firms), intrants=sum(len(f.intrants) for f in firms),
        appariements=len(matches), quantite_t=tm(sum(m.quantite_t for m in matches)),
        valeur_fournisseur_cad=tm(sum(m.valeur_fournisseur_cad for m in matches)),
        valeur_preneur_cad=tm(sum(m.valeur_preneur_cad for m in matches)),
        cout_transport_cad=tm(sum(m.cout_transport_cad for m in matches)), valeur_cad=tm(value),
        ges_evites_tco2e=tm(ghg), ges_partiel=partial,
        ges_fournisseurs_tco2e=tm(sum(m.ges_fournisseur_tco2e for m in matches if m.ges_fournisseur_tco2e is not None)),
        ges_preneurs_tco2e=tm(sum(m.ges_preneur_tco2e for m in matches if m.ges_preneur_tco2e is not None)),
        elimination_evitee_t=tm(sum(m.elimination_evitee_t for m in matches)),
        enfouissement_evite_t=tm(sum(m.enfouissement_evite_t for m in matches)),
        redevance_evitee_cad=tm(sum(m.redevance_evitee_cad for m in matches)),
        mutualisations=len(groups), economie_mutualisation_cad=shown("T:e", pooling),
        economies_totales_cad=shown("T:t", value + pooling),
        offre_t=shown("T:o", sum(r["offre_t"] for r in rows.values())),
        demande_t=shown("T:d", sum(r["demande_t"] for r in rows.values())),
        en_place_substitutions=len(ep_subs), en_place_quantite_t=tp(sum(e.quantite_t for e in ep_subs)),
        en_place_gain_cad=tp(sum(e.gain_cad for e in ep_subs)),
        en_place_ges_evites_tco2e=tp(sum(e.ges_evites_tco2e for e in ep_subs if e.ges_evites_tco2e is not None)),
        en_place_ges_partiel=any(e.ges_evites_tco2e is None for e in ep_subs),
        en_place_mutualisations=len(ep_pool), en_place_economie_mutualisation_cad=tp(sum(e.gain_cad for e in ep_pool)),
        supprime=any(hide(k) for k in ("T:m", "T:e", "T:t", "T:o", "T:d")), en_place_supprime=hide_p,
    )

    if anonymous:
        matches = [_hide_match(m) for m in matches]
        groups = [_hide_group(g, hide(f"G:{j}")) for j, g in enumerate(groups)]
        en_place = [replace(e, quantite_t=None, gain_cad=None, ges_evites_tco2e=None, supprime=True) for e in en_place]
    return dict(entreprises=tuple(firm_rows), appariements=tuple(matches), mutualisations=tuple(groups),
                en_place=tuple(en_place), totaux=totals, par_famille=par_famille, par_secteur=tuple(by_sector),
                par_matiere=par_matiere, matrice=tuple(matrix))


ANON_DEG = 0.05  # --anonymiser: map positions rounded to 0,05° (about 5 km north-south)
_MATCH_FIGURES = ("quantite_t", "distance_km", "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad",
                  "valeur_cad", "valeur_par_tonne_cad", "ges_evites_tco2e", "ges_fournisseur_tco2e",
                  "ges_preneur_tco2e", "voyages", "tarif_cad_t", "redevance_cad_t", "prix_intrant_cad_t",
                  "cout_transport_cad_t_km", "enfouissement_evite_t", "elimination_evitee_t", "redevance_evitee_cad")


def _hide_match(m: Match) -> Match:
    """A match under --anonymiser: who and what, never its figures (two firms' business)."""
    return replace(m, supprime=True, **dict.fromkeys(_MATCH_FIGURES))


def _hide_group(g: Group, hidden: bool) -> Group:
    """A group under --anonymiser: members without figures; the group's totals from 3 members on."""
    members = tuple(replace(mb, levees=None, volume_m3=None, cout_seul_cad=None, part_cad=None, economie_cad=None,
                            supprime=True) for mb in g.membres)
    out = replace(g, membres=members, supprime=hidden)
    if g.i_frais_propre:
        out = replace(out, frais_levee_cad=None)  # a member's own lift fee
    if hidden:
        out = replace(out, cout_groupe_cad=None, economie_cad=None, levees_groupe=None, distance_max_km=None)
    return out


def _public_scian(scian: str | None) -> str | None:
    """A SCIAN code as --anonymiser publishes it: its sector (`31-33`, `72`…), never the 6 digits."""
    key = sector_of(scian)
    return None if key == UNKNOWN_SECTOR else key



# ---------------------------------------------------------------------------
# Reading many files (worker processes for the per-file part)

_worker_lib = None


def _init_worker(overlay):
    global _worker_lib
    from symbio_cli import factors

    _worker_lib = factors.load(overlay)


def _load_one(path: str):
    try:
        return path, *load_firm(path, _worker_lib)
    except Exception as exc:  # a bug on one file must not stop the others
        return path, None, [Problem(path, None, None, "", f"erreur interne ({type(exc).__name__}: {exc}) — signalez-la")]


def load_all(paths: list[str], lib: Library, jobs: int = 1, overlay: str | None = None):
    """(path, FirmData | None, problems) for every file, in the order given.

    The files left out (no FirmData) are recorded, with their first error, on
    every FirmData returned (`FirmData.exclus`), so that `analyse` can list
    them in the workshop report.
    """
    global _worker_lib
    if jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, min(64, len(paths) // (jobs * 4) or 1))
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_init_worker,
                                 initargs=(overlay,)) as pool:
            out = list(pool.map(_load_one, paths, chunksize=chunk))
    else:
        _worker_lib = lib
        out = [_load_one(p) for p in paths]
    left_out = tuple((path, first_error(path, problems)) for path, data, problems in out if data is None)
    if left_out:
        out = [(path, data if data is None else replace(data, exclus=left_out), problems)
               for path, data, problems in out]
    return out


def first_error(path: str, problems) -> str:
    """`file:line: message` of a file's first error (its first problem when none is an error)."""
    errors = [p for p in problems if p.severity != "avertissement"] or list(problems)
    return errors[0].format() if errors else f"{path}: inventaire écarté"


def default_salt() -> str:
    """The secret of the anonymous codes: $SYMBIO_SEL, else none (codes are then guessable from names)."""
    return os.environ.get("SYMBIO_SEL", "")
