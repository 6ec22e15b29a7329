"""Seeded synthetic inventories for the benchmarks (plausible, varied, valid)."""

from __future__ import annotations

import random

MATERIALS = [
    ("bois_residus", "210 kg/m³", "enfouissement"), ("carton", "60 kg/m³", "enfouissement"),
    ("plastique_film", "25 kg/m³", "enfouissement"), ("metal_ferreux", "130 kg/m³", "recyclage"),
    ("organique_alimentaire", "400 kg/m³", "enfouissement"), ("papier", "150 kg/m³", "recyclage"),
    ("verre", "230 kg/m³", "enfouissement"), ("dechets_melanges", "120 kg/m³", "enfouissement"),
]
REGIONS = ["quebec", "capitale-nationale", "montreal", "monteregie", "estrie", "mauricie"]


def inventory(seed: int, streams: int = 20) -> str:
    """One inventory as YAML text, fully determined by `seed`."""
    rng = random.Random(seed)
    lines = [
        "# yaml-language-server: $schema=inventaire.schema.json",
        "version: 1",
        "entreprise:",
        f"  nom: Entreprise synthétique {seed}",
        f"  region: {rng.choice(REGIONS)}",
        f"  coordonnees: {{lat: {46 + rng.random() * 2:.4f}, lon: {-73 + rng.random() * 3:.4f}}}",
        "annee: 2026",
        "conteneurs:",
        "  - id: commun",
        "    contenant: 40 vg³",
        "    levees: 1/semaine",
        f"    frais_levee: {rng.randint(200, 400)} $",
        "    surcharge: 8 %",
        "flux:",
    ]
    for i in range(streams):
        mat, rho, mode = MATERIALS[rng.randrange(len(MATERIALS))]
        qty = rng.randint(1, 40)
        lines += [
            f"  - id: flux{i}",
            f"    nom: Flux {i} ({mat})",
            f"    matiere: {mat}",
            f"    quantite: {qty} t/mois",
            f"    masse_volumique: {rho}",
            f"    source_donnees: {rng.choice(['pesee', 'facture', 'estimation'])}",
            "    gestion:",
            f"      mode: {mode}",
            f"      tarif: {rng.randint(-40, 140)} $/t",
        ]
        if i % 4 == 0:
            lines.append("      conteneur: commun")
        else:
            lines += [
                "      collecte:",
                f"        contenant: {rng.choice([10, 20, 30, 40])} vg³",
                f"        frais_levee: {rng.randint(150, 350)} $",
                "        location: 90 $/mois",
            ]
        lines += [
            "    scenarios:",
            "      - type: substitution",
            f"        prix: {rng.randint(-20, 60)} $/t",
            f"        part: {rng.choice([50, 80, 100])} %",
            f"        distance: {rng.randint(5, 120)} km",
            f"        transport: {rng.randint(150, 500)} $/voyage",
            "        charge_voyage: 10 t",
        ]
        if i % 4 != 0 and i % 5 == 1:
            lines += [
                "      - type: mutualisation",
                "        frais_gestion: 400 $/an",
                "        partenaires:",
                f"          - {{nom: Voisin {i}, quantite: {rng.randint(5, 30)} vg³/semaine, levees: 1/semaine}}",
            ]
    return "\n".join(lines) + "\n"
