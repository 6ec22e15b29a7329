"""Every label of the reports, in French and English, in one catalogue.

`TEXT[key] = (fr, en)`. Placeholders are `{name}` (str.format); a word
that agrees with a number is written `{name|singular|plural}` and chosen
from the number `name` by the language's rule (`plural`). Templates
receive `labels(lang)`, a dict: with StrictUndefined a misspelt key is an
error, never an empty string. Vocabulary of the inventory (modes, statuses,
data sources, families…) has its own tables below, keyed by the contract's
French values. Material and region names come from the factor library
(facteurs/matieres.yaml, regions.yaml), which holds both languages.

The territory report's labels live in i18n/territoire.py (a long table) and
are merged into `TEXT` here: one catalogue, one lookup.
"""

from __future__ import annotations

import functools
import re

from symbio_cli.i18n.territoire import METHODE as METHODE_TERRITOIRE  # noqa: F401 (re-exported)
from symbio_cli.i18n.territoire import METHODE_ANONYME  # noqa: F401 (re-exported)
from symbio_cli.i18n.territoire import TEXT as _TEXT_TERRITOIRE

LANGS = ("fr", "en")

TEXT: dict[str, tuple[str, str]] = {
    # -- page ----------------------------------------------------------------
    "titre": ("Audit des matières résiduelles", "Residual materials audit"),
    "sous_titre": ("Coûts, gains de symbiose industrielle, enfouissement et GES évités",
                   "Costs, industrial symbiosis gains, landfill and GHG avoided"),
    "meta.entreprise": ("Entreprise", "Company"),
    "meta.lieu": ("Lieu", "Location"),
    "meta.region": ("Région", "Region"),
    "meta.mrc": ("MRC", "RCM (MRC)"),
    "meta.municipalite": ("Municipalité", "Municipality"),
    "meta.scian": ("SCIAN", "NAICS"),
    "meta.annee": ("Année des données et des dollars", "Year of data and dollars"),
    "meta.periode": ("Période des données", "Data period"),
    "meta.date": ("Date du rapport", "Report date"),
    "meta.fichier": ("Inventaire", "Inventory"),
    "pied": ("Rapport produit par symbio {version} le {date} à partir de l'inventaire « {fichier} ». "
             "Les montants sont des estimations annuelles avant taxes, en dollars de {annee}.",
             "Report produced by symbio {version} on {date} from the inventory “{fichier}”. "
             "Amounts are yearly estimates before taxes, in {annee} dollars."),
    "table_des_matieres": ("Sommaire du rapport", "Contents"),
    "deux_points": (" : ", ": "),
    "oui": ("oui", "yes"),
    "non": ("non", "no"),
    "total": ("Total", "Total"),
    "aucun": ("aucun", "none"),
    "nd": ("n.d.", "n/a"),
    "langue_sources": ("", "Factor sources, notes and warnings are quoted as recorded, in French."),

    # -- 1. summary ----------------------------------------------------------
    "s.resume": ("Sommaire", "Summary"),
    "resume.unites": ("Montants annuels avant taxes, en dollars de {annee} ; masses en tonnes métriques par an.",
                      "Yearly amounts before taxes, in {annee} dollars; masses in metric tonnes per year."),
    "resume.retenus": ("Les économies appliquent ensemble les scénarios retenus : {liste}.",
                       "Savings apply the retained scenarios together: {liste}."),
    "resume.aucun_retenu": ("Aucun scénario n'est retenu : les chiffres « après » sont ceux d'aujourd'hui.",
                            "No scenario is retained: the “after” figures are today's."),
    "fig.cout_actuel": ("Coût actuel de gestion", "Current management cost"),
    "fig.cout_actuel.detail": ("{masse} de matières résiduelles, {n} flux", "{masse} of residual materials, {n} {n|stream|streams}"),
    "fig.economies": ("Économies nettes", "Net savings"),
    "fig.economies.detail": ("coût projeté : {projete} ({variation})", "projected cost: {projete} ({variation})"),
    "fig.revenus": ("Revenus de substitution", "Substitution revenue"),
    "fig.revenus.detail": ("ventes de résidus à des preneurs, incluses dans les économies nettes",
                           "residues sold to takers, included in net savings"),
    "fig.mutualisation": ("Économies de mutualisation", "Pooling savings"),
    "fig.mutualisation.detail": ("collecte partagée avec des voisins, incluse dans les économies nettes",
                                 "collection shared with neighbours, included in net savings"),
    "fig.surface": ("Espace d'entreposage récupéré", "Storage space recovered"),
    "fig.surface.detail": ("valeur locative : {valeur}, montrée à part, non ajoutée aux économies",
                           "rental value: {valeur}, shown apart, not added to savings"),
    "fig.surface.sans_exterieur": ("sans l'espace extérieur, loyer inconnu", "outdoor space left out, rent unknown"),
    "fig.enfouissement": ("Enfouissement évité", "Landfill avoided"),
    "fig.enfouissement.detail": ("{volume} de cellule d'enfouissement ; redevance d'élimination évitée : {redevance}",
                                 "{volume} of landfill cell; disposal levy avoided: {redevance}"),
    "fig.ges": ("GES évités", "GHG avoided"),
    "fig.ges.detail": ("réductions estimées, hors de tout inventaire GES", "estimated reductions, outside any GHG inventory"),
    "fig.ges.partiel": ("total partiel : des scénarios sans facteur d'émission en sont exclus",
                        "partial total: scenarios without an emission factor are left out"),
    "fig.taux": ("Taux de mise en valeur", "Recovery rate"),
    "fig.taux.detail": ("recyclage {rec_avant} → {rec_apres} ; élimination {el_avant} → {el_apres}",
                        "recycling {rec_avant} → {rec_apres}; disposal {el_avant} → {el_apres}"),
    "par_an": ("/an", "/yr"),
    "avant": ("Avant", "Before"),
    "apres": ("Après", "After"),
    "fleche": ("→", "→"),
    "taux.caption": ("Taux avant et après les scénarios retenus, et objectifs de la Politique québécoise de gestion des matières résiduelles",
                     "Rates before and after the retained scenarios, and the targets of Québec's residual materials management policy"),
    "taux.indicateur": ("Indicateur", "Indicator"),
    "taux.objectif": ("Objectif", "Target"),
    "taux.situation": ("Après les scénarios", "After the scenarios"),
    "taux.recyclage": ("Recyclage (toutes matières)", "Recycling (all materials)"),
    "taux.mise_en_valeur": ("Mise en valeur (recyclage et valorisation énergétique)", "Recovery (recycling and energy recovery)"),
    "taux.elimination": ("Élimination (enfouissement, incinération)", "Disposal (landfill, incineration)"),
    "taux.famille": ("Recyclage : {famille} ({masse})", "Recycling: {famille} ({masse})"),
    "taux.atteint": ("objectif atteint", "target met"),
    "taux.non_atteint": ("sous l'objectif", "below target"),
    "taux.sans_objectif": ("sans objectif", "no target"),
    "taux.note": ("Taux par masse. Mise en valeur = 1 − part éliminée. Objectifs : politique.objectif.<famille> (voir les facteurs).",
                  "Rates by mass. Recovery = 1 − share disposed of. Targets: politique.objectif.<family> (see the factors)."),
    "dest.caption": ("Tonnes par destination, avant et après les scénarios retenus",
                     "Tonnes by destination, before and after the retained scenarios"),
    "dest.destination": ("Destination", "Destination"),
    "dest.ecart": ("Écart", "Change"),
    "s.graphiques": ("En images", "At a glance"),
    "g.couts.titre": ("Coût annuel par flux : aujourd'hui et après le scénario retenu",
                      "Yearly cost by stream: today and after the retained scenario"),
    "g.couts.actuel": ("Aujourd'hui", "Today"),
    "g.couts.projete": ("Après", "After"),
    "g.couts.desc": ("Coût annuel avant taxes de chaque flux, aujourd'hui puis après son scénario retenu : {items}.",
                     "Yearly cost before taxes of each stream, today then after its retained scenario: {items}."),
    "g.couts.item": ("{flux} : {actuel} puis {projete}", "{flux}: {actuel} then {projete}"),
    "g.dest.titre": ("Tonnes par destination, avant et après", "Tonnes by destination, before and after"),
    "g.dest.desc": ("Répartition des {total} par destination. Avant : {avant}. Après : {apres}.",
                    "Split of the {total} by destination. Before: {avant}. After: {apres}."),
    "g.flux.titre": ("Des flux vers leurs destinations après les scénarios retenus",
                     "From streams to their destinations after the retained scenarios"),
    "g.flux.desc": ("Diagramme de flux, largeur des bandes proportionnelle aux tonnes : {items}.",
                    "Flow diagram, band width proportional to tonnes: {items}."),
    "g.flux.item": ("{flux} vers {destination} : {masse}", "{flux} to {destination}: {masse}"),
    "g.flux.gauche": ("Flux (gestion actuelle)", "Streams (current management)"),
    "g.flux.droite": ("Destination après", "Destination after"),
    "g.ges.titre": ("GES évités par flux (scénario retenu)", "GHG avoided by stream (retained scenario)"),
    "g.ges.desc": ("Réductions estimées de GES par flux, hors de tout inventaire GES : {items}.",
                   "Estimated GHG reductions by stream, outside any GHG inventory: {items}."),
    "g.ges.nd": ("non calculé (facteur d'émission manquant)", "not computed (missing emission factor)"),
    "g.ges.aucun": ("Aucun scénario retenu ne change la destination d'une matière : pas de GES évités à montrer.",
                    "No retained scenario changes where a material goes: no GHG avoided to show."),

    # -- 2. quick wins ---------------------------------------------------------
    "s.gains_rapides": ("Gains rapides", "Quick wins"),
    "gr.intro": ("Conteneurs levés plus souvent que leur contenu ne l'exige : ajuster l'horaire de collecte suffit, "
                 "sans investissement. Ces montants sont montrés à part, jamais ajoutés à un scénario.",
                 "Containers lifted more often than their contents require: adjusting the collection schedule is enough, "
                 "with no investment. These amounts are shown apart, never added to a scenario."),
    "gr.aucun": ("Aucun conteneur n'est levé plus souvent que nécessaire.", "No container is lifted more often than needed."),
    "gr.caption": ("Conteneurs à redimensionner", "Containers to right-size"),
    "gr.conteneur": ("Conteneur", "Container"),
    "gr.flux": ("Flux", "Streams"),
    "gr.levees": ("Levées par an : actuelles → nécessaires", "Lifts per year: current → needed"),
    "gr.calcul": ("Calcul", "Arithmetic"),
    "gr.montant": ("Économie ($/an)", "Savings ($/yr)"),
    "gr.note_vide": ("d'ici la mise en place du scénario retenu, qui vide ce conteneur",
                     "until the retained scenario, which empties this container, is in place"),
    "gr.total": ("Total des gains rapides : {montant}.", "Total quick wins: {montant}."),

    # -- 3. inventory ----------------------------------------------------------
    "s.inventaire": ("Inventaire des flux et des conteneurs", "Inventory of streams and containers"),
    "inv.qualite": ("Qualité des données : {pesee} de la masse est pesée ; le reste est estimé ({autres}).",
                    "Data quality: {pesee} of the mass is weighed; the rest is estimated ({autres})."),
    "inv.flux.caption": ("Flux de matières résiduelles (par an)", "Residual material streams (per year)"),
    "inv.couts.caption": ("Coût actuel de chaque flux (par an, avant taxes)", "Current cost of each stream (per year, before taxes)"),
    "inv.conteneurs.caption": ("Conteneurs : levées et coût, aujourd'hui et après les scénarios retenus",
                               "Containers: lifts and cost, today and after the retained scenarios"),
    "col.flux": ("Flux", "Stream"),
    "col.matiere": ("Matière", "Material"),
    "col.gestion": ("Gestion actuelle", "Current management"),
    "col.masse": ("Masse (t/an)", "Mass (t/yr)"),
    "col.volume": ("Volume (m³/an)", "Volume (m³/yr)"),
    "col.surface": ("Entreposage (m²)", "Storage (m²)"),
    "col.source": ("Source des données", "Data source"),
    "col.tarif": ("Tarif ($/t)", "Fee ($/t)"),
    "col.redevance": ("Redevance ($/t)", "Levy ($/t)"),
    "col.elimination": ("Élimination ($/an)", "Disposal ($/yr)"),
    "col.collecte": ("Collecte ($/an)", "Collection ($/yr)"),
    "col.frais_fixes": ("Frais fixes ($/an)", "Fixed fees ($/yr)"),
    "col.cout_actuel": ("Coût actuel ($/an)", "Current cost ($/yr)"),
    "col.conteneur": ("Conteneur", "Container"),
    "col.contenant": ("Contenant (m³)", "Size (m³)"),
    "col.capacite": ("Capacité par levée (m³)", "Capacity per lift (m³)"),
    "col.levees_avant": ("Levées/an actuelles", "Lifts/yr today"),
    "col.levees_besoin": ("Levées/an nécessaires", "Lifts/yr needed"),
    "col.levees_apres": ("Levées/an après", "Lifts/yr after"),
    "col.cout_avant": ("Coût actuel ($/an)", "Cost today ($/yr)"),
    "col.cout_apres": ("Coût après ($/an)", "Cost after ($/yr)"),
    "inv.partage": ("partagé", "shared"),
    "inv.declarees": ("déclarées", "declared"),
    "inv.calculees": ("calculées", "computed"),
    "inv.sans_conteneur": ("Flux sans conteneur déclaré : {liste}.", "Streams without a declared container: {liste}."),
    "inv.ecart_conjoint": ("Appliqués ensemble, les scénarios d'un conteneur partagé changent ses levées autrement que "
                           "la somme des scénarios pris un à un : écart de {montant}, compté dans le total.",
                           "Applied together, the scenarios of a shared container change its lifts differently from "
                           "the sum of the scenarios taken one by one: a difference of {montant}, counted in the total."),

    # -- 4. scenarios ------------------------------------------------------------
    "s.scenarios": ("Scénarios", "Scenarios"),
    "sc.intro": ("Chaque scénario est calculé seul, par rapport à aujourd'hui. Entrent dans les totaux ceux marqués "
                 "« retenu » dans l'inventaire ou déjà en place (plusieurs preneurs d'un flux s'additionnent), sinon celui "
                 "qui rapporte le plus. Calculs arrondis à l'affichage.",
                 "Each scenario is computed alone, against today. The totals take those marked “retained” in the inventory "
                 "or already in place (several takers of one stream add up), else the one that saves the most. Arithmetic "
                 "rounded for display."),
    "sc.aucun": ("L'inventaire ne décrit aucun scénario.", "The inventory describes no scenario."),
    "sc.type": ("Type", "Type"),
    "sc.statut": ("Avancement", "Status"),
    "sc.retenu": ("Dans les totaux", "In the totals"),
    "sc.retenu.force": ("oui (choisi dans l'inventaire)", "yes (chosen in the inventory)"),
    "sc.retenu.meilleur": ("oui (meilleur gain du flux)", "yes (best gain of the stream)"),
    "sc.retenu.non": ("non", "no"),
    "sc.gain_net": ("Gain net", "Net gain"),
    "sc.retour": ("Retour sur investissement", "Payback"),
    "sc.preneur": ("Preneur", "Taker"),
    "sc.filiere": ("Filière", "Route"),
    "sc.calcul": ("Calcul", "Arithmetic"),
    "sc.environnement": ("Environnement", "Environment"),
    "sc.caption": ("{flux} : scénarios comparés (par an)", "{flux}: scenarios compared (per year)"),
    "sc.col.scenario": ("Scénario", "Scenario"),
    "sc.col.gain": ("Gain net ($/an)", "Net gain ($/yr)"),
    "sc.col.ges": ("GES évités (t CO₂e/an)", "GHG avoided (t CO₂e/yr)"),
    # arithmetic lines
    "a.masse": ("Masse détournée", "Mass diverted"),
    "a.elimination": ("Élimination évitée (tarif + redevance)", "Disposal avoided (fee + levy)"),
    "a.conteneur": ("Conteneur actuel « {id} »", "Current container “{id}”"),
    "a.conteneur.expr": ("{avant} → {apres} ({l_avant} → {l_apres} levées/an)", "{avant} → {apres} ({l_avant} → {l_apres} lifts/yr)"),
    "a.cout_evite": ("Coût évité", "Cost avoided"),
    "a.revenus": ("Revenus (prix payé par le preneur)", "Revenue (price paid by the taker)"),
    "a.revenus.paye": ("Prix payé au preneur par l'usine", "Price paid to the taker by the plant"),
    "a.preparation": ("Préparation (tri, mise en balles…)", "Preparation (sorting, baling…)"),
    "a.transport": ("Transport", "Transport"),
    "a.transport.expr": ("{voyages} voyages, {distance} : {montant}", "{voyages} trips, {distance}: {montant}"),
    "a.transport.preneur": ("à la charge du preneur", "paid by the taker"),
    "a.nouveau_conteneur": ("Nouveau conteneur", "New container"),
    "a.frais_fixes": ("Nouveaux frais fixes", "New fixed fees"),
    "a.couts": ("Coûts nouveaux", "New costs"),
    "a.couts.aucun": ("aucun", "none"),
    "a.gain": ("Gain net (coût évité + revenus − coûts nouveaux)", "Net gain (cost avoided + revenue − new costs)"),
    "a.retour": ("Retour (investissement + pénalité) ÷ gain", "Payback (investment + penalty) ÷ gain"),
    "a.retour.sans_cout": ("aucun coût initial", "no one-time cost"),
    "a.retour.sans_gain": ("aucun : le gain net n'est pas positif", "none: the net gain is not positive"),
    "a.annees": ("{n}\u00a0{y|an|ans}", "{n}\u00a0{y|year|years}"),
    "a.mois": ("≈\u00a0{n}\u00a0mois", "≈\u00a0{n}\u00a0{n|month|months}"),
    "a.elim_t": ("Élimination évitée", "Disposal avoided"),
    "a.enfouissement": ("Cellule d'enfouissement évitée", "Landfill cell avoided"),
    "a.redevance": ("Redevance d'élimination évitée", "Disposal levy avoided"),
    "a.ges": ("GES évités", "GHG avoided"),
    "a.ges.nd": ("non calculés : facteur d'émission manquant, scénario exclu du total des GES",
                 "not computed: missing emission factor, scenario left out of the GHG total"),
    "a.ges.meme": ("0 : la filière ne change pas", "0: the route does not change"),
    "a.surface": ("Entreposage", "Storage"),
    "a.surface.expr": ("{avant} → {apres} : {recupere} récupérés", "{avant} → {apres}: {recupere} recovered"),
    "a.surface.valeur": ("× {loyer} = {valeur} (valeur indicative, non ajoutée aux économies)",
                         "× {loyer} = {valeur} (indicative value, not added to savings)"),
    "a.surface.sans_loyer": ("valeur non calculée (loyer inconnu)", "value not computed (rent unknown)"),
    "a.capacite": ("Capacité par levée (contenant × remplissage × compaction)", "Capacity per lift (size × fill × compaction)"),
    "a.levees_groupe": ("Levées du groupe", "Group lifts"),
    "a.levees_groupe.expr": ("{volume} ÷ {capacite} → {levees} levées/an", "{volume} ÷ {capacite} → {levees} lifts/yr"),
    "a.levees_somme": ("{termes} = {levees} levées/an", "{termes} = {levees} lifts/yr"),
    "a.cout_groupe": ("Coût du groupe (levées × frais × (1 + surcharge) + location + gestion)",
                      "Group cost (lifts × fee × (1 + surcharge) + rental + management)"),
    "a.cout_groupe.contrat": ("Coût du groupe (levées × frais × (1 + surcharge) + gestion)",
                              "Group cost (lifts × fee × (1 + surcharge) + management)"),
    "a.economie_groupe": ("Économie du groupe (somme des coûts seuls − coût du groupe)",
                          "Group savings (sum of stand-alone costs − group cost)"),
    "a.part_usine": ("Part de l'usine", "Plant's share"),
    "a.tarif_groupe": ("Tarif de groupe (écart de tarif par tonne)", "Group fee (fee difference per tonne)"),
    "a.gain_mut": ("Gain net de l'usine (coût seul − part + écart de tarif)", "Plant's net gain (stand-alone cost − share + fee difference)"),

    # -- 5. pooling ----------------------------------------------------------------
    "s.mutualisation": ("Mutualisation : répartition des coûts", "Pooling: cost allocation"),
    "mut.aucun": ("L'inventaire ne décrit aucune mutualisation.", "The inventory describes no pooling."),
    "mut.caption": ("{nom} : {forme}, répartition {repartition} (par an)", "{nom}: {forme}, {repartition} allocation (per year)"),
    "mut.membre": ("Membre", "Member"),
    "mut.volume": ("Volume (m³/an)", "Volume (m³/yr)"),
    "mut.levees": ("Levées/an", "Lifts/yr"),
    "mut.cout_seul": ("Coût seul ($/an)", "Stand-alone cost ($/yr)"),
    "mut.part": ("Part du coût du groupe ($/an)", "Share of group cost ($/yr)"),
    "mut.economie": ("Économie ($/an)", "Savings ($/yr)"),
    "mut.estime": ("estimé", "estimated"),
    "mut.estime.note": ("« estimé » : coût actuel du partenaire estimé d'après ses levées ou son volume, au tarif de l'usine.",
                        "“estimated”: the partner's current cost estimated from its lifts or volume, at the plant's fee."),
    "mut.stable": ("Répartition stable : aucun sous-groupe ne paierait moins en se regroupant sans les autres.",
                   "Stable allocation: no sub-group would pay less by pooling without the others."),
    "mut.instable": ("Répartition instable : {membres} paieraient moins ensemble, sans les autres ; "
                     "revoir la répartition (ex. Shapley) avant de signer.",
                     "Unstable allocation: {membres} would pay less together, without the others; "
                     "revisit the split (e.g. Shapley) before signing."),
    "mut.instable.seul": ("Répartition instable : {membres} paierait moins seul qu'avec sa part du groupe ; "
                          "revoir la répartition (ex. Shapley) avant de signer.",
                          "Unstable allocation: {membres} would pay less alone than its share of the group; "
                          "revisit the split (e.g. Shapley) before signing."),
    "mut.cout_collecte": ("Coûts seuls : collecte seulement (levées et location), jamais l'élimination.",
                          "Stand-alone costs: collection only (lifts and rental), never disposal."),

    # -- 6. regulatory -----------------------------------------------------------------
    "s.reglementaire": ("Conditions réglementaires", "Regulatory conditions"),
    "reg.intro": ("Repères, pas un avis juridique : l'exigence exacte dépend de la matière, du preneur, du lieu et des quantités. "
                  "Au Québec, le Règlement sur l'encadrement d'activités en fonction de leur impact sur l'environnement (REAFIE) "
                  "range chaque activité : autorisation ministérielle (Loi sur la qualité de l'environnement, art. 22), "
                  "déclaration de conformité, ou exemption. Confirmez auprès de la direction régionale du ministère de l'Environnement.",
                  "Pointers, not legal advice: the exact requirement depends on the material, the taker, the place and the quantities. "
                  "In Québec, the Regulation respecting the regulatory scheme applying to activities on the basis of their environmental impact (REAFIE) "
                  "places each activity under ministerial authorization (Environment Quality Act, s. 22), "
                  "a declaration of compliance, or an exemption. Check with the regional office of Québec's environment ministry."),
    "reg.caption": ("Statut déclaré de chaque scénario et ce que le preneur doit habituellement avoir",
                    "Declared status of each scenario and what the taker usually needs"),
    "reg.scenario": ("Scénario", "Scenario"),
    "reg.statut": ("Statut déclaré", "Declared status"),
    "reg.exigence": ("Ce qu'il faut habituellement", "What is usually needed"),
    "reg.note_matiere": ("Note sur la matière", "Note on the material"),

    # -- 7. method ---------------------------------------------------------------------
    "s.methode": ("Méthode", "Method"),

    # -- 8. factors --------------------------------------------------------------------
    "s.facteurs": ("Facteurs utilisés", "Factors used"),
    "fx.intro": ("Chaque valeur qui entre dans un chiffre du rapport, avec sa source. « Bibliothèque » : valeur par défaut "
                 "de symbio que l'inventaire n'a pas donnée ; « substitut » : valeur empruntée à une matière, une région "
                 "ou un pays voisin, à remplacer par une donnée locale dès que possible.",
                 "Every value that enters a figure of the report, with its source. “Library”: a symbio default value "
                 "the inventory did not give; “proxy”: a value borrowed from a similar material, region or country, "
                 "to replace with local data when possible."),
    "fx.caption": ("Facteurs et leurs sources", "Factors and their sources"),
    "fx.cle": ("Clé", "Key"),
    "fx.valeur": ("Valeur", "Value"),
    "fx.unite": ("Unité", "Unit"),
    "fx.annee": ("Année", "Year"),
    "fx.confiance": ("Confiance", "Confidence"),
    "fx.origine": ("Origine", "Origin"),
    "fx.source": ("Source", "Source"),
    "fx.defaut": ("bibliothèque", "library"),
    "fx.inventaire": ("inventaire", "inventory"),
    "fx.proxy": ("substitut", "proxy"),
    "fx.aucun": ("Aucun facteur de la bibliothèque n'a servi.", "No library factor was used."),

    # -- 9. warnings ---------------------------------------------------------------------
    "s.avertissements": ("Avertissements", "Warnings"),
    "av.aucun": ("Aucun avertissement.", "No warnings."),
    "av.champ": ("champ : {champ}", "field: {champ}"),

    # -- portfolio summary -------------------------------------------------------------
    "p.titre": ("Sommaire du portefeuille", "Portfolio summary"),
    "p.intro": ("{n} {n|inventaire audité|inventaires audités}, {echecs} en échec ; date : {date}. Montants annuels avant taxes, "
                "chacun en dollars de l'année de son inventaire.",
                "{n} {n|inventory audited|inventories audited}, {echecs} failed; date: {date}. Yearly amounts before taxes, "
                "each in dollars of its inventory's year."),
    "p.caption": ("Inventaires, par économies nettes décroissantes", "Inventories, by decreasing net savings"),
    "p.fichier": ("Inventaire", "Inventory"),
    "p.entreprise": ("Entreprise", "Company"),
    "p.flux": ("Flux", "Streams"),
    "p.masse": ("Masse (t/an)", "Mass (t/yr)"),
    "p.cout_actuel": ("Coût actuel ($/an)", "Current cost ($/yr)"),
    "p.economies": ("Économies nettes ($/an)", "Net savings ($/yr)"),
    "p.cout_projete": ("Coût projeté ($/an)", "Projected cost ($/yr)"),
    "p.revenus": ("Revenus de substitution ($/an)", "Substitution revenue ($/yr)"),
    "p.mutualisation": ("Mutualisation ($/an)", "Pooling ($/yr)"),
    "p.enfouissement": ("Enfouissement évité (t/an)", "Landfill avoided (t/yr)"),
    "p.redevance": ("Redevance évitée ($/an)", "Levy avoided ($/yr)"),
    "p.ges": ("GES évités (t CO₂e/an)", "GHG avoided (t CO₂e/yr)"),
    "p.taux": ("Mise en valeur avant → après", "Recovery before → after"),
    "p.partiel": ("partiel", "partial"),
    "p.ges_note": ("GES : réductions estimées, hors de tout inventaire GES ; « partiel » : un scénario sans facteur d'émission est exclu.",
                   "GHG: estimated reductions, outside any GHG inventory; “partial”: a scenario without an emission factor is left out."),
    "p.echecs": ("Échecs", "Failures"),
    "p.aucun": ("Aucun inventaire audité.", "No inventory audited."),
    "p.rapport": ("rapport", "report"),
    "p.rapport_titre": ("Rapport", "Report"),
    "p.region": ("Région", "Region"),
    "p.ges_partiel": ("GES partiel", "GHG partial"),
    "p.taux_avant": ("Mise en valeur avant", "Recovery before"),
    "p.taux_apres": ("Mise en valeur après", "Recovery after"),
    "p.part_pesee": ("Part pesée", "Weighed share"),
    "p.nb_avertissements": ("Avertissements", "Warnings"),
    "p.premier_avertissement": ("Premier avertissement", "First warning"),
    "p.nb_defauts": ("Valeurs par défaut", "Default values"),
    "p.erreur": ("Erreur", "Error"),
    "p.avertissements": ("Avertissements", "Warnings"),
    "p.avertissement_nombre": ("{n} {n|avertissement|avertissements}", "{n} {n|warning|warnings}"),
    "p.avertissement_premier": (" ; premier : {message}", "; first: {message}"),
    "p.feuille": ("Sommaire", "Summary"),
}

