"""The cache of the packaged factor library (issue 15): same library, private folder, safe key.

`factors.load()` unpickles the packaged library from `$XDG_CACHE_HOME/symbio`
instead of parsing the 13 YAML files again; these tests prove that the cached
copy equals a fresh parse, that a new process reads it (the parser is made to
fail, no timing), and that a corrupt file, a shared or linked folder, a
changed factor file or an overlay never lead to a wrong library.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from symbio_cli import cache, factors


def _fresh_parse() -> factors.Library:
    """The packaged library parsed from its YAML files, without any cache."""
    lib = factors.Library()
    factors._load_dir(lib, factors._package_files(), "bibliotheque")
    return lib


@pytest.fixture(name="cache_home")
def cache_home_fixture(tmp_path, monkeypatch):
    """A private XDG_CACHE_HOME for one test, with the in-process memos emptied before and after."""
    home = tmp_path / "xdg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(factors, "_PACKAGED", {})
    factors.load.cache_clear()
    yield home
    factors.load.cache_clear()


def _forget() -> None:
    """What a new process starts with: no library in memory."""
    factors._PACKAGED.clear()
    factors.load.cache_clear()


def _cache_file() -> str:
    return cache.path_for("facteurs", factors.CACHE_MODULES, factors._package_sources())


def _key(sources) -> str:
    return cache.key(factors.CACHE_MODULES, sources)


def _parser_fails(monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("les fichiers de facteurs ont été relus")

    monkeypatch.setattr(factors, "_load_dir", boom)


def test_a_cache_hit_equals_a_fresh_parse(cache_home, monkeypatch):
    first = factors.load()  # parsed, then written
    assert os.path.isfile(_cache_file())
    fresh = _fresh_parse()
    _forget()
    _parser_fails(monkeypatch)
    cached = factors.load()  # the parser would raise: this comes from the file
    assert cached is not first
    assert cached == fresh
    for name in ("factors", "materials", "input_categories", "hazardous", "hazardous_rule", "regions"):
        assert getattr(cached, name) == getattr(fresh, name), name
        assert getattr(cached, name)  # each part of the library is really there
    assert cached.problems == []
    assert cached.container_sizes == fresh.container_sizes


def test_the_cache_file_holds_only_the_library_classes(cache_home):
    factors.load()
    names = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module, name):
            names.add((module, name))
            return super().find_class(module, name)

    with open(_cache_file(), "rb") as fh:
        assert isinstance(Recording(fh).load(), factors.Library)
    assert names == {("symbio_cli.factors", "Library"), ("symbio_cli.factors", "Factor"),
                     ("symbio_cli.factors", "Material")}


PROBE = r"""
import json, sys
from symbio_cli import cache, factors
if sys.argv[1] == "sans-analyse":
    def boom(*args, **kwargs):
        raise SystemExit("analyse")
    factors._load_dir = boom
