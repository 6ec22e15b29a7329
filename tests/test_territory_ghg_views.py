"""[R2] One GHG figure in every view of the territory report: the handout, the totals and the leads agree,
a partial total says the tonnes it leaves out, and a lead without an emission factor reads "n.d.", never "—"."""

from __future__ import annotations

import json
import re

from conftest import EXEMPLES, run

MRC = EXEMPLES / "mrc-cote-de-beaupre"


def test_handout_shows_the_partial_total_of_the_totals_table():
    data = json.loads(run("territoire", MRC, "-f", "json", "--date", "2026-01-01").stdout)
    t = data["totaux"]
    assert t["ges_partiel"] is True
    # the total is the sum of the matches that have a factor; the tonnes left out, those that have none
    with_factor = [m for m in data["appariements"] if m["ges_evites_tco2e"] is not None]
    without = sum(m["quantite_t"] for m in data["appariements"] if m["ges_evites_tco2e"] is None)
    assert abs(t["ges_evites_tco2e"] - sum(m["ges_evites_tco2e"] for m in with_factor)) < 1e-6
    md = run("territoire", MRC, "--date", "2026-01-01").stdout
    handout = md.split("## ")[1]  # the first section: the one-page handout
    ghg_line = next(line for line in handout.splitlines() if "GES évités, par an" in line)
    shown = f"{t['ges_evites_tco2e']:.1f}".replace(".", ",")
    left_out = f"{without:,.1f}".replace(",", "\u00a0").replace(".", ",")
    assert ghg_line.split("**")[3].startswith(shown), ghg_line  # the totals table's figure comes first
    assert "n.d. pour " + left_out.replace("\u00a0", " ") in ghg_line.replace("\u00a0", " ").replace("\u202f", " ")


def test_a_lead_without_a_factor_reads_nd_everywhere():
    md = run("territoire", MRC, "--date", "2026-01-01").stdout
    assert not re.search(r"GES évités —", md)
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Substitution" in line]
    assert rows and all(not line.rstrip().endswith("| — |") for line in rows), rows
    assert "GES évités n.d." in md