# METHODE.md revision 2: labels of the new rules (kept together so the hunk stays small).
TEXT.update({
    "fig.ges.nd": ("n.d. : aucun scénario retenu n'a de facteur d'émission",
                   "n/a: no retained scenario has an emission factor"),
    "fig.ges.partiel.tonnes": ("total partiel : {tonnes} de scénarios retenus sans facteur d'émission en sont exclues",
                               "partial total: {tonnes} of retained scenarios without an emission factor are left out"),
    "a.ges.levees": ("trajets de collecte évités", "collection trips avoided"),
    "a.ges.voyages": ("voyages", "trips"),
    "a.ges.collecte.nd": ("n.d. : distance de collecte inconnue (trajets non comptés)",
                          "n/a: collection distance unknown (trips not counted)"),
    "a.ristourne": ("Ristourne perdue", "Rebate lost"),
    "a.hierarchie": ("Hiérarchie", "Hierarchy"),
    "a.prix_tout_compris": ("Prix de la filière", "Route price"),
    "a.prix_tout_compris.texte": ("filière d'élimination : son prix est tout compris, redevance incluse",
                                  "disposal route: its price is all-in, levy included"),
    "a.collecte.avant": ("Conteneur aujourd'hui", "Container today"),
    "a.collecte.apres": ("Conteneur après", "Container after"),
    "a.collecte.levees": ("{levees} levées/an ({origine}) → {cout}", "{levees} lifts/yr ({origine}) → {cout}"),
    "a.collecte.restant": ("Conteneur partagé sans ce flux", "Shared container without this stream"),
    "a.collecte.gain": ("Gain net (avant − après − frais fixes)", "Net gain (before − after − fixed fees)"),
    "a.economies_groupe": ("Économies du groupe avec le tarif de groupe (levées + tonnes des membres)",
                           "Group savings with the group price (lifts + members' tonnes)"),
    "a.groupe_non_forme": ("Groupe", "Group"),
    "a.groupe_non_forme.texte": ("le groupe coûte plus cher que ses membres seuls : il ne se forme pas et n'est jamais retenu",
                                 "the group costs more than its members alone: it does not form and is never retained"),
    "fig.defauts": ("† avec des valeurs par défaut : {cles}", "† with library defaults: {cles}"),
    "inv.defauts": ("Valeurs par défaut de la bibliothèque (l'inventaire ne les donne pas ; † dans les tableaux) : {liste}.",
                    "Library defaults (not given by the inventory; † in the tables): {liste}."),
    "inv.ecart_conjoint_ges": ("En GES, les levées conjointes donnent un écart de {ges}, compté dans le total.",
                               "In GHG, joint lifts give a difference of {ges}, counted in the total."),
    "inv.levees_non_comptees": ("Trajets de collecte : sans distance, ils ne sont pas comptés dans les GES ; un flux "
                                "sans conteneur n'en a pas.",
                                "Collection trips: without a distance they are not counted in GHG; a stream without a "
                                "container has none."),
    "taux.famille.mise_en_valeur": ("Mise en valeur : {famille} ({masse})", "Recovery: {famille} ({masse})"),
    "sc.retenu.en_place": ("oui (en place)", "yes (in place)"),
})

