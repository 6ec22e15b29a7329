"""A short soak of batch output safety (issue 13): random SIGKILLs, two concurrent runs into one folder.

The long version is `python bench/soak_lots.py --inventaires 1000`; the invariants
(no partial report, no summary that disagrees with the reports beside it, a
complete summary and no leftovers after a clean run) are checked in
bench/soak_lots.py, shared by both.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signaux POSIX")
def test_short_soak(tmp_path):
    spec = importlib.util.spec_from_file_location("soak_lots", ROOT / "bench" / "soak_lots.py")
    soak_lots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak_lots)
    counts = soak_lots.soak(n=16, rounds=2, jobs=2, seed=7, workdir=str(tmp_path), log=lambda _: None)
    assert counts["tours"] == 2
