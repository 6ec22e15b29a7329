"""Cross-checks of a stream's scenarios and container terms on the raw inventory data (METHODE.md R2).

Called by inventory.cross_check with its `add(path, message, on_value=True)`
reporter: several retained substitutions whose `part`s exceed 100 %, a
mutualisation retained with anything else, a lift fee or a forfait (with its
schedule), tonnes included with their overage price, a `collecte` scenario's
container.
"""

from __future__ import annotations

import unicodedata

from symbio_cli import units
from symbio_cli.errors import QuantityError
from symbio_cli.units import MASS_RATE, PER_KM, PER_TKM


def _parsed(value):
    """A quantity from raw text, or None when it does not parse (pydantic says why)."""
    try:
        return units.parse(value)
    except QuantityError:
        return None


def _plain(key) -> str:
    """A key without accents (`levées` → `levees`): a mistyped key is reported once, by its own message."""
    return unicodedata.normalize("NFKD", str(key)).encode("ascii", "ignore").decode().lower()


def check_terms(c: dict, path: tuple, add, complete: bool = True) -> None:
    """[R2] A container's hauler terms: a lift fee or a forfait, a forfait with its schedule."""
    c = {_plain(k): v for k, v in c.items()}
    if complete and c.get("frais_levee") is None and c.get("forfait") is None:
        add(path + ("frais_levee",), "champ obligatoire manquant : « frais_levee » (ex. 310 $), ou un « forfait » "
                                     "(ex. 648 $/mois) avec ses « levees »", on_value=False)
    if complete and c.get("contenant") is None:
        add(path + ("contenant",), "champ obligatoire manquant : « contenant » (ex. 40 vg³)", on_value=False)
    if c.get("forfait") is not None and c.get("levees") is None:
        add(path + ("forfait",), "un « forfait » est le prix d'un horaire fixe : donnez aussi « levees » (ex. 1/semaine)")
    if not complete:  # a collecte's terms: those it leaves out are today's container's
        return
    if c.get("tonnes_incluses") is not None and c.get("surplus") is None:
        add(path + ("tonnes_incluses",), "« tonnes_incluses » demande « surplus » : le prix de chaque tonne au-delà (ex. 38 $/t)")
    if c.get("surplus") is not None and c.get("tonnes_incluses") is None:
        add(path + ("surplus",), "« surplus » demande « tonnes_incluses » : les tonnes comprises dans chaque levée (ex. 3 t)")


def _check_retained(f: dict, scenarios: list, base: tuple, add) -> None:
    """[R2] Several substitutions may be retained together (parts ≤ 100 %); a mutualisation alone."""
    forced = [j for j, sc in enumerate(scenarios) if isinstance(sc, dict)
              and (sc.get("retenu") is True or sc.get("statut") == "en_place")]
    if len(forced) < 2:
        return
    kinds = {j: scenarios[j].get("type") for j in forced}
    pooled = [j for j in forced if kinds[j] == "mutualisation"]
    collections = [j for j in forced if kinds[j] == "collecte"]
    if pooled:
        other = next(j for j in forced if j != pooled[0])
        add(base + ("scenarios", max(other, pooled[0]), "retenu"),
            f"flux « {f.get('id')} » : une mutualisation est retenue seule (scénarios {pooled[0] + 1} et {other + 1} "
            "retenus ou en place ensemble)", on_value=False)
        return
    if len(collections) > 1:
        add(base + ("scenarios", collections[1], "retenu"),
            f"flux « {f.get('id')} » : deux scénarios de collecte retenus (scénarios {collections[0] + 1} et "
            f"{collections[1] + 1}) : un seul", on_value=False)
    total = 0.0
    for j in forced:
        if kinds[j] != "substitution":
            continue
        q = _parsed(scenarios[j].get("part")) if scenarios[j].get("part") is not None else None
        total += 1.0 if scenarios[j].get("part") is None else (q.value if q is not None else 0.0)
    if total > 1 + 1e-9:
        subs = [j + 1 for j in forced if kinds[j] == "substitution"]
        last = forced[-1]
        key = "retenu" if scenarios[last].get("retenu") is True else "statut"
        names = ", ".join(map(str, subs[:-1])) + f" et {subs[-1]}"
        add(base + ("scenarios", last, key),
            f"flux « {f.get('id')} » : les scénarios retenus {names} détournent ensemble "
            + f"{total * 100:.4g}".replace(".", ",") + " % du flux ; la somme de leurs « part » doit être "
            "au plus 100 % (plusieurs preneurs se partagent le flux)")

def check_scenarios(f: dict, base: tuple, g: dict, density: bool, add) -> None:
    """The scenarios of one stream (raw data): [R2] retained together (parts ≤ 100 %), collecte targets,
    container terms, transport distance, pooling needs."""
    scenarios = f.get("scenarios") if isinstance(f.get("scenarios"), list) else []
    _check_retained(f, scenarios, base, add)
    if isinstance(g.get("collecte"), dict):
        check_terms(g["collecte"], base + ("gestion", "collecte"), add)
    for j, sc in enumerate(scenarios):
        if not isinstance(sc, dict):
            continue
        spath = base + ("scenarios", j)
        if isinstance(sc.get("collecte"), dict):
            own = sc.get("type") != "collecte" or (g.get("collecte") is None and g.get("conteneur") is None)
            check_terms(sc["collecte"], spath + ("collecte",), add, complete=own)
        if sc.get("type") == "collecte":
            _check_collection(sc, spath, g, add)
        elif sc.get("type") == "substitution":
            t = _parsed(sc.get("transport"))
            if t is not None and t.dims in (PER_KM, PER_TKM) and sc.get("distance") is None:
                add(spath + ("transport",), "un transport en $/km ou $/t/km demande « distance »")
        elif sc.get("type") == "mutualisation":
            if g.get("conteneur") is not None:
                add(spath, "une mutualisation demande un conteneur propre au flux, pas un conteneur partagé")
            elif g.get("collecte") is None:
                add(spath, "une mutualisation demande que le flux ait son conteneur (« gestion.collecte »)")
            partners = sc.get("partenaires") if isinstance(sc.get("partenaires"), list) else []
            for k, partner in enumerate(partners):
                pq = _parsed(partner.get("quantite")) if isinstance(partner, dict) else None
                if pq is not None and pq.dims == MASS_RATE and not density:
                    add(spath + ("partenaires", k, "quantite"),
                        "quantité en masse : la masse volumique du flux est inconnue ; donnez un volume ou « masse_volumique »")


def _check_collection(sc: dict, spath: tuple, g: dict, add) -> None:
    """[R2] A `collecte` scenario acts on the stream's own container, or on its shared one by `conteneur:`."""
    target = sc.get("conteneur")
    if isinstance(target, str) and target != g.get("conteneur"):
        add(spath + ("conteneur",), f"« conteneur: {target} » : le flux n'est pas dans ce conteneur "
                                    f"(son conteneur partagé : « {g.get('conteneur') or 'aucun'} »)")
    if g.get("collecte") is None and g.get("conteneur") is None and not isinstance(sc.get("collecte"), dict):
        add(spath, "le flux n'a pas de conteneur aujourd'hui : la collecte doit donner le nouveau "
                   "conteneur (« collecte: {contenant: …, frais_levee: …} »)", on_value=False)
