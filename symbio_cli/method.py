"""The calculation method of METHODE.md, on floats in canonical units.

Quantities were validated and converted once (t, m³, m, an, $); this module
only does arithmetic, looks factors up through a Resolver that records every
factor used, and returns one frozen AuditResult.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbio_cli import units
from symbio_cli.errors import FactorError, MethodError, field_name
from symbio_cli.factors import (
    ELIMINATION_MODES,
    LANDFILL_MODES,
    LEVY_MODES,
    PROVINCE,
    RECYCLING_MODES,
    Library,
    Resolver,
    route_for,
)
from symbio_cli.games import ceil, coalition_cost, core_violation, proportional_split, shapley
from symbio_cli.inventory import (
    MASS_RATE,
    Collecte,
    Entreposage,
    Inventaire,
    Mutualisation,
    Substitution,
    hypotheses_factors,
)
from symbio_cli.numbers import message_number
from symbio_cli.result import (
    Allocation,
    AuditResult,
    ContainerResult,
    FactorUse,
    PolicyRow,
    ScenarioResult,
    StreamResult,
    Totals,
    Warning_,
)
from symbio_cli.units import dims

EPS = 1e-9

PER_TRIP = dims(currency=1, trip=-1)
PER_KM = dims(currency=1, length=-1)
PER_TONNE = dims(currency=1, mass=-1)
PER_TKM = dims(currency=1, mass=-1, length=-1)


def _v(q, default=None):
    return default if q is None else q.value


# ---------------------------------------------------------------------------
# Containers


@dataclass(slots=True)
class Terms:
    """A container's terms in canonical units (m³, $, per year)."""

    volume: float
    fill: float
    compaction: float
    fee: float
    surcharge: float
    rental: float  # $/an
    payload: float | None  # t per lift
    declared: float | None  # lifts per year
    capacity: float = 0.0  # m³ per lift: contenant × taux_remplissage × compaction

    def __post_init__(self):
        self.capacity = self.volume * self.fill * self.compaction

    def need(self, volume: float, mass: float) -> int:
        """L_need(S) = ceil(max(ΣV/cap, Σm/charge_utile))."""
        ratio = volume / self.capacity if self.capacity > 0 else 0.0
        if self.payload:
            ratio = max(ratio, mass / self.payload)
        return ceil(ratio) if ratio > 0 else 0

    def lift_cost(self, lifts: float) -> float:
        return lifts * self.fee * (1 + self.surcharge)

    def cost(self, lifts: float, rental: bool = True) -> float:
        """K = L × frais_levee × (1 + surcharge) + location annualized."""
        return self.lift_cost(lifts) + (self.rental if rental else 0.0)


@dataclass(slots=True)
class ContainerState:
    id: str
    shared: bool
    terms: Terms
    streams: list = field(default_factory=list)  # indexes
    volume: float = 0.0
    mass: float = 0.0
    need: int = 0
    lifts: float = 0.0
    cost: float = 0.0

    def after(self, removed_volume: float, removed_mass: float, lifts_after: float | None) -> tuple[float, float, bool]:
        """Lifts and cost once some contents leave (METHODE.md, "After a change")."""
        volume = max(0.0, self.volume - removed_volume)
        mass = max(0.0, self.mass - removed_mass)
        emptied = volume <= EPS and mass <= EPS
        if emptied:  # an emptied container is taken away: no lifts, no rental
            lifts = 0.0
        elif lifts_after is not None:  # `levees_apres`: the container stays in use
            lifts = lifts_after
        else:
            lifts = max(0.0, self.lifts - (self.need - self.terms.need(volume, mass)))
        return lifts, self.terms.cost(lifts, rental=not emptied), emptied


# ---------------------------------------------------------------------------


