"""Markdown and HTML reports: content and order, arithmetic, fr-CA/en-CA, escaping, determinism.

Expected figures are computed by hand in the tests, with the arithmetic visible.
Inventories: exemples/usine.yaml (the plant of CONCEPTION.md) and a hostile one
written here, whose names try to inject HTML, Markdown and rich markup.
"""

from __future__ import annotations

import importlib.resources
import io
import re
from pathlib import Path

import jinja2
import pytest
from markupsafe import escape

from symbio_cli import factors, i18n, pipeline, reports
from symbio_cli.numbers import format_money
from symbio_cli.reports import audit as audit_view
from symbio_cli.reports import summary, templating, terminal

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"
DATE = "2026-11-28"
HOSTILE = "<script>alert(1)</script> | X"

HOSTILE_YAML = """\
version: 1
entreprise:
  nom: "<script>alert(1)</script> | X"
  region: capitale-nationale
annee: 2026
flux:
  - id: bois
    nom: "<script>alert(1)</script> | X\\nligne 2 [lien](javascript:alert(1)) `code` [red]rouge[/red]"
    matiere: bois_residus
    quantite: 10 t/mois
    masse_volumique: 210 kg/m³
    source_donnees: pesee
    gestion:
      mode: enfouissement
      tarif: 98 $/t
      collecte: {contenant: 40 vg³, levees: 1/semaine, frais_levee: 310 $}
    scenarios:
      - type: substitution
        nom: "<img src=x onerror=alert(1)> | Y"
        preneur: "<b>Preneur</b> | Z"
        prix: 10 $/t
        filiere: recyclage
      - type: mutualisation
        partenaires:
          - {nom: "<script>alert(2)</script> | W", quantite: 20 vg³/semaine, cout_actuel: 9800 $/an}
"""


LIB = factors.load(None)


def audit(path) -> object:
    outcome = pipeline.audit_file(str(path), LIB)
    assert outcome.ok, [p.format() for p in outcome.problems]
    return outcome.result


@pytest.fixture(scope="module")
def usine():
    return audit(ROOT / "exemples" / "usine.yaml")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(HOSTILE_YAML, encoding="utf-8")
    return audit(path)


def md(text: str) -> str:
    """The report's own Markdown escaping, to look for a value in a report."""
    return templating.md(text)


# -- order and content -----------------------------------------------------------------------

SECTIONS_FR = ["## 1. Sommaire", "## 2. Gains rapides", "## 3. Inventaire des flux et des conteneurs",
               "## 4. Scénarios", "## 5. Mutualisation", "## 6. Conditions réglementaires", "## 7. Méthode",
               "## 8. Facteurs utilisés", "## 9. Avertissements"]


