"""Shared test helpers: one `run` around click's CliRunner, and the project's folders.

Any test file can use the `run` fixture, or import the function itself
(`from conftest import run`). `run("valider", "x.yaml", code=1)` invokes the
CLI in-process and fails the test, with the whole output, when the exit code
differs or when an exception other than the command's own exit escaped (an
uncaught exception would otherwise look like exit 1, i.e. like a refusal).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
EXEMPLES = ROOT / "exemples"
BAD = Path(__file__).resolve().parent / "bad"

# The cache of the packaged factor library (factors.cache_folder) lives in a folder of this
# session, never in the real home; set before any test imports symbio_cli, and inherited by
# the `symbio` and `python` subprocesses the tests spawn (they share one warm cache).
CACHE_HOME = tempfile.mkdtemp(prefix="symbio-cache-")
os.environ["XDG_CACHE_HOME"] = CACHE_HOME


def run(*args, code: int | None = 0, input: str | bytes | None = None,
        env: dict | None = None) -> Result:
    """Invoke `symbio ARGS…`; check the exit code (None: any) and that no exception escaped."""
    from symbio_cli.cli import main

    runner = CliRunner()
    result = runner.invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=True,
                           prog_name="symbio")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(*result.exc_info))
        pytest.fail(f"symbio {' '.join(map(str, args))} raised:\n{trace}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    if code is not None and result.exit_code != code:
        pytest.fail(
            f"symbio {' '.join(map(str, args))}: exit {result.exit_code}, expected {code}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


@pytest.fixture(name="run")
def run_fixture():
    """The `run(*args, code=0)` helper as a fixture."""
    return run


def example_files() -> list[Path]:
    """Every example inventory, the MRC folder included, sorted."""
    return sorted(p for p in EXEMPLES.rglob("*.yaml"))


def bad_files() -> list[Path]:
    """Every committed bad inventory of tests/bad/."""
    return sorted(BAD.glob("*.yaml"))


def pytest_unconfigure(config):
    """Remove the session's factor cache folder."""
    shutil.rmtree(CACHE_HOME, ignore_errors=True)


def pytest_addoption(parser):
    """`pytest --regenerer` rewrites the golden reports on purpose."""
    parser.addoption("--regenerer", action="store_true", default=False,
                     help="réécrire les rapports de référence (tests/data/golden) au lieu de les comparer")