# -- vocabulary of the inventory (the contract's French values) -------------------------

MODES: dict[str, tuple[str, str]] = {
    "reemploi": ("Réemploi", "Reuse"),
    "recyclage": ("Recyclage", "Recycling"),
    "compostage": ("Compostage", "Composting"),
    "biomethanisation": ("Biométhanisation", "Anaerobic digestion"),
    "epandage": ("Épandage agricole", "Land application"),
    "alimentation_animale": ("Alimentation animale", "Animal feed"),
    "valorisation_energetique": ("Valorisation énergétique", "Energy recovery"),
    "recouvrement_let": ("Recouvrement de LET", "Landfill cover"),
    "enfouissement": ("Enfouissement", "Landfill"),
    "incineration": ("Incinération", "Incineration"),
}

STATUTS = {
    "idee": ("Idée", "Idea"),
    "etude": ("À l'étude", "Under study"),
    "en_place": ("En place", "In place"),
}

STATUTS_REGLEMENTAIRES = {
    "inconnu": ("À vérifier", "To be checked"),
    "exempte": ("Exempté (selon l'usine)", "Exempt (according to the plant)"),
    "declaration": ("Déclaration de conformité", "Declaration of compliance"),
    "autorisation_requise": ("Autorisation ministérielle requise (LQE, art. 22)",
                             "Ministerial authorization required (EQA, s. 22)"),
}

