"""The README shows every command and the two commands of a fresh machine."""

from conftest import ROOT, run


def test_every_command_has_help_and_is_in_the_readme():
    from symbio_cli.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"symbio {name}" in readme, f"« symbio {name} » absent du README"
        assert run(name, "--help").stdout.strip()


def test_readme_shows_install_and_test_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && .venv/bin/symbio audit exemples/usine.yaml" in readme
    assert 'pip install ".[test]" && .venv/bin/pytest' in readme