lib = factors.load()
print(json.dumps([len(lib.factors), len(lib.materials), lib.get("redevance.elimination").value]))
"""


def _probe(home, mode: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    return subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env,
                          cwd=home, timeout=120)


def test_a_second_process_reads_the_cache_instead_of_parsing(tmp_path):
    home = tmp_path / "xdg"
    home.mkdir(mode=0o700)
    cold = _probe(home, "sans-analyse")  # an empty cache: the process has to parse, and cannot
    assert cold.returncode != 0 and "analyse" in cold.stderr
    first = _probe(home, "normal")
    assert first.returncode == 0, first.stderr
    warm = _probe(home, "sans-analyse")
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout) == json.loads(first.stdout)
    lib = _fresh_parse()
    assert json.loads(warm.stdout) == [len(lib.factors), len(lib.materials), lib.get("redevance.elimination").value]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign"])
def test_a_corrupt_cache_file_is_ignored_and_replaced(cache_home, damage):
    factors.load()
    path = _cache_file()
    with open(path, "rb") as fh:
        good = fh.read()
    bad = {"garbage": b"\x00 pas un pickle \xff" * 10, "truncated": good[: len(good) // 2], "empty": b"",
           "foreign": pickle.dumps({"factors": {}}, protocol=cache.PROTOCOL)}[damage]
    with open(path, "wb") as fh:
        fh.write(bad)
    _forget()
    assert factors.load() == _fresh_parse()
    with open(path, "rb") as fh:
        rewritten = fh.read()
    assert isinstance(pickle.loads(rewritten), factors.Library)
    assert pickle.loads(rewritten) == _fresh_parse()


def _planted(path: str) -> None:
    """A library whose landfill levy is 1 $/t, written where a cache file would be read."""
    lib = _fresh_parse()
    levy = lib.factors["redevance.elimination"]
    lib.factors["redevance.elimination"] = factors.Factor(**{**levy.__dict__, "value": 1.0, "by_year": ()})
    with open(path, "wb") as fh:
        fh.write(pickle.dumps(lib, protocol=cache.PROTOCOL))


def test_a_folder_writable_by_others_is_not_used(cache_home):
    folder = cache_home / "symbio"
    folder.mkdir()
    os.chmod(folder, 0o777)
    assert cache.folder() is None
    key = _key(factors._package_sources())
    _planted(str(folder / f"facteurs-{key}.pickle"))  # what another user could have put there
    lib = factors.load()
    assert lib.get("redevance.elimination").value == _fresh_parse().get("redevance.elimination").value != 1.0
    assert sorted(os.listdir(folder)) == [f"facteurs-{key}.pickle"]  # nothing written there either


def test_a_symbolic_link_as_cache_folder_is_not_used(cache_home, tmp_path):
    real = tmp_path / "ailleurs"
    real.mkdir(mode=0o700)
    os.symlink(real, cache_home / "symbio")
    assert cache.folder() is None
    key = _key(factors._package_sources())
    _planted(str(real / f"facteurs-{key}.pickle"))
    lib = factors.load()
    assert lib.get("redevance.elimination").value != 1.0
    assert os.listdir(real) == [f"facteurs-{key}.pickle"]


def test_the_cache_folder_is_private():
    # the session's folder (conftest) is created by cache.folder() itself
    folder = cache.folder()
    assert folder is not None
    info = os.lstat(folder)
    assert info.st_mode & 0o777 == 0o700


def test_a_changed_factor_file_gives_another_key():
    sources = factors._package_sources()
    key = _key(sources)
    assert _key(list(sources)) == key  # the same bytes, the same key
    name, raw = sources[0]
    changed = [(name, raw.replace(b"\n", b"\n\n", 1))] + sources[1:]
    assert _key(changed) != key
    renamed = [(name.replace(".yaml", "-2.yaml"), raw)] + sources[1:]
    assert _key(renamed) != key
    assert _key(sources[1:]) != key  # a file removed


def test_an_overlay_wins_over_the_cached_library_and_never_enters_the_cache(cache_home, tmp_path, monkeypatch):
    factors.load()
    path = _cache_file()
    with open(path, "rb") as fh:
        before = fh.read()
    overlay = tmp_path / "facteurs"
    overlay.mkdir()
    (overlay / "tarifs.yaml").write_text(
        "tarif.enfouissement.mauricie:\n  unite: $/t\n  source: essai\n  annee: 2026\n  valeur: 123\n",
        encoding="utf-8")
    _forget()
    real_load_dir = factors._load_dir
    origins = []

    def only_overlays(lib, files, origin):
        origins.append(origin)
        return real_load_dir(lib, files, origin)

    monkeypatch.setattr(factors, "_load_dir", only_overlays)
    lib = factors.load(str(overlay))
    assert origins == ["utilisateur"]  # the packaged part came from the cache
    assert lib.problems == []
    assert lib.get("tarif.enfouissement.mauricie").value == 123.0
    assert lib.get("tarif.enfouissement.mauricie").origin == "utilisateur"
    assert factors.load().get("tarif.enfouissement.mauricie").value == _fresh_parse().get(
        "tarif.enfouissement.mauricie").value != 123.0
    with open(path, "rb") as fh:
        assert fh.read() == before
    assert os.listdir(os.path.dirname(path)) == [os.path.basename(path)]


def test_a_library_with_problems_is_not_cached(cache_home, monkeypatch):
    real = factors._package_sources()
    name, raw = real[0]
    monkeypatch.setattr(factors, "_package_sources", lambda: [(name, raw + b"\ncle_inconnue: 1\n")] + real[1:])
    lib = factors.load()
    assert lib.problems
    folder = cache_home / "symbio"
    assert not folder.exists() or os.listdir(folder) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changer de propriétaire demande root")
def test_a_folder_owned_by_another_user_is_not_used(cache_home):
    folder = cache_home / "symbio"
    folder.mkdir(mode=0o700)
    os.chown(folder, os.getuid() + 4242, -1)
    assert cache.folder() is None
    key = _key(factors._package_sources())
    _planted(str(folder / f"facteurs-{key}.pickle"))
    assert factors.load().get("redevance.elimination").value != 1.0


def test_a_fifo_in_place_of_the_cache_file_never_hangs(cache_home, tmp_path):
    """Found in review: reading a FIFO put where the cache file goes blocked every command."""
    factors.load()
    path = _cache_file()
    os.unlink(path)
    os.mkfifo(path)
    code = "from symbio_cli import factors; lib = factors.load(); print(len(lib.factors))"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    assert int(out.stdout) == len(_fresh_parse().factors)
    assert os.path.isfile(path) and not os.path.islink(path)  # the FIFO gave way to the cache file


@pytest.mark.parametrize("intruder", ["lien", "dossier vide"])
def test_a_link_or_folder_in_place_of_the_cache_file_is_replaced(cache_home, tmp_path, intruder):
    factors.load()
    path = _cache_file()
    os.unlink(path)
    target = tmp_path / "ailleurs.txt"
    target.write_text("à garder", encoding="utf-8")
    if intruder == "lien":
        os.symlink(target, path)
    else:
        os.mkdir(path)
    _forget()
    factors.load()
    assert os.path.isfile(path) and not os.path.islink(path)
    assert cache.read(path, factors.Library) is not None
    assert target.read_text(encoding="utf-8") == "à garder"  # never written through the link


def test_a_missing_home_is_never_created(tmp_path, monkeypatch):
    """HOME=/nonexistent (system users, CI containers): no cache, and no folder made up to it."""
    home = tmp_path / "absent" / "maison"
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    assert cache.folder() is None
    assert not (tmp_path / "absent").exists()


def test_another_install_keeps_its_cache_file_until_unused_for_30_days(cache_home):
    """Two installs of one account (pipx and a project venv) must not delete each other's file."""
    factors.load()
    folder = os.path.dirname(_cache_file())
    recent = os.path.join(folder, "facteurs-" + "a" * 40 + ".pickle")
    old = os.path.join(folder, "facteurs-" + "b" * 40 + ".pickle")
    for other in (recent, old):
        with open(other, "wb") as fh:
            fh.write(b"x")
    month = 31 * 86400
    os.utime(old, (os.path.getatime(old) - month, os.path.getmtime(old) - month))
    cache.write(_cache_file(), pickle.dumps(_fresh_parse(), protocol=cache.PROTOCOL))
    assert os.path.exists(recent)
    assert not os.path.exists(old)
