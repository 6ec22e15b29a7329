"""Standard streams a user can break: closed, full, or in an encoding without « — » (review of issue 15).

Each used to end in « erreur interne » (or, for `valider >&-`, in a silent exit 1): they are the
user's to fix, so symbio says so in French and exits 2; an encoding that lacks a character prints
« ? » for it and goes on. The console script is run as a user runs it, outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import EXEMPLES

USINE = str(EXEMPLES / "usine.yaml")


def _symbio() -> list[str]:
    script = shutil.which("symbio", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "symbio_cli"]


def _run(tmp_path, args, **kwargs):
    return subprocess.run(_symbio() + args, cwd=tmp_path, capture_output="stdout" not in kwargs and "stderr" not in kwargs,
                          text=True, timeout=120, **kwargs)


@pytest.mark.parametrize("args", [["valider", USINE], ["audit", USINE, "-f", "json", "--date", "2026-01-01"],
                                  ["audit", USINE, "--date", "2026-01-01"]])
def test_a_closed_standard_output_is_said_in_french(tmp_path, args):
    err = tmp_path / "err.txt"
    with open(err, "w", encoding="utf-8") as fh:
        done = _run(tmp_path, args, stderr=fh, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    text = err.read_text(encoding="utf-8")
    assert done.returncode == 2, text
    assert "sortie standard : écriture impossible (sortie fermée)" in text
    assert "erreur interne" not in text and "Traceback" not in text


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full absent")
@pytest.mark.parametrize("args", [["valider", USINE], ["audit", USINE, "-f", "json", "--date", "2026-01-01"]])
def test_a_full_standard_output_is_said_in_french(tmp_path, args):
    err = tmp_path / "err.txt"
    with open("/dev/full", "w") as full, open(err, "w", encoding="utf-8") as fh:
        done = _run(tmp_path, args, stdout=full, stderr=fh)
    text = err.read_text(encoding="utf-8")
    assert done.returncode == 2, text
    assert "sortie standard : écriture impossible (plus d'espace sur le disque)" in text
    assert "erreur interne" not in text


def test_a_report_written_to_a_file_needs_no_standard_output(tmp_path):
    err = tmp_path / "err.txt"
    with open(err, "w", encoding="utf-8") as fh:
        done = _run(tmp_path, ["audit", USINE, "-o", str(tmp_path / "r.md"), "--date", "2026-01-01"],
                    stderr=fh, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert done.returncode == 0, err.read_text(encoding="utf-8")
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("command", [["valider"], ["audit", "-f", "md", "--date", "2026-01-01"]])
def test_an_encoding_without_the_dash_prints_a_question_mark(tmp_path, command):
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run(_symbio() + [command[0], USINE, *command[1:]], cwd=tmp_path, capture_output=True,
                          env=env, timeout=120)
    both = done.stdout.decode("latin-1") + done.stderr.decode("latin-1")
    assert done.returncode == 0, both
    assert "erreur interne" not in both
    assert "levées/an pour 43 nécessaires ? 3" in both  # « — » is not in latin-1; the accents are
