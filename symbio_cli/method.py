"""The calculation method of METHODE.md, on floats in canonical units.

Quantities were validated and converted once (t, m³, m, an, $); this module
only does arithmetic, looks factors up through a Resolver that records every
factor used, and returns one frozen AuditResult.
"""

from __future__ import annotations

from symbio_cli import i18n, pooling, units
from symbio_cli.containers import ContainerState, Terms, check_count, lifts_after  # noqa: F401 (lifts_after: part of the API)
from symbio_cli.errors import FactorError, MethodError, field_name
from symbio_cli.factors import (
    ELIMINATION_MODES,
    LEVY_MODES,
    PROVINCE,
    RECYCLING_MODES,
    Library,
    Resolver,
    hierarchy_level,
    route_for,
)
from symbio_cli.games import ceil, core_violation, shapley  # noqa: F401 (core_violation, shapley: re-exported)
from symbio_cli.inventory import (
    MASS_RATE,
    Collecte,
    CollecteScenario,
    Entreposage,
    Inventaire,
    Mutualisation,
    Substitution,
    hypotheses_factors,
)
from symbio_cli.joint import Joint, Retained
from symbio_cli.numbers import message_number
from symbio_cli.result import (
    AuditResult,
    DefaultUse,
    FactorUse,
    PolicyRow,
    ScenarioResult,
    StreamResult,
    Totals,
    Warning_,
)
from symbio_cli.scenarios import collection_figures, substitution_figures

EPS = 1e-9
TIE = 0.005  # $: two gains closer than this are a tie (rule 22)
# Wood (`bois_*`) with no `filiere`: the lower of its two routes (issue 12, rule 17), never recycling by default
WOOD_ROUTE_UNSAID = "valorisation_energetique"  # (matieres.yaml filiere_defaut still serves the territory)


def _level(mode: str) -> int:
    """Rank in the LQE hierarchy (factors.hierarchy_level, shared with the territory)."""
    return hierarchy_level(mode)


def _v(q, default=None):
    return default if q is None else q.value


