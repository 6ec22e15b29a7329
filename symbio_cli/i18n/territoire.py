"""Labels of the territory report (`symbio territoire`), fr and en.

Part of the one catalogue: `symbio_cli.i18n` merges `TEXT` into its own
(`i18n.text`, `i18n.labels`), so read them there. Keys used by the audit
report too are defined once, in `i18n/__init__.py`; the territory's own title,
subtitle, footer and factor-source column are `ter.*`.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "ter.titre": ("Synergies du territoire", "Territorial synergies"),
    "sep": (" : ", ": "),
    "ter.sous_titre": ("Préparation de l'atelier de concertation : substitutions et mutualisations entre entreprises",
                   "Preparing the concertation workshop: substitutions and pooling between firms"),
    "territoire": ("le territoire", "the territory"),
    "meta.entreprises": ("Entreprises analysées", "Firms analysed"),
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
    "syn.appariements": ("Substitutions possibles", "Possible substitutions"),
    "syn.appariements.detail": ("{n} {n|appariement|appariements}, {q} de résidus qui remplacent des matières achetées",
                                "{n} {n|match|matches}, {q} of residues replacing purchased materials"),
    "syn.valeur": ("Valeur nette des substitutions", "Net value of substitutions"),
    "syn.valeur.detail": ("élimination évitée {a} + achats évités {b} − transport {c}",
                          "disposal avoided {a} + purchases avoided {b} − transport {c}"),
    "syn.mutualisation": ("Économies de mutualisation", "Pooling savings"),
    "syn.mutualisation.detail": ("{n} {n|groupe|groupes}, {m} {m|entreprise|entreprises}",
                                 "{n} {n|group|groups}, {m} {m|firm|firms}"),
    "syn.total": ("Gains potentiels pour le territoire", "Potential gains for the territory"),
    "syn.total.detail": ("substitutions et mutualisations, avant taxes, par an", "substitutions and pooling, before taxes, per year"),
    "syn.enfouissement": ("Enfouissement évité", "Landfill avoided"),
    "syn.enfouissement.detail": ("redevance d'élimination évitée : {r}", "disposal levy avoided: {r}"),
    "syn.ges": ("GES évités", "GHG avoided"),
    "syn.ges.detail": ("{f} attribuées aux fournisseurs, {p} aux preneurs", "{f} attributed to suppliers, {p} to takers"),
    "syn.ges.partiel": ("total partiel : des appariements sans facteur d'émission en sont exclus",
                        "partial total: matches without an emission factor are left out"),
    "syn.en_place": ("Déjà en place (compté à part)", "Already in place (counted apart)"),
    "syn.en_place.detail": ("{n} {n|substitution|substitutions}, {q} ; {m} {m|mutualisation|mutualisations}",
                            "{n} {n|substitution|substitutions}, {q}; {m} {m|pooling scheme|pooling schemes}"),
    "col.rang": ("#", "#"),
    "col.type": ("Type", "Type"),
    "col.qui": ("Qui", "Who"),
    "col.quoi": ("Quoi", "What"),
    "col.fournisseur": ("Fournisseur", "Supplier"),
    "col.preneur": ("Preneur", "Taker"),
    "col.intrant": ("Intrant remplacé", "Input replaced"),
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
    "ter.col.source": ("Source", "Source"),
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
    "matrice.tronquee": ("{n} {n|autre entreprise n'est pas montrée|autres entreprises ne sont pas montrées} ici "
                         "(voir le JSON, clé « matrice »).",
                         "{n} other {n|firm is|firms are} not shown here (see the JSON, key “matrice”)."),
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
    "exclus.note": ("{n} {n|inventaire écarté|inventaires écartés} pour erreurs : {n|ses flux et ses intrants ne sont|"
                    "leurs flux et leurs intrants ne sont} pas dans ce rapport. Corrigez-{n|le|les} (symbio valider) "
                    "puis relancez. Première erreur de chacun :",
                    "{n} {n|inventory|inventories} left out for errors: {n|its|their} streams and inputs are not in this "
                    "report. Fix {n|it|them} (symbio valider) and run again. First error of each:"),
    "exclus.anonyme": ("{n} {n|inventaire écarté|inventaires écartés} pour erreurs : {n|ses flux et ses intrants ne "
                       "sont|leurs flux et leurs intrants ne sont} pas dans ce rapport (fichiers non nommés : rapport "
                       "anonymisé).",
                       "{n} {n|inventory|inventories} left out for errors: {n|its|their} streams and inputs are not in "
                       "this report (files not named: anonymised report)."),
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
    "piste.quoi.substitution": ("{q} de {m} ({mode} aujourd'hui) remplacent « {c} » ; {d} de route, {v} {v|voyage|voyages} par an",
                                "{q} of {m} ({mode} today) replace “{c}”; {d} by road, {v} {v|trip|trips} per year"),
    "piste.combien.substitution": ("{net} par an : {a} d'élimination évitée pour le fournisseur, {b} d'achats évités "
                                   "pour le preneur, {t} de transport ; GES évités {g}",
                                   "{net} per year: {a} of disposal avoided for the supplier, {b} of purchases avoided "
                                   "for the taker, {t} of transport; GHG avoided {g}"),
    "piste.qui.mutualisation": ("{membres}", "{membres}"),
    "piste.quoi.mutualisation": ("{forme} pour {m} ({mode}), {l} {nl|levée|levées} par an",
                                 "{forme} for {m} ({mode}), {l} {nl|lift|lifts} per year"),
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
    "partiel": ("partiel", "partial"),
    "secteur.inconnu": ("SCIAN non indiqué", "NAICS not given"),
    "carte.titre": ("Carte des synergies : {n} {n|entreprise|entreprises}, {a} {a|substitution|substitutions}, "
                    "{g} {g|groupe|groupes} de mutualisation",
                    "Synergy map: {n} {n|firm|firms}, {a} {a|substitution|substitutions}, {g} {g|pooling group|pooling groups}"),
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
    "ter.pied": ("Rapport produit par symbio {version} le {date}. Les montants sont des estimations annuelles avant taxes ; "
             "les figures par entreprise attribuent le transport au fournisseur.",
             "Report produced by symbio {version} on {date}. Amounts are yearly estimates before taxes; "
             "per-firm figures put transport on the supplier."),
    # the one-page handout for elected officials, at the head of the report
    "s.fiche": ("Fiche pour les élus", "Handout for elected officials"),
    "fiche.pistes": ("Pistes de synergie", "Synergy leads"),
    "fiche.tonnes": ("Résidus qui remplacent des achats, par an", "Residues replacing purchases, per year"),
    "fiche.gains": ("Gains pour le territoire, par an (avant taxes)", "Gains for the territory, per year (before taxes)"),
    "fiche.ges": ("GES évités, par an", "GHG avoided, per year"),
    "fiche.enfouissement": ("Enfouissement évité, par an", "Landfill avoided, per year"),
    "fiche.ges.partiel": ("{g} pour {q_avec} ; n.d. pour {q}", "{g} for {q_avec}; n/a for {q}"),
    "fiche.col.no": ("N°", "No."),
    "fiche.col.piste": ("Piste (du fournisseur au preneur)", "Lead (from supplier to taker)"),
    "fiche.col.tonnes": ("t/an", "t/yr"),
    "fiche.col.valeur": ("$/an", "$/yr"),
    "fiche.col.ges": ("GES évités (t CO₂e/an)", "GHG avoided (t CO₂e/yr)"),
    "fiche.groupe": ("{forme} — {m} : {membres}", "{forme} — {m}: {membres}"),
    "fiche.note": ("Les numéros sont ceux des flèches de la carte (du fournisseur au preneur) et des pistes détaillées "
                   "à la section 10. Montants annuels avant taxes. n.d. : aucun facteur d'émission pour cette piste ; "
                   "— : sans objet (une mutualisation ne change pas la filière).",
                   "The numbers are those of the map's arrows (from supplier to taker) and of the leads detailed in "
                   "section 10. Yearly amounts before taxes. n/a: no emission factor for this lead; —: not applicable "
                   "(pooling does not change the route)."),
    "fiche.autres": ("{n} autres pistes : sections 3 et 10.", "{n} more leads: sections 3 and 10."),
    "carte.voir_fiche": ("La carte est en tête du rapport, dans la fiche pour les élus ; ses numéros sont ceux des "
                         "pistes.", "The map is at the head of the report, in the handout for elected officials; its "
                         "numbers are those of the leads."),
    "syn.ges.partiel.t": ("total partiel : {q} d'appariements sans facteur d'émission en sont exclues",
                          "partial total: {q} of matches without an emission factor are left out"),
    "transport.court": ("Transport compté au coût par défaut, {c} (une moyenne de camionnage sur longue distance) : "
                        "un voyage de {q} y coûte {k} par kilomètre parcouru chargé, rien pour le retour à vide ni "
                        "pour le chargement et l'attente. Un camion coûte au moins 2,27 $ US par mille (soit {u} $ US "
                        "par km, ATRI 2023) dans chaque sens : les courts trajets sont ainsi sous-estimés d'un facteur "
                        "d'au moins {f} (en dollars américains, avant conversion, qui creuse l'écart).",
                        "Transport counted at the default cost, {c} (a long-haul trucking average): a trip of {q} "
                        "costs {k} per km driven loaded, nothing for the empty return nor for loading and waiting. "
                        "A truck costs at least US$2.27 per mile ({u} US$ per km, ATRI 2023) each way: short hauls "
                        "are thus underestimated by a factor of at least {f} (in US dollars, before conversion, "
                        "which widens the gap)."),
    "transport.court.ici": (" Ici, {n} voyages de {d} en moyenne reviennent à {v} chacun. Donnez le prix du "
                            "transporteur (« transport: … $/voyage ») dans les inventaires.",
                            " Here {n} trips of {d} on average come to {v} each. Give the hauler's price "
                            "(“transport: … $/voyage”) in the inventories."),
    "transport.court.prix": (" Donnez le prix du transporteur (« transport: … $/voyage ») dans les inventaires.",
                             " Give the hauler's price (“transport: … $/voyage”) in the inventories."),
}

METHODE = {
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


METHODE_ANONYME = {
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