SOURCES = {
    "pesee": ("pesée", "weighed"),
    "facture": ("facture", "invoice"),
    "caracterisation": ("caractérisation", "waste characterization"),
    "estimation": ("estimation", "estimate"),
}

FAMILLES = {
    "pcpvm": ("papier, carton, plastique, verre, métal", "paper, cardboard, plastic, glass, metal"),
    "organiques": ("matières organiques", "organic materials"),
    "crd": ("construction, rénovation, démolition", "construction, renovation, demolition"),
    "autres": ("autres matières", "other materials"),
}

CONFIANCES = {
    "haute": ("haute", "high"),
    "moyenne": ("moyenne", "medium"),
    "faible": ("faible", "low"),
    "aucune": ("non évaluée", "not rated"),
}

TYPES_COURTS = {
    "substitution": ("Substitution", "Substitution"),
    "mutualisation": ("Mutualisation", "Pooling"),
    "collecte": ("Collecte", "Collection"),
}

FORMES = {
    "conteneur_partage": ("conteneur partagé", "shared container"),
    "contrat_groupe": ("contrat de groupe", "group contract"),
}

REPARTITIONS = {
    "proportionnelle": ("proportionnelle", "proportional"),
    "shapley": ("selon la valeur de Shapley", "Shapley-value"),
}

