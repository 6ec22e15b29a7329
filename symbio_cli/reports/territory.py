"""Views of a TerritoryResult: JSON, CSV, Markdown and HTML (the workshop report).

Every view renders the same frozen result, so they cannot disagree. JSON and
CSV are for the MRC's own tools (raw numbers, dot decimals); Markdown and HTML
are for the concertation workshop (fr-CA / en-CA numbers through numbers.py,
labels through i18n.py and the table below). Templates only lay out: the
rows they show are prepared here, as strings.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math

from symbio_cli import __version__, i18n
from symbio_cli.files import csv_text
from symbio_cli.reports import map_svg
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
    "anonyme": ("Rapport anonymisé : chaque entreprise est désignée par un code stable et son secteur SCIAN (2 chiffres) ; "
                "aucun total formé de moins de {n} entreprises n'est publié, ni un total qui en donnerait un par "
                "soustraction : ni les chiffres d'une entreprise, ni ceux d'un appariement (deux entreprises), ni la part "
                "de chaque membre d'un groupe ; le total d'un groupe d'au moins {n} membres l'est. La matrice ne montre "
                "que la présence d'une offre ou d'une demande. Les positions de la carte sont arrondies à 0,05° "
                "(environ 5 km).",
                "Anonymised report: each firm is shown by a stable code and its NAICS (SCIAN) sector (2 digits); no "
                "total made up of fewer than {n} firms is published, nor a total that would give one by subtraction: "
                "neither a firm's figures, nor a match's (two firms), nor each member's share of a group; the total of "
                "a group of at least {n} members is. The matrix only shows whether a firm offers or wants a material. "
                "Map positions are rounded to 0.05° (about 5 km)."),
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
    "stable.piste": ("La répartition proportionnelle (au prorata du coût actuel des levées de chacun) est toujours "
                     "stable pour un contrat de groupe qui fait économiser.",
                     "The proportional allocation (in proportion to each member's current lift cost) is always stable "
                     "for a group contract that saves money."),
    "membres_gagnent": ("Aucun membre ne paie plus que seul.", "No member pays more than alone."),
    "matrice.note": ("O : résidus offerts (t/an, hors part déjà détournée par un scénario en place), et entre "
                     "parenthèses ce qui en reste après les appariements proposés ; D : intrants demandés (t/an, "
                     "tels que déclarés), et entre parenthèses ce qui reste à combler après les scénarios en place "
                     "et les appariements proposés. ",
                     "O: residues offered (t/yr, less any share already diverted by a scenario in place), and in "
                     "brackets what is left after the proposed matches; D: inputs wanted (t/yr, as declared), and in "
                     "brackets what is still to fill after the scenarios in place and the proposed matches. "),
    "matrice.note.anonyme": ("O : l'entreprise offre des résidus de cette matière ; D : elle achète un intrant de cette "
                             "catégorie (présence seulement : les quantités d'une entreprise ne sont pas publiées). "
                             "Total : t/an offertes et demandées, publiées à partir de 3 entreprises ; ce qui reste "
                             "après les appariements n'est pas publié (il donnerait les tonnes échangées). ",
                             "O: the firm offers residues of this material; D: it buys an input of this category "
                             "(presence only: a firm's quantities are not published). Total: t/yr offered and wanted, "
                             "published from 3 firms on; what is left after the matches is not published (it would "
                             "give the tonnes exchanged). "),
    "matrice.reste": ("reste", "left"),
    "matrice.tronquee": ("{n} autres entreprises ne sont pas montrées ici (voir le JSON, clé « matrice »).",
                         "{n} other firms are not shown here (see the JSON, key “matrice”)."),
    "total.territoire": ("Total du territoire", "Territory total"),
    "col.fournies": ("Substitutions fournies", "Substitutions supplied"),
    "col.recues": ("Substitutions reçues", "Substitutions received"),
    "col.valeur_part": ("Valeur nette (part des entreprises)", "Net value (firms' shares)"),
    "col.ges_part": ("GES évités (part des entreprises)", "GHG avoided (firms' shares)"),
    "col.adhesions": ("Adhésions à un groupe", "Group memberships"),
    "secteurs.note": ("Chaque entreprise compte dans son secteur : une substitution compte une fois chez le secteur du "
                      "fournisseur (fournies, t données) et une fois chez celui du preneur (reçues, t reçues), même quand "
                      "les deux sont du même secteur ; la valeur et les GES sont la part de chaque entreprise (élimination "
                      "évitée moins transport pour le fournisseur, achats évités pour le preneur ; GES selon "
                      "--attribution-ges). Chaque colonne s'additionne au total du territoire.",
                      "Each firm counts in its sector: a substitution counts once in the supplier's sector (supplied, t "
                      "given) and once in the taker's (received, t received), even when both are of one sector; value "
                      "and GHG are each firm's share (disposal avoided less transport for the supplier, purchases "
                      "avoided for the taker; GHG by --attribution-ges). Each column adds up to the territory total."),
    "entreprises.anonyme": ("Rapport anonymisé : les chiffres propres à une entreprise ne sont pas publiés ; seuls son "
                            "secteur et le nombre de ses substitutions et de ses groupes le sont.",
                            "Anonymised report: a firm's own figures are not published; only its sector and the number "
                            "of its substitutions and groups are."),
    "s.exclus": ("Inventaires écartés", "Inventories left out"),
    "meta.exclus": ("Inventaires écartés pour erreurs", "Inventories left out for errors"),
    "meta.exclus.valeur": ("{n} (voir la section {s})", "{n} (see section {s})"),
    "exclus.note": ("{n} inventaire(s) écarté(s) pour erreurs : leurs flux et leurs intrants ne sont pas dans ce "
                    "rapport. Corrigez-les (symbio valider) puis relancez. Première erreur de chacun :",
                    "{n} inventory(ies) left out for errors: their streams and inputs are not in this report. Fix "
                    "them (symbio valider) and run again. First error of each:"),
    "exclus.anonyme": ("{n} inventaire(s) écarté(s) pour erreurs : leurs flux et leurs intrants ne sont pas dans ce "
                       "rapport (fichiers non nommés : rapport anonymisé).",
                       "{n} inventory(ies) left out for errors: their streams and inputs are not in this report (files "
                       "not named: anonymised report)."),
    "opportunites.anonyme": ("Rapport anonymisé : substitutions classées entre elles, puis mutualisations classées entre "
                             "elles, par valeur décroissante ; les chiffres d'un appariement ne sont pas publiés.",
                             "Anonymised report: substitutions ranked among themselves, then pooling groups among "
                             "themselves, by decreasing value; a match's figures are not published."),
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
    "piste.combien.mutualisation.anonyme": ("{eco} par an pour le groupe ; la part de chaque membre n'est pas publiée",
                                            "{eco} per year for the group; each member's share is not published"),
    "piste.quoi.substitution.anonyme": ("{m} ({mode} aujourd'hui) remplace « {c} » ; quantité, distance et montants non "
                                        "publiés (moins de 3 entreprises)",
                                        "{m} ({mode} today) replaces “{c}”; quantity, distance and amounts not "
                                        "published (fewer than 3 firms)"),
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
    "carte.desc.anonyme": ("Entreprises placées par longitude et latitude arrondies à 0,05° (projection équirectangulaire). "
                           "Les lignes relient un fournisseur à un preneur (toutes de même épaisseur : les tonnes ne "
                           "sont pas publiées) : {lignes}. Les contours entourent les membres d'un groupe de "
                           "mutualisation : {groupes}.",
                           "Firms placed by longitude and latitude rounded to 0.05° (equirectangular projection). Lines "
                           "join a supplier to a taker (all of one width: tonnes are not published): {lignes}. Outlines "
                           "surround the members of a pooling group: {groupes}."),
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
         "sont à portée de tous les membres ; une entreprise au plus une fois par groupe. Un groupe n'est montré que "
         "s'il fait économiser. Répartition proportionnelle : pour un contrat de groupe, le coût du groupe est partagé "
         "au prorata du coût actuel des levées de chacun (levées × son propre tarif × (1 + surcharge)) ; comme chaque "
         "entreprise garde ses levées au rabais sur son propre tarif, c'est la proportion naturelle : chacun paie "
         "coût du groupe × son coût seul ÷ la somme des coûts seuls, donc moins que seul dès que le groupe fait "
         "économiser, et aucun sous-groupe ne paierait moins sans les autres (répartition stable, frais de "
         "coordination ≥ 0). Un partage au nombre de levées ferait payer plus que seule l'entreprise dont les levées "
         "coûtent peu, et la ferait sortir du groupe. Pour un conteneur partagé, partage au prorata du volume. "
         "--repartition shapley : valeur de Shapley. Dans tous les cas, un membre qui paierait plus que seul quitte "
         "le groupe (garde-fou) et la stabilité est vérifiée (aucun sous-groupe ne paierait moins seul)."),
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
         "every member; a firm at most once per group. A group is shown only when it saves money. Proportional "
         "allocation: for a group contract, the group's cost is split in proportion to each member's current lift "
         "cost (lifts × its own fee × (1 + surcharge)); since each firm keeps its lifts at a rebate on its own fee, "
         "this is the natural proportion: each pays the group cost × its cost alone ÷ the sum of the costs alone, so "
         "less than alone whenever the group saves money, and no sub-group would pay less without the others (a "
         "stable allocation, with coordination fees ≥ 0). A split by number of lifts would make the firm whose "
         "lifts are cheap pay more than alone and leave the group. For a shared container, in proportion to volume. "
         "--repartition shapley: Shapley value. In every case a member who would pay more than alone leaves the "
         "group (a safety net) and stability is checked (no sub-group would pay less alone)."),
        ("Reading", "Substitutions and pooling are each computed against today: a stream may appear in both. A firm's "
         "gains count neither its container's fewer lifts when a residue leaves nor the cost of a new collection: to "
         "be settled at the workshop."),
    ),
}


METHOD_ANONYME = {
    "fr": ("Anonymisation", "Avec --anonymiser, chaque entreprise est désignée par un code stable (HMAC-SHA-256 du nom, "
           "salé par SYMBIO_SEL), son code SCIAN réduit au secteur (2 chiffres) et sa position arrondie à 0,05°. "
           "Aucun total formé de moins de 3 entreprises n'est publié : ni les chiffres d'une entreprise, ni ceux d'un "
           "appariement ou d'un scénario en place, ni la part de chaque membre d'un groupe ; le total d'un groupe, "
           "d'une famille, d'une matière, d'un secteur ou du territoire l'est à partir de 3 entreprises. Quand un "
           "total publié moins les autres donnerait un total caché de moins de 3 entreprises, un autre total est "
           "caché aussi (suppression secondaire). Les totaux cachés s'affichent « — (moins de 3 entreprises) », null "
           "dans le JSON (« supprime » : true), vides dans le CSV."),
    "en": ("Anonymisation", "With --anonymiser, each firm is shown by a stable code (HMAC-SHA-256 of its name, salted "
           "by SYMBIO_SEL), its NAICS (SCIAN) code cut down to its sector (2 digits) and its position rounded to "
           "0.05°. No total made up of fewer than 3 firms is published: neither a firm's figures, nor a match's or a "
           "scenario in place's, nor each member's share of a group; the total of a group, family, material, sector "
           "or of the territory is, from 3 firms on. When a published total less the others would give a hidden "
           "total of fewer than 3 firms, another total is hidden too (secondary suppression). Hidden totals read "
           "“— (fewer than 3 firms)”, null in the JSON (“supprime”: true), empty in the CSV."),
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
    totals = _public(result.totaux)  # hidden totals are already None (--anonymiser)
    names = [f.entreprise for f in result.entreprises]

    def by_name(values: dict) -> dict:
        return {names[k]: v for k, v in sorted(values.items(), key=lambda kv: names[kv[0]])}

    matrix = [{"categorie": r.categorie, "entreprises": r.entreprises, "offre_t": r.offre_t,
               "offre_reste_t": r.offre_reste_t, "demande_t": r.demande_t, "demande_reste_t": r.demande_reste_t,
               "supprime": r.supprime, "offre": by_name(r.offre), "offre_reste": by_name(r.offre_reste),
               "demande": by_name(r.demande), "demande_reste": by_name(r.demande_reste)} for r in result.matrice]
    left_out = {"nombre": result.exclus_nombre,
                "fichiers": None if o.anonymiser else [{"fichier": f, "erreur": e} for f, e in result.exclus],
                "supprime": bool(o.anonymiser)}
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
        "matrice": matrix,
        "inventaires_exclus": left_out,
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
    "type", "rang", "matiere", "forme", "mode", "fournisseur", "flux", "preneur", "intrant", "categorie", "quantite_t",
    "distance_km", "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad", "valeur_cad",
    "ges_evites_tco2e", "entreprise", "levees", "cout_seul_cad", "part_cad", "economie_cad", "cout_groupe_cad",
    "economie_groupe_cad", "stable", "supprime",
)
_DIGITS = {"quantite_t": 3, "distance_km": 3, "ges_evites_tco2e": 4, "levees": 2}


def render_csv(result: TerritoryResult) -> str:
    """Matches, pooling members and scenarios in place, one CSV with a `type` column.

    `mode`: today's mode of the supplier's stream (a match) or the group's
    mode (pooling). Under --anonymiser the figures not published are empty
    cells and `supprime` is true.
    """
    rows: list[list] = []

    def row(values: dict):
        rows.append([values.get(k) for k in CSV_COLUMNS])

    for m in result.appariements:
        row({**_public(m), "type": "appariement", "mode": m.mode_actuel})
    for g in result.mutualisations:
        for mb in g.membres:
            row({"type": "mutualisation", "rang": g.rang, "matiere": g.matiere, "forme": g.forme, "mode": g.mode,
                 "entreprise": mb.entreprise, "flux": mb.flux, "levees": mb.levees, "cout_seul_cad": mb.cout_seul_cad,
                 "part_cad": mb.part_cad, "economie_cad": mb.economie_cad, "cout_groupe_cad": g.cout_groupe_cad,
                 "economie_groupe_cad": g.economie_cad, "stable": g.stable, "supprime": mb.supprime or g.supprime})
    for e in result.en_place:
        row({"type": "en_place", "matiere": e.matiere, "forme": e.type, "fournisseur": e.fournisseur,
             "flux": e.flux, "preneur": e.preneur, "intrant": e.intrant, "quantite_t": e.quantite_t,
             "valeur_cad": e.gain_cad, "ges_evites_tco2e": e.ges_evites_tco2e, "supprime": e.supprime})
    return csv_text(CSV_COLUMNS, rows, digits=_DIGITS)


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
        return self.hidden if v is None else format_money(v, self.lang, 2, per=per)

    def t(self, v) -> str:
        return self.hidden if v is None else format_quantity(v, "t", self.lang, 1)

    def tn(self, v) -> str:  # a number of tonnes in a column headed t/an
        return self.hidden if v is None else format_number(v, self.lang, 1)

    def km(self, v) -> str:
        return self.hidden if v is None else format_quantity(v, "km", self.lang, 1)

    def num(self, v, decimals: int = 1) -> str:
        return self.hidden if v is None else format_number(v, self.lang, decimals)

    def ghg(self, v, partial: bool = False, hidden: bool = False) -> str:
        if hidden:
            return self.hidden
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
    sep = _t("sep", lang)
    for m in result.appariements:
        a, b = m.i_fournisseur, m.i_preneur
        if a in pos and b in pos:  # anonymised: no tonnes, one width for every line
            figures = "" if m.supprime else f", {fmt.t(m.quantite_t)}, {fmt.money(m.valeur_cad)}"
            lines.append(map_svg.Line(pos[a], pos[b], 1.0 if m.quantite_t is None else m.quantite_t,
                                      f"{m.fournisseur} → {m.preneur}{sep}{_material(lib, m.matiere, lang)}{figures}"))
    for e in result.en_place:
        if e.dans_territoire and e.i_fournisseur in pos and e.i_preneur in pos:
            figures = "" if e.supprime else f", {fmt.t(e.quantite_t)}"
            lines.append(map_svg.Line(pos[e.i_fournisseur], pos[e.i_preneur],
                                      1.0 if e.quantite_t is None else e.quantite_t,
                                      f"{_t('legende.en_place', lang)} — {e.fournisseur} → {e.preneur}{sep}"
                                      f"{_material(lib, e.matiere, lang)}{figures}", dashed=True))
    outlines = []
    for g in result.mutualisations:
        ms = tuple(pos[mb.i_entreprise] for mb in g.membres if mb.i_entreprise in pos)
        if ms:
            outlines.append(map_svg.Outline(ms, f"{i18n.forme(g.forme, lang)} — {_material(lib, g.matiere, lang)}{sep}"
                                                f"{', '.join(mb.entreprise for mb in g.membres)}"))
    legend = {r: _t(f"legende.{r}", lang) for r in ("fournisseur", "preneur", "les_deux", "membre", "autre")}
    if any(ln.dashed for ln in lines):
        legend["en_place"] = _t("legende.en_place", lang)
    line_text = "; ".join(ln.title for ln in lines[:30]) or "—"
    group_text = "; ".join(o.title for o in outlines[:30]) or "—"
    return map_svg.render(
        points, lines, outlines,
        _t("carte.titre", lang, n=len(points), a=len(lines), g=len(outlines)),
        _t("carte.desc.anonyme" if result.options.anonymiser else "carte.desc", lang, lignes=line_text,
           groupes=group_text), legend,
        decimal="." if lang == "en" else ",",
    )


def _view(result: TerritoryResult, lib, lang: str, date: str) -> dict:
    """Everything the templates show, already formatted (a figure --anonymiser hid is None: shown as such)."""
    f = _Fmt(lang)
    L = labels(lang)
    t = result.totaux
    o = result.options
    anonymous = o.anonymiser
    members = {mb.i_entreprise for g in result.mutualisations for mb in g.membres}
    # the optional sections after the factors (13) are numbered in order
    section = 14
    exclus_section = None
    if result.exclus_nombre:
        exclus_section, section = section, section + 1
    warnings_section = section if result.avertissements else None

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
    if result.exclus_nombre:
        meta.append((L["meta.exclus"], _t("meta.exclus.valeur", lang, n=result.exclus_nombre, s=exclus_section)))
    ep_money = (None if t.en_place_gain_cad is None or t.en_place_economie_mutualisation_cad is None
                else t.en_place_gain_cad + t.en_place_economie_mutualisation_cad)
    ghg_hidden = t.ges_evites_tco2e is None
    figures = [
        (L["syn.appariements"], f.t(t.quantite_t),
         _t("syn.appariements.detail", lang, n=t.appariements, q=f.t(t.quantite_t))),
        (L["syn.valeur"], f.money(t.valeur_cad),
         _t("syn.valeur.detail", lang, a=f.money(t.valeur_fournisseur_cad),
            b=f.money(t.valeur_preneur_cad), c=f.money(t.cout_transport_cad))),
        (L["syn.mutualisation"], f.money(t.economie_mutualisation_cad),
         _t("syn.mutualisation.detail", lang, n=t.mutualisations, m=len(members))),
        (L["syn.total"], f.money(t.economies_totales_cad), L["syn.total.detail"]),
        (L["syn.enfouissement"], f.t(t.enfouissement_evite_t),
         _t("syn.enfouissement.detail", lang, r=f.money(t.redevance_evitee_cad))),
        (L["syn.ges"], f.ghg(t.ges_evites_tco2e, t.ges_partiel, ghg_hidden),
         _t("syn.ges.detail", lang, f=f.ghg(t.ges_fournisseurs_tco2e, hidden=ghg_hidden),
            p=f.ghg(t.ges_preneurs_tco2e, hidden=ghg_hidden))
         + (" ; " + L["syn.ges.partiel"] if t.ges_partiel and lang == "fr" else
            "; " + L["syn.ges.partiel"] if t.ges_partiel else "")),
        (L["syn.en_place"], f.money(ep_money),
         _t("syn.en_place.detail", lang, n=t.en_place_substitutions,
            q=f.t(t.en_place_quantite_t), m=t.en_place_mutualisations)),
    ]

    def mat(key):
        return _material(lib, key, lang)

    matches = [{
        "rang": str(m.rang), "fournisseur": m.fournisseur, "flux": m.flux, "preneur": m.preneur,
        "intrant": f"{m.intrant} ({mat(m.categorie)})", "matiere": mat(m.matiere), "quantite": f.tn(m.quantite_t),
        "distance": f.km(m.distance_km), "valeur_f": f.money(m.valeur_fournisseur_cad),
        "valeur_p": f.money(m.valeur_preneur_cad), "transport": f.money(m.cout_transport_cad),
        "valeur": f.money(m.valeur_cad), "valeur_t": f.unit_money(m.valeur_par_tonne_cad),
        "ges": f.ghg(m.ges_evites_tco2e, hidden=m.supprime),
    } for m in result.appariements]

    groups = []
    for g in result.mutualisations:
        alone = None if g.cout_groupe_cad is None else g.cout_groupe_cad + g.economie_cad
        groups.append({
            "titre": _t("groupe.titre", lang, n=g.rang, forme=i18n.forme(g.forme, lang), m=mat(g.matiere),
                        mode=i18n.mode(g.mode, lang)),
            "detail": _t("groupe.detail", lang, cout=f.money(g.cout_groupe_cad), seul=f.money(alone),
                         eco=f.money(g.economie_cad), rep=i18n.repartition(g.repartition, lang),
                         d=f.km(g.distance_max_km)),
            "hypothese": (_t("groupe.hypothese", lang, r=f.pct(g.rabais_levee), g=f.money(g.frais_gestion_cad))
                          if g.forme == "contrat_groupe" else
                          _t("groupe.partage", lang, v=format_quantity(g.contenant_m3 or 0, "m³", lang, 1),
                             fee=f.money(g.frais_levee_cad))),
            "stable": L["stable.oui"] if g.stable else (
                _t("stable.non", lang, c=", ".join(g.coalition_bloquante or ()))
                + (" " + L["stable.piste"] if g.forme == "contrat_groupe" else "")),
            "gagnent": L["membres_gagnent"] if all(mb.economie_cad is None or mb.economie_cad >= -1e-6
                                                   for mb in g.membres) else "",
            "membres": [{"entreprise": mb.entreprise, "flux": mb.flux, "levees": f.num(mb.levees),
                         "cout_seul": f.money(mb.cout_seul_cad), "part": f.money(mb.part_cad),
                         "economie": f.money(mb.economie_cad)} for mb in g.membres],
        })

    opportunities = []
    for m in result.appariements:
        opportunities.append((m.valeur_cad, {
            "type": L["type.substitution"],
            "quoi": _t("opp.substitution", lang, f=m.fournisseur, p=m.preneur, m=mat(m.matiere), i=mat(m.categorie)),
            "quantite": f.tn(m.quantite_t), "valeur": f.money(m.valeur_cad),
            "ges": f.ghg(m.ges_evites_tco2e, hidden=m.supprime)}))
    for g in result.mutualisations:
        opportunities.append((g.economie_cad, {
            "type": L["type.mutualisation"],
            "quoi": _t("opp.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=mat(g.matiere),
                       membres=", ".join(mb.entreprise for mb in g.membres)),
            "quantite": "—", "valeur": f.money(g.economie_cad), "ges": "—"}))
    if not anonymous:  # anonymised: matches by rank, then groups by rank (no hidden value placed against a shown one)
        opportunities.sort(key=lambda item: -item[0])
    opportunities = [dict(row, rang=str(k + 1)) for k, (_, row) in enumerate(opportunities)]

    def breakdown_rows(rows, label):
        return [{"cle": label(b.cle), "entreprises": str(b.entreprises), "appariements": str(b.appariements),
                 "quantite": f.tn(b.quantite_t), "valeur": f.money(b.valeur_cad),
                 "ges": f.ghg(b.ges_evites_tco2e, b.ges_partiel, b.ges_evites_tco2e is None),
                 "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
                 "total": f.money(b.total_cad), "total_row": False} for b in rows]

    involved = {m.i_fournisseur for m in result.appariements} | {m.i_preneur for m in result.appariements} | members
    families = breakdown_rows(result.par_famille, lambda k: f"{k} — {i18n.famille(k, lang)}")
    if result.par_famille:
        families.append({"cle": L["total.territoire"], "entreprises": str(len(involved)),
                         "appariements": str(t.appariements), "quantite": f.tn(t.quantite_t),
                         "valeur": f.money(t.valeur_cad), "ges": f.ghg(t.ges_evites_tco2e, t.ges_partiel, ghg_hidden),
                         "mutualisations": str(t.mutualisations), "economie": f.money(t.economie_mutualisation_cad),
                         "total": f.money(t.economies_totales_cad), "total_row": True})
    sectors = [{"cle": _sector(b.cle, lang), "entreprises": str(b.entreprises),
                "fournies": str(b.appariements_fournis), "donne": f.tn(b.quantite_donnee_t),
                "recues": str(b.appariements_recus), "recu": f.tn(b.quantite_recue_t),
                "valeur": f.money(b.valeur_cad), "ges": f.ghg(b.ges_tco2e, b.ges_partiel, b.ges_tco2e is None),
                "mutualisations": str(b.mutualisations), "economie": f.money(b.economie_mutualisation_cad),
                "total": f.money(b.total_cad), "total_row": False} for b in result.par_secteur]
    if result.par_secteur:
        memberships = sum(len(g.membres) for g in result.mutualisations)
        ghg_firms = (None if t.ges_fournisseurs_tco2e is None else t.ges_fournisseurs_tco2e + t.ges_preneurs_tco2e)
        sectors.append({"cle": L["total.territoire"], "entreprises": str(len(involved)),
                        "fournies": str(t.appariements), "donne": f.tn(t.quantite_t),
                        "recues": str(t.appariements), "recu": f.tn(t.quantite_t), "valeur": f.money(t.valeur_cad),
                        "ges": f.ghg(ghg_firms, t.ges_partiel, ghg_hidden), "mutualisations": str(memberships),
                        "economie": f.money(t.economie_mutualisation_cad), "total": f.money(t.economies_totales_cad),
                        "total_row": True})
    firms = sorted(result.entreprises, key=lambda r: (-(r.valeur_cad or 0.0), r.entreprise))
    if anonymous:  # a firm's row is a total of one firm: only its sector and counts
        firms = sorted(result.entreprises, key=lambda r: r.entreprise)
    firm_rows = [{"entreprise": r.entreprise, "secteur": _sector(r.secteur, lang) if r.secteur != UNKNOWN_SECTOR
                  else "—", "offre": f.tn(r.offre_t), "demande": f.tn(r.demande_t), "donne": f.tn(r.donne_t),
                  "recu": f.tn(r.recu_t),
                  "substitution": f.money(None if r.supprime else
                                          r.valeur_fournisseur_cad - r.cout_transport_cad + r.valeur_preneur_cad),
                  "mutualisation": f.money(r.economie_mutualisation_cad), "total": f.money(r.valeur_cad),
                  "ges": f.ghg(r.ges_tco2e, r.ges_partiel, r.supprime),
                  "appariements": str(r.appariements), "mutualisations": str(r.mutualisations)} for r in firms]

    # offer/demand matrix: the firms most involved first, at most MATRIX_FIRMS columns
    involvement = sorted(range(len(result.entreprises)),
                         key=lambda k: (-(result.entreprises[k].appariements + result.entreprises[k].mutualisations),
                                        -(result.entreprises[k].valeur_cad or 0.0), result.entreprises[k].entreprise))
    cols = sorted(involvement[:MATRIX_FIRMS], key=lambda k: result.entreprises[k].entreprise)
    left = L["matrice.reste"]

    def amount(letter, value, rest):
        if anonymous or value is None:
            return letter if value is None and anonymous else f"{letter} {f.tn(value)}"
        if rest is None or abs(rest - value) < 0.05:
            return f"{letter} {f.tn(value)}"
        return f"{letter} {f.tn(value)} ({left} {f.tn(rest)})"

    matrix_rows = []
    for row in result.matrice:
        cells = []
        for k in cols:
            parts = []
            if k in row.offre:
                parts.append(amount("O", row.offre[k], row.offre_reste.get(k)))
            if k in row.demande:
                parts.append(amount("D", row.demande[k], row.demande_reste.get(k)))
            cells.append(" · ".join(parts))
        if not (row.offre or row.demande):
            continue
        total = []
        if row.offre:
            total.append(f"O {f.hidden}" if row.offre_t is None else amount("O", row.offre_t, row.offre_reste_t))
        if row.demande:
            total.append(f"D {f.hidden}" if row.demande_t is None else amount("D", row.demande_t, row.demande_reste_t))
        matrix_rows.append({"categorie": mat(row.categorie), "cells": cells, "total": " · ".join(total)})
    matrix_rows.sort(key=lambda r: r["categorie"].casefold())
    matrix = {"cols": [result.entreprises[k].entreprise for k in cols], "rows": matrix_rows,
              "note": L["matrice.note.anonyme" if anonymous else "matrice.note"]
              + (_t("matrice.tronquee", lang, n=len(result.entreprises) - len(cols))
                 if len(result.entreprises) > len(cols) else "")}

    pistes = _pistes(result, lib, lang, f)
    en_place = [{"fournisseur": e.fournisseur, "flux": e.flux, "type": i18n.type_court(e.type, lang),
                 "preneur": e.preneur or "—", "matiere": mat(e.matiere),
                 "quantite": f.tn(e.quantite_t) if e.type == "substitution" else "—",
                 "gain": f.money(e.gain_cad),
                 "ges": f.ghg(e.ges_evites_tco2e, hidden=e.supprime) if e.type == "substitution" else "—",
                 "dans_territoire": L["oui"] if e.dans_territoire else L["non"],
                 "statut": i18n.statut_reglementaire(e.statut_reglementaire, lang)} for e in result.en_place]
    factors = [{"cle": u.cle, "valeur": format_sig(u.valeur, lang) + (f" {i18n.unit(u.unite, lang)}" if u.unite else ""),
                "source": u.source, "annee": str(u.annee or "—")} for u in result.facteurs_utilises]
    warnings = [{"code": i18n.warning_code(w.code, lang), "message": w.message, "champ": w.champ}
                for w in result.avertissements]
    exclus = None
    if result.exclus_nombre:
        exclus = {"numero": exclus_section,
                  "note": _t("exclus.anonyme" if anonymous else "exclus.note", lang, n=result.exclus_nombre),
                  "fichiers": [{"fichier": fichier, "erreur": erreur} for fichier, erreur in result.exclus]}
    title_place = ", ".join(result.mrc) if result.mrc else _t("territoire", lang)
    method = list(METHOD["en" if lang == "en" else "fr"])
    if anonymous:
        method.append(METHOD_ANONYME["en" if lang == "en" else "fr"])
    return {
        "L": L, "lang": lang, "titre": f"{L['titre']} — {title_place}", "meta": meta, "figures": figures,
        "anonyme": _t("anonyme", lang, n=MIN_FIRMS) if anonymous else "", "anonymise": anonymous,
        "note_langue": i18n.text("langue_sources", lang) if lang == "en" else "",
        "carte": _map(result, lib, lang), "opportunites": opportunities,
        "opportunites_note": L["opportunites.anonyme"] if anonymous else "", "appariements": matches,
        "mutualisations": groups, "familles": families, "secteurs": sectors, "secteurs_note": L["secteurs.note"],
        "entreprises": firm_rows, "entreprises_note": L["entreprises.anonyme"] if anonymous else "",
        "matrice": matrix, "pistes": pistes, "en_place": en_place,
        "methode": [(a, i18n.typography(b, lang)) for a, b in method],
        "facteurs": factors, "avertissements": warnings, "avertissements_numero": warnings_section,
        "exclus": exclus,
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
        if m.supprime:
            what = _t("piste.quoi.substitution.anonyme", lang, m=_material(lib, m.matiere, lang),
                      mode=i18n.mode(m.mode_actuel, lang).lower(), c=_material(lib, m.categorie, lang))
            how_much = f.hidden
        else:
            what = _t("piste.quoi.substitution", lang, q=f.t(m.quantite_t), m=_material(lib, m.matiere, lang),
                      mode=i18n.mode(m.mode_actuel, lang).lower(), c=_material(lib, m.categorie, lang),
                      d=f.km(m.distance_km), v=m.voyages)
            how_much = _t("piste.combien.substitution", lang, net=f.money(m.valeur_cad),
                          a=f.money(m.valeur_fournisseur_cad), b=f.money(m.valeur_preneur_cad),
                          t=f.money(m.cout_transport_cad), g=f.ghg(m.ges_evites_tco2e))
        items.append((m.valeur_cad, {
            "titre": _t("piste.substitution", lang, m=_material(lib, m.matiere, lang), f=m.fournisseur, p=m.preneur),
            "qui": _t("piste.qui.substitution", lang, f=m.fournisseur, s=m.flux, p=m.preneur, i=m.intrant),
            "quoi": what, "combien": how_much, "demarche": steps,
        }))
    for g in result.mutualisations:
        steps = [i18n.exigence("mutualisation", lang)]
        if g.forme == "contrat_groupe" and g.rabais_levee is not None:
            steps.append(_t("piste.hypothese", lang, r=f.pct(g.rabais_levee)))
        if any(mb.supprime for mb in g.membres):
            how_much = _t("piste.combien.mutualisation.anonyme", lang, eco=f.money(g.economie_cad))
        else:
            parts = ", ".join(f"{mb.entreprise} {f.money(mb.economie_cad)}" for mb in g.membres)
            how_much = _t("piste.combien.mutualisation", lang, eco=f.money(g.economie_cad), parts=parts)
        items.append((g.economie_cad, {
            "titre": _t("piste.mutualisation", lang, forme=i18n.forme(g.forme, lang), m=_material(lib, g.matiere, lang)),
            "qui": _t("piste.qui.mutualisation", lang, membres=", ".join(mb.entreprise for mb in g.membres)),
            "quoi": _t("piste.quoi.mutualisation", lang, forme=i18n.forme(g.forme, lang),
                       m=_material(lib, g.matiere, lang), mode=i18n.mode(g.mode, lang).lower(),
                       l=f.num(g.levees_groupe, 0)),
            "combien": how_much,
            "demarche": [s for s in steps if s],
        }))
    if result.options.anonymiser:  # matches by rank then groups by rank, each list already sorted by value
        half = PISTES_MAX // 2
        ms = [row for _, row in items[:len(result.appariements)]]
        gs = [row for _, row in items[len(result.appariements):]]
        take_g = min(len(gs), max(half, PISTES_MAX - len(ms)))
        take_m = min(len(ms), PISTES_MAX - take_g)
        return ms[:take_m] + gs[:take_g]
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