def test_markdown_sections_in_the_order_of_the_issue(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    positions = [text.index(h) for h in SECTIONS_FR]
    assert positions == sorted(positions)


def test_html_sections_in_order_with_headings(usine):
    text = reports.render(usine, "html", "fr", DATE, lib=LIB)
    ids = ["sommaire", "gains-rapides", "inventaire", "scenarios", "mutualisation", "reglementaire", "methode",
           "facteurs", "avertissements"]
    positions = [text.index(f'<section id="{i}"') for i in ids]
    assert positions == sorted(positions)
    assert text.count("<h1>") == 1 and text.count("<h2 ") == 9


def test_summary_figures_of_usine(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    t = usine.totaux
    # the seven figures, each formatted fr-CA
    for value in (t.cout_actuel_cad, t.economies_nettes_cad, t.cout_projete_cad, t.revenus_substitution_cad,
                  t.economies_mutualisation_cad, t.redevance_evitee_cad):
        assert format_money(value, "fr", 0) in text
    # revenue: 216 t × 25 $/t = 5 400 $ (granules, the retained scenario of the sawdust)
    assert 216 * 25 == 5400
    assert f"**5{NBSP}400{NBSP}$/an**" in text
    assert "réductions estimées, hors de tout inventaire GES" in text
    assert "avant taxes, en dollars de 2026" in text
    # rates before/after against the policy target (pcpvm: 75 %)
    assert f"75{NBSP}%" in text and "objectif atteint" in text
    assert "Taux de mise en valeur" in text


def test_scenario_arithmetic_is_written_out(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    # sawdust to pellets: 18 t/mois × 12 = 216 t; disposal avoided 216 t × (98 + 36) $/t = 28 944 $
    assert 18 * 12 * (98 + 36) == 28944
    assert f"216,0{NBSP}t × (98 + 36){NBSP}$/t = 28{NBSP}944{NBSP}$" in text
    # transport: ceil(216 / 12) = 18 trips × 325 $ = 5 850 $
    assert 18 * 325 == 5850
    assert f"18 voyages, 38{NBSP}km : 5{NBSP}850{NBSP}$".replace(" :", f"{NBSP}:") in text
    # preparation 216 t × 4 $/t = 864 $; new costs 864 + 5 850 + 12 500 = 19 214 $
    assert 864 + 5850 + 12500 == 19214
    assert f"864{NBSP}$ + 5{NBSP}850{NBSP}$ + 12{NBSP}500{NBSP}$ = 19{NBSP}214{NBSP}$" in text
    # net gain: (28 944 + 19 556) + 5 400 − 19 214 = 34 686 $
    assert 28944 + 19556 + 5400 - 19214 == 34686
    assert f"48{NBSP}500{NBSP}$ + 5{NBSP}400{NBSP}$ − 19{NBSP}214{NBSP}$ = 34{NBSP}686{NBSP}$" in text
    # payback: 15 000 $ ÷ 34 686 $/an = 0,43 an ≈ 5 months
    assert round(15000 / 34686 * 12) == 5
    assert f"15{NBSP}000{NBSP}$ ÷ 34{NBSP}686{NBSP}$/an = 0,4{NBSP}an (≈{NBSP}5{NBSP}mois)" in text
    # status of each scenario
    assert "À l'étude" in text and "Idée" in text


def test_pooling_allocation_table(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    # group cost: 24 lifts × 185 $ + 4 200 $ rental + 500 $ management = 9 140 $
    assert 24 * 185 + 4200 + 500 == 9140
    assert f"24 × 185{NBSP}$ + 4{NBSP}200{NBSP}$ + 500{NBSP}$ = 9{NBSP}140{NBSP}$" in text
    # stand-alone costs 6 420 + 7 800 + 4 200 = 18 420 $; lift savings 18 420 − 9 140 = 9 280 $
    assert 6420 + 7800 + 4200 == 18420 and 18420 - 9140 == 9280
    # [R2] rule 20: each member also saves m_k × (T_k − tarif) = m_k × (−20 − (−25)) $/t on its tonnes
    tonnes = (20 + 15 + 8) * 0.9144 ** 3 * 365.25 / 7 * 0.050  # 43 vg³/semaine à 50 kg/m³ = 85,8 t
    assert round(9280 + tonnes * 5) == 9709
    assert f"| **Total** | **1{NBSP}715,4** | **18{NBSP}420{NBSP}$** | **9{NBSP}140{NBSP}$** | **9{NBSP}709{NBSP}$** |" in text
    assert f"9{NBSP}280{NBSP}$ + 429{NBSP}$ = 9{NBSP}709{NBSP}$" in text
    assert "Répartition stable" in text


def test_quick_wins_with_their_yearly_amount(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    # 1/semaine = 365,25 / 7 = 52,18 lifts for 43 needed: (52,18 − 43) × 310 $ × 1,12 = 3 187 $/an
    lifts = 365.25 / 7
    assert round((lifts - 43) * 310 * 1.12) == 3187
    assert f"(52,2 − 43) × 310{NBSP}$ × (1 + 12{NBSP}%) = 3{NBSP}187{NBSP}$" in text


def test_inventory_with_data_sources_and_weighed_share(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    share = usine.totaux.part_masse_pesee
    # sawdust 216 t weighed out of 430,9 t: 50 %
    assert round(216 / usine.totaux.masse_t * 100) == round(share * 100) == 50
    assert f"50{NBSP}% de la masse est pesée" in text
    for source in ("pesée", "facture", "caractérisation", "estimation"):
        assert source in text


def test_regulatory_conditions_name_the_rules():
    fromagerie = audit(ROOT / "exemples" / "fromagerie.yaml")  # whey to pigs, sludge spread on fields
    text = reports.render(fromagerie, "md", "fr", DATE, lib=LIB)
    section = text[text.index("## 6."):text.index("## 7.")]
    assert "Règlement sur les aliments du bétail" in section and "ACIA" in section
    assert "Guide sur le recyclage des matières résiduelles fertilisantes" in section
    assert "LQE, art. 22" in section
    assert not re.search(r"\d\s?\$", section), "regulatory conditions are text only"


def test_every_factor_and_warning_is_listed(usine):
    text = reports.render(usine, "md", "fr", DATE, lib=LIB)
    section = text[text.index("## 8."):]
    for f in usine.facteurs_utilises:
        assert md(f.cle) in section
    assert "substitut" in section  # proxies flagged
    assert "| inventaire |" in section  # redevance.elimination given by the inventory
    for w in usine.avertissements:
        assert md(w.message) in text


def test_methodology_in_french_and_english(usine):
    fr = reports.render(usine, "md", "fr", DATE, lib=LIB)
    en = reports.render(usine, "md", "en", DATE, lib=LIB)
    assert "## 7. Méthode" in fr and "Gaz à effet de serre" in fr
    assert "## 7. Method" in en and "outside any GHG inventory" in en


def test_english_report_in_en_ca(usine):
    text = reports.render(usine, "md", "en", DATE, lib=LIB)
    assert f"**${usine.totaux.cout_actuel_cad:,.0f}/yr**" in text  # $98,361/yr
    assert "216.0\u00a0t × ($98 + $36)/t = $28,944" in text
    assert "before taxes, in 2026 dollars" in text
    html = reports.render(usine, "html", "en", DATE, lib=LIB)
    assert '<html lang="en-CA">' in html


# -- escaping ------------------------------------------------------------------------------------


def test_html_escapes_hostile_names(hostile):
    text = reports.render(hostile, "html", "fr", DATE, lib=LIB)
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | X" in text
    assert "&lt;img src=x onerror=alert(1)&gt; | Y" in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt; | W" in text  # a partner
    assert "javascript:" not in re.sub(r"&lt;.*?&gt;|\[lien\]\(javascript:alert\(1\)\)", "", text)


def test_markdown_escapes_hostile_names(hostile):
    text = reports.render(hostile, "md", "fr", DATE, lib=LIB)
    assert not re.search(r"(?<!\\)[<>]", text), "every < and > is backslash-escaped"
    assert r"\<script\>alert(1)\</script\> \| X" in text
    assert r"\[lien\](javascript:alert(1))" in text  # the link is inert
    # every table row has as many unescaped pipes as its header: no cell was split
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            width = len(re.findall(r"(?<!\\)\|", line))
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                assert len(re.findall(r"(?<!\\)\|", lines[j])) == width, lines[j]
                j += 1


def test_markdown_cell_filter():
    assert md("a|b") == r"a\|b"
    assert md("a\nb\r\nc") == "a b c"
    assert md("back\\slash") == r"back\\slash"
    assert md("<b>x</b>") == r"\<b\>x\</b\>"
    assert md("bois_residus") == "bois_residus"  # intraword underscore stays readable
    assert md("_x_") == r"\_x\_"


def test_markdown_filter_leaves_no_live_syntax():
    # strikethrough, bare links and autolinks, entities, headings, list markers: all shown as typed
    assert md("~~b~~") == r"\~\~b\~\~"
    assert md("https://evil.example/x") == r"https\://evil.example/x"
    assert md("voir www.exemple.org") == r"voir www\.exemple\.org"
    assert md("<http://x.ca>") == r"\<http\://x\.ca\>"
    assert md("ecrire a info@exemple.com") == r"ecrire a info\@exemple\.com"
    assert md("R&D &lt;") == r"R\&D \&lt;"
    assert md("# Titre") == r"\# Titre"
    assert md("- item") == r"\- item" and md("12. item") == r"12\. item" and md("===") == r"\==="
    assert md("a\u2028b\tc\x00d") == "a b c d"
    # what is not syntax stays readable: decimals, file names, factor keys, a dash inside
    for plain in ("3.5 t", "usine.yaml", "emission.carton.recyclage", "x - y", "-5 %"):
        assert md(plain) == plain


def test_markdown_url_filter():
    assert templating.md_url("https://www.exemple.org/a_b?x=1") == "https://www.exemple.org/a_b?x=1"
    assert templating.md_url("https://x.org/a|b c)") == "https://x.org/a%7Cb%20c%29"  # one link, one cell
    assert templating.md_url("javascript:alert(1)") == md("javascript:alert(1)")


def test_summary_escapes_hostile_rows():
    good = [{"fichier": "a/" + HOSTILE + ".yaml", "rapport": "r/x.html", "entreprise": HOSTILE, "flux": 1,
             "masse_t": 10.0, "cout_actuel_cad": 1000.0, "cout_projete_cad": 400.0, "economies_nettes_cad": 600.0,
             "revenus_substitution_cad": 0.0, "economies_mutualisation_cad": 0.0, "enfouissement_evite_t": 1.0,
             "redevance_evitee_cad": 36.0, "ges_evites_tco2e": None, "taux_mise_en_valeur_avant": 0.1,
             "taux_mise_en_valeur_apres": 0.5, "ges_partiel": True}]
    bad = [{"fichier": "b.yaml", "problemes": [HOSTILE]}]
    html = summary.render_summary(good, bad, DATE, "html")
    assert "<script" not in html and "&lt;script&gt;" in html
    text = summary.render_summary(good, bad, DATE, "md")
    assert "<script>" not in text and r"\| X" in text
    assert f"600{NBSP}$" in text  # 1 000 $ − 400 $ = 600 $ of net savings


def test_autoescape_by_template_name():
    assert templating._autoescape("rapport.html.j2") is True
    assert templating._autoescape("graphique.html.j2") is True
    assert templating._autoescape("rapport.md.j2") is False
    assert templating._autoescape("autre.j2") is True  # unknown: escaped
    env = templating.environment()
    assert env is templating.environment()  # built once
    assert env.undefined is jinja2.StrictUndefined


def test_strict_undefined_catches_a_typo(usine):
    env = templating.environment()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ L['pas_une_cle'] }}").render(L=i18n.labels("fr"))


def test_every_value_in_markdown_templates_goes_through_md():
    root = importlib.resources.files("symbio_cli.templates")
    # our own text or numbers; the map is SVG that map_svg escapes itself
    trusted = {'L["sep"]', "loop.index", "exclus.numero", "avertissements_numero", "carte"}
    for name in ("rapport.md.j2", "sommaire.md.j2", "territoire.md.j2"):
        for expr in re.findall(r"\{\{(.*?)\}\}", root.joinpath(name).read_text(encoding="utf-8"), re.S):
            if expr.strip() in trusted:
                continue
            assert re.search(r"\|\s*md(_url)?\s*$", expr), f"{name}: {{{{{expr}}}}} n'est pas échappé"


def test_catalogue_has_both_languages_with_the_same_placeholders():
    for key, (fr, en) in i18n.TEXT.items():
        assert en, key
        if key != "langue_sources":
            assert fr, key
        assert set(re.findall(r"\{(\w+)\}", fr)) <= set(re.findall(r"\{(\w+)\}", en)) | {""}, key
        assert set(re.findall(r"\{(\w+)\}", en)) == set(re.findall(r"\{(\w+)\}", fr)) or key == "langue_sources", key
    for table in (i18n.MODES, i18n.STATUTS, i18n.STATUTS_REGLEMENTAIRES, i18n.SOURCES, i18n.FAMILLES):
        for key, pair in table.items():
            assert len(pair) == 2 and all(pair), key


# -- HTML: self-contained, printable, accessible --------------------------------------------------


def test_html_is_self_contained(usine):
    text = reports.render(usine, "html", "fr", DATE, lib=LIB)
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r"\bsrc\s*=", text)
    assert "url(" not in text
    # the only links are the factor sources (http/https), never loaded by the page
    for href in re.findall(r'href="([^"]*)"', text):
        assert href.startswith(("#", "http://", "https://")), href


def test_html_is_printable_and_accessible(usine):
    text = reports.render(usine, "html", "fr", DATE, lib=LIB)
    assert '<html lang="fr-CA">' in text
    assert "@media print" in text and "break-inside: avoid" in text
    assert text.count("<table") == text.count("<caption>")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", text, re.S)
    # cost, destinations, flow, and GHG when some retained scenario has a figure ([R2]: never an empty chart)
    assert len(svgs) == 3 + (usine.totaux.ges_evites_tco2e is not None)
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for i in ids:
            assert f'id="{i}"' in svg


def test_charts_are_drawn_from_the_result(usine):
    text = reports.render(usine, "html", "fr", DATE, lib=LIB)
    flow = re.search(r'<figure class="chart" id="graphique-flux">.*?</figure>', text, re.S).group(0)
    # one band per (stream, destination): each of the 4 streams goes whole to one destination
    assert flow.count("<path") == 4
    for s in usine.flux:
        assert str(escape(s.nom[:20])) in flow
    # [R2] the pellets are energy recovery: no library factor for burning wood, so no retained scenario has a
    # GHG figure: no empty chart, and the summary says "n.d.", never 0
    if usine.totaux.ges_evites_tco2e is None:
        assert 'id="graphique-ges"' not in text
    else:
        assert 'id="graphique-ges"' in text


def test_javascript_urls_are_dropped(usine):
    from dataclasses import replace

    bad = replace(usine.facteurs_utilises[0], url="javascript:alert(1)")
    result = replace(usine, facteurs_utilises=(bad, *usine.facteurs_utilises[1:]))
    assert "javascript:" not in reports.render(result, "html", "fr", DATE, lib=LIB)


# -- determinism and speed ---------------------------------------------------------------------------


def test_same_result_same_bytes(usine):
    for fmt in ("md", "html"):
        assert reports.render(usine, fmt, "fr", DATE, lib=LIB) == reports.render(usine, fmt, "fr", DATE, lib=LIB)
    again = audit(ROOT / "exemples" / "usine.yaml")
    assert reports.render(again, "html", "fr", DATE, lib=LIB) == reports.render(usine, "html", "fr", DATE, lib=LIB)


def test_no_minus_zero_anywhere(usine, hostile):
    for result in (usine, hostile):
        for lang in ("fr", "en"):
            text = reports.render(result, "md", lang, DATE, lib=LIB)
            assert not re.search(r"(?<![\w.,])-0(?:[.,]0+)?(?![\d.,])", text)
            assert "-$0" not in text


# -- terminal ------------------------------------------------------------------------------------


def test_terminal_summary_prints_markup_as_text(hostile):
    buf = io.StringIO()
    terminal.render_summary(hostile, "fr", file=buf, width=120)
    out = buf.getvalue()
    assert "<script>alert(1)</script> | X" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes
    first = audit_view.figures(hostile, "fr")[0]["value"]
    assert first in out


def test_terminal_summary_only_on_a_terminal():
    assert terminal.wanted(io.StringIO()) is False
