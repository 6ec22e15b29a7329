"""Views of a TerritoryResult: JSON, CSV, Markdown and HTML (the workshop report).

Every view renders the same frozen result, so they cannot disagree. JSON and
CSV are for the MRC's own tools (raw numbers, dot decimals); Markdown and HTML
are for the concertation workshop (fr-CA / en-CA numbers through numbers.py,
labels through i18n.py and the table below). Templates only lay out: the
rows they show are prepared here, as strings.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import math

from symbio_cli import __version__, i18n, map_svg
from symbio_cli.numbers import format_money, format_number, format_percent, format_quantity, format_sig
from symbio_cli.territory import MIN_FIRMS, SCIAN_SECTORS, UNKNOWN_SECTOR, TerritoryResult

SCHEMA = "symbio.territoire/1"
FORMATS = ("md", "html", "json", "csv")
EXTENSIONS = {"md": ".md", "html": ".html", "json": ".json", "csv": ".csv"}
MATRIX_FIRMS = 25  # columns of the offer/demand matrix; the JSON and CSV have them all
PISTES_MAX = 20

# Labels of this report (fr, en); the shared vocabulary comes from i18n.py.
T: dict[str, tuple[str, str]] = {
    "titre": ("Synergies du territoire", "Territorial synergies"),
    "sep": (" : ", ": "),
    "sous_titre": ("Préparation de l'atelier de concertation : substitutions et mutualisations entre entreprises",
                   "Preparing the concertation workshop: substitutions and pooling between firms"),
    "territoire": ("le territoire", "the territory"),
    "meta.mrc": ("MRC", "RCM (MRC)"),
    "meta.entreprises": ("Entreprises analysées", "Firms analysed"),
    "meta.annee": ("Année des données et des dollars", "Year of data and dollars"),
    "meta.date": ("Date du rapport", "Report date"),
    "meta.parametres": ("Paramètres", "Parameters"),
    "parametres": ("rayon de mutualisation {rayon} ; conteneur partagé à moins de {partage} ; répartition {repartition} ; "
                   "GES attribués {giver} au fournisseur et {taker} au preneur",
                   "pooling radius {rayon}; shared container within {partage}; allocation {repartition}; "
                   "GHG attributed {giver} to the supplier and {taker} to the taker"),
    "anonyme": ("Rapport anonymisé : chaque entreprise est désignée par un code stable ; aucun total formé de moins de "
                "{n} entreprises n'est publié ; les positions de la carte sont arrondies à environ 2 km.",
                "Anonymised report: each firm is shown by a stable code; no total made up of fewer than {n} firms is "
                "published; map positions are rounded to about 2 km."),
    "supprime": ("— (moins de 3 entreprises)", "— (fewer than 3 firms)"),
    "s.synthese": ("Synthèse", "Summary"),
    "s.carte": ("Carte", "Map"),
    "s.opportunites": ("Opportunités classées", "Ranked opportunities"),
    "s.appariements": ("Substitutions : qui peut remplacer l'intrant de qui", "Substitutions: who can replace whose input"),
    "s.mutualisations": ("Mutualisations de la collecte", "Pooled collection"),
    "s.familles": ("Totaux par famille de matières", "Totals by material family"),
    "s.secteurs": ("Totaux par secteur SCIAN", "Totals by NAICS (SCIAN) sector"),
    "s.entreprises": ("Totaux par entreprise", "Totals by firm"),
    "s.matrice": ("Matrice de l'offre et de la demande", "Offer and demand matrix"),
    "s.pistes": ("Pistes pour l'atelier", "Leads for the workshop"),
    "s.en_place": ("Déjà en place", "Already in place"),
    "s.methode": ("Méthode", "Method"),
    "s.facteurs": ("Facteurs utilisés", "Factors used"),
    "s.avertissements": ("Avertissements", "Warnings"),
    "syn.appariements": ("Substitutions possibles", "Possible substitutions"),
    "syn.appariements.detail": ("{n} appariement(s), {q} de résidus qui remplacent des matières achetées",
                                "{n} match(es), {q} of residues replacing purchased materials"),
    "syn.valeur": ("Valeur nette des substitutions", "Net value of substitutions"),
    "syn.valeur.detail": ("élimination évitée {a} + achats évités {b} − transport {c}",
                          "disposal avoided {a} + purchases avoided {b} − transport {c}"),
    "syn.mutualisation": ("Économies de mutualisation", "Pooling savings"),
    "syn.mutualisation.detail": ("{n} groupe(s), {m} entreprise(s)", "{n} group(s), {m} firm(s)"),
    "syn.total": ("Gains potentiels pour le territoire", "Potential gains for the territory"),
    "syn.total.detail": ("substitutions et mutualisations, avant taxes, par an", "substitutions and pooling, before taxes, per year"),
    "syn.enfouissement": ("Enfouissement évité", "Landfill avoided"),
    "syn.enfouissement.detail": ("redevance d'élimination évitée : {r}", "disposal levy avoided: {r}"),
    "syn.ges": ("GES évités", "GHG avoided"),
    "syn.ges.detail": ("{f} attribuées aux fournisseurs, {p} aux preneurs", "{f} attributed to suppliers, {p} to takers"),
    "syn.ges.partiel": ("total partiel : des appariements sans facteur d'émission en sont exclus",
                        "partial total: matches without an emission factor are left out"),
    "syn.en_place": ("Déjà en place (compté à part)", "Already in place (counted apart)"),
    "syn.en_place.detail": ("{n} substitution(s), {q} ; {m} mutualisation(s)", "{n} substitution(s), {q}; {m} pooling scheme(s)"),
    "col.rang": ("#", "#"),
    "col.type": ("Type", "Type"),
    "col.qui": ("Qui", "Who"),
    "col.quoi": ("Quoi", "What"),
    "col.fournisseur": ("Fournisseur", "Supplier"),
    "col.flux": ("Flux", "Stream"),
    "col.preneur": ("Preneur", "Taker"),
    "col.intrant": ("Intrant remplacé", "Input replaced"),
    "col.matiere": ("Matière", "Material"),
    "col.quantite": ("t/an", "t/yr"),
    "col.distance": ("Distance", "Distance"),
    "col.valeur_f": ("Pour le fournisseur", "To the supplier"),
    "col.valeur_p": ("Pour le preneur", "To the taker"),
    "col.transport": ("Transport", "Transport"),
    "col.valeur": ("Valeur nette", "Net value"),
    "col.valeur_t": ("$/t net", "net $/t"),
    "col.ges": ("GES évités", "GHG avoided"),
    "col.gain": ("$/an", "$/yr"),
    "col.entreprise": ("Entreprise", "Firm"),
    "col.levees": ("Levées/an", "Lifts/yr"),
    "col.cout_seul": ("Coût seul", "Cost alone"),
    "col.part": ("Part du groupe", "Group share"),
    "col.economie": ("Économie", "Savings"),
    "col.famille": ("Famille", "Family"),
    "col.secteur": ("Secteur", "Sector"),
    "col.nb_entreprises": ("Entreprises", "Firms"),
    "col.nb_appariements": ("Substitutions", "Substitutions"),
    "col.tonnes": ("Tonnes échangées", "Tonnes exchanged"),
    "col.nb_mutualisations": ("Mutualisations", "Pooling groups"),
    "col.economie_mut": ("Économies de mutualisation", "Pooling savings"),
    "col.total": ("Total $/an", "Total $/yr"),
    "col.total_t": ("Total t/an", "Total t/yr"),
    "col.offre": ("Offre t/an", "Offer t/yr"),
    "col.demande": ("Demande t/an", "Demand t/yr"),
    "col.donne": ("Donné t/an", "Given t/yr"),
    "col.recu": ("Reçu t/an", "Received t/yr"),
    "col.gain_substitution": ("Substitutions $/an", "Substitutions $/yr"),
    "col.categorie": ("Matière ou intrant", "Material or input"),
    "col.statut": ("Statut réglementaire", "Regulatory status"),
    "col.dans_territoire": ("Preneur dans le territoire", "Taker in the territory"),
    "col.cle": ("Clé", "Key"),
    "col.source": ("Source", "Source"),
    "col.annee": ("Année", "Year"),
    "col.code": ("Code", "Code"),
    "col.message": ("Message", "Message"),
    "type.substitution": ("Substitution", "Substitution"),
    "type.mutualisation": ("Mutualisation", "Pooling"),
    "opp.substitution": ("{f} → {p} : {m} ({i})", "{f} → {p}: {m} ({i})"),
    "opp.mutualisation": ("{forme} pour {m} : {membres}", "{forme} for {m}: {membres}"),
    "aucun_appariement": ("Aucun appariement rentable n'a été trouvé entre ces inventaires.",
                          "No profitable match was found between these inventories."),
    "aucune_mutualisation": ("Aucun groupe de mutualisation ne fait économiser.", "No pooling group saves money."),
    "aucun_en_place": ("Aucun scénario « en place » dans ces inventaires.", "No “in place” scenario in these inventories."),
    "groupe.titre": ("Groupe {n} — {forme} : {m} ({mode})", "Group {n} — {forme}: {m} ({mode})"),
    "groupe.detail": ("Coût du groupe {cout} au lieu de {seul} seuls : économie {eco} par an ; répartition {rep} ; "
                      "distance maximale entre membres {d}.",
                      "Group cost {cout} instead of {seul} alone: savings of {eco} per year; allocation {rep}; "
                      "largest distance between members {d}."),
    "groupe.hypothese": ("Hypothèse à confirmer auprès des transporteurs : levées du groupe à {r} de moins que le tarif "
                         "de chaque entreprise, plus {g} de frais de coordination.",
                         "Assumption to confirm with haulers: the group's lifts cost {r} less than each firm's own fee, "
                         "plus {g} of coordination fees."),
    "groupe.partage": ("Un conteneur de {v} partagé ({fee} par levée) remplace les conteneurs des membres.",
                       "One shared {v} container ({fee} per lift) replaces the members' containers."),
    "stable.oui": ("Répartition stable : aucun sous-groupe ne paierait moins sans les autres.",
                   "Stable allocation: no sub-group would pay less without the others."),
    "stable.non": ("Répartition instable : {c} paierai(en)t moins en se regroupant sans les autres.",
                   "Unstable allocation: {c} would pay less by pooling without the others."),
    "stable.piste": ("Une répartition où chacun paie ses propres levées au tarif réduit, plus une part égale des "
                     "frais de coordination, est toujours stable pour un contrat de groupe.",
                     "An allocation where each pays its own lifts at the reduced fee, plus an equal share of the "
                     "coordination fees, is always stable for a group contract."),
    "membres_gagnent": ("Aucun membre ne paie plus que seul.", "No member pays more than alone."),
    "matrice.note": ("O : offre de résidus (t/an encore disponibles) ; D : demande d'intrants (t/an). ",
                     "O: residues offered (t/yr still available); D: inputs demanded (t/yr). "),
    "matrice.tronquee": ("{n} autres entreprises ne sont pas montrées ici (voir le JSON ou le CSV).",
                         "{n} other firms are not shown here (see the JSON or CSV)."),
    "piste.substitution": ("Substitution : {m} de {f} vers {p}", "Substitution: {m} from {f} to {p}"),
    "piste.mutualisation": ("Mutualisation : {forme} pour {m}", "Pooling: {forme} for {m}"),
    "piste.qui": ("Qui", "Who"),
    "piste.quoi": ("Quoi", "What"),
    "piste.combien": ("Combien", "How much"),
    "piste.demarche": ("Démarche réglementaire", "Regulatory step"),
    "piste.qui.substitution": ("{f} (flux « {s} ») et {p} (intrant « {i} »)", "{f} (stream “{s}”) and {p} (input “{i}”)"),
    "piste.quoi.substitution": ("{q} de {m} ({mode} aujourd'hui) remplacent « {c} » ; {d} de route, {v} voyage(s) par an",
                                "{q} of {m} ({mode} today) replace “{c}”; {d} by road, {v} trip(s) per year"),
    "piste.combien.substitution": ("{net} par an : {a} d'élimination évitée pour le fournisseur, {b} d'achats évités "
                                   "pour le preneur, {t} de transport ; GES évités {g}",
                                   "{net} per year: {a} of disposal avoided for the supplier, {b} of purchases avoided "
                                   "for the taker, {t} of transport; GHG avoided {g}"),
    "piste.qui.mutualisation": ("{membres}", "{membres}"),
    "piste.quoi.mutualisation": ("{forme} pour {m} ({mode}), {l} levées par an", "{forme} for {m} ({mode}), {l} lifts per year"),
    "piste.combien.mutualisation": ("{eco} par an pour le groupe : {parts}", "{eco} per year for the group: {parts}"),
    "piste.statut": ("Statut réglementaire déclaré : {s}.", "Declared regulatory status: {s}."),
    "piste.hypothese": ("Rabais de levée de {r} : hypothèse à confirmer auprès des transporteurs.",
                        "Lift rebate of {r}: an assumption to confirm with haulers."),
    "piste.aucune_note": ("Aucune note réglementaire propre à cette matière dans la bibliothèque.",
                          "No regulatory note of its own for this material in the library."),
    "oui": ("oui", "yes"),
    "non": ("non", "no"),
    "partiel": ("partiel", "partial"),
    "secteur.inconnu": ("SCIAN non indiqué", "NAICS not given"),
    "carte.titre": ("Carte des synergies : {n} entreprise(s), {a} substitution(s), {g} groupe(s) de mutualisation",
                    "Synergy map: {n} firm(s), {a} substitution(s), {g} pooling group(s)"),
    "carte.desc": ("Entreprises placées par longitude et latitude (projection équirectangulaire). Les lignes relient "
                   "un fournisseur à un preneur (plus épaisses pour plus de tonnes) : {lignes}. Les contours entourent "
                   "les membres d'un groupe de mutualisation : {groupes}.",
                   "Firms placed by longitude and latitude (equirectangular projection). Lines join a supplier to a "
                   "taker (thicker for more tonnes): {lignes}. Outlines surround the members of a pooling group: {groupes}."),
    "carte.sans_coordonnees": ("Aucune entreprise n'a de coordonnées : pas de carte.", "No firm has coordinates: no map."),
    "legende.fournisseur": ("fournisseur", "supplier"),
    "legende.preneur": ("preneur", "taker"),
    "legende.les_deux": ("fournisseur et preneur", "supplier and taker"),
    "legende.membre": ("membre d'un groupe", "group member"),
    "legende.autre": ("autre entreprise", "other firm"),
    "legende.en_place": ("déjà en place", "already in place"),
    "pied": ("Rapport produit par symbio {version} le {date}. Les montants sont des estimations annuelles avant taxes ; "
             "les figures par entreprise attribuent le transport au fournisseur.",
             "Report produced by symbio {version} on {date}. Amounts are yearly estimates before taxes; "
             "per-firm figures put transport on the supplier."),
}

METHOD = {
    "fr": (
        ("Distances", "Distance entre deux entreprises = distance orthodromique (formule de haversine, rayon terrestre "
         "moyen de 6 371,0088 km) × facteur de détour routier transport.facteur_route."),
        ("Substitution", "Un flux résiduel de l'entreprise A et un intrant de l'entreprise B (B ≠ A) forment une paire "
         "quand la catégorie de l'intrant figure dans les usages (« substitue ») de la matière. Par tonne : valeur pour "
         "A = tarif + redevance que A paie aujourd'hui (calculés par la méthode de l'audit), valeur pour B = prix de "
         "l'intrant, transport = transport.cout ($/t/km) × distance ; valeur nette = somme − transport. Les paires sont "
         "retenues par valeur nette par tonne décroissante, pour q = min(offre restante, demande restante), sans jamais "
         "dépasser une offre ni une demande ; une paire de valeur nette nulle ou négative n'est pas proposée. Le coût de "
         "transport est une moyenne de longues distances qui sous-estime les courts trajets : le prix d'un transporteur "
         "le remplace."),
        ("GES", "Comme pour une substitution : q × (facteur du mode actuel − facteur de la filière chez le preneur) − "
         "voyages × 2 × distance × émission du camion. Filière chez le preneur : biomasse combustible → valorisation "
         "énergétique ; alimentation animale → alimentation animale ; amendement de sol → épandage ; granulats → "
         "recyclage ; la matière elle-même ou une autre catégorie → la filière par défaut de la matière. Un facteur "
         "manquant laisse l'appariement hors du total (signalé partiel), jamais compté 0. Les GES sont partagés entre "
         "fournisseur et preneur (--attribution-ges) pour que la somme des rapports des entreprises ne compte jamais "
         "une tonne deux fois."),
        ("Déjà en place", "La part d'un flux déjà détournée par un scénario « en_place » de son inventaire n'est plus "
         "offerte ; ces scénarios sont comptés à part (tonnes, gains et GES de l'audit). Quand le preneur nommé est une "
         "entreprise du territoire, sa demande est réduite d'autant. Un flux déjà mutualisé (« en_place ») ne forme pas "
         "de nouveau groupe."),
        ("Mutualisation", "Les flux d'une même matière et d'un même mode, chacun dans son propre conteneur, dans des "
         "entreprises différentes situées à moins de --rayon km les unes des autres (chaque paire), forment un contrat "
         "de groupe : chacune garde son conteneur et ses levées, et les levées du groupe coûtent (1 − "
         "mutualisation.rabais_levee) × le tarif de chaque entreprise, plus mutualisation.frais_gestion — une hypothèse "
         "à confirmer auprès des transporteurs. Des entreprises à moins de --rayon-partage km peuvent partager un seul "
         "conteneur (termes mutualisation.*, sinon le plus grand conteneur des membres). Groupes formés de façon "
         "déterministe : le flux qui a le plus de voisins d'abord, puis ses voisins du plus proche au plus loin s'ils "
         "sont à portée de tous les membres ; une entreprise au plus une fois par groupe. Un membre qui paierait plus "
         "que seul quitte le groupe ; un groupe n'est montré que s'il fait économiser. Répartition proportionnelle aux "
         "levées (au volume pour un conteneur partagé) ou selon la valeur de Shapley ; stabilité vérifiée (aucun "
         "sous-groupe ne paierait moins seul)."),
        ("Lecture", "Substitutions et mutualisations sont calculées chacune contre la situation d'aujourd'hui : un flux "
         "peut figurer dans les deux. Les gains d'une entreprise ne comptent ni la baisse des levées de son conteneur "
         "quand un résidu part, ni le coût d'une nouvelle collecte : à préciser en atelier."),
    ),
    "en": (
        ("Distances", "Distance between two firms = great-circle distance (haversine formula, mean Earth radius "
         "6,371.0088 km) × the road detour factor transport.facteur_route."),
        ("Substitution", "A residue stream of firm A and an input of firm B (B ≠ A) form a pair when the input's "
         "category is among the material's uses (“substitue”). Per tonne: value to A = the fee and levy A pays today "
         "(as the audit method computes them), value to B = the input's price, transport = transport.cout ($/t/km) × "
         "distance; net value = sum − transport. Pairs are taken by decreasing net value per tonne, for q = min(supply "
         "left, demand left), never beyond a supply or a demand; a pair with a net value of zero or less is not "
         "proposed. The transport cost is a long-haul average that underestimates short trips: a hauler's price "
         "replaces it."),
        ("GHG", "As for a substitution: q × (factor of today's mode − factor of the route at the taker) − trips × 2 × "
         "distance × truck emissions. Route at the taker: fuel biomass → energy recovery; animal feed → animal feed; "
         "soil amendment → land application; aggregates → recycling; the material itself or another category → the "
         "material's default route. A missing factor leaves the match out of the total (flagged partial), never "
         "counted as 0. GHG are split between supplier and taker (--attribution-ges) so that adding up the firms' "
         "reports never counts a tonne twice."),
        ("Already in place", "The share of a stream already diverted by an “en_place” scenario of its inventory is no "
         "longer offered; these scenarios are counted apart (tonnes, gains and GHG from the audit). When the named "
         "taker is a firm of the territory, its demand is reduced accordingly. A stream already pooled (“en_place”) "
         "forms no new group."),
        ("Pooling", "Streams of one material and one mode, each in its own container, at different firms within "
         "--rayon km of each other (every pair), form a group contract: each keeps its container and lifts, and the "
         "group's lifts cost (1 − mutualisation.rabais_levee) × each firm's own fee, plus mutualisation.frais_gestion "
         "— an assumption to confirm with haulers. Firms within --rayon-partage km may share one container instead "
         "(mutualisation.* terms, else the members' largest container). Groups are formed deterministically: the "
         "stream with the most neighbours first, then its neighbours from nearest to farthest when within reach of "
         "every member; a firm at most once per group. A member who would pay more than alone leaves the group; a "
         "group is shown only when it saves money. Allocation in proportion to lifts (to volume for a shared "
         "container) or by Shapley value; stability checked (no sub-group would pay less alone)."),
        ("Reading", "Substitutions and pooling are each computed against today: a stream may appear in both. A firm's "
         "gains count neither its container's fewer lifts when a residue leaves nor the cost of a new collection: to "
         "be settled at the workshop."),
    ),
}


@functools.lru_cache(maxsize=None)
def labels(lang: str) -> dict[str, str]:
    """This report's labels in `lang` (French typography applied)."""
    return {k: (en if lang == "en" else i18n.typography(fr, "fr")) for k, (fr, en) in T.items()}


