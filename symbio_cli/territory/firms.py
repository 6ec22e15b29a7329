"""What one audited inventory brings to the territory (built per file, possibly in a worker process).

`load_firm` reads, validates and audits one inventory with the same loader,
factors and method as `symbio audit`, and keeps only what the territory needs,
as a small picklable `FirmData`: fee and levy of each stream as the method
computed them, its own container, the scenarios already in place, the
`intrants`, and the transport and emission factors of the inventory.
Money in CAD per year, masses in t per year, volumes in m³ per year.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from symbio_cli import units
from symbio_cli.errors import Problem
from symbio_cli.factors import Library, Resolver, taker_route
from symbio_cli.result import FactorUse


def norm_name(name: str) -> str:
    """A firm's name as compared (NFC, case-folded, spaces collapsed)."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


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


def lookup(r: Resolver, base: str, leaf: str | None = None) -> tuple[float | None, str | None, FactorUse | None]:
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
    """The route of a residue used as `category` by the receiver (GHG, diversion): factors.taker_route."""
    return taker_route(material, category, lib)


def firm_data(fichier: str, inv, res, lib: Library) -> tuple[FirmData | None, list[Problem]]:
    """The territory's view of one audited inventory (`Inventaire`, `AuditResult`)."""
    from symbio_cli.inventory import hypotheses_factors

    problems: list[Problem] = []
    warnings: list[tuple[str, str, str]] = []
    r = Resolver(lib, hypotheses_factors(inv), inv.annee)
    uses: dict[str, FactorUse] = {}

    def factor(base, leaf=None):
        value, key, use = lookup(r, base, leaf)
        if use is not None:
            uses[key] = use
        return value, key

    containers = {c.id: c for c in res.conteneurs}
    declared = {c.id: c for c in inv.conteneurs}
    streams = [_stream_in(f, sr, containers, declared) for f, sr in zip(inv.flux, res.flux)]
    for u in res.facteurs_utilises:
        if u.cle.startswith(("tarif.", "redevance.")):
            uses[u.cle] = u
    demands = _demands(inv, lib, factor, warnings)

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
            if mode == "valorisation_energetique" and key not in r.hypotheses:
                value = None  # library EF without the fuel the taker replaces: never a number of the wrong sign
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


def _own_container(f, c, declared) -> Container | None:
    """The stream's container when it holds this stream alone (its `collecte`, or a `conteneurs:` entry unshared)."""
    if c is None or tuple(c.flux) != (f.id,):
        return None
    spec = f.gestion.collecte if f.gestion.collecte is not None else declared[c.id]
    compaction = spec.compaction.value if spec.compaction is not None else 1.0
    fill = c.capacite_m3 / (c.contenant_m3 * compaction) if c.contenant_m3 > 0 and compaction > 0 else 1.0
    return Container(levees=c.levees_avant, frais_levee=c.frais_levee_cad, surcharge=c.surcharge,
                     location=c.location_cad, contenant_m3=c.contenant_m3, remplissage=fill,
                     compaction=compaction, cout=c.cout_avant_cad)


def _stream_in(f, sr, containers, declared) -> StreamIn:
    """One stream (`Flux`, `StreamResult`): its supply after the scenarios in place, its own container."""
    own = _own_container(f, containers.get(sr.conteneur) if sr.conteneur else None, declared)
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
    return StreamIn(
        id=f.id, nom=f.nom, matiere=f.matiere, famille=sr.famille, mode=sr.mode, masse_t=sr.masse_t,
        volume_m3=sr.volume_m3, tarif=sr.tarif_cad_t or 0.0, redevance=sr.redevance_cad_t,
        offre_t=sr.masse_t * max(0.0, 1.0 - diverted), conteneur=own, en_place=tuple(en_place),
        mutualise=pooled, pistes=tuple(pistes),
    )


def _demands(inv, lib: Library, factor, warnings: list) -> list[DemandIn]:
    """The inventory's `intrants` in t/an (a volume needs a density), with their price ($/t, None when absent)."""
    from symbio_cli.inventory import MASS_RATE

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

    return demands


def load_firm(path: str, lib: Library) -> tuple[FirmData | None, list[Problem]]:
    """Read, validate and audit one file as `symbio audit` does; never raises for bad input."""
    from symbio_cli import pipeline

    outcome = pipeline.audit_file(path, lib)
    if not outcome.ok:
        return None, outcome.problems
    data, problems = firm_data(path, outcome.inventory, outcome.result, lib)
    return data, outcome.problems + problems