WARNING_CODES = {
    "levees_apres_insuffisantes": ("Levées après sous le besoin", "Lifts after below need"),
    "groupe_perdant": ("Groupe perdant", "Losing group"),
    "groupe_non_forme": ("Groupe non formé", "Group not formed"),
    "egalite_scenarios": ("Égalité de scénarios", "Tied scenarios"),
    "hierarchie": ("Descente dans la hiérarchie", "Down the hierarchy"),
    "filiere_bois": ("Filière du bois à préciser", "Wood route to specify"),
    "loyer_exterieur_manquant": ("Loyer extérieur inconnu", "Outdoor rent unknown"),
    "distance_discordante": ("Distances discordantes", "Conflicting distances"),
    "masse_partenaire_inconnue": ("Masse d'un partenaire inconnue", "Partner mass unknown"),
    "conteneur_inutilise": ("Conteneur inutilisé", "Unused container"),
    "cout_partenaire_estime": ("Coût d'un partenaire estimé", "Partner cost estimated"),
    "encodage": ("Fichier en Windows-1252", "Windows-1252 file"),
    "lecture_nombre": ("Virgule lue comme décimale", "Comma read as a decimal mark"),
    "quantite_nulle": ("Flux nul", "Zero stream"),
    "saisie": ("Saisie", "Input"),
    "signe_moins": ("Tiret lu comme un signe moins", "Dash read as a minus sign"),
    "facteur_annee": ("Facteur d'une autre année", "Factor from another year"),
    "facteur_manquant": ("Facteur manquant", "Missing factor"),
    "facteur_regional_absent": ("Valeur provinciale utilisée", "Province-wide value used"),
    "ges_partiel": ("GES partiels", "Partial GHG"),
    "levees_insuffisantes": ("Levées insuffisantes", "Too few lifts"),
    "masse_volumique_enfouissement": ("Masse volumique en place inconnue", "Landfill density unknown"),
    "redevance_manquante": ("Redevance inconnue", "Levy unknown"),
    "surdimensionnement": ("Conteneur levé trop souvent", "Container lifted too often"),
    "surface_approchee": ("Surface approchée", "Approximate area"),
    "surface_inconnue": ("Surface inconnue", "Unknown area"),
    "tarif_manquant": ("Tarif manquant", "Missing fee"),
    "taux_remplissage_manquant": ("Taux de remplissage inconnu", "Unknown fill rate"),
    "volume_inconnu": ("Volume inconnu", "Unknown volume"),
}

