"""The audit report names materials and regions from the library the audit ran with, overlay included.

A view never loads a library of its own: `reports.render(..., lib=)` gets the one the
pipeline used, so a `--facteurs` folder's new material and relabelled region reach the report.
"""

from __future__ import annotations

from conftest import run
from symbio_cli import factors, pipeline, reports
from symbio_cli.reports.templating import md

INVENTORY = """\
version: 1
entreprise:
  nom: Mini inc.
  region: capitale-nationale
annee: 2026
flux:
  - id: coq
    nom: Coquilles
    matiere: coquilles_moules
    quantite: 10 t/mois
    gestion:
      mode: enfouissement
  - id: bois
    nom: Bois
    matiere: bois_residus
    quantite: 10 t/mois
    gestion:
      mode: enfouissement
"""
MATERIALS = """\
matieres:
  coquilles_moules: {fr: "Coquilles de moules <bleues>", en: "Blue mussel shells", famille: organiques,
                     filiere_defaut: compostage}
  bois_residus: {fr: "Copeaux d'usine (libellé local)", en: "Mill chips (local label)", famille: autres,
                 filiere_defaut: recyclage}
"""
REGIONS = """\
regions:
  capitale-nationale: {fr: "Capitale-Nationale (libellé local)", en: "Capital region (local label)"}
"""


def _setup(tmp_path):
    folder = tmp_path / "fx"
    folder.mkdir()
    (folder / "matieres.yaml").write_text(MATERIALS, encoding="utf-8")
    (folder / "regions.yaml").write_text(REGIONS, encoding="utf-8")
    inventory = tmp_path / "mini.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    return inventory, folder


def test_overlay_labels_reach_the_audit_report(tmp_path):
    inventory, folder = _setup(tmp_path)
    text = run("audit", inventory, "--facteurs", folder, "-f", "md", "--date", "2026-01-01").stdout
    assert md("Coquilles de moules <bleues>") in text  # a new material, escaped like any text
    assert md("Copeaux d'usine (libellé local)") in text and "Résidus de bois" not in text  # relabelled
    assert "Capitale-Nationale (libellé local)" in text
    html = run("audit", inventory, "--facteurs", folder, "-f", "html", "--langue", "en",
               "--date", "2026-01-01").stdout
    assert "Blue mussel shells" in html and "Mill chips (local label)" in html
    assert "Capital region (local label)" in html


def test_a_view_labels_from_the_library_it_is_given(tmp_path):
    inventory, folder = _setup(tmp_path)
    lib = factors.load(str(folder))
    outcome = pipeline.audit_file(str(inventory), lib)
    assert outcome.ok, [p.format() for p in outcome.problems]
    text = reports.render(outcome.result, "md", "fr", "2026-01-01", lib=lib)
    assert md("Coquilles de moules <bleues>") in text
    # the same result labelled by the default library: its own names, the new key as is
    plain = reports.render(outcome.result, "md", "fr", "2026-01-01", lib=factors.load(None))
    assert "Résidus de bois" in plain and md("coquilles_moules") in plain