def _t(key: str, lang: str, **values) -> str:
    text = labels(lang)[key]
    return text.format(**values) if values else text


# ---------------------------------------------------------------------------
# JSON


MATCH_KEYS = ("fournisseur", "flux", "preneur", "intrant", "matiere", "quantite_t", "distance_km",
              "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad", "ges_evites_tco2e")
GROUP_KEYS = ("matiere", "forme", "membres", "cout_groupe_cad", "economie_cad", "stable")
MEMBER_KEYS = ("entreprise", "flux", "cout_seul_cad", "part_cad", "economie_cad")


def _clean(value):
    """JSON-safe: no -0.0, no NaN or infinity; tuples as lists."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return 0.0 if value == 0 else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


@functools.lru_cache(maxsize=None)
def _public_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("i_"))


def _public(obj) -> dict:
    """A dataclass as a dict without its private index fields (`i_…`)."""
    return {name: getattr(obj, name) for name in _public_names(type(obj))}


def _ordered(row: dict, first: tuple) -> dict:
    out = {k: row[k] for k in first}
    out.update((k, v) for k, v in row.items() if k not in out)
    return out


def to_dict(result: TerritoryResult, date: str = "") -> dict:
    """The result as a plain dict: the `symbio.territoire/1` contract, extra keys after."""
    o = result.options
    matches = [_ordered(_public(m), MATCH_KEYS) for m in result.appariements]
    groups = []
    for g in result.mutualisations:
        row = _public(g)
        row["membres"] = [_ordered(_public(mb), MEMBER_KEYS) for mb in g.membres]
        groups.append(_ordered(row, GROUP_KEYS))
    totals = _public(result.totaux)
    if result.totaux.supprime:
        keep = {"entreprises", "entreprises_localisees", "flux", "intrants", "supprime"}
        totals = {k: (v if k in keep else None) for k, v in totals.items()}
    return _clean({
        "schema": SCHEMA,
        "version": __version__,
        "date": date,
        "annee": result.annee,
        "mrc": list(result.mrc),
        "parametres": {
            "rayon_km": o.rayon_km, "rayon_partage_km": o.rayon_partage_km, "repartition": o.repartition,
            "attribution_ges_fournisseur": o.attribution_ges, "anonymise": o.anonymiser,
            "seuil_entreprises": MIN_FIRMS if o.anonymiser else None,
            **{k: v for k, v in result.hypotheses.items()},
        },
        "appariements": matches,
        "mutualisations": groups,
        "totaux": totals,
        "en_place": [_public(e) for e in result.en_place],
        "entreprises": [_public(f) for f in result.entreprises],
        "par_famille": [_public(b) for b in result.par_famille],
        "par_secteur": [_public(b) for b in result.par_secteur],
        "par_matiere": [_public(b) for b in result.par_matiere],
        "facteurs_utilises": [dataclasses.asdict(f) for f in result.facteurs_utilises],
        "avertissements": [dataclasses.asdict(w) for w in result.avertissements],
    })


def render_json(result: TerritoryResult, date: str = "") -> str:
    """Deterministic JSON text: sections indented, one record per line in lists of records.

    A territory can hold tens of thousands of records; Python's indenting
    encoder is pure Python, the compact one is C: records are written compact.
    """
    data = to_dict(result, date)
    lines = ["{"]
    items = list(data.items())
    for k, (key, value) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"  {name}: [")
            lines.append(",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value))
            lines.append(f"  ]{comma}")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            lines.append(f"  {name}: {text}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# CSV: one file, a `type` column (appariement, mutualisation — one row per member —, en_place)

CSV_COLUMNS = (
    "type", "rang", "matiere", "forme", "fournisseur", "flux", "preneur", "intrant", "categorie", "quantite_t",
    "distance_km", "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad",
    "ges_evites_tco2e", "entreprise", "levees", "cout_seul_cad", "part_cad", "economie_cad", "cout_groupe_cad",
    "economie_groupe_cad", "stable",
)
_DIGITS = {"quantite_t": 3, "distance_km": 3, "ges_evites_tco2e": 4, "levees": 2}


def _csv_cell(key: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = f"{value:.{_DIGITS.get(key, 2)}f}"
        return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):  # a spreadsheet would run it as a formula
        text = "'" + text
    return text


def render_csv(result: TerritoryResult) -> str:
    """Matches, pooling members and scenarios in place, one CSV with a `type` column."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def row(values: dict):
        writer.writerow([_csv_cell(k, values.get(k)) for k in CSV_COLUMNS])

    for m in result.appariements:
        row({**_public(m), "type": "appariement"})
    for g in result.mutualisations:
        for mb in g.membres:
            row({"type": "mutualisation", "rang": g.rang, "matiere": g.matiere, "forme": g.forme,
                 "entreprise": mb.entreprise, "flux": mb.flux, "levees": mb.levees, "cout_seul_cad": mb.cout_seul_cad,
                 "part_cad": mb.part_cad, "economie_cad": mb.economie_cad, "cout_groupe_cad": g.cout_groupe_cad,
                 "economie_groupe_cad": g.economie_cad, "stable": g.stable})
    for e in result.en_place:
        row({"type": "en_place", "matiere": e.matiere, "forme": e.type, "fournisseur": e.fournisseur,
             "flux": e.flux, "preneur": e.preneur, "intrant": e.intrant, "quantite_t": e.quantite_t,
             "valeur_cad": e.gain_cad, "ges_evites_tco2e": e.ges_evites_tco2e})
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Markdown and HTML


