"""`analyse()`: the steps of one territory analysis, in order (METHODE.md, "Territory").

Firms sorted by name and named as published; the territory-wide factors;
the scenarios already in place (en_place.py); substitution matches
(matching.py); pooling groups (pooling.py); the summary and what
--anonymiser may publish (summary.py, disclosure.py).
"""

from __future__ import annotations

from collections import defaultdict

from symbio_cli.factors import Library, Resolver
from symbio_cli.result import FactorUse, Warning_
from symbio_cli.territory.context import Context, Terms, Warnings
from symbio_cli.territory.disclosure import display_names, scrub
from symbio_cli.territory.en_place import in_place
from symbio_cli.territory.firms import FirmData, lookup, norm_name
from symbio_cli.territory.matching import find_matches
from symbio_cli.territory.pooling import find_groups
from symbio_cli.territory.records import Options, TerritoryResult
from symbio_cli.territory.summary import summarise

# A truck's marginal cost, per vehicle-mile: US$2.27 (ATRI, "An Analysis of the Operational Costs of
# Trucking: 2024 Update", 2023 data; ../shared/donnees/facteurs-sources.yaml, us_truck_marginal_cost_per_mile_2023).
# Only used to say how much the default transport.cout (a long-haul $/t/km average) underestimates a short haul.
TRUCK_USD_PER_MILE = 2.27
KM_PER_MILE = 1.609344

POOLING_KEYS = ("mutualisation.rabais_levee", "mutualisation.frais_gestion", "mutualisation.contenant",
                "mutualisation.frais_levee", "mutualisation.location", "mutualisation.taux_remplissage")


def analyse(firms: list[FirmData], lib: Library, options: Options = Options(), warnings=(),
            exclus=(), jobs: int = 1) -> TerritoryResult:
    """Substitution matches, pooling groups and totals of a set of audited firms.

    `warnings`: (code, message, champ) to report first. `exclus`: (file, first
    error) of inventories left out for errors; those `load_all` recorded on
    the firms it returned are added. `jobs` > 1: matches and pooling groups,
    independent steps, are found by two worker processes at once (large
    territories only; the same result as one after the other).
    """
    left_out = sorted({*map(tuple, exclus), *(x for f in firms for x in f.exclus)})
    firms = sorted(firms, key=lambda f: (norm_name(f.nom), f.fichier))
    ctx = Context(firms, display_names(firms, options), lib, options, Warnings())
    for item in warnings:
        ctx.warnings.add(*item)
    year = _check_firms(ctx)
    terms, territory_uses = _territory_terms(ctx, year)

    en_place, demand_left = in_place(ctx)
    matches, used_keys, partial, groups = _matches_and_groups(ctx, terms, demand_left, jobs)
    result = summarise(ctx, matches, groups, en_place, partial, demand_left)

    uses = dict(territory_uses)
    if not groups:
        for key in POOLING_KEYS:
            uses.pop(key, None)
    uses.update(used_keys)
    hyp = {
        "facteur_route": terms.route, "rabais_levee": terms.rebate, "frais_gestion_cad": terms.management,
        **{f"mutualisation_{k}": v for k, v in terms.shared.items()},
    }
    return TerritoryResult(
        transport_defaut=short_hauls(firms, matches, options.anonymiser),
        options=options, annee=year, mrc=tuple(sorted({f.mrc for f in firms if f.mrc})),
        facteurs_utilises=tuple(uses[k] for k in sorted(uses)),
        avertissements=tuple(Warning_(*item) for item in ctx.warnings.items), hypotheses=hyp,
        exclus=() if options.anonymiser else tuple(left_out), exclus_nombre=len(left_out), **result,
    )


# Below this many firms the two steps take less than starting two processes.
PARALLEL_MIN_FIRMS = 500
_steps_input: tuple = ()  # (ctx, terms, demand_left) of the analysis under way, in each process


def _keep_steps_input(*args) -> None:
    global _steps_input
    _steps_input = args


def _step(name: str):
    """One independent step on `_steps_input`: its result and the warnings it added."""
    ctx, terms, demand_left = _steps_input
    before = len(ctx.warnings.items)
    out = find_matches(ctx, demand_left) if name == "appariements" else find_groups(ctx, terms)
    return out, ctx.warnings.items[before:]


