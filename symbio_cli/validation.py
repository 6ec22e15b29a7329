"""`symbio valider`, without click: the command's work, and its fast entry point (issue 15).

`validate()` is the whole of `symbio valider` once the arguments are parsed:
the click command (cli.py) calls it, and so does `entry()`, the console
script, which runs the plain form `symbio valider FICHIER…` (no option) without
importing click at all: click's import is ~20 ms of CPU, a fifth of a
one-file `valider` (bench/bench_demarrage.py). Any other command line, an
option, completion, Windows or a standard stream that is not UTF-8 goes
through click (`symbio_cli.cli.entry`), unchanged. Both paths print the same
lines, in the same order, with the same exit codes (tests/test_demarrage.py
compares them).
"""

from __future__ import annotations

import os
import sys

from symbio_cli.errors import ExitCode, printable


def echo(message: str, err: bool = False) -> None:
    """One line on stdout (stderr with `err`), flushed: what click.echo does with text on a UTF-8 stream."""
    stream = sys.stderr if err else sys.stdout
    out = message + "\n"
    if "\x1b" in out and not stream.isatty():  # click strips ANSI codes off a terminal (never reached:
        from click._compat import strip_ansi  # problems are printed through errors.printable)

        out = strip_ansi(out)
    stream.write(out)
    stream.flush()


def _err(message: str) -> None:
    echo(message, err=True)


def checked_library(overlay: str | None, err=_err):
    """The factor library, or None after printing its problems with `err` (an invalid overlay, issue 13)."""
    from symbio_cli import factors

    lib = factors.load(overlay)
    if lib.problems:
        for p in lib.problems:
            err(p.format())
        from symbio_cli.i18n import count

        err(f"bibliothèque de facteurs invalide ({count(len(lib.problems), 'problème', 'problèmes')})")
        return None
    return lib


def inventories_only(files: list, missing: list, err=_err) -> list | None:
    """`valider --inventaires-seulement`: the inventories among `files`, saying how many were skipped;
    None when nothing is left to validate (exit 0)."""
    from symbio_cli.files import looks_like_inventory

    kept = [f for f in files if looks_like_inventory(f)]
    skipped = len(files) - len(kept)
    if skipped:
        files_word = "fichier YAML sauté" if skipped == 1 else "fichiers YAML sautés"
        err(f"{skipped} {files_word} : pas des inventaires "
            "(clés « version » et « flux » absentes du premier niveau)")
    if not kept and not missing:
        err("aucun inventaire à valider")
        return None
    return kept


def _gh_property(value: str) -> str:
    """A GitHub workflow-command property value, escaped (%, CR, LF, :, ,)."""
    return (value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace(":", "%3A").replace(",", "%2C"))


def github_annotation(p) -> str:
    """One problem as a GitHub Actions `::error`/`::warning` line, its properties and text escaped."""
    level = "warning" if p.severity == "avertissement" else "error"
    attrs = f"file={_gh_property(printable(p.file))}"
    if p.line:
        attrs += f",line={p.line}"
        if p.column:
            attrs += f",col={p.column}"
    text = (f"{p.field}: " if p.field else "") + p.message
    text = printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return f"::{level} {attrs},title=symbio::{text}"