# What a taker usually needs, by route (text only: no figures).
EXIGENCES = {
    "reemploi": ("Réemploi du même objet (palettes réparées…) : en général pas d'autorisation pour l'usine ; "
                 "le preneur exploite habituellement une activité déjà encadrée.",
                 "Reuse of the same item (repaired pallets…): usually no authorization for the plant; "
                 "the taker usually runs an activity that is already regulated."),
    "recyclage": ("Le preneur qui stocke ou traite des matières résiduelles exerce une activité encadrée par le REAFIE : "
                  "selon l'activité, autorisation ministérielle (LQE, art. 22), déclaration de conformité ou exemption. "
                  "Demander au preneur sa preuve de conformité.",
                  "A taker that stores or processes residual materials runs an activity regulated by the REAFIE: "
                  "depending on the activity, ministerial authorization (EQA, s. 22), a declaration of compliance or an exemption. "
                  "Ask the taker for proof of compliance."),
    "compostage": ("Le site de compostage doit détenir l'autorisation ou la déclaration requise par le REAFIE ; "
                   "le compost produit suit le Guide sur le recyclage des matières résiduelles fertilisantes.",
                   "The composting site must hold the authorization or declaration required by the REAFIE; "
                   "the compost follows the Guide sur le recyclage des matières résiduelles fertilisantes (Québec guide on fertilizing residual materials)."),
    "biomethanisation": ("L'installation de biométhanisation doit être autorisée (LQE, art. 22) ; le digestat épandu suit "
                         "le Guide sur le recyclage des matières résiduelles fertilisantes.",
                         "The anaerobic digestion plant must be authorized (EQA, s. 22); digestate spread on land follows "
                         "the Guide sur le recyclage des matières résiduelles fertilisantes."),
    "epandage": ("Matière résiduelle fertilisante : épandage selon le Guide sur le recyclage des matières résiduelles "
                 "fertilisantes (catégories de contaminants, d'odeurs et de pathogènes), avec prescription d'un agronome ; "
                 "autorisation ministérielle ou déclaration de conformité selon la catégorie de la matière.",
                 "Fertilizing residual material: land application under the Guide sur le recyclage des matières résiduelles "
                 "fertilisantes (Québec guide; contaminant, odour and pathogen categories), prescribed by an agronomist; "
                 "ministerial authorization or declaration of compliance depending on the material's category."),
    "alimentation_animale": ("Aliments du bétail : règles fédérales de l'Agence canadienne d'inspection des aliments (ACIA), "
                             "Loi relative aux aliments du bétail et Règlement sur les aliments du bétail (ingrédients admis, "
                             "salubrité, traçabilité) ; vérifier aussi le plan de l'éleveur avec son agronome ou son vétérinaire.",
                             "Livestock feed: federal rules of the Canadian Food Inspection Agency (CFIA), the Feeds Act and "
                             "the Feeds Regulations (approved ingredients, safety, traceability); also check the farmer's plan "
                             "with their agronomist or veterinarian."),
    "valorisation_energetique": ("Combustion : la chaudière ou le four du preneur doit respecter le Règlement sur "
                                 "l'assainissement de l'atmosphère et peut exiger une autorisation ministérielle (LQE, art. 22) "
                                 "pour brûler des matières résiduelles.",
                                 "Combustion: the taker's boiler or kiln must meet the Clean Air Regulation and may need "
                                 "a ministerial authorization (EQA, s. 22) to burn residual materials."),
    "recouvrement_let": ("Matériau de recouvrement : accepté par l'exploitant du lieu d'enfouissement selon son autorisation "
                         "et le Règlement sur l'enfouissement et l'incinération de matières résiduelles.",
                         "Cover material: accepted by the landfill operator under its authorization and the Regulation "
                         "respecting the landfilling and incineration of residual materials."),
    "enfouissement": ("Élimination dans un lieu autorisé (Règlement sur l'enfouissement et l'incinération de matières résiduelles).",
                      "Disposal at an authorized site (Regulation respecting the landfilling and incineration of residual materials)."),
    "incineration": ("Élimination dans un lieu autorisé (Règlement sur l'enfouissement et l'incinération de matières résiduelles).",
                     "Disposal at an authorized site (Regulation respecting the landfilling and incineration of residual materials)."),
    "mutualisation": ("Collecte mise en commun : en général aucune autorisation environnementale propre ; vérifier les "
                      "contrats de collecte en cours (clause de sortie), le règlement municipal et l'accès au site du conteneur.",
                      "Pooled collection: usually no environmental authorization of its own; check the current collection "
                      "contracts (exit clause), the municipal by-law and access to the container's site."),
}

