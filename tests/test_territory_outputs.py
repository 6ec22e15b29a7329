"""What the territory report publishes: every format, the red team's repros of ../shared/cas/sorties/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import run

CAS = Path("/work/shared/cas/sorties")
FORMATS = ("md", "html", "json", "csv")


def _mrc(tmp_path: Path) -> Path:
    """The example MRC with stream ids and names that name their firm (as firms choose them freely)."""
    src = Path(__file__).resolve().parent.parent / "exemples" / "mrc-cote-de-beaupre"
    dst = tmp_path / "mrc"
    shutil.copytree(src, dst)
    for path in dst.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        short = path.stem.split("-")[0]
        for k, f in enumerate(doc["flux"]):
            f["id"] = f"{f['id']}-secret-{short}"
            f["nom"] = f"Flux confidentiel {short} {k}"
            # a shared container names its streams by id
        for c in doc.get("conteneurs", []):
            c["id"] = f"{c['id']}-secret-{short}"
        for f in doc["flux"]:
            if "conteneur" in f.get("gestion", {}):
                f["gestion"]["conteneur"] = f"{f['gestion']['conteneur']}-secret-{short}"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_anonymiser_publishes_no_stream_id_nor_name(tmp_path, fmt, lang):
    folder = _mrc(tmp_path)
    clear = run("territoire", folder, "-f", fmt, "--langue", lang).stdout
    assert "-secret-" in clear  # the ids are published without --anonymiser
    text = run("territoire", folder, "-f", fmt, "--langue", lang, "--anonymiser").stdout
    assert "secret" not in text and "confidentiel" not in text
    assert text.replace("\\", "").count("bois_residus #1")  # the material and a rank stand for the id


def test_the_red_team_repro_no_longer_names_the_sawmill():
    folder = CAS / "20-anonymiser-id-flux" / "mrc"
    if not folder.exists():
        pytest.skip("cas partagés absents")
    for fmt in FORMATS:
        text = run("territoire", folder, "-f", fmt, "--anonymiser").stdout
        assert "st-joachim" not in text.lower(), fmt


def _md_tokens(md: str):
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable(["strikethrough", "table"])

    def walk(tokens):
        for t in tokens:
            yield t
            if t.children:
                yield from walk(t.children)

    return list(walk(parser.parse(md)))


def test_territory_markdown_neutralises_strikethrough_autolinks_and_blank_lines(tmp_path):
    """cas/sorties/19: names with ~~, bare URLs, links, HTML and blank lines render as plain text."""
    folder = _mrc(tmp_path)
    for path in folder.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc["entreprise"]["nom"] += " ~~b~~ https://evil.example/x www.evil.example [l](http://e.x)\n\n# titre ~~c~~"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for anon in ([], ["--anonymiser"]):
        md = run("territoire", folder, *anon).stdout
        tokens = _md_tokens(md)
        kinds = [t.type for t in tokens]
        assert "s_open" not in kinds and "link_open" not in kinds and "image" not in kinds
        assert kinds.count("html_block") == 1  # the map, whole: no blank line inside it
        assert not any(t.type == "heading_open" and "titre" in tokens[k + 1].content
                       for k, t in enumerate(tokens) if t.type == "heading_open")


def test_the_red_team_markdown_repro():
    folder = CAS / "19-territoire-md-mise-en-forme" / "mrc"
    if not folder.exists():
        pytest.skip("cas partagés absents")
    kinds = [t.type for t in _md_tokens(run("territoire", folder).stdout)]
    assert "s_open" not in kinds and "link_open" not in kinds and kinds.count("html_block") == 1
