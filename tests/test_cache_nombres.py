"""Babel's number symbols kept in the per-user cache (issue 15): the same style, without importing Babel.

`numbers.style(lang)` reads fr_CA / en_CA from Babel once per user and keeps the
result in symbio's private cache (symbio_cli/cache.py); a new process finds it
there without importing Babel (~27 ms). No timing here: Babel is made
unreadable and the style still comes back, equal to Babel's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from symbio_cli import cache, numbers


@pytest.fixture(name="cache_home")
def cache_home_fixture(tmp_path, monkeypatch):
    home = tmp_path / "xdg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    numbers.style.cache_clear()
    yield home
    numbers.style.cache_clear()


@pytest.mark.parametrize("lang, locale", [("fr", "fr_CA"), ("en", "en_CA")])
def test_the_cached_style_equals_babels(cache_home, lang, locale):
    first = numbers.style(lang)
    path = numbers._style_cache_path(locale)
    assert path is not None and os.path.isfile(path)
    numbers.style.cache_clear()
    assert numbers.style(lang) == first == numbers._babel_style(locale)
    if lang == "fr":  # Babel's fr_CA: a narrow or plain no-break space between thousands, a decimal comma
        assert first.decimal == "," and first.group in ("\u00a0", "\u202f")


PROBE = r"""
import json, sys
from symbio_cli import numbers
def no_babel(locale):
    raise ImportError("babel")
numbers._babel_style = no_babel  # reading Babel now fails
try:
    s = numbers.style("fr")
except ImportError:
    print(json.dumps(None))
else:
    print(json.dumps([s.group, s.decimal, s.minus, list(s.money), list(s.percent)]))
"""


def test_a_new_process_reads_the_style_without_babel(tmp_path):
    home = tmp_path / "xdg"
    home.mkdir(mode=0o700)
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}

    def probe():
        done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert probe() is None  # an empty cache: Babel is needed, and cannot be read
    warm = subprocess.run([sys.executable, "-c", "from symbio_cli import numbers; numbers.style('fr')"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert warm.returncode == 0, warm.stderr
    s = numbers._babel_style("fr_CA")
    assert probe() == [s.group, s.decimal, s.minus, list(s.money), list(s.percent)]
    check = subprocess.run([sys.executable, "-c", "import sys; from symbio_cli import numbers; numbers.style('fr'); "
                            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert check.stdout.strip() == "[]", check.stderr  # Babel is not even imported


def test_a_corrupt_style_file_is_ignored_and_replaced(cache_home):
    numbers.style("fr")
    path = numbers._style_cache_path("fr_CA")
    with open(path, "wb") as fh:
        fh.write(b"\x80\x05 tronque")
    numbers.style.cache_clear()
    assert numbers.style("fr") == numbers._babel_style("fr_CA")
    assert cache.read(path, numbers._Style)[1] == numbers._babel_style("fr_CA")


def test_another_babel_gives_another_key():
    one = cache.key(("numbers.py", "cache.py"), [("babel/__init__.py", b"__version__ = '2.17.0'\n")])
    two = cache.key(("numbers.py", "cache.py"), [("babel/__init__.py", b"__version__ = '2.18.0'\n")])
    assert one != two
