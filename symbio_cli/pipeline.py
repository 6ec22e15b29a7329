"""One inventory file from bytes to an AuditResult, or located problems."""

from __future__ import annotations

from dataclasses import dataclass

from symbio_cli import inventory, loader, method
from symbio_cli.errors import MethodError, Problem, field_name
from symbio_cli.factors import Library


@dataclass
class Outcome:
    """What happened to one input: a result, or the problems that stopped it."""

    file: str
    result: object | None
    problems: list[Problem]
    inventory: object | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None


def audit_file(path: str, lib: Library) -> Outcome:
    """Read, validate and audit one inventory file; never raises for bad input."""
    doc = loader.read(path)
    if isinstance(doc, list):
        return Outcome(path, None, doc)
    inv, problems = inventory.validate(doc, lib)
    if inv is None:
        return Outcome(path, None, problems)
    try:
        result = method.audit(inv, lib, path)
    except MethodError as exc:
        line, col = doc.where(exc.path, value=True)
        problems.append(Problem(path, line, col, field_name(exc.path), exc.message))
        return Outcome(path, None, problems)
    return Outcome(path, result, problems, inv)