def _print_results(results: list, fmt: str, strict: bool, out) -> None:
    if fmt == "json":
        import json

        payload = {
            "schema": "symbio.validation/1",
            "fichiers": [
                {"fichier": name,
                 "valide": not any(p.severity == "erreur" or strict for p in problems),
                 "problemes": [p.as_dict() for p in problems]}
                for name, problems in results
            ],
        }
        out(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for _name, problems in results:
            for p in problems:
                out(github_annotation(p) if fmt == "github" else p.format())


def validate(fichiers, files: list, missing: list, overlay: str | None = None, fmt: str = "texte",
             strict: bool = False, only_inventories: bool = False, out=echo, err=_err) -> int:
    """Validate the inventories `files` (expanded from the arguments `fichiers`; `missing`: those
    that matched nothing) and return the exit code: 0 all valid, 1 otherwise.

    Problems go to `out`, one line each (`fmt` texte: `fichier:ligne:colonne: champ: message`;
    github: `::error` annotations; json: one `symbio.validation/1` document); the count to `err`.
    `strict`: warnings count as errors.
    """
    from symbio_cli import pipeline
    from symbio_cli.errors import Problem

    if only_inventories:
        files = inventories_only(files, missing, err)
        if files is None:
            return ExitCode.OK
    lib = checked_library(overlay, err)
    if lib is None:
        return ExitCode.INVALID
    results = []
    if not files and not missing:
        err("aucun inventaire (.yaml ou .yml) trouvé dans : " + printable(", ".join(fichiers)))
        return ExitCode.INVALID
    for name in missing:
        results.append((name, [Problem(name, None, None, "", "fichier introuvable")]))
    for name in files:  # the audit's own code path: the same errors and warnings as `audit`
        results.append((name, pipeline.audit_file(name, lib).problems))
    invalid = sum(1 for _name, problems in results if any(p.severity == "erreur" or strict for p in problems))
    _print_results(results, fmt, strict, out)
    from symbio_cli.i18n import count

    total = len(results)
    if invalid:
        err(f"{count(invalid, 'inventaire invalide', 'inventaires invalides')} sur {total}")
    else:
        err(count(total, "inventaire valide", "inventaires valides"))
    return ExitCode.INVALID if invalid else ExitCode.OK


def _utf8(stream) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def fast_path(argv: list[str]) -> bool:
    """True for `valider FICHIER…` without any option, on POSIX, UTF-8 standard streams, no completion."""
    return (len(argv) >= 2 and argv[0] == "valider" and not any(a.startswith("-") for a in argv[1:])
            and os.name == "posix" and not any(k.endswith("_COMPLETE") for k in os.environ)
            and sys.stdout is not None and sys.stderr is not None and _utf8(sys.stdout) and _utf8(sys.stderr))


def _run_fast(fichiers: list[str]) -> int:
    """`symbio valider FICHIER…` as click runs the command, with the same handling of errors
    (cli._Group.invoke, click's standalone mode, cli.entry)."""
    import errno

    from symbio_cli.files import OutputError, expand

    try:
        files, missing = expand(list(fichiers))
        return validate(tuple(fichiers), files, missing)
    except OutputError as exc:  # cli._Group: the user's to fix, exit 2
        _err(str(exc))
        return ExitCode.USAGE
    except KeyboardInterrupt:  # cli._Group
        _err("Interrompu.")
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            return output_failed(exc)
        from click.utils import PacifyFlushWrapper  # click: the reader went away, exit 1 without a trace

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        return 1
    except Exception as exc:  # cli.entry: a bug, not bad input
        return _internal_error(exc)


class ClosedStream:
    """What stands for a standard stream the shell closed (`symbio … >&-`): writing to it is an error."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "sortie fermée")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def output_failed(exc: OSError) -> int:
    """A standard stream that cannot be written (closed, disk full, /dev/full): a French message, exit 2."""
    from symbio_cli.files import output_error

    message = str(output_error(exc.filename or "sortie standard", exc))  # the French reason of the one writer
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, AttributeError, ValueError):
        pass
    return ExitCode.USAGE


def _internal_error(exc: Exception) -> int:
    _err(f"erreur interne de symbio ({type(exc).__name__}: {exc}).")
    _err("Relancez avec --verbose pour la trace complète et signalez-la.")
    return ExitCode.USAGE


def entry() -> None:
    """The `symbio` console script: `valider FICHIER…` directly, anything else through click."""
    argv = sys.argv[1:]
    if not fast_path(argv):
        from symbio_cli.cli import entry as click_entry

        click_entry()
        return
    sys.exit(int(_run_fast(argv[1:])))
