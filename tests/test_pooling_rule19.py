"""METHODE [R2] rule 19: a partner's `tarif` is read with the pooled contract's `redevance_incluse`, and a pooled
contract that leaves the flag out takes the plant's (a term the scenario leaves out is the plant's), so the
group price and the partners' fees are read the same way."""

from __future__ import annotations

import json

from conftest import run

DOC = """version: 1
entreprise: {nom: Menuiserie Sonde inc., region: quebec}
annee: 2026
flux:
  - id: dechets
    nom: Déchets de production
    matiere: dechets_melanges
    quantite: 57 t/an
    gestion:
      mode: enfouissement
      tarif: 131 $/t
      redevance_incluse: true
      collecte: {contenant: 10 vg³, levees: 1/semaine, frais_levee: 0 $}
    scenarios:
      - type: mutualisation
        forme: contrat_groupe
        partenaires:
          - {nom: Voisin inc., quantite: 500 t/an, masse: 100 t/an, tarif: 120 $/t, levees: 9/semaine, cout_actuel: 0 $/an}
        frais_levee: 0 $
        tarif: 93 $/t
        frais_gestion: 0 $/an
"""


def test_partner_fee_is_read_with_the_plants_levy_flag_when_the_pool_leaves_it_out(tmp_path):
    path = tmp_path / "groupe.yaml"
    path.write_text(DOC, encoding="utf-8")
    data = json.loads(run("audit", path, "-f", "json", "--date", "2026-01-01").stdout)
    sc = data["flux"][0]["scenarios"][0]
    levy = 36.0  # redevance.elimination 2026
    pooled = 93 - levy  # the group price, levy included like the plant's invoice
    plant = 57 * ((131 - levy) - pooled)  # 57 t × (95 − 57) = 2 166 $
    partner = 100 * ((120 - levy) - pooled)  # 100 t × (84 − 57) = 2 700 $, not 100 × (120 − 57)
    assert abs(sc["gain_net_cad"] - plant) < 0.01  # the plant's gain counts only its own tonnes
    assert abs(sc["economies_groupe_cad"] - (0 + plant + partner)) < 0.01  # lifts cost 0 $ alone and together
