"""The one label catalogue: both languages, agreements by the language's own plural rule."""

from __future__ import annotations

import re

import pytest

from symbio_cli import i18n
from symbio_cli.reports.formatting import Formatter

SELECTOR = re.compile(r"\{(\w+)\|[^{}|]*\|[^{}|]*\}")
FIELD = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("n,fr,en", [(0, True, False), (1, True, True), (1.5, True, False), (2, False, False),
                                     (-1, True, False), (1000, False, False)])
def test_plural_rule_of_each_language(n, fr, en):
    # French (CLDR): singular below 2, zero included; English: singular for exactly one
    assert i18n.singular(n, "fr") is fr
    assert i18n.singular(n, "en") is en


def test_agreement_needs_a_number_not_formatted_text():
    with pytest.raises(TypeError):
        i18n.singular("1 234", "fr")


def test_agreements_in_labels():
    assert i18n.text("syn.mutualisation.detail", "fr", n=1, m=0) == "1 groupe, 0 entreprise"
    assert i18n.text("syn.mutualisation.detail", "en", n=1, m=0) == "1 group, 0 firms"
    assert i18n.text("syn.mutualisation.detail", "fr", n=2, m=5) == "2 groupes, 5 entreprises"
    assert i18n.text("p.intro", "fr", n=1, echecs=0, date="d").startswith("1 inventaire audité, 0 en échec")
    assert i18n.text("p.intro", "en", n=0, echecs=0, date="d").startswith("0 inventories audited")
    assert i18n.count(1, "inventaire valide", "inventaires valides") == "1 inventaire valide"
    assert i18n.count(0, "inventaire valide", "inventaires valides") == "0 inventaire valide"
    assert i18n.count(0, "firm", "firms", "en") == "0 firms"


def test_years_and_months_agree():
    # 1,5 an is singular in French, 1.5 years plural in English; 18 months = 1.5 × 12
    assert Formatter("fr").years(1.5) == "1,5\u00a0an (≈\u00a018\u00a0mois)"
    assert Formatter("en").years(1.5) == "1.5\u00a0years (≈\u00a018\u00a0months)"
    assert Formatter("en").years(1 / 12) == "0.1\u00a0years (≈\u00a01\u00a0month)"
    assert Formatter("fr").years(3) == "3\u00a0ans"


def test_no_label_writes_a_plural_in_brackets():
    for key, (fr, en) in i18n.TEXT.items():
        assert not re.search(r"\w\((?:s|e?s|x)\)", fr), key
        assert not re.search(r"\w\((?:s|es|ies)\)", en), key


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("n", [0, 1, 2])
def test_every_label_fills_with_any_count(lang, n):
    """Every placeholder and agreement of every label resolves, for a singular and a plural count."""
    for key, (fr, en) in i18n.TEXT.items():
        names = set(FIELD.findall(fr + en)) | set(SELECTOR.findall(fr + en))
        out = i18n.text(key, lang, **{name: n for name in names})
        assert "{" not in out and "|" not in out, key