class _Audit:
    """One audit run: state shared by the steps of the method."""

    def __init__(self, inv: Inventaire, lib: Library, fichier: str):
        self.inv = inv
        self.lib = lib
        self.fichier = fichier
        self.region = inv.entreprise.region
        self.r = Resolver(lib, hypotheses_factors(inv), inv.annee)
        self.warnings: list[tuple[str, str, tuple]] = []
        self._levy: float | None = None
        self._footprints: dict[float, float | None] = {}
        self._emissions: dict[tuple, float | None] = {}
        self._layers_checked: set[tuple] = set()
        self._rents: dict[str, float | None] = {}

    def warn(self, code: str, message: str, path: tuple = ()) -> None:
        self.warnings.append((code, message, path))  # deduplicated, and paths named, at the end

    def factor(self, base: str, leaf: str | None = None, fallback: str | None = None, path: tuple = (),
               quiet: bool = False):
        memo = self.r._memo  # fast path: most lookups of an audit repeat
        key = (base, leaf, fallback, quiet)
        if key in memo:
            return memo[key]
        try:
            return self.r.lookup(base, leaf, fallback, path, quiet=quiet)
        except FactorError as exc:
            raise MethodError(path or ("annee",), str(exc)) from None

    # -- stream basics ------------------------------------------------------

    def levy(self, mode: str, path: tuple) -> float:
        """R_i: full levy for landfill and incineration, a third for landfill cover."""
        if mode not in LEVY_MODES and mode != "recouvrement_let":
            return 0.0
        if self._levy is None:
            self._levy = self.factor("redevance.elimination", path=("annee",))
            if self._levy is None:
                self.warn("redevance_manquante", "redevance d'élimination inconnue : comptée 0 $/t", path)
                self._levy = 0.0
        if mode == "recouvrement_let":
            fraction = self.factor("redevance.fraction_recouvrement", path=path)
            return self._levy * (1 / 3 if fraction is None else fraction)
        return self._levy

    def fee(self, mode: str, tarif, included: bool, levy: float, path: tuple) -> float | None:
        """T_i: the stream's fee, else the regional factor (levy excluded)."""
        if tarif is not None:
            return tarif.value - levy if included else tarif.value
        value = self.factor(f"tarif.{mode}", self.region, PROVINCE, path + ("tarif",))
        if value is None:
            self.warn("tarif_manquant",
                      f"aucun tarif pour le mode « {mode} » : coût d'élimination compté 0 $ ; donnez « gestion.tarif »",
                      path + ("tarif",))
        return value

    def terms(self, spec: Collecte, path: tuple, fill_key: str = "collecte.taux_remplissage") -> Terms:
        fill = _v(spec.taux_remplissage)
        if fill is None:
            fill = self.factor(fill_key, path=path + ("taux_remplissage",))
            if fill is None:
                self.warn("taux_remplissage_manquant", "taux de remplissage inconnu : 100 % supposé", path)
                fill = 1.0
        return Terms(
            volume=spec.contenant.value, fill=fill, compaction=_v(spec.compaction, 1.0),
            fee=spec.frais_levee.value, surcharge=_v(spec.surcharge, 0.0),
            rental=_v(spec.location, 0.0), payload=_v(spec.charge_utile),
            declared=_v(spec.levees),
        )

    def footprint(self, volume_m3: float, path: tuple) -> float | None:
        """Footprint of the nearest standard container size (`contenant.<n>vg3.surface`)."""
        if volume_m3 in self._footprints:
            return self._footprints[volume_m3]
        value = self._footprint(volume_m3, path)
        self._footprints[volume_m3] = value
        return value

    def _footprint(self, volume_m3: float, path: tuple) -> float | None:
        sizes = self.lib.container_sizes
        if not sizes:
            return None
        yd3 = volume_m3 / units.parse_unit("vg³")[0]  # the size in cubic yards, from the unit table
        nearest = min(sizes, key=lambda s: (abs(s - yd3), s))
        if abs(nearest - yd3) > 0.01:
            self.warn("surface_approchee", f"surface du conteneur prise pour un {nearest} vg³ (taille standard la plus proche)", path)
        return self.factor(f"contenant.{nearest}vg3.surface", path=path)

    # -- the audit ----------------------------------------------------------

    def run(self) -> AuditResult:
        inv = self.inv
        streams = []
        for i, f in enumerate(inv.flux):
            streams.append(self.stream_basics(i, f))
        containers = self.build_containers(streams)
        for s in streams:
            self.stream_cost(s, containers)
        results = []
        for s in streams:
            results.append(self.stream_scenarios(s, containers))
        return self.totals(streams, containers, results)

    def stream_basics(self, i: int, f) -> dict:
        path = ("flux", i)
        material = self.lib.materials[f.matiere]
        rho = _v(f.masse_volumique)
        if rho is None:
            rho = self.factor("masse_volumique", f.matiere, path=path + ("masse_volumique",))
        if f.quantite.dims == MASS_RATE:
            mass = f.quantite.value
            volume = mass / rho if rho else None
        else:
            if rho is None:
                raise MethodError(path + ("quantite",),
                                  f"quantité en volume mais masse volumique inconnue pour « {f.matiere} » : donnez « masse_volumique » (ex. 210 kg/m³)")
            volume = f.quantite.value
            mass = volume * rho
        g = f.gestion
        levy = self.levy(g.mode, path + ("gestion",))
        fee = self.fee(g.mode, g.tarif, g.redevance_incluse, levy, path + ("gestion",))
        storage_type = "interieur"
        if isinstance(g.entreposage, Entreposage):
            area = g.entreposage.surface.value
            storage_type = g.entreposage.type
        elif g.entreposage is not None:
            area = g.entreposage.value
        else:
            area = None  # the container's footprint, once containers are known
            storage_type = "exterieur"  # a container's default footprint is yard space (issue 12)
        return {
            "i": i, "path": path, "f": f, "material": material, "rho": rho, "mass": mass,
            "volume": volume, "mode": g.mode, "levy": levy, "fee": fee, "area": area,
            "storage_type": storage_type, "fixed": _v(g.frais_fixes, 0.0),
            "container": None, "collection": 0.0,
        }

    def build_containers(self, streams: list[dict]) -> dict[str, ContainerState]:
        out: dict[str, ContainerState] = {}
        for j, c in enumerate(self.inv.conteneurs):
            out[c.id] = ContainerState(c.id, True, self.terms(c, ("conteneurs", j)))
        for s in streams:
            g = s["f"].gestion
            if g.collecte is not None:
                cid = s["f"].id
                out[cid] = ContainerState(cid, False, self.terms(g.collecte, s["path"] + ("gestion", "collecte")))
            elif g.conteneur is not None:
                cid = g.conteneur
            else:
                continue
            s["container"] = cid
            out[cid].streams.append(s["i"])
        for cid, c in out.items():
            members = [streams[i] for i in c.streams]
            for s in members:
                if s["volume"] is None:
                    self.warn("volume_inconnu", f"volume du flux « {s['f'].id} » inconnu (pas de masse volumique) : ignoré pour remplir le conteneur « {cid} »", s["path"])
            c.volume = sum(s["volume"] or 0.0 for s in members)
            c.mass = sum(s["mass"] for s in members)
            c.need = c.terms.need(c.volume, c.mass)
            c.lifts = c.terms.declared if c.terms.declared is not None else float(c.need)
            c.cost = c.terms.cost(c.lifts)
            path = self.container_path(c, streams)
            if c.terms.declared is not None and c.lifts < c.need - 1:
                self.warn("levees_insuffisantes",
                          f"conteneur « {cid} » : {message_number(c.lifts, 1)} levées/an déclarées ne suffisent pas au volume déclaré "
                          f"({c.need} nécessaires) ; donnez une masse volumique, une compaction ou un taux de remplissage",
                          path)
            if not members:
                self.warn("conteneur_inutilise", f"conteneur « {cid} » déclaré mais sans flux", path)
        return out

    def container_path(self, c: ContainerState, streams) -> tuple:
        if c.shared:
            for j, spec in enumerate(self.inv.conteneurs):
                if spec.id == c.id:
                    return ("conteneurs", j)
        return streams[c.streams[0]]["path"] + ("gestion", "collecte") if c.streams else ()

    def stream_cost(self, s: dict, containers) -> None:
        cid = s["container"]
        if cid is not None:
            c = containers[cid]
            members = c.streams
            if len(members) == 1:
                share = 1.0
            elif c.volume > 0:
                share = (s["volume"] or 0.0) / c.volume
            elif c.mass > 0:
                share = s["mass"] / c.mass
            else:
                share = 1.0 / len(members)
            s["share"] = share
            s["collection"] = c.cost * share
            if s["area"] is None:
                fp = self.footprint(c.terms.volume, s["path"] + ("gestion", "entreposage"))
                if fp is None:
                    self.warn("surface_inconnue", "surface d'entreposage inconnue : 0 m² compté", s["path"] + ("gestion", "entreposage"))
                    fp = 0.0
                s["area"] = fp * share
        if s["area"] is None:
            self.warn("surface_inconnue", f"flux « {s['f'].id} » : ni « entreposage » ni conteneur : 0 m² compté",
                      s["path"] + ("gestion",))
            s["area"] = 0.0
        s["disposal"] = s["mass"] * ((s["fee"] or 0.0) + s["levy"])
        s["cost"] = s["disposal"] + s["collection"] + s["fixed"]

    # -- scenarios ----------------------------------------------------------

    def stream_scenarios(self, s: dict, containers) -> StreamResult:
        f = s["f"]
        scenarios = []
        for j, sc in enumerate(f.scenarios):
            path = s["path"] + ("scenarios", j)
            if isinstance(sc, Substitution):
                scenarios.append(self.substitution(s, sc, containers, path))
            else:
                scenarios.append(self.mutualisation(s, sc, containers, path))
        forced = [j for j, sc in enumerate(f.scenarios) if sc.retenu]
        if forced:
            retained = forced[0]
        else:  # the largest positive gain, the first in the file on a tie
            retained = None
            for j, r in enumerate(scenarios):
                if r["gain_net_cad"] > 0 and (retained is None or r["gain_net_cad"] > scenarios[retained]["gain_net_cad"]):
                    retained = j
        if retained is not None:
            scenarios[retained]["retenu"] = True
        scenarios = [ScenarioResult(**kw) for kw in scenarios]
        return StreamResult(
            id=f.id, nom=f.nom, matiere=f.matiere, famille=s["material"].family, mode=s["mode"],
            masse_t=s["mass"], volume_m3=s["volume"], masse_volumique_t_m3=s["rho"],
            tarif_cad_t=s["fee"], redevance_cad_t=s["levy"], cout_elimination_cad=s["disposal"],
            cout_collecte_cad=s["collection"], frais_fixes_cad=s["fixed"], cout_actuel_cad=s["cost"],
            surface_m2=s["area"], type_entreposage=s["storage_type"], conteneur=s["container"],
            source_donnees=f.source_donnees, scenarios=tuple(scenarios), scenario_retenu=retained,
        )

    def trips(self, mass: float, sc: Substitution, path: tuple) -> int:
        load = _v(sc.charge_voyage)
        if load is None:
            load = self.factor("transport.charge_utile", path=path + ("charge_voyage",))
            if load is None:
                raise MethodError(path + ("charge_voyage",), "charge par voyage inconnue : donnez « charge_voyage » (ex. 12 t)")
        return ceil(mass / load) if mass > 0 else 0

    def emission(self, material: str, route: str, path: tuple, fuel: str | None = None) -> float | None:
        """EF [t CO2e/t] of `material` by `route`. Energy recovery (issue 12): combustion
        without grid credit minus the fossil fuel replaced, `pouvoir_calorifique.<m>` [GJ/t]
        × `combustible.<fuel>.emission` [t CO2e/GJ]; `aucun` replaces nothing; no fuel
        given, or a missing piece: None (never a number of the wrong sign)."""
        key = (material, route, fuel if route == "valorisation_energetique" else None)
        if key not in self._emissions:
            value = self.factor(f"emission.{material}", route, path=path)
            if route == "valorisation_energetique" and value is not None:
                if fuel is None:
                    self.warn("combustible_remplace", f"« {material} » en valorisation énergétique : précisez "
                              "« combustible_remplace » (gaz_naturel, mazout, propane ou aucun) pour calculer les GES", path)
                    value = None
                elif fuel != "aucun":
                    heat = self.factor("pouvoir_calorifique", material, path=path)
                    per_gj = self.factor(f"combustible.{fuel}.emission", path=path)
                    value = None if heat is None or per_gj is None else value - heat * per_gj
            self._emissions[key] = value
        return self._emissions[key]

    def check_layers(self, material: str, mode: str, route: str, path: tuple) -> None:
        """Warn when the two emission factors of a difference come from different layers."""
        if (material, mode, route) in self._layers_checked:
            return
        self._layers_checked.add((material, mode, route))
        found = self.r.found
        a = found.get((f"emission.{material}", mode, None, False))
        b = found.get((f"emission.{material}", route, None, False))
        if a is None or b is None:
            return
        la, lb = a.layer or a.source, b.layer or b.source
        if la != lb:
            self.warn("ges_couches",
                      f"GES de « {material} » : « {a.key} » ({la}) et « {b.key} » ({lb}) ne viennent pas de la même "
                      "couche de facteurs ; la différence est approximative", path)

    def rent(self, storage_type: str, path: tuple) -> float | None:
        if storage_type not in self._rents:
            key = "entreposage.loyer" if storage_type == "interieur" else "entreposage.loyer_exterieur"
            self._rents[storage_type] = self.factor(key, self.region, PROVINCE, path)
        return self._rents[storage_type]

    def substitution(self, s: dict, sc: Substitution, containers, path: tuple) -> dict:
        p = _v(sc.part, 1.0)
        m_s = p * s["mass"]
        v_s = p * (s["volume"] or 0.0)
        unit_cost = (s["fee"] or 0.0) + s["levy"]
        revenue = m_s * sc.prix.value
        # container of today: lifts fall by the change in need
        k_before = k_after = 0.0
        lifts_after = None
        cid = s["container"]
        if cid is not None:
            c = containers[cid]
            lifts_after, k_after, _ = c.after(v_s, m_s, _v(sc.levees_apres))
            k_before = c.cost
        avoided = m_s * unit_cost + (k_before - k_after)
        # new costs
        trips = None
        transport = 0.0
        distance = _v(sc.distance)
        t = sc.transport
        if t is not None or distance is not None:
            trips = self.trips(m_s, sc, path)
        if t is not None:
            if t.dims == PER_TRIP:
                transport = t.value * trips
            elif t.dims == PER_KM:
                transport = t.value * trips * 2 * distance
            elif t.dims == PER_TONNE:
                transport = t.value * m_s
            elif t.dims == PER_TKM:
                transport = t.value * m_s * distance
        k_new = 0.0
        if sc.collecte is not None:
            terms = self.terms(sc.collecte, path + ("collecte",))
            lifts_new = terms.declared if terms.declared is not None else terms.need(v_s, m_s)
            k_new = terms.cost(lifts_new)
        preparation = m_s * _v(sc.preparation, 0.0)
        fixed = _v(sc.frais_fixes, 0.0)
        new_costs = preparation + transport + k_new + fixed
        gain = avoided + revenue - new_costs
        one_time = _v(sc.investissement, 0.0) + _v(sc.penalite, 0.0)
        payback = one_time / gain if gain > 0 and one_time > 0 else None
        # environment
        route = route_for(self.lib, s["material"], filiere=sc.filiere)
        mode = s["mode"]
        eliminated = mode in ELIMINATION_MODES and route not in ELIMINATION_MODES
        elim_t = m_s if eliminated else 0.0
        landfill_t = m_s if eliminated and mode in LANDFILL_MODES else 0.0
        landfill_m3 = 0.0
        if landfill_t > 0:
            rho_l = self.factor("enfouissement.masse_volumique_en_place", s["f"].matiere, path=path)
            if rho_l:
                landfill_m3 = landfill_t / rho_l
            else:
                landfill_m3 = None
                self.warn("masse_volumique_enfouissement", "masse volumique en place inconnue : m³ d'enfouissement non calculés", path)
        levy_avoided = m_s * s["levy"] if eliminated else 0.0
        ghg = None
        if route == mode:
            ghg = 0.0
        else:
            fuel = sc.combustible_remplace  # the fuel the energy-recovery side replaces
            ef_before = self.emission(s["f"].matiere, mode, path, fuel)
            ef_after = self.emission(s["f"].matiere, route, path + ("filiere",), fuel)
            if ef_before is not None and ef_after is not None:
                ghg = m_s * (ef_before - ef_after)
                self.check_layers(s["f"].matiere, mode, route, path)
            else:
                self.warn("ges_partiel",
                          f"facteur d'émission manquant pour « {s['f'].matiere} » ({mode} → {route}) : ce scénario est exclu du total des GES",
                          path)
        if ghg is not None and distance is not None and m_s > 0:
            per_km = self.factor("transport.emission_vehicule", path=path + ("distance",))
            if per_km is None:
                ghg = None
                self.warn("ges_partiel", "émission du camion inconnue : scénario exclu du total des GES", path)
            else:
                ghg -= trips * 2 * distance * per_km
        area_before = s["area"]
        area_after = _v(sc.entreposage_apres, area_before * (1 - p))
        recovered = area_before - area_after
        value = 0.0
        if abs(recovered) > EPS:
            rent = self.rent(s["storage_type"], path)
            value = None if rent is None else recovered * rent
        shown = None if t is None else units.display(t.value, t.dims)
        detail = {
            "part": p, "prix_cad_t": sc.prix.value, "cout_unitaire_evite_cad_t": unit_cost,
            "elimination_evitee_cad": m_s * unit_cost, "conteneur_avant_cad": k_before,
            "conteneur_apres_cad": k_after, "levees_apres": lifts_after,
            "levees_apres_declarees": _v(sc.levees_apres), "voyages": trips,
            "transport_cad": transport, "preparation_cad": preparation,
            "transport_tarif": None if t is None else shown[0],
            "transport_unite": None if t is None else shown[1], "nouveau_conteneur_cad": k_new,
            "frais_fixes_cad": fixed, "distance_km": None if distance is None else distance / 1000,
            "investissement_cad": _v(sc.investissement, 0.0), "penalite_cad": _v(sc.penalite, 0.0),
        }
        return dict(
            type="substitution", nom=sc.nom or f"Substitution ({sc.preneur or route})", statut=sc.statut,
            statut_reglementaire=sc.statut_reglementaire, retenu=False, retenu_force=sc.retenu,
            gain_net_cad=gain, revenus_cad=revenue, couts_cad=new_costs, cout_evite_cad=avoided,
            retour_annees=payback, elimination_evitee_t=elim_t, enfouissement_evite_t=landfill_t,
            enfouissement_evite_m3=landfill_m3, redevance_evitee_cad=levy_avoided, ges_evites_tco2e=ghg,
            surface_recuperee_m2=recovered, valeur_surface_cad=value, masse_detournee_t=m_s,
            filiere=route, preneur=sc.preneur, detail=detail,
        )

    def mutualisation(self, s: dict, sc: Mutualisation, containers, path: tuple) -> dict:
        c = containers[s["container"]]
        own = c.terms
        rho = s["rho"]

        # terms the scenario leaves out: the plant's container, then mutualisation.* factors
        volume = _v(sc.contenant, own.volume)
        fee = _v(sc.frais_levee, own.fee)
        rental = _v(sc.location, own.rental)
        surcharge = _v(sc.surcharge, own.surcharge)
        # the plant's compactor comes along only when the pooled container is the plant's own
        compaction = _v(sc.compaction, own.compaction if sc.contenant is None else 1.0)
        fill = _v(sc.taux_remplissage, own.fill)  # the plant's fill rate, its default included
        management = _v(sc.frais_gestion)
        if management is None:
            management = self.factor("mutualisation.frais_gestion", path=path + ("frais_gestion",), quiet=True) or 0.0
        cap = volume * fill * compaction
        group = sc.forme == "contrat_groupe"
        names = [self.inv.entreprise.nom]
        volumes = [s["volume"] or 0.0]
        lifts = [c.lifts]
        alone = [own.lift_cost(c.lifts) if group else c.cost]
        estimated = [False]
        for k, partner in enumerate(sc.partenaires):
            ppath = path + ("partenaires", k)
            q = partner.quantite
            if q.dims == MASS_RATE:
                if not rho:
                    raise MethodError(ppath + ("quantite",), "quantité du partenaire en masse : la masse volumique du flux est inconnue ; donnez un volume")
                vol = q.value / rho
            else:
                vol = q.value
            n_lifts = _v(partner.levees)
            if n_lifts is None:
                n_lifts = float(ceil(vol / own.capacity)) if own.capacity > 0 else 0.0
            partner_fee = _v(partner.frais_levee, own.fee)
            if partner.cout_actuel is not None:
                cost = partner.cout_actuel.value
                est = False
            else:
                cost = n_lifts * partner_fee * (1 + own.surcharge)
                est = True
                how = "ses levées" if partner.levees is not None else "son volume et le conteneur de l'usine"
                self.warn("cout_partenaire_estime",
                          f"coût actuel de « {partner.nom} » estimé d'après {how} au tarif de levée de l'usine",
                          ppath)
            names.append(partner.nom)
            volumes.append(vol)
            lifts.append(n_lifts)
            alone.append(cost)
            estimated.append(est)
        n = len(names)

        cost = coalition_cost(alone, volumes, lifts, group, cap, fee, surcharge, rental, management)
        full = (1 << n) - 1
        pooled = cost(full)
        if sc.repartition == "shapley":
            shares = shapley(n, cost)
        else:
            shares = proportional_split(pooled, lifts if group else volumes)
        blocking = core_violation(n, shares, cost)
        members = tuple(
            Allocation(names[k], volumes[k], lifts[k], alone[k], shares[k], alone[k] - shares[k], estimated[k])
            for k in range(n)
        )
        tarif_gain = 0.0
        if sc.tarif is not None:
            tarif_gain = s["mass"] * ((s["fee"] or 0.0) - sc.tarif.value)
        # METHODE.md: revenue 0, costs = the plant's share; what it stops paying carries the fee change
        avoided = alone[0] + tarif_gain
        costs = shares[0]
        gain = avoided - costs
        area_after = _v(sc.entreposage_apres, s["area"])
        recovered = s["area"] - area_after
        value = 0.0
        if abs(recovered) > EPS:
            rent = self.rent(s["storage_type"], path)
            value = None if rent is None else recovered * rent
        detail = {
            "contenant_m3": volume, "taux_remplissage": fill, "compaction": compaction, "capacite_m3": cap,
            "frais_levee_cad": fee, "surcharge": surcharge, "location_cad": rental,
            "frais_gestion_cad": management, "gain_tarif_cad": tarif_gain,
            "levees_groupe": (sum(lifts) if group else (ceil(sum(volumes) / cap) if cap > 0 else 0)),
        }
        return dict(
            type="mutualisation", nom=sc.nom or ("Contrat de groupe" if group else "Conteneur partagé"),
            statut=sc.statut, statut_reglementaire=sc.statut_reglementaire, retenu=False,
            retenu_force=sc.retenu, gain_net_cad=gain, revenus_cad=0.0, couts_cad=costs,
            cout_evite_cad=avoided, retour_annees=None, elimination_evitee_t=0.0,
            enfouissement_evite_t=0.0, enfouissement_evite_m3=0.0, redevance_evitee_cad=0.0,
            ges_evites_tco2e=0.0, surface_recuperee_m2=recovered, valeur_surface_cad=value,
            detail=detail, forme=sc.forme, repartition=sc.repartition, cout_groupe_cad=pooled,
            economie_groupe_cad=sum(alone) - pooled, stable=blocking is None,
            coalition_bloquante=None if blocking is None else tuple(names[k] for k in blocking),
            membres=members,
        )

    # -- totals -------------------------------------------------------------

    def totals(self, streams, containers, results: list[StreamResult]) -> AuditResult:
        total_mass = total_volume = current = 0.0
        for r in results:
            total_mass += r.masse_t
            total_volume += r.volume_m3 or 0.0
            current += r.cout_actuel_cad
        gains = revenue = pooling = area = area_value = 0.0
        elim = landfill_t = landfill_m3 = levy = ghg = 0.0
        partial = False
        after_modes: dict[str, float] = {}
        removed: dict[str, list] = {}
        for s, r in zip(streams, results):
            after_modes[r.mode] = after_modes.get(r.mode, 0.0) + r.masse_t
            if r.scenario_retenu is None:
                continue
            sc = r.scenarios[r.scenario_retenu]
            gains += sc.gain_net_cad
            area += sc.surface_recuperee_m2
            area_value += sc.valeur_surface_cad or 0.0
            if sc.type == "substitution":
                revenue += sc.revenus_cad
                elim += sc.elimination_evitee_t
                landfill_t += sc.enfouissement_evite_t
                landfill_m3 += sc.enfouissement_evite_m3 or 0.0
                levy += sc.redevance_evitee_cad
                if sc.ges_evites_tco2e is None:
                    partial = True
                else:
                    ghg += sc.ges_evites_tco2e
                after_modes[r.mode] -= sc.masse_detournee_t
                after_modes[sc.filiere] = after_modes.get(sc.filiere, 0.0) + sc.masse_detournee_t
                if r.conteneur is not None:
                    removed.setdefault(r.conteneur, []).append((s, sc))
            else:
                pooling += sc.gain_net_cad
        # joint lifts: all retained substitutions of a container together
        container_results = []
        joint_gap = 0.0
        sizing = 0.0
        for cid, c in containers.items():
            items = removed.get(cid, [])
            if items:
                v = sum(sc.detail["part"] * (s["volume"] or 0.0) for s, sc in items)
                m = sum(sc.masse_detournee_t for s, sc in items)
                declared = [sc.detail["levees_apres_declarees"] for s, sc in items
                            if sc.detail["levees_apres_declarees"] is not None]
                lifts_after, cost_after, _ = c.after(v, m, min(declared) if declared else None)
                separate = sum(sc.detail["conteneur_avant_cad"] - sc.detail["conteneur_apres_cad"] for s, sc in items)
                gap = (c.cost - cost_after) - separate
            else:
                lifts_after, cost_after, gap = c.lifts, c.cost, 0.0
            joint_gap += gap
            over = 0.0
            if c.lifts > c.need + 1:
                over = (c.lifts - c.need) * c.terms.fee * (1 + c.terms.surcharge)
                sizing += over
                self.warn("surdimensionnement",
                          f"conteneur « {cid} » : {message_number(c.lifts)} levées/an pour {c.need} nécessaires — "
                          f"{message_number(over)} $/an à récupérer en ajustant l'horaire",
                          self.container_path(c, streams))
            container_results.append(ContainerResult(
                id=cid, partage=c.shared, flux=tuple(streams[i]["f"].id for i in c.streams),
                contenant_m3=c.terms.volume, capacite_m3=c.terms.capacity, levees_avant=c.lifts,
                levees_besoin=float(c.need), levees_apres=lifts_after,
                levees_declarees=c.terms.declared is not None, cout_avant_cad=c.cost,
                cout_apres_cad=cost_after, frais_levee_cad=c.terms.fee, surcharge=c.terms.surcharge,
                location_cad=c.terms.rental, surdimensionnement_cad=over, ecart_conjoint_cad=gap,
            ))
        savings = gains + joint_gap

        def rates(masses: dict[str, float], total: float):
            if total <= 0:
                return None, None, None
            rec = sum(v for k, v in masses.items() if k in RECYCLING_MODES) / total
            el = sum(v for k, v in masses.items() if k in ELIMINATION_MODES) / total
            return rec, 1 - el, el

        before_modes: dict[str, float] = {}
        for r in results:
            before_modes[r.mode] = before_modes.get(r.mode, 0.0) + r.masse_t
        rec0, val0, el0 = rates(before_modes, total_mass)
        rec1, val1, el1 = rates(after_modes, total_mass)
        weighed = sum(r.masse_t for r in results if r.source_donnees == "pesee")
        totals = Totals(
            masse_t=total_mass, volume_m3=total_volume, cout_actuel_cad=current,
            cout_projete_cad=current - savings, economies_nettes_cad=savings,
            revenus_substitution_cad=revenue, economies_mutualisation_cad=pooling,
            surface_recuperee_m2=area, valeur_surface_cad=area_value, elimination_evitee_t=elim,
            enfouissement_evite_t=landfill_t, enfouissement_evite_m3=landfill_m3,
            redevance_evitee_cad=levy, ges_evites_tco2e=ghg, ges_partiel=partial,
            taux_recyclage_avant=rec0, taux_recyclage_apres=rec1, taux_mise_en_valeur_avant=val0,
            taux_mise_en_valeur_apres=val1, taux_elimination_avant=el0, taux_elimination_apres=el1,
            ecart_levees_conjointes_cad=joint_gap, potentiel_redimensionnement_cad=sizing,
            part_masse_pesee=weighed / total_mass if total_mass > 0 else None,
        )
        policy = self.policy(results)
        used = []
        for key in sorted(self.r.used):
            u = self.r.used[key]
            value, unit = units.display(u.value, u.factor.dims)
            f = u.factor
            used.append(FactorUse(cle=key, valeur=value, unite=unit, source=f.source, annee=u.year,
                                  defaut=f.default, confiance=f.confidence, proxy=f.proxy, note=f.note, url=f.url))
        for key in self.inv.hypotheses:
            if key not in self.r.used:
                self.warn("hypothese_inutilisee",
                          f"hypothèse « {key} » non utilisée par ce calcul (une valeur plus précise l'emporte, "
                          "ou le facteur n'intervient pas)", ("hypotheses", key))
        seen = set()
        warnings = []
        for code, message, where in self.r.warnings + self.warnings:
            item = (code, message, where if isinstance(where, str) else field_name(where))
            if item not in seen:
                seen.add(item)
                warnings.append(Warning_(*item))
        warnings = tuple(warnings)
        e = self.inv.entreprise
        entreprise = {
            "nom": e.nom, "region": e.region, "mrc": e.mrc, "municipalite": e.municipalite,
            "scian": e.scian,
            "coordonnees": None if e.coordonnees is None else {"lat": e.coordonnees.lat, "lon": e.coordonnees.lon},
        }
        return AuditResult(
            fichier=self.fichier, entreprise=entreprise, annee=self.inv.annee,
            periode_donnees=self.inv.periode_donnees, region=self.region, flux=tuple(results),
            conteneurs=tuple(container_results), totaux=totals, politique=policy,
            facteurs_utilises=tuple(used), avertissements=warnings,
        )

    def policy(self, results: list[StreamResult]) -> tuple[PolicyRow, ...]:
        """Recycling rate of each policy family, before and after, against its target."""
        sums: dict[str, list[float]] = {}  # family -> [mass, recycled before, recycled after]
        for r in results:
            row = sums.setdefault(r.famille, [0.0, 0.0, 0.0])
            recycled = r.masse_t if r.mode in RECYCLING_MODES else 0.0
            row[0] += r.masse_t
            row[1] += recycled
            row[2] += recycled
            if r.scenario_retenu is not None:
                sc = r.scenarios[r.scenario_retenu]
                if sc.type == "substitution":
                    now = sc.filiere in RECYCLING_MODES
                    row[2] += sc.masse_detournee_t * (int(now) - int(r.mode in RECYCLING_MODES))
        rows = []
        for family in ("pcpvm", "organiques", "crd", "autres"):
            if family not in sums:
                continue
            mass, before, after = sums[family]
            target = None if family == "autres" else self.factor("politique.objectif", family)
            rows.append(PolicyRow(family, mass, before / mass if mass > 0 else None,
                                  after / mass if mass > 0 else None, target))
        return tuple(rows)


def audit(inv: Inventaire, lib: Library, fichier: str = "") -> AuditResult:
    """Run METHODE.md on a validated inventory."""
    return _Audit(inv, lib, fichier).run()
