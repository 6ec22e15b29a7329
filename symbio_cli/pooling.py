"""The mutualisation scenario of METHODE.md: stand-alone costs, the group's, its split and the group price.

`c(S)`, the proportional and Shapley splits and the core check live in games.py
(shared with the territory); this module builds the players from the inventory
and returns the scenario's figures. [R2] A group whose savings (lift costs plus
the group price on every member's tonnes) are ≤ 0 does not form.
"""

from __future__ import annotations

from symbio_cli.containers import check_count
from symbio_cli.errors import MethodError
from symbio_cli.games import ceil, coalition_cost, core_violation, proportional_split, shapley
from symbio_cli.inventory import MASS_RATE, Mutualisation
from symbio_cli.result import Allocation

EPS = 1e-9


def _v(q, default=None):
    return default if q is None else q.value


CAPACITY = "capacité du conteneur (contenant × remplissage × compaction)"


def _partner_volume(partner, rho, ppath) -> float:
    """A partner's volume, from its mass when given in mass (needs the stream's density)."""
    q = partner.quantite
    if q.dims != MASS_RATE:
        return q.value
    if not rho:
        raise MethodError(ppath + ("quantite",), "quantité du partenaire en masse : la masse volumique du flux est inconnue ; donnez un volume")
    return q.value / rho


def _partner_price_gain(self, s, sc, partner, vol, ppath, pooled_fee, plant_fee) -> float:
    """[R2] rules 18–20: what a partner gains on its tonnes at the group price (0 without a group price)."""
    if pooled_fee is None:
        return 0.0
    q = partner.quantite
    rho = s["rho"]
    if partner.masse is not None:
        m_k = partner.masse.value
    elif q.dims == MASS_RATE:
        m_k = q.value
    elif rho:
        m_k = vol * rho
    else:
        m_k = 0.0
        self.warn("masse_partenaire_inconnue",
                  f"masse de « {partner.nom} » inconnue : donnez « masse » pour compter le tarif de groupe", ppath)
    if partner.tarif is not None:
        t_k = partner.tarif.value - (s["levy"] if _levy_included(self, s, sc) else 0.0)  # rule 19
    else:
        t_k = plant_fee
    return m_k * (t_k - pooled_fee)


def _partner_cost(self, partner, own, vol, ppath) -> tuple:
    """A partner's lifts and stand-alone cost, estimated (with a warning) when its invoice is not given."""
    n_lifts = _v(partner.levees)
    if n_lifts is None:
        if own.capacity > 0:
            check_count(vol / own.capacity, own.path, CAPACITY, "contenant", "m³ ou vg³ (ex. 40 vg³)")
        n_lifts = float(ceil(vol / own.capacity)) if own.capacity > 0 else 0.0
    partner_fee = _v(partner.frais_levee, own.fee)
    if partner.cout_actuel is not None:
        return n_lifts, partner.cout_actuel.value, False
    cost = n_lifts * partner_fee * (1 + own.surcharge)
    how = "ses levées" if partner.levees is not None else "son volume et le conteneur de l'usine"
    self.warn("cout_partenaire_estime",
              f"coût actuel de « {partner.nom} » estimé d'après {how} au tarif de levée de l'usine",
              ppath)
    return n_lifts, cost, True


def _partner(self, s, sc, own, partner, ppath, pooled_fee, plant_fee) -> tuple:
    """One partner as a player: (volume, lifts, stand-alone cost, estimated?, group-price gain)."""
    vol = _partner_volume(partner, s["rho"], ppath)
    gain = _partner_price_gain(self, s, sc, partner, vol, ppath, pooled_fee, plant_fee)
    n_lifts, cost, est = _partner_cost(self, partner, own, vol, ppath)
    return vol, n_lifts, cost, est, gain


def _levy_included(self, s, sc) -> bool:
    """The pooled contract's `redevance_incluse`; left out, the plant's (a term the scenario leaves out is the
    plant's). Rule 19: partners' fees are read with the same flag as the group price."""
    included = sc.redevance_incluse
    if included is None:
        included = self.inv.flux[s["i"]].gestion.redevance_incluse
    return bool(included)


def _pooled_fee(self, s, sc):
    """[R2] the group price net of the levy, read like gestion.tarif; None when the scenario gives none."""
    if sc.tarif is None:
        return None
    return sc.tarif.value - (s["levy"] if _levy_included(self, s, sc) else 0.0)


def _recovered_area(self, s, sc, path) -> tuple:
    """Storage area the scenario frees (m²) and its value at the storage rent (None when the rent is unknown)."""
    area_after = _v(sc.entreposage_apres, s["area"])
    recovered = s["area"] - area_after
    value = 0.0
    if abs(recovered) > EPS:
        rent = self.rent(s["storage_type"], path, s["f"].id)
        value = None if rent is None else recovered * rent
    return recovered, value


def mutualisation(self, s: dict, sc: Mutualisation, containers, path: tuple) -> dict:
    """METHODE.md, Mutualisation scenario on stream i (R2 rules 18–21); `self` is the audit."""
    c = containers[s["container"]]
    own = c.terms

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
    # [R2] group price (rules 18–20): every member's tonnes at the pooled tarif
    pooled_fee = _pooled_fee(self, s, sc)
    plant_fee = s["fee"] or 0.0
    price_gains = [0.0 if pooled_fee is None else s["mass"] * (plant_fee - pooled_fee)]
    for k, partner in enumerate(sc.partenaires):
        vol, n_lifts, cost, est, gain_k = _partner(self, s, sc, own, partner, path + ("partenaires", k),
                                                    pooled_fee, plant_fee)
        price_gains.append(gain_k)
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
        Allocation(names[k], volumes[k], lifts[k], alone[k], shares[k],
                   alone[k] - shares[k] + price_gains[k], estimated[k], price_gains[k])
        for k in range(n)
    )
    tarif_gain = price_gains[0]
    lift_savings = sum(alone) - pooled
    group_savings = lift_savings + sum(price_gains)  # rule 18
    forms = group_savings > 0
    if not forms:
        self.warn("groupe_perdant",
                  f"scénario « {sc.nom or ('Contrat de groupe' if group else 'Conteneur partagé')} » : le groupe coûte plus "
                  "cher que ses membres seuls ; il ne se forme pas et n'est jamais retenu", path)
    # METHODE.md: revenue 0, costs = the plant's share; what it stops paying carries the fee change
    avoided = alone[0] + tarif_gain
    costs = shares[0]
    gain = avoided - costs
    if cap > 0 and not group:
        check_count(sum(volumes) / cap, path if sc.contenant is not None else own.path, CAPACITY, "contenant",
                    "m³ ou vg³ (ex. 40 vg³)")
    recovered, value = _recovered_area(self, s, sc, path)
    detail = {
        "contenant_m3": volume, "taux_remplissage": fill, "compaction": compaction, "capacite_m3": cap,
        "frais_levee_cad": fee, "surcharge": surcharge, "location_cad": rental,
        "frais_gestion_cad": management, "gain_tarif_cad": tarif_gain,
        "tarif_groupe_cad_t": pooled_fee, "gains_tarif_membres_cad": sum(price_gains),
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
        economie_groupe_cad=lift_savings, economies_groupe_cad=group_savings, groupe_forme=forms,
        stable=blocking is None,
        coalition_bloquante=None if blocking is None else tuple(names[k] for k in blocking),
        membres=members,
    )