def _matches_and_groups(ctx: Context, terms: Terms, demand_left, jobs: int):
    """(matches, factors they used, partial GHG, pooling groups): one step after the other, or both at once.

    Both at once only where worker processes inherit the analysis as it is (the `fork` start
    method): elsewhere sending it to them would cost more than it saves. The steps' warnings
    are then added here in the order the sequential run gives them (matches first).
    """
    import multiprocessing

    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    if jobs > 1 and len(ctx.firms) >= PARALLEL_MIN_FIRMS and method == "fork":
        from symbio_cli.runner import run_pool

        results = list(run_pool(_step, ["appariements", "mutualisations"], 2, initializer=_keep_steps_input,
                                initargs=(ctx, terms, demand_left), chunksize=1))
        for _, added in results:
            for item in added:
                ctx.warnings.add(*item)
        (matches, used_keys, partial), groups = results[0][0], results[1][0]
        return matches, used_keys, partial, groups
    matches, used_keys, partial = find_matches(ctx, demand_left)
    return matches, used_keys, partial, find_groups(ctx, terms)


def _check_firms(ctx: Context) -> int | None:
    """Warnings about the set of firms (years, twins, each firm's own, coordinates); the territory's year."""
    firms, names, w = ctx.firms, ctx.names, ctx.warnings
    years = sorted({f.annee for f in firms})
    year = years[-1] if years else None
    if len(years) > 1:
        w.add("annees_differentes",
              f"inventaires de plusieurs années ({', '.join(map(str, years))}) : montants en dollars de chaque année, "
              f"facteurs du territoire de {year}")
    dup: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(firms):
        dup[norm_name(f.nom)].append(i)
    for idx in dup.values():
        if len(idx) > 1:
            w.add("entreprise_en_double",
                  f"{len(idx)} inventaires portent le nom « {names[idx[0]]} » : traités comme des sites distincts")
    for i, f in enumerate(firms):
        for code, message, champ in f.warnings:
            text = message
            if ctx.options.anonymiser:
                text = scrub(message, f, [ctx.stream_id(i, k) for k in range(len(f.flux))])
            w.add(code, f"{names[i]} : {text}", ctx.where(i, champ))
        if not ctx.located(i):
            w.add("sans_coordonnees",
                  f"« {names[i]} » n'a pas de coordonnées (entreprise.coordonnees) : exclue des appariements et des mutualisations",
                  ctx.where(i, "entreprise.coordonnees"))
    return year


def _territory_terms(ctx: Context, year: int | None) -> tuple[Terms, dict[str, FactorUse]]:
    """The territory-wide factors: library and --facteurs (no inventory's hypotheses), and their provenance."""
    r = Resolver(ctx.lib, {}, year or 2026)
    uses: dict[str, FactorUse] = {}
    w = ctx.warnings

    def tfactor(key):
        value, k, use = lookup(r, key)
        if use is not None:
            uses[k] = use
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
    shared = {k: tfactor(f"mutualisation.{k}") for k in ("contenant", "frais_levee", "location", "taux_remplissage")}
    return Terms(route, rebate, management, shared), uses


def short_hauls(firms: list[FirmData], matches, anonymous: bool) -> dict | None:
    """How much the default transport cost underestimates the matches' hauls, or None when none uses it.

    `transport.cout` ($/t/km) is a long-haul average: a trip of `charge` t costs
    `cout × charge` $ per km driven loaded, nothing for the empty return nor for
    loading and waiting. A truck costs at least TRUCK_USD_PER_MILE per mile each
    way (ATRI 2023), so a round trip of d km at least 2 × 1,41 × d US$: the
    default is short by a factor of at least `2 × 1,41 / (cout × charge)` (in
    US dollars, before conversion, which widens the gap). Under --anonymiser
    only the factors are published, not the matches' trips and distances.
    """
    used = []
    for m in matches:
        use = firms[m.i_fournisseur].factor_uses.get("transport.cout")
        if use is not None and use.defaut and firms[m.i_fournisseur].cout_km and firms[m.i_fournisseur].charge:
            used.append(m)
    if not used:
        return None
    supplier = firms[used[0].i_fournisseur]
    cost = supplier.cout_km  # $/t/km
    charge = supplier.charge
    per_km = TRUCK_USD_PER_MILE / KM_PER_MILE
    out = {"cout_cad_t_km": cost, "charge_t": charge, "cout_camion_usd_km": per_km,
           "facteur_minimum": 2 * per_km / (cost * charge), "appariements": len(used),
           "voyages": None, "distance_moyenne_km": None, "cout_cad": None, "cout_par_voyage_cad": None}
    trips = sum(m.voyages for m in used)
    if not anonymous and trips:
        out.update(voyages=trips, distance_moyenne_km=sum(m.voyages * m.distance_km for m in used) / trips,
                   cout_cad=sum(m.cout_transport_cad for m in used),
                   cout_par_voyage_cad=sum(m.cout_transport_cad for m in used) / trips)
    return out
