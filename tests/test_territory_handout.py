"""The one-page handout for elected officials (issue 14): numbered pistes, the same numbers on the map,
arrows from supplier to taker, tonnes, money and GHG with n.d. where there is no factor."""

from __future__ import annotations

import re

import yaml
from test_territory import PINNED, firm, need, residue

from conftest import run
from symbio_cli.numbers import format_money, format_number

A = (47.000, -71.000)
B = (47.100, -71.050)
C = (47.050, -71.100)


def _write(folder, docs):
    for k, doc in enumerate(docs):
        (folder / f"f{k}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    return folder


def _handout(md: str) -> str:
    return md.split("## Fiche pour les élus", 1)[1].split("\n---\n", 1)[0]


def test_handout_ghg_is_nd_when_a_match_has_no_factor_never_a_partial_figure(tmp_path):
    # cardboard recycled → recycled (its GHG is only the trucks': a tiny negative number), and bark to a
    # boiler with no emission factor: the headline must not print the trucks' −0,0x t as the synergies' GHG
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "300 t/an", tarif="90 $/t")]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "300 t/an", "40 $/t")]),
        firm("Quincaillerie", *C, flux=[residue("carton", "carton", "8 t/an", tarif="0 $/t", mode="recyclage")]),
        firm("Emballeur", *B, intrants=[need("carton", "8 t/an", "120 $/t")]),
    ]
    md = run("territoire", _write(tmp_path, docs), "--date", "2026-01-01").stdout
    head = _handout(md)
    # 300 t of bark have no factor; the cardboard's 308 − 300 = 8 t have one
    q = format_number(300, "fr", 1)
    # [R2] the totals table's partial figure, scoped to the 8 t it covers, and n.d. for the 300 t
    known = format_number(308 - 300, "fr", 1)
    assert f"pour {known}\u00a0t\u00a0; n.d. pour {q}\u00a0t" in head
    assert "(partiel)" not in head
    # the bark's row says n.d.; the cardboard's row has its own (trucks only) figure
    bark = next(line for line in head.splitlines() if line.startswith("| ") and "Scierie → Serres" in line)
    assert bark.rstrip().endswith("| n.d. |")


def test_handout_numbers_are_the_map_and_pistes_numbers(tmp_path):
    docs = [
        firm("Scierie", *A, flux=[residue("ecorces", "bois_residus", "300 t/an", tarif="90 $/t")]),
        firm("Serres", *B, intrants=[need("biomasse_combustible", "100 t/an", "40 $/t")]),
        firm("Chaufferie", *C, intrants=[need("biomasse_combustible", "200 t/an", "40 $/t")]),
    ]
    md = run("territoire", _write(tmp_path, docs), "--date", "2026-01-01").stdout
    head = _handout(md)
    rows = [line for line in head.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [r.split("|")[1].strip() for r in rows] == ["1", "2"]
    # by decreasing value: the 200 t to the boiler first; 200 t × (90 + 36) + 200 × 40 − transport
    assert "Scierie → Chaufferie" in rows[0] and "Scierie → Serres" in rows[1]
    # the same number on the map's arrow (badge and title) and on the piste of section 10
    svg = md.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert re.search(r"<title>1\. Scierie → Chaufferie", svg) and re.search(r"<title>2\. Scierie → Serres", svg)
    assert 'marker-end="url(#fleche)"' in svg and svg.count('class="numero"') == 2
    pistes = md.split("## 10.", 1)[1]
    assert "**1. Substitution" in pistes and "Chaufferie" in pistes.split("**2.", 1)[0]


def test_handout_ghg_complete_is_shown(tmp_path):
    hyp = {**PINNED, "emission.carton.enfouissement": "0,2 t CO2e/t", "emission.carton.recyclage": "-3 t CO2e/t"}
    docs = [
        firm("Imprimerie", *A, flux=[residue("carton", "carton", "30 t/an", tarif="110 $/t")], hypotheses=hyp),
        firm("Emballeur", *B, intrants=[need("carton", "40 t/an", "300 $/t")]),
    ]
    data_md = run("territoire", _write(tmp_path, docs), "--date", "2026-01-01").stdout
    import json

    data = json.loads(run("territoire", tmp_path, "-f", "json").stdout)
    ghg = data["totaux"]["ges_evites_tco2e"]
    # 30 t × (0,2 + 3) less the trucks: about 96 t
    assert 90 < ghg < 96.1 and data["totaux"]["ges_partiel"] is False
    assert data["totaux"]["ges_sans_facteur_t"] == 0
    head = _handout(data_md)
    assert f"**{format_number(ghg, 'fr', 1)}\u00a0t CO₂e**" in head
    assert format_money(data["totaux"]["economies_totales_cad"], "fr", 0) in head
