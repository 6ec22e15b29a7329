"""Plain-text views of the factor library for `symbio facteurs`."""

from __future__ import annotations

from symbio_cli import units
from symbio_cli.factors import Factor, Library


def _computed(f: Factor) -> str:
    """The value as the method uses it (per metric tonne, per m², per km…)."""
    if f.value is None:
        return ""
    value, unit = units.display(f.value, f.dims)
    return f"{_raw(value)} {unit}".strip()


def _raw(value: float | None) -> str:
    if value is None:
        return "manquant"
    text = f"{value:.6g}"
    return text.replace(".", ",")


def _unit(f: Factor) -> str:
    """The unit as written in the library, "" for a plain number (`1`)."""
    return "" if f.unit in ("1", "") else f.unit


def _with_unit(text: str, f: Factor) -> str:
    return f"{text} {_unit(f)}".strip()


def factor_rows(lib: Library, prefix: str | None = None) -> list[dict]:
    """One row per factor at or below `prefix` (all when None), sorted by key."""
    rows = []
    for key in sorted(lib.factors):
        if prefix and not (key == prefix or key.startswith(prefix + ".")):
            continue
        f = lib.factors[key]
        if f.by_year:
            years = [y for y, _ in f.by_year]
            text = f"{_raw(f.by_year[-1][1].raw)} ({years[0]}–{years[-1]})"
        else:
            text = _raw(f.raw)
        rows.append({
            "cle": key, "valeur": f.raw, "valeur_texte": text, "unite": f.unit, "valeur_calcul": _computed(f),
            "annee": f.year, "confiance": f.confidence, "source": f.source,
            "proxy": f.proxy, "derive": f.derived, "origine": f.origin,
        })
    return rows


def show_factor(f: Factor) -> str:
    """A factor with its source, note and range, for `symbio facteurs CLE`."""
    lines = [f.key]
    if f.by_year:
        for year, item in f.by_year:
            flag = " (dérivé)" if item.derived else ""
            lines.append(f"  {year} : {_with_unit(_raw(item.raw), f)}{flag} — {item.source}")
    else:
        lines.append(f"  valeur    : {_with_unit(_raw(f.raw), f)}")
        computed = _computed(f)
        if computed and computed != _with_unit(_raw(f.raw), f):
            lines.append(f"  au calcul : {computed}")
        lines.append(f"  année     : {f.year if f.year is not None else 'inconnue'}")
    if f.raw_low is not None or f.raw_high is not None:
        lines.append(f"  plage     : {_raw(f.raw_low)} à {_with_unit(_raw(f.raw_high), f)}")
    lines.append(f"  confiance : {f.confidence}")
    if f.proxy:
        lines.append("  approximation (proxy) : oui")
    if f.derived:
        lines.append("  dérivé d'autres valeurs : oui")
    if not f.by_year:
        lines.append(f"  source    : {f.source}")
    if f.url:
        lines.append(f"  url       : {f.url}")
    if f.note:
        lines.append(f"  note      : {f.note}")
    if f.origin != "bibliotheque":
        lines.append(f"  origine   : {f.origin}")
    return "\n".join(lines)