def _material(lib, key: str, lang: str) -> str:
    m = lib.materials.get(key)
    if m is not None:
        return m.en if lang == "en" else m.fr
    c = lib.input_categories.get(key)
    if isinstance(c, dict):
        return str(c.get("en" if lang == "en" else "fr") or key)
    return key


def _sector(key: str, lang: str) -> str:
    if key == UNKNOWN_SECTOR:
        return _t("secteur.inconnu", lang)
    fr, en = SCIAN_SECTORS[key]
    return f"{key} — {en if lang == 'en' else fr}"


class _Fmt:
    """Number formatting of one report language (numbers.py)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.hidden = _t("supprime", lang)

    def money(self, v) -> str:
        return self.hidden if v is None else format_money(v, self.lang, 0)

    def unit_money(self, v, per: str = "t") -> str:
        return format_money(v, self.lang, 2, per=per)

    def t(self, v) -> str:
        return self.hidden if v is None else format_quantity(v, "t", self.lang, 1)

    def tn(self, v) -> str:  # a number of tonnes in a column headed t/an
        return self.hidden if v is None else format_number(v, self.lang, 1)

    def km(self, v) -> str:
        return format_quantity(v, "km", self.lang, 1)

    def ghg(self, v, partial: bool = False) -> str:
        if v is None:
            return "—"
        text = format_quantity(v, "t\u00a0CO2e", self.lang, 2)
        return text + (f" ({_t('partiel', self.lang)})" if partial else "")

    def pct(self, v) -> str:
        return format_percent(v, self.lang)

    def n(self, v) -> str:
        return format_number(v, self.lang, 0)


def _map(result: TerritoryResult, lib, lang: str) -> str:
    firms = result.entreprises
    idx = [k for k, f in enumerate(firms) if f.lat is not None and f.lon is not None]
    if not idx:
        return ""
    pos = {k: n for n, k in enumerate(idx)}
    givers = {m.i_fournisseur for m in result.appariements}
    takers = {m.i_preneur for m in result.appariements}
    members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}
    fmt = _Fmt(lang)
    points = []
    for k in idx:
        f = firms[k]
        role = ("les_deux" if k in givers and k in takers else "fournisseur" if k in givers
                else "preneur" if k in takers else "membre" if k in members else "autre")
        points.append(map_svg.Point(f.entreprise, f.lat, f.lon, role, f.entreprise))
    lines = []
    for m in result.appariements:
        a, b = m.i_fournisseur, m.i_preneur
        if a in pos and b in pos:
            lines.append(map_svg.Line(pos[a], pos[b], m.quantite_t,
                                      f"{m.fournisseur} → {m.preneur} : {_material(lib, m.matiere, lang)}, "
                                      f"{fmt.t(m.quantite_t)}, {fmt.money(m.valeur_cad)}"))
    for e in result.en_place:
        if e.dans_territoire and e.i_fournisseur in pos and e.i_preneur in pos:
            lines.append(map_svg.Line(pos[e.i_fournisseur], pos[e.i_preneur], e.quantite_t,
                                      f"{_t('legende.en_place', lang)} — {e.fournisseur} → {e.preneur} : "
                                      f"{_material(lib, e.matiere, lang)}, {fmt.t(e.quantite_t)}", dashed=True))
    outlines = []
    for g in result.mutualisations:
        ms = tuple(pos[mb.i_entreprise] for mb in g.membres if mb.i_entreprise in pos)
        if ms:
            outlines.append(map_svg.Outline(ms, f"{i18n.forme(g.forme, lang)} — {_material(lib, g.matiere, lang)} : "
                                                f"{', '.join(mb.entreprise for mb in g.membres)}"))
    legend = {r: _t(f"legende.{r}", lang) for r in ("fournisseur", "preneur", "les_deux", "membre", "autre")}
    if any(ln.dashed for ln in lines):
        legend["en_place"] = _t("legende.en_place", lang)
    line_text = "; ".join(ln.title for ln in lines[:30]) or "—"
    group_text = "; ".join(o.title for o in outlines[:30]) or "—"
    return map_svg.render(
        points, lines, outlines,
        _t("carte.titre", lang, n=len(points), a=len(lines), g=len(outlines)),
        _t("carte.desc", lang, lignes=line_text, groupes=group_text), legend,
        decimal="." if lang == "en" else ",",
    )


def _view(result: TerritoryResult, lib, lang: str, date: str) -> dict:
    """Everything the templates show, already formatted."""
    f = _Fmt(lang)
    L = labels(lang)
    t = result.totaux
    o = result.options
    hidden = t.supprime
    members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}

    def hide(v):
        return None if hidden else v

    meta = [
        (L["meta.mrc"], ", ".join(result.mrc) or "—"),
        (L["meta.entreprises"], f"{t.entreprises} ({t.flux} flux, {t.intrants} intrants)" if lang == "fr"
         else f"{t.entreprises} ({t.flux} streams, {t.intrants} inputs)"),
        (L["meta.annee"], str(result.annee or "—")),
        (L["meta.date"], date or "—"),
        (L["meta.parametres"], _t("parametres", lang, rayon=f.km(o.rayon_km), partage=f.km(o.rayon_partage_km),
                                  repartition=i18n.repartition(o.repartition, lang),
                                  giver=f.pct(o.attribution_ges), taker=f.pct(1 - o.attribution_ges))),
    ]
    figures = [
        (L["syn.appariements"], f.t(hide(t.quantite_t)),
         _t("syn.appariements.detail", lang, n=t.appariements, q=f.t(hide(t.quantite_t)))),
        (L["syn.valeur"], f.money(hide(t.valeur_cad)),
         _t("syn.valeur.detail", lang, a=f.money(hide(t.valeur_fournisseur_cad)),
            b=f.money(hide(t.valeur_preneur_cad)), c=f.money(hide(t.cout_transport_cad)))),
        (L["syn.mutualisation"], f.money(hide(t.economie_mutualisation_cad)),
         _t("syn.mutualisation.detail", lang, n=t.mutualisations, m=len(members))),
        (L["syn.total"], f.money(hide(t.economies_totales_cad)), L["syn.total.detail"]),
        (L["syn.enfouissement"], f.t(hide(t.enfouissement_evite_t)),
         _t("syn.enfouissement.detail", lang, r=f.money(hide(t.redevance_evitee_cad)))),
        (L["syn.ges"], f.hidden if hidden else f.ghg(t.ges_evites_tco2e, t.ges_partiel),
         _t("syn.ges.detail", lang, f=f.hidden if hidden else f.ghg(t.ges_fournisseurs_tco2e),
            p=f.hidden if hidden else f.ghg(t.ges_preneurs_tco2e))
         + (" ; " + L["syn.ges.partiel"] if t.ges_partiel and lang == "fr" else
            "; " + L["syn.ges.partiel"] if t.ges_partiel else "")),
        (L["syn.en_place"], f.money(None if t.en_place_supprime else t.en_place_gain_cad + t.en_place_economie_mutualisation_cad),
         _t("syn.en_place.detail", lang, n=t.en_place_substitutions,
            q=f.t(None if t.en_place_supprime else t.en_place_quantite_t), m=t.en_place_mutualisations)),
    ]

    def mat(key):
        return _material(lib, key, lang)

    matches = [{
        "rang": str(m.rang), "fournisseur": m.fournisseur, "flux": m.flux, "preneur": m.preneur,
        "intrant": f"{m.intrant} ({mat(m.categorie)})", "matiere": mat(m.matiere), "quantite": f.tn(m.quantite_t),
        "distance": f.km(m.distance_km), "valeur_f": f.money(m.valeur_fournisseur_cad),
        "valeur_p": f.money(m.valeur_preneur_cad), "transport": f.money(m.cout_transport_cad),
        "valeur": f.money(m.valeur_cad), "valeur_t": f.unit_money(m.valeur_par_tonne_cad),
        "ges": f.ghg(m.ges_evites_tco2e),
    } for m in result.appariements]

    groups = []
    for g in result.mutualisations:
        groups.append({
            "titre": _t("groupe.titre", lang, n=g.rang, forme=i18n.forme(g.forme, lang), m=mat(g.matiere),
                        mode=i18n.mode(g.mode, lang)),
            "detail": _t("groupe.detail", lang, cout=f.money(g.cout_groupe_cad),
                         seul=f.money(sum(mb.cout_seul_cad for mb in g.membres)), eco=f.money(g.economie_cad),
                         rep=i18n.repartition(g.repartition, lang), d=f.km(g.distance_max_km)),
            "hypothese": (_t("groupe.hypothese", lang, r=f.pct(g.rabais_levee), g=f.money(g.frais_gestion_cad))
                          if g.forme == "contrat_groupe" else
                          _t("groupe.partage", lang, v=format_quantity(g.contenant_m3 or 0, "m³", lang, 1),
                             fee=f.money(g.frais_levee_cad))),
            "stable": L["stable.oui"] if g.stable else (
                _t("stable.non", lang, c=", ".join(g.coalition_bloquante or ()))
                + (" " + L["stable.piste"] if g.forme == "contrat_groupe" else "")),
            "gagnent": L["membres_gagnent"] if all(mb.economie_cad >= -1e-6 for mb in g.membres) else "",
            "membres": [{"entreprise": mb.entreprise, "flux": mb.flux, "levees": format_number(mb.levees, lang, 1),
                         "cout_seul": f.money(mb.cout_seul_cad), "part": f.money(mb.part_cad),
                         "economie": f.money(mb.economie_cad)} for mb in g.membres],
        })

    opportunities = []
    for m in result.appariements:
        opportunities.append((m.valeur_cad, {
            "type": L["type.substitution"],
            "quoi": _t("opp.substitution", lang, f=m.fournisseur, p=m.preneur, m=mat(m.matiere), i=mat(m.categorie)),
            "quantite": f.tn(m.quantite_t), "valeur": f.money(m.valeur_cad), "ges": f.ghg(m.ges_evites_tco2e)}))
    for g in result.mutualisations:
        opportunities.append((g.economie_cad, {
            "type": L["type.mutualisation"],
            "quoi": _t("opp.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=mat(g.matiere),
                       membres=", ".join(mb.entreprise for mb in g.membres)),
            "quantite": "—", "valeur": f.money(g.economie_cad), "ges": "—"}))
    opportunities.sort(key=lambda item: -item[0])
    opportunities = [dict(row, rang=str(k + 1)) for k, (_, row) in enumerate(opportunities)]

    def breakdown_rows(rows, label):
        return [{"cle": label(b.cle), "entreprises": str(b.entreprises), "appariements": str(b.appariements),
                 "quantite": f.tn(b.quantite_t), "valeur": f.money(b.valeur_cad),
                 "ges": f.hidden if b.supprime else f.ghg(b.ges_evites_tco2e, b.ges_partiel),
                 "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
                 "total": f.money(b.total_cad)} for b in rows]

    families = breakdown_rows(result.par_famille, lambda k: f"{k} — {i18n.famille(k, lang)}")
    sectors = breakdown_rows(result.par_secteur, lambda k: _sector(k, lang))
    firms = sorted(result.entreprises, key=lambda r: (-r.valeur_cad, r.entreprise))
    firm_rows = [{"entreprise": r.entreprise, "secteur": _sector(r.secteur, lang) if r.secteur != UNKNOWN_SECTOR
                  else "—", "offre": f.tn(r.offre_t), "demande": f.tn(r.demande_t), "donne": f.tn(r.donne_t),
                  "recu": f.tn(r.recu_t),
                  "substitution": f.money(r.valeur_fournisseur_cad - r.cout_transport_cad + r.valeur_preneur_cad),
                  "mutualisation": f.money(r.economie_mutualisation_cad), "total": f.money(r.valeur_cad),
                  "ges": f.ghg(r.ges_tco2e, r.ges_partiel)} for r in firms]

    # offer/demand matrix: the firms most involved first, at most MATRIX_FIRMS columns
    involvement = sorted(range(len(result.entreprises)),
                         key=lambda k: (-(result.entreprises[k].appariements + result.entreprises[k].mutualisations),
                                        -result.entreprises[k].valeur_cad, result.entreprises[k].entreprise))
    cols = sorted(involvement[:MATRIX_FIRMS], key=lambda k: result.entreprises[k].entreprise)
    matrix_rows = []
    for row in result.matrice:
        cells = []
        for k in cols:
            parts = []
            if k in row.offre:
                parts.append(f"O {f.tn(row.offre[k])}")
            if k in row.demande:
                parts.append(f"D {f.tn(row.demande[k])}")
            cells.append(" · ".join(parts))
        if not any(cells):
            cells_present = any(k in row.offre or k in row.demande for k in range(len(result.entreprises)))
            if not cells_present:
                continue
        total = []
        if row.offre:
            total.append(f"O {f.tn(row.offre_t)}" if row.offre_t is not None else f"O {f.hidden}")
        if row.demande:
            total.append(f"D {f.tn(row.demande_t)}" if row.demande_t is not None else f"D {f.hidden}")
        matrix_rows.append({"categorie": mat(row.categorie), "cells": cells, "total": " · ".join(total)})
    matrix_rows.sort(key=lambda r: r["categorie"].casefold())
    matrix = {"cols": [result.entreprises[k].entreprise for k in cols], "rows": matrix_rows,
              "note": L["matrice.note"] + (_t("matrice.tronquee", lang, n=len(result.entreprises) - len(cols))
                                           if len(result.entreprises) > len(cols) else "")}

    pistes = _pistes(result, lib, lang, f)
    en_place = [{"fournisseur": e.fournisseur, "flux": e.flux, "type": i18n.type_court(e.type, lang),
                 "preneur": e.preneur or "—", "matiere": mat(e.matiere),
                 "quantite": f.tn(e.quantite_t) if e.type == "substitution" else "—",
                 "gain": f.money(e.gain_cad), "ges": f.ghg(e.ges_evites_tco2e) if e.type == "substitution" else "—",
                 "dans_territoire": L["oui"] if e.dans_territoire else L["non"],
                 "statut": i18n.statut_reglementaire(e.statut_reglementaire, lang)} for e in result.en_place]
    factors = [{"cle": u.cle, "valeur": format_sig(u.valeur, lang) + (f" {i18n.unit(u.unite, lang)}" if u.unite else ""),
                "source": u.source, "annee": str(u.annee or "—")} for u in result.facteurs_utilises]
    warnings = [{"code": i18n.warning_code(w.code, lang), "message": w.message, "champ": w.champ}
                for w in result.avertissements]
    title_place = ", ".join(result.mrc) if result.mrc else _t("territoire", lang)
    return {
        "L": L, "lang": lang, "titre": f"{L['titre']} — {title_place}", "meta": meta, "figures": figures,
        "anonyme": _t("anonyme", lang, n=MIN_FIRMS) if o.anonymiser else "",
        "note_langue": i18n.text("langue_sources", lang) if lang == "en" else "",
        "carte": _map(result, lib, lang), "opportunites": opportunities, "appariements": matches,
        "mutualisations": groups, "familles": families, "secteurs": sectors, "entreprises": firm_rows,
        "matrice": matrix, "pistes": pistes, "en_place": en_place,
        "methode": [(a, i18n.typography(b, lang)) for a, b in METHOD["en" if lang == "en" else "fr"]],
        "facteurs": factors, "avertissements": warnings,
        "pied": _t("pied", lang, version=__version__, date=date or "—"),
    }


def _pistes(result: TerritoryResult, lib, lang: str, f: _Fmt) -> list[dict]:
    """Concrete actions: who, what, how much, and the regulatory step, for the best opportunities."""
    items = []
    for m in result.appariements:
        material = lib.materials.get(m.matiere)
        steps = []
        if material is not None and material.note:
            steps.append(material.note)
        generic = i18n.exigence(m.filiere, lang)
        if generic:
            steps.append(generic)
        if not steps:
            steps.append(_t("piste.aucune_note", lang))
        steps.append(_t("piste.statut", lang, s=i18n.statut_reglementaire(m.statut_reglementaire, lang)))
        items.append((m.valeur_cad, {
            "titre": _t("piste.substitution", lang, m=_material(lib, m.matiere, lang), f=m.fournisseur, p=m.preneur),
            "qui": _t("piste.qui.substitution", lang, f=m.fournisseur, s=m.flux, p=m.preneur, i=m.intrant),
            "quoi": _t("piste.quoi.substitution", lang, q=f.t(m.quantite_t), m=_material(lib, m.matiere, lang),
                       mode=i18n.mode(m.mode_actuel, lang).lower(), c=_material(lib, m.categorie, lang),
                       d=f.km(m.distance_km), v=m.voyages),
            "combien": _t("piste.combien.substitution", lang, net=f.money(m.valeur_cad),
                          a=f.money(m.valeur_fournisseur_cad), b=f.money(m.valeur_preneur_cad),
                          t=f.money(m.cout_transport_cad), g=f.ghg(m.ges_evites_tco2e)),
            "demarche": steps,
        }))
    for g in result.mutualisations:
        steps = [i18n.exigence("mutualisation", lang)]
        if g.forme == "contrat_groupe" and g.rabais_levee is not None:
            steps.append(_t("piste.hypothese", lang, r=f.pct(g.rabais_levee)))
        parts = ", ".join(f"{mb.entreprise} {f.money(mb.economie_cad)}" for mb in g.membres)
        items.append((g.economie_cad, {
            "titre": _t("piste.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=_material(lib, g.matiere, lang)),
            "qui": _t("piste.qui.mutualisation", lang, membres=", ".join(mb.entreprise for mb in g.membres)),
            "quoi": _t("piste.quoi.mutualisation", lang, forme=i18n.forme(g.forme, lang),
                       m=_material(lib, g.matiere, lang), mode=i18n.mode(g.mode, lang).lower(),
                       l=format_number(g.levees_groupe, lang, 0)),
            "combien": _t("piste.combien.mutualisation", lang, eco=f.money(g.economie_cad), parts=parts),
            "demarche": [s for s in steps if s],
        }))
    items.sort(key=lambda item: -item[0])
    return [row for _, row in items[:PISTES_MAX]]


def md_cell(value) -> str:
    """Text safe in a Markdown table cell or line: `|`, newlines and HTML neutralised."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    for ch in "*_`[]":
        text = text.replace(ch, "\\" + ch)
    return text


@functools.lru_cache(maxsize=2)
def _environment(html: bool):
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("symbio_cli", "templates"), autoescape=html,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["md"] = md_cell
    return env


def render_text(result: TerritoryResult, lib, fmt: str, lang: str = "fr", date: str = "") -> str:
    """The workshop report in Markdown or HTML."""
    view = _view(result, lib, lang, date)
    if fmt == "html":
        from markupsafe import Markup

        view["carte"] = Markup(view["carte"])  # built by map_svg, every text in it escaped there
        return _environment(True).get_template("territoire.html.j2").render(**view)
    return _environment(False).get_template("territoire.md.j2").render(**view)


def render(result: TerritoryResult, lib, fmt: str, lang: str = "fr", date: str = "") -> str:
    """The territory report in `fmt` (md, html, json, csv)."""
    if fmt == "json":
        return render_json(result, date)
    if fmt == "csv":
        return render_csv(result)
    return render_text(result, lib, fmt, lang, date)