# The methodology section: METHODE.md in plain language (paragraphs; no figures of a plant).
METHODE = {
    "fr": (
        ("Base annuelle", "Tous les chiffres sont annuels, en dollars canadiens avant taxes de l'année de l'inventaire. "
         "Les quantités données par mois ou par semaine sont ramenées à l'année (365,25 jours). "
         "Aucun arrondi n'entre dans le calcul ; le rapport arrondit seulement à l'affichage."),
        ("Coût actuel d'un flux", "Coût d'élimination (masse × (tarif + redevance d'élimination)) + part du coût de son "
         "conteneur + frais fixes − ristourne forfaitaire. La redevance s'applique à l'enfouissement et à l'incinération, "
         "au tiers pour le recouvrement de lieu d'enfouissement, et jamais au recyclage ni à la valorisation. Un tarif "
         "négatif est une ristourne par tonne ; une ristourne forfaitaire (par mois ou par an) se donne à part, et un "
         "scénario qui détourne une part p du flux en perd p. Le tarif provincial par défaut est la médiane des tarifs "
         "régionaux de la bibliothèque."),
        ("Conteneurs", "Coût = levées × frais de levée × nombre de conteneurs × (1 + surcharge) + location + dépassement. "
         "Le dépassement est (masse − levées × conteneurs × tonnes incluses) × prix du surplus, s'il est positif ; il se "
         "partage entre les flux d'un conteneur partagé selon leur masse, le reste du coût selon leur volume. Un forfait "
         "de service remplace le prix des levées (sans surcharge) et suit les levées après un changement. Les levées "
         "nécessaires sont le volume à sortir divisé par la capacité utile (contenant × taux de remplissage × compaction "
         "× nombre), arrondi à l'unité supérieure. Quand un conteneur est levé plus souvent que nécessaire, l'écart est "
         "un gain rapide montré à part. Après un changement, les levées baissent du changement de besoin, sans jamais "
         "descendre sous ce que le contenu restant demande (ni dépasser les levées d'aujourd'hui) : un scénario n'est "
         "jamais crédité d'un surplus de service qui existait avant lui, et un conteneur qui garde du contenu est "
         "toujours levé. Des levées après déclarées sous le besoin donnent un avertissement."),
        ("Collecte", "Un scénario de collecte change de conteneur ou d'horaire (compacteur, bac plus petit, moins de "
         "levées, forfait). Il ne reprend jamais les levées d'aujourd'hui : sans levées déclarées, ce sont celles que "
         "son contenu demande. Gain = coût du conteneur avant − coût après − frais fixes. Retenu avec des substitutions "
         "du même flux, il s'applique d'abord, puis les substitutions au nouveau conteneur."),
        ("Substitution", "Une part du résidu va à un preneur qui s'en sert comme matière première. Gain net = coût évité "
         "(élimination et levées évitées) + revenus (masse × prix du preneur) − coûts nouveaux (préparation, transport, "
         "nouveau conteneur, frais fixes, ristourne perdue). Le retour sur investissement est (investissement + pénalité "
         "de sortie de contrat) ÷ gain net annuel. Plusieurs preneurs peuvent se partager un flux : leurs parts font au "
         "plus 100 %, et le conteneur est recalculé avec ce qu'ils y laissent ensemble. Un scénario qui descend dans la "
         "hiérarchie (recyclage vers valorisation énergétique ou élimination) est permis mais signalé ; du bois mis en "
         "granules ou brûlé est une valorisation énergétique, jamais du recyclage."),
        ("Mutualisation", "L'usine et ses voisins partagent un conteneur ou un contrat de collecte. On calcule le coût "
         "de chacun seul, puis celui du groupe, et l'économie se partage en proportion des volumes (ou des levées), ou "
         "selon la valeur de Shapley. Un tarif de groupe s'applique aux tonnes de chaque membre (sa masse, son tarif "
         "actuel) et compte dans l'économie du groupe ; le gain de l'usine ne compte que ses tonnes. Un groupe qui coûte "
         "plus cher que ses membres seuls ne se forme pas et n'est jamais retenu. On vérifie qu'aucun sous-groupe ne "
         "paierait moins sans les autres : sinon la répartition est dite instable."),
        ("Totaux", "Les scénarios retenus d'un flux sont ceux choisis dans l'inventaire ou déjà en place, sinon celui qui "
         "rapporte le plus (le premier du fichier en cas d'égalité, avec un avertissement). Plusieurs substitutions, "
         "et une collecte, peuvent être retenues ensemble ; une mutualisation est retenue seule. Coût projeté = coût "
         "actuel − économies nettes. Chaque scénario est aussi montré seul ; l'écart dû aux levées conjointes est montré "
         "à part, en dollars et en GES."),
        ("Enfouissement et redevance", "Quand une matière éliminée part vers une filière de mise en valeur, la masse "
         "évitée, le volume de cellule (masse ÷ masse volumique en place) et la redevance évitée sont comptés. De "
         "l'enfouissement vers l'incinération, seul l'enfouissement est évité (ni élimination ni redevance) et le prix "
         "d'une filière d'élimination est tout compris ; entre deux éliminations, la redevance évitée est l'écart des "
         "redevances."),
        ("Gaz à effet de serre", "GES évités = masse détournée × (facteur d'émission de la gestion actuelle − facteur de "
         "la nouvelle filière) − émissions du camion (aller chargé et retour à vide) + trajets de collecte évités "
         "(2 × distance × émission du camion × variation des levées), quand la distance du conteneur est connue ; sans "
         "distance, les trajets de collecte ne sont pas comptés. Les facteurs sont nets sur le cycle de vie et incluent "
         "la production évitée ; aucun crédit d'électricité n'est tiré du réseau américain, le réseau québécois étant "
         "presque sans carbone. Le chiffre d'un scénario est complet ou « n.d. » : un facteur manquant exclut le "
         "scénario du total (dit partiel, avec les tonnes laissées de côté), jamais compté comme zéro ; quand aucun "
         "scénario retenu n'a de facteur, le total est « n.d. ». Ce sont des réductions estimées, hors de tout "
         "inventaire GES."),
        ("Espace d'entreposage", "La surface libérée est valorisée au loyer industriel de la région ; cette valeur est "
         "montrée à côté des économies, jamais ajoutée."),
        ("Taux", "Par masse, selon la hiérarchie de la Loi sur la qualité de l'environnement : recyclage (réemploi, "
         "recyclage, compostage, biométhanisation, épandage, alimentation animale), valorisation énergétique, "
         "élimination (enfouissement, incinération, recouvrement). Chaque famille de matières est comparée à l'objectif "
         "de la Politique québécoise de gestion des matières résiduelles avec le taux qu'il nomme : le recyclage, ou la "
         "mise en valeur (recyclage et valorisation) pour la cible « recycler et valoriser » des résidus de CRD."),
        ("Facteurs", "Chaque valeur vient de l'inventaire, sinon de la bibliothèque de facteurs de symbio (valeur "
         "régionale, sinon provinciale). Toutes celles qui ont servi sont listées plus bas avec leur source ; les "
         "valeurs par défaut (tarif, masse volumique, taux de remplissage, loyer, transport) sont aussi listées dans la "
         "qualité des données avec le flux où elles entrent, et marquées dans le tableau des flux."),
    ),
    "en": (
        ("Yearly basis", "All figures are per year, in Canadian dollars before taxes of the inventory's year. "
         "Quantities given per month or per week are brought to a year (365.25 days). "
         "Nothing is rounded in the calculation; the report rounds for display only."),
        ("Current cost of a stream", "Disposal cost (mass × (fee + disposal levy)) + its share of its container's cost "
         "+ fixed fees − flat rebate. The levy applies to landfill and incineration, one third of it to landfill cover, "
         "and never to recycling or recovery. A negative fee is a per-tonne rebate; a flat rebate (per month or year) is "
         "given apart, and a scenario diverting a share p of the stream loses p of it. The default province-wide fee is "
         "the median of the library's regional fees."),
        ("Containers", "Cost = lifts × lift fee × number of containers × (1 + surcharge) + rental + overage. The overage "
         "is (mass − lifts × containers × tonnes included) × overage price, when positive; in a shared container it is "
         "split by mass, the rest of the cost by volume. A flat service price replaces the lift price (no surcharge) and "
         "follows the lifts after a change. Lifts needed are the volume to remove divided by the useful capacity (size × "
         "fill rate × compaction × number), rounded up. When a container is lifted more often than needed, the "
         "difference is a quick win shown apart. After a change, lifts fall by the change in need, never below what the "
         "remaining contents need (nor above today's lifts): a scenario is never credited with over-servicing that "
         "existed before it, and a container that still holds something is still lifted. Declared lifts after below "
         "the need get a warning."),
        ("Collection", "A collection scenario changes the container or schedule (compactor, smaller bin, fewer lifts, "
         "flat service). It never inherits today's lifts: without declared lifts, it gets those its contents need. "
         "Gain = container cost before − cost after − fixed fees. Retained with substitutions of the same stream, it "
         "applies first, then the substitutions to the new container."),
        ("Substitution", "A share of the residue goes to a taker that uses it as a raw material. Net gain = cost avoided "
         "(disposal and lifts avoided) + revenue (mass × the taker's price) − new costs (preparation, transport, new "
         "container, fixed fees, rebate lost). Payback is (investment + contract exit penalty) ÷ yearly net gain. "
         "Several takers may share a stream: their shares sum to at most 100 %, and the container is recomputed with "
         "what they leave together. A scenario that moves down the hierarchy (recycling to energy recovery or disposal) "
         "is allowed but flagged; wood made into pellets or burnt is energy recovery, never recycling."),
        ("Pooling", "The plant and its neighbours share a container or a collection contract. Each one's stand-alone "
         "cost is computed, then the group's, and the group cost is split in proportion to volumes (or lifts), or by "
         "Shapley value. A group price applies to every member's tonnes (its mass, its current fee) and counts in the "
         "group savings; the plant's gain counts only its own tonnes. A group that costs more than its members alone "
         "does not form and is never retained. The split is checked so that no sub-group would pay less without the "
         "others; otherwise it is called unstable."),
        ("Totals", "A stream's retained scenarios are those chosen in the inventory or already in place, else the one that "
         "saves the most (the first in the file on a tie, with a warning). Several substitutions, and one collection "
         "change, may be retained together; a pooling is retained alone. Projected cost = current cost − net savings. "
         "Each scenario is also shown alone; the difference due to joint lifts is shown apart, in dollars and GHG."),
        ("Landfill and levy", "When a disposed-of material goes to a recovery route, the mass avoided, the landfill cell "
         "volume (mass ÷ in-place density) and the levy avoided are counted. From landfill to incineration only landfill "
         "is avoided (no disposal, no levy) and the price of a disposal route is all-in; between two disposal routes the "
         "levy avoided is the difference of the levies."),
        ("Greenhouse gases", "GHG avoided = mass diverted × (emission factor of current management − factor of the new "
         "route) − truck emissions (loaded trip and empty return) + collection trips avoided (2 × distance × truck "
         "emission × change in lifts) when the container's distance is known; without it, collection trips are not "
         "counted. Factors are net life-cycle values including displaced production; no electricity credit is taken "
         "from the US grid, as Québec's grid is almost carbon-free. A scenario's figure is complete or \"n/a\": a missing "
         "factor leaves the scenario out of the total (called partial, with the tonnes left out), never counted as "
         "zero; when no retained scenario has a factor, the total is \"n/a\". These are estimated reductions, outside any "
         "GHG inventory."),
        ("Storage space", "Floor space freed is valued at the region's industrial rent; this value is shown beside the "
         "savings, never added to them."),
        ("Rates", "By mass, following the hierarchy of Québec's Environment Quality Act: recycling (reuse, recycling, "
         "composting, anaerobic digestion, land application, animal feed), energy recovery, disposal (landfill, "
         "incineration, landfill cover). Each material family is compared with the target of Québec's residual "
         "materials management policy using the rate the target names: recycling, or recovery (recycling and energy "
         "recovery) for the construction-waste target \"recycle and recover\"."),
        ("Factors", "Each value comes from the inventory, else from symbio's factor library (regional value, else "
         "province-wide). All those used are listed below with their source; defaults (fee, density, fill rate, rent, "
         "transport) are also listed in the data quality section with the stream they enter, and flagged in the "
         "stream table."),
    ),
}

