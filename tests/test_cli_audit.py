"""`symbio audit`: one file or a batch, reports written safely, exit codes."""

from __future__ import annotations

import json
import os
import stat

from conftest import EXEMPLES, run

GOOD = """\
version: 1
entreprise: {nom: "Usine %s", region: quebec}
annee: 2026
hypotheses: {redevance.elimination: 36 $/t}
flux:
  - id: bois
    nom: Bois
    matiere: bois_residus
    quantite: 10 t/an
    gestion: {mode: enfouissement, tarif: 100 $/t, entreposage: 5 m²}
"""


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_single_file_json_contract_and_hand_total(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD % "A")
    out = json.loads(run("audit", path, "-f", "json", "--date", "2026-11-28").stdout)
    assert out["schema"] == "symbio.audit/1" and out["date"] == "2026-11-28"
    for key in ("version", "entreprise", "annee", "flux", "conteneurs", "totaux", "politique",
                "facteurs_utilises", "avertissements"):
        assert key in out
    assert out["totaux"]["cout_actuel_cad"] == 10 * (100 + 36)  # 1 360 $
    used = {f["cle"]: f for f in out["facteurs_utilises"]}
    assert used["redevance.elimination"]["defaut"] is False  # given by the inventory


def test_same_inventory_same_bytes(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD % "A")
    first = run("audit", path, "-f", "json", "--date", "2026-01-01").stdout
    assert run("audit", path, "-f", "json", "--date", "2026-01-01").stdout == first
    epoch = run("audit", path, "-f", "json", env={"SOURCE_DATE_EPOCH": "1767225600"}).stdout
    assert json.loads(epoch)["date"] == "2026-01-01"


def test_report_to_a_file_is_atomic_and_readable(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD % "A")
    target = tmp_path / "sortie" / "rapport.json"
    run("audit", path, "-o", target, code=2)  # like a shell redirection, the folder must exist
    target.parent.mkdir()
    run("audit", path, "-o", target)
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "symbio.audit/1"
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by others (mkstemp gives 0600)
    assert [p.name for p in target.parent.iterdir()] == ["rapport.json"]  # no temporary left


def test_never_overwrites_the_input(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD % "A")
    run("audit", path, "-o", path, "-f", "json", code=2)
    assert path.read_text(encoding="utf-8") == GOOD % "A"


def test_batch_goes_on_after_bad_files(tmp_path):
    src = tmp_path / "clients"
    for i in range(3):
        write(src, f"bon{i}.yaml", GOOD % i)
    write(src, "casse.yaml", "version: 1\nentreprise: [\n")
    write(src, "invalide.yaml", (GOOD % "X").replace("10 t/an", "10 brouettes/an"))
    out = tmp_path / "rapports"
    result = run("audit", src, "-o", out, "-f", "json", "-j", "2", code=1)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bon0.json", "bon1.json", "bon2.json", "sommaire.csv", "sommaire.html", "sommaire.json",
                     "sommaire.md", "sommaire.xlsx"]
    assert "casse.yaml:3:1: YAML invalide" in result.stderr
    assert "invalide.yaml:9:15: flux[0].quantite" in result.stderr and "brouettes" in result.stderr
    summary = json.loads((out / "sommaire.json").read_text(encoding="utf-8"))
    assert len(summary["inventaires"]) == 3
    assert sorted(os.path.basename(e["fichier"]) for e in summary["echecs"]) == ["casse.yaml", "invalide.yaml"]


def test_batch_names_from_file_names_not_content(tmp_path):
    src = tmp_path / "in"
    write(src, "x/Usine A.yaml", GOOD % "../../evil")
    write(src, "y/usine a.yaml", GOOD % "B")
    write(src, "z/con.yaml", GOOD % "C")
    out = tmp_path / "out"
    run("audit", src, "-o", out, "-f", "md", "-j", "1")
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("sommaire"))
    assert names == ["Usine A.md", "rapport_con.md", "usine a-2.md"]
    assert not (tmp_path / "evil.md").exists()


def test_batch_into_the_input_folder_keeps_inputs(tmp_path):
    src = tmp_path / "dossier"
    a = write(src, "a.yaml", GOOD % "A")
    weird = write(src, "b.json", GOOD % "B")  # an inventory whose name ends like a report
    run("audit", a, weird, "-o", src, "-f", "json", "-j", "1")
    assert weird.read_text(encoding="utf-8") == GOOD % "B"
    assert json.loads((src / "b-2.json").read_text(encoding="utf-8"))["entreprise"]["nom"] == "Usine B"


def test_several_inputs_need_a_folder(tmp_path):
    a = write(tmp_path, "a.yaml", GOOD % "A")
    b = write(tmp_path, "b.yaml", GOOD % "B")
    target = write(tmp_path, "rapport.md", "déjà là")
    run("audit", a, b, "-o", target, code=2)
    assert target.read_text(encoding="utf-8") == "déjà là"


def test_missing_input_fails_but_others_run(tmp_path):
    a = write(tmp_path, "a.yaml", GOOD % "A")
    out = tmp_path / "out"
    result = run("audit", a, tmp_path / "absent.yaml", "-o", out, "-f", "json", code=1)
    assert "introuvable" in result.stderr
    assert (out / "a.json").exists()


def test_every_example_audits():
    for path in sorted(EXEMPLES.rglob("*.yaml")):
        out = json.loads(run("audit", path, "-f", "json", "--date", "2026-01-01").stdout)
        assert out["totaux"]["cout_actuel_cad"] > 0, path


def test_no_usage_without_inputs():
    run("audit", code=2)
