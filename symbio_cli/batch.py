"""Audit of one or many inventories: reports, summary, exit code."""

from __future__ import annotations

import os
import sys

from symbio_cli import pipeline
from symbio_cli.errors import ExitCode, Problem, printable
from symbio_cli.files import write_output
from symbio_cli.reports import EXTENSIONS, render


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format(), file=sys.stderr)


def run_audit(files, missing, lib, fmt, output, lang, jobs, date, overlay, folder_input=False,
              csv_dialect="rfc") -> int:
    """Audit every file; write reports; return the exit code.

    One file given as a file, with no output folder: one report (stdout or
    `-o FICHIER`). Anything else is a batch (`portfolio`): a folder input,
    several inputs, or an `-o` that is a folder or ends with `/`, which is
    then created as a folder.
    """
    folder_output = bool(output) and (os.path.isdir(output) or output.endswith(("/", os.sep)))
    if len(files) + len(missing) == 1 and files and not folder_input and not folder_output:
        outcome = pipeline.audit_file(files[0], lib)
        _print_problems(outcome.problems)
        if not outcome.ok:
            return ExitCode.INVALID
        chosen = fmt or _format_from_name(output) or "md"
        text = render(outcome.result, chosen, lang, date, lib=lib)
        if output:
            if _same_file(output, files[0]):
                print(f"{printable(output)}: c'est l'inventaire lui-même ; rien n'est écrasé", file=sys.stderr)
                return ExitCode.USAGE
            write_output(output, text)
            print(f"rapport écrit dans {printable(output)}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        _terminal_summary(outcome.result, lang)
        return ExitCode.OK
    from symbio_cli.portfolio import run_portfolio

    return run_portfolio(files, lib, fmt or "md", output, lang, jobs, date, overlay, missing, csv_dialect)


def _terminal_summary(result, lang: str) -> None:
    """The rich summary, for people only: on stderr, and only when stderr is a terminal."""
    from symbio_cli.reports import terminal

    if terminal.wanted(sys.stderr):
        sys.stdout.flush()
        terminal.render_summary(result, lang, file=sys.stderr)


def _format_from_name(name: str | None) -> str | None:
    if not name:
        return None
    ext = os.path.splitext(name)[1].lower()
    for fmt, e in EXTENSIONS.items():
        if e == ext:
            return fmt
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.exists(a) and os.path.samefile(a, b)
    except OSError:
        return False