# One catalogue: the territory's labels join the audit's (a key defined twice is a bug).
_SHARED = TEXT.keys() & _TEXT_TERRITOIRE.keys()
if _SHARED:
    raise RuntimeError(f"clés définies deux fois dans le catalogue : {sorted(_SHARED)}")
TEXT.update(_TEXT_TERRITOIRE)

UNITS_EN = (("/an", "/yr"), ("/mois", "/month"), ("/semaine", "/week"), ("/jour", "/day"),
            ("voyage", "trip"), ("levée", "lift"))


def _pick(table: dict, key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def typography(text: str, lang: str) -> str:
    """French typography: no-break spaces before `: ; ? !` and inside guillemets."""
    if lang == "en":
        return text
    return (text.replace(" :", "\u00a0:").replace(" ;", "\u00a0;").replace(" ?", "\u00a0?")
            .replace(" !", "\u00a0!").replace("« ", "«\u00a0").replace(" »", "\u00a0»"))


_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def singular(n, lang: str) -> bool:
    """True when a count of `n` takes the singular in `lang`.

    French (CLDR): 0 and 1, and anything below 2 (`0 entreprise`, `1,5 an`);
    English: exactly 1 (`0 firms`, `1.5 years`). `n` is a number, not formatted text.
    """
    if isinstance(n, str) or n is None:
        raise TypeError(f"accord : un nombre est attendu, pas {n!r}")
    return n == 1 if lang == "en" else abs(n) < 2


def plural(n, one: str, other: str, lang: str = "fr") -> str:
    """`one` or `other`, whichever agrees with the count `n` in `lang`."""
    return one if singular(n, lang) else other


def count(n, one: str, other: str, lang: str = "fr") -> str:
    """`1 inventaire`, `3 inventaires`: the count and its agreeing noun (for messages)."""
    return f"{n} {plural(n, one, other, lang)}"


def _fill(template: str, lang: str, values: dict) -> str:
    if "|" in template:
        template = _PLURAL.sub(lambda m: plural(values[m.group(1)], m.group(2), m.group(3), lang), template)
    return template.format(**values) if values else template


def text(key: str, lang: str, **values) -> str:
    """The label `key` in `lang`, with its placeholders and agreements filled (typography before filling)."""
    fr, en = TEXT[key]
    template = en if lang == "en" else typography(fr, "fr")
    return _fill(template, lang, values)


@functools.lru_cache(maxsize=None)
def labels(lang: str) -> dict[str, str]:
    """Every label in `lang`, for templates: `L["s.resume"]`."""
    return {k: (en if lang == "en" else typography(fr, "fr")) for k, (fr, en) in TEXT.items()}


def method(lang: str) -> list[tuple[str, str]]:
    """The methodology section: (title, paragraph) pairs."""
    return [(typography(a, lang), typography(b, lang)) for a, b in METHODE["en" if lang == "en" else "fr"]]


def mode(key: str | None, lang: str) -> str:
    """A management mode or route (`enfouissement` → Enfouissement / Landfill)."""
    return "" if key is None else _pick(MODES, key, lang)


def statut(key: str, lang: str) -> str:
    """A scenario's progress (idee, etude, en_place)."""
    return _pick(STATUTS, key, lang)


def statut_reglementaire(key: str, lang: str) -> str:
    """A scenario's declared regulatory status."""
    return _pick(STATUTS_REGLEMENTAIRES, key, lang)


def source(key: str, lang: str) -> str:
    """A stream's data source (pesee, facture, caracterisation, estimation)."""
    return _pick(SOURCES, key, lang)


def famille(key: str, lang: str) -> str:
    """A policy family (pcpvm, organiques, crd, autres)."""
    return _pick(FAMILLES, key, lang)


def confiance(key: str, lang: str) -> str:
    """A factor's confidence."""
    return _pick(CONFIANCES, key, lang)


def type_court(key: str, lang: str) -> str:
    """substitution or mutualisation, in one word."""
    return _pick(TYPES_COURTS, key, lang)


def forme(key: str | None, lang: str) -> str:
    """A pooling form."""
    return "" if key is None else _pick(FORMES, key, lang)


def repartition(key: str | None, lang: str) -> str:
    """A pooling allocation rule."""
    return "" if key is None else _pick(REPARTITIONS, key, lang)


def warning_code(key: str, lang: str) -> str:
    """A warning's short title (its code when unknown)."""
    return _pick(WARNING_CODES, key, lang)


def exigence(route: str | None, lang: str) -> str:
    """What a taker on `route` usually needs (or `mutualisation`)."""
    pair = EXIGENCES.get(route or "")
    if pair is None:
        return ""
    return pair[1] if lang == "en" else typography(pair[0], "fr")


def unit(label: str, lang: str) -> str:
    """A unit label from the factor library, in English when asked."""
    if lang != "en":
        return label
    for fr, en in UNITS_EN:
        label = label.replace(fr, en)
    return label