# ---------------------------------------------------------------------------
# Containers


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
        self.defaults: list[DefaultUse] = []
        self._new_terms: dict[tuple, Terms] = {}  # a collecte scenario's container, by scenario path
        self._defaults_seen: set[tuple] = set()

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
        if value is not None:
            self.note_default(f"tarif.{mode}", self.region, PROVINCE, False, self.inv.flux[path[1]].id)
        if value is None:
            self.warn("tarif_manquant",
                      f"aucun tarif pour le mode « {i18n.mode(mode, 'fr')} » : coût d'élimination compté 0 $ ; donnez « gestion.tarif »",
                      path + ("tarif",))
        return value

    def terms(self, spec: Collecte, path: tuple, fill_key: str = "collecte.taux_remplissage",
              base: Terms | None = None, flux: str = "") -> Terms:
        """A container's terms; with `base`, the keys `spec` leaves out are base's (a `collecte`
        scenario), except `levees` (rule 1); without a forfait of its own, today's is scaled by L_1 / L_0
        (rule 11, even when it gives a lift fee: with a forfait the lift fee is unused)."""
        def pick(name, inherited, default=None):
            value = getattr(spec, name, None)
            if value is not None:
                return value.value
            return inherited if base is not None else default

        fill = _v(spec.taux_remplissage)
        if fill is None and base is not None:
            fill = base.fill
        if fill is None:
            fill = self.factor(fill_key, path=path + ("taux_remplissage",))
            if fill is None:
                self.warn("taux_remplissage_manquant", "taux de remplissage inconnu : 100 % supposé", path)
                fill = 1.0
            else:
                self.note_default(fill_key, None, None, False, flux)
        forfait = _v(spec.forfait)
        forfait_lifts = _v(spec.levees) if forfait is not None else None
        if forfait is None and base is not None and base.forfait is not None:
            forfait, forfait_lifts = base.forfait, base.forfait_lifts  # rule 11: today's, scaled by L_1 / L_0
        return Terms(
            volume=pick("contenant", base.volume if base else None),
            fill=fill,
            compaction=pick("compaction", base.compaction if base else None, 1.0),
            fee=pick("frais_levee", base.fee if base else None, 0.0) or 0.0,
            surcharge=pick("surcharge", base.surcharge if base else None, 0.0),
            rental=pick("location", base.rental if base else None, 0.0),
            payload=pick("charge_utile", base.payload if base else None),
            declared=_v(spec.levees),
            count=pick("nombre", base.count if base else None, 1.0),
            included=pick("tonnes_incluses", base.included if base else None),
            overage_price=pick("surplus", base.overage_price if base else None, 0.0) or 0.0,
            forfait=forfait, forfait_lifts=forfait_lifts,
            distance=pick("distance", base.distance if base else None), path=path,
        )

    def note_default(self, base: str, leaf: str | None, fallback: str | None, quiet: bool, flux: str) -> None:
        """[R2] Record a library value the inventory did not give, with the key actually used."""
        f = self.r.found.get((base, leaf, fallback, quiet))
        if f is None or not f.default:
            return
        item = (f.key, flux)
        if item in self._defaults_seen:
            return
        self._defaults_seen.add(item)
        value = self.r.used[f.key].value if f.key in self.r.used else f.value
        shown, unit = units.display(value, f.dims)
        self.defaults.append(DefaultUse(cle=f.key, valeur=shown, unite=unit, flux=flux))

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
            self.note_default("masse_volumique", f.matiere, None, False, f.id)
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
            "rebate": _v(g.ristourne, 0.0), "container": None, "collection": 0.0,
        }

    def build_containers(self, streams: list[dict]) -> dict[str, ContainerState]:
        out: dict[str, ContainerState] = {}
        owners: dict[str, list] = {}
        for s in streams:
            g = s["f"].gestion
            if g.collecte is not None:
                owners[s["f"].id] = [s["f"].id]
            elif g.conteneur is not None:
                owners.setdefault(g.conteneur, []).append(s["f"].id)
        for j, c in enumerate(self.inv.conteneurs):
            out[c.id] = ContainerState(c.id, True, self.terms(c, ("conteneurs", j), flux=", ".join(owners.get(c.id, []))))
        for s in streams:
            g = s["f"].gestion
            if g.collecte is not None:
                cid = s["f"].id
                out[cid] = ContainerState(cid, False, self.terms(g.collecte, s["path"] + ("gestion", "collecte"), flux=cid))
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
            c.cost = c.terms.cost(c.lifts, c.mass)
            path = self.container_path(c, streams)
            # rule 8: the container's distance, else its streams' when they agree
            c.distance = c.terms.distance
            if c.distance is None and members:
                given = {_v(s["f"].gestion.distance) for s in members} - {None}
                if len(given) == 1:
                    c.distance = given.pop()
                elif len(given) > 1:
                    self.warn("distance_discordante",
                              f"conteneur « {cid} » : ses flux donnent des distances différentes ; donnez "
                              "« distance » au conteneur (trajets de collecte non comptés dans les GES)", path)
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
                share = mass_share = 1.0
            else:
                mass_share = s["mass"] / c.mass if c.mass > 0 else 1.0 / len(members)
                if c.volume > 0:
                    share = (s["volume"] or 0.0) / c.volume
                else:
                    share = mass_share
            s["share"] = share
            # rule 12: the overage is split by mass, the rest of K by volume
            overage = c.terms.overage(c.lifts, c.mass)
            s["collection"] = (c.cost - overage) * share + overage * mass_share
            if s["area"] is None:
                fp = self.footprint(c.terms.volume, s["path"] + ("gestion", "entreposage"))
                if fp is None:
                    self.warn("surface_inconnue", "surface d'entreposage inconnue : 0 m² compté", s["path"] + ("gestion", "entreposage"))
                    fp = 0.0
                else:
                    self.note_default_footprint(c.terms.volume, s["f"].id)
                s["area"] = fp * c.terms.count * share
        if s["area"] is None:
            self.warn("surface_inconnue", f"flux « {s['f'].id} » : ni « entreposage » ni conteneur : 0 m² compté",
                      s["path"] + ("gestion",))
            s["area"] = 0.0
        s["disposal"] = s["mass"] * ((s["fee"] or 0.0) + s["levy"])
        s["cost"] = s["disposal"] + s["collection"] + s["fixed"] - s["rebate"]

    def note_default_footprint(self, volume_m3: float, flux: str) -> None:
        sizes = self.lib.container_sizes
        if not sizes:
            return
        yd3 = volume_m3 / units.parse_unit("vg³")[0]
        nearest = min(sizes, key=lambda n: (abs(n - yd3), n))
        self.note_default(f"contenant.{nearest}vg3.surface", None, None, False, flux)

    # -- scenarios ----------------------------------------------------------

    def stream_scenarios(self, s: dict, containers) -> StreamResult:
        f = s["f"]
        scenarios = []
        for j, sc in enumerate(f.scenarios):
            path = s["path"] + ("scenarios", j)
            if isinstance(sc, Substitution):
                scenarios.append(self.substitution(s, sc, containers, path))
            elif isinstance(sc, CollecteScenario):
                scenarios.append(self.collection(s, sc, containers, path))
            else:
                scenarios.append(self.mutualisation(s, sc, containers, path))
        retained = self.retain(s, f.scenarios, scenarios)
        for j in retained:
            scenarios[j]["retenu"] = True
        scenarios = [ScenarioResult(**kw) for kw in scenarios]
        return StreamResult(
            id=f.id, nom=f.nom, matiere=f.matiere, famille=s["material"].family, mode=s["mode"],
            masse_t=s["mass"], volume_m3=s["volume"], masse_volumique_t_m3=s["rho"],
            tarif_cad_t=s["fee"], redevance_cad_t=s["levy"], cout_elimination_cad=s["disposal"],
            cout_collecte_cad=s["collection"], frais_fixes_cad=s["fixed"], cout_actuel_cad=s["cost"],
            surface_m2=s["area"], type_entreposage=s["storage_type"], conteneur=s["container"],
            source_donnees=f.source_donnees, scenarios=tuple(scenarios),
            scenario_retenu=retained[0] if retained else None, scenarios_retenus=tuple(retained),
            ristourne_cad=s["rebate"],
        )

    def retain(self, s: dict, specs, scenarios: list[dict]) -> list[int]:
        """[R2] The retained scenarios (METHODE.md, Totals; rules 21–22).

        Those marked `retenu: true` or `statut: en_place`, else the one with the
        largest G > 0 (first in the file on a tie |ΔG| < 0,005 $, with a warning).
        A pooled group that does not form is never a candidate.
        """
        path = s["path"]
        dropped = set()
        for j, r in enumerate(scenarios):
            if r["type"] == "mutualisation" and not r.get("groupe_forme", True):
                dropped.add(j)
                if specs[j].retenu or specs[j].statut == "en_place":
                    self.warn("groupe_non_forme",
                              f"scénario « {r['nom']} » retenu, mais le groupe coûte plus cher que ses membres seuls : "
                              "il n'est pas retenu (les autres scénarios du flux sont examinés)",
                              path + ("scenarios", j, "retenu"))
        forced = [j for j, sc in enumerate(specs) if (sc.retenu or sc.statut == "en_place") and j not in dropped]
        if forced:
            return forced
        best = None
        for j, r in enumerate(scenarios):
            if j in dropped or not r["gain_net_cad"] > 0:
                continue
            if best is None or r["gain_net_cad"] > scenarios[best]["gain_net_cad"]:
                best = j
        if best is None:
            return []
        tied = [j for j, r in enumerate(scenarios) if j not in dropped and r["gain_net_cad"] > 0
                and abs(r["gain_net_cad"] - scenarios[best]["gain_net_cad"]) < TIE]
        if len(tied) > 1:
            first = tied[0]
            names = " et ".join(f"« {scenarios[j]['nom']} »" for j in tied)
            self.warn("egalite_scenarios",
                      f"flux « {s['f'].id} » : {names} ont le même gain net ({message_number(scenarios[first]['gain_net_cad'])} $/an) ; "
                      "le premier du fichier est retenu (marquez « retenu: true » pour choisir)", path)
            return [first]
        return [best]

    def trips(self, mass: float, sc: Substitution, path: tuple) -> int:
        load = _v(sc.charge_voyage)
        if load is None:
            load = self.factor("transport.charge_utile", path=path + ("charge_voyage",))
            if load is not None:
                self.note_default("transport.charge_utile", None, None, False, self.inv.flux[path[1]].id)
            if load is None:
                raise MethodError(path + ("charge_voyage",), "charge par voyage inconnue : donnez « charge_voyage » (ex. 12 t)")
        check_count(mass / load, path, "charge par voyage", "charge_voyage", "t par voyage (ex. 12 t)")
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

    def rent(self, storage_type: str, path: tuple, flux: str = "") -> float | None:
        key = "entreposage.loyer" if storage_type == "interieur" else "entreposage.loyer_exterieur"
        if storage_type not in self._rents:  # no sourced outdoor rent may exist: one data gap per file
            self._rents[storage_type] = self.factor(key, self.region, PROVINCE, path, quiet=storage_type != "interieur")
            if self._rents[storage_type] is None and storage_type != "interieur":
                self.warn("loyer_exterieur_manquant", f"aucun loyer d'entreposage extérieur sourcé pour la région "
                          f"« {self.region} » : la valeur de l'espace extérieur récupéré est n.d. ; si vous la connaissez, "
                          "donnez « entreposage.loyer_exterieur » dans « hypotheses: », en $/m²/an", path)
        if self._rents[storage_type] is not None:
            self.note_default(key, self.region, PROVINCE, False, flux)
        return self._rents[storage_type]

    def truck(self, path: tuple) -> float | None:
        """transport.emission_vehicule [t CO2e per vehicle-m], or None with a warning."""
        value = self.factor("transport.emission_vehicule", path=path)
        if value is None:
            self.warn("ges_partiel", "émission du camion inconnue : trajets non comptés, scénario exclu du total des GES", path)
        return value

    def hierarchy(self, mode: str, route: str, name: str, path: tuple) -> str | None:
        """[R2] A warning when a scenario moves a stream down the LQE hierarchy."""
        if _level(route) <= _level(mode):
            return None
        message = (f"scénario « {name} » : la filière « {i18n.mode(route, 'fr')} » descend dans la hiérarchie "
                   f"des 3RV-E (aujourd'hui « {i18n.mode(mode, 'fr')} ») ; permis, mais à justifier")
        self.warn("hierarchie", message, path)
        return message

    def substitution(self, s: dict, sc: Substitution, containers, path: tuple) -> dict:
        """METHODE.md, Substitution scenario (rules 5–17): the route is settled here, the steps are in scenarios.py."""
        route = route_for(self.lib, s["material"], filiere=sc.filiere)
        wood_unsaid = s["f"].matiere.startswith("bois_") and sc.filiere is None  # issue 12, rule 17
        route = WOOD_ROUTE_UNSAID if wood_unsaid else route
        return substitution_figures(self, s, sc, containers, path, route, wood_unsaid)

    def collection(self, s: dict, sc: CollecteScenario, containers, path: tuple) -> dict:
        """[R2] A change of container or schedule (rules 1–4): no mass changes route; steps in scenarios.py."""
        row, new = collection_figures(self, s, sc, containers, path)
        self._new_terms[path] = new
        return row

    def mutualisation(self, s: dict, sc: Mutualisation, containers, path: tuple) -> dict:
        return pooling.mutualisation(self, s, sc, containers, path)

    # -- totals -------------------------------------------------------------

    def gather(self, acc: Retained, s: dict, r: StreamResult) -> None:
        """Add one stream's retained scenarios to the totals (rule 22 for its storage)."""
        acc.after_modes[r.mode] = acc.after_modes.get(r.mode, 0.0) + r.masse_t
        if not r.scenarios_retenus:
            return
        specs = s["f"].scenarios
        key = r.conteneur if r.conteneur is not None else "\0" + r.id
        parts = 0.0
        given_areas = []
        pooled = False
        for j in r.scenarios_retenus:
            sc = r.scenarios[j]
            acc.gains += sc.gain_net_cad
            if sc.type == "mutualisation":
                acc.pooling += sc.gain_net_cad
                acc.area += sc.surface_recuperee_m2
                acc.area_value += sc.valeur_surface_cad or 0.0
                acc.pooled[key] = sc
                pooled = True
                continue
            acc.ghg(sc, key)
            if specs[j].entreposage_apres is not None:
                given_areas.append(specs[j].entreposage_apres.value)
            if sc.type == "collecte":
                where = "\0" + r.id if sc.detail.get("deplace") else key  # a stream leaving its shared container
                acc.collects[where] = (s, sc, self._new_terms[s["path"] + ("scenarios", j)])
                continue
            parts += sc.detail["part"]
            acc.substitution(r, sc)
            acc.removed.setdefault(key, []).append((s, sc))
        if pooled:
            return
        area_after = min(given_areas) if given_areas else s["area"] * (1 - parts)
        recovered = s["area"] - area_after
        acc.area += recovered
        if abs(recovered) > EPS:
            rent = self.rent(s["storage_type"], s["path"], s["f"].id)
            acc.area_value += 0.0 if rent is None else recovered * rent

    def virtual(self, cid: str, terms: Terms, volume: float, mass: float, lifts: float) -> ContainerState:
        """The container a `collecte` brings, holding `volume`/`mass` at `lifts` a year (rule 2)."""
        c = ContainerState(cid, False, terms, volume=volume, mass=mass, need=terms.need(volume, mass), lifts=lifts)
        c.cost = terms.cost(lifts, mass)
        c.distance = terms.distance
        return c

    def totals(self, streams, containers, results: list[StreamResult]) -> AuditResult:
        total_mass = total_volume = current = 0.0
        for r in results:
            total_mass += r.masse_t
            total_volume += r.volume_m3 or 0.0
            current += r.cout_actuel_cad
        acc = Retained()
        for s, r in zip(streams, results):
            self.gather(acc, s, r)
        gains, revenue, pooling = acc.gains, acc.revenue, acc.pooling
        area, area_value = acc.area, acc.area_value
        elim, landfill_t, landfill_m3, levy = acc.elim, acc.landfill_t, acc.landfill_m3, acc.levy
        ghg_sum, excluded, partial = acc.ghg_sum, acc.excluded, acc.partial
        has_factor, any_retained, after_modes = acc.has_factor, acc.any_retained, acc.after_modes
        joint = Joint(self, streams, containers, acc)
        container_results, joint_gap, joint_ghg_gap, sizing = joint.run()
        savings = gains + joint_gap
        if not any_retained:
            ghg, partial = 0.0, False  # rule 5: nothing retained (a mutualisation's GHG is 0 by rule)
        elif not has_factor:
            ghg, partial = None, True  # rule 5: retained scenarios, none with a factor
        else:
            ghg = ghg_sum + joint_ghg_gap

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
            ges_tonnes_exclues_t=excluded, ecart_conjoint_ges_tco2e=joint_ghg_gap if ghg is not None else 0.0,
            nombre_defauts=len(self.defaults),
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
            facteurs_utilises=tuple(used), avertissements=warnings, defauts=tuple(self.defaults),
        )

    def policy(self, results: list[StreamResult]) -> tuple[PolicyRow, ...]:
        """Each policy family's rates before/after against its target ([R2] rule 23).

        The target `politique.objectif.<famille>` names the rate it counts in its
        `taux:` field (`recyclage` by default, `mise_en_valeur` for the CRD
        "recycler et valoriser"); `hypotheses:` override its value only.
        """
        sums: dict[str, list[float]] = {}  # family -> [mass, recycled before/after, recovered before/after]
        for r in results:
            row = sums.setdefault(r.famille, [0.0, 0.0, 0.0, 0.0, 0.0])
            recycled = r.masse_t if r.mode in RECYCLING_MODES else 0.0
            recovered = r.masse_t if r.mode not in ELIMINATION_MODES else 0.0
            row[0] += r.masse_t
            row[1] += recycled
            row[2] += recycled
            row[3] += recovered
            row[4] += recovered
            for j in r.scenarios_retenus:
                sc = r.scenarios[j]
                if sc.type == "substitution":
                    row[2] += sc.masse_detournee_t * (int(sc.filiere in RECYCLING_MODES) - int(r.mode in RECYCLING_MODES))
                    row[4] += sc.masse_detournee_t * (int(sc.filiere not in ELIMINATION_MODES)
                                                      - int(r.mode not in ELIMINATION_MODES))
        rows = []
        for family in ("pcpvm", "organiques", "crd", "autres"):
            if family not in sums:
                continue
            mass, before, after, val_before, val_after = sums[family]
            target = None if family == "autres" else self.factor("politique.objectif", family)
            spec = self.lib.get(f"politique.objectif.{family}")
            kind = (getattr(spec, "rate", "") or "recyclage") if spec is not None else "recyclage"
            rows.append(PolicyRow(family, mass, *(x / mass if mass > 0 else None for x in (before, after)), target,
                                  kind, *(x / mass if mass > 0 else None for x in (val_before, val_after))))
        return tuple(rows)


def audit(inv: Inventaire, lib: Library, fichier: str = "") -> AuditResult:
    """Run METHODE.md on a validated inventory."""
    return _Audit(inv, lib, fichier).run()
