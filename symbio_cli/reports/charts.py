"""Inline SVG charts drawn from an AuditResult: geometry here, markup in the template.

Each chart is a list of primitive shapes (rect, text, path, line) with their
coordinates already computed; `rapport.html.j2` only writes them out, with
autoescaping, so a hostile stream name stays text. Coordinates are printed
with one decimal so the same result gives the same bytes. Every chart has a
title and a text description (its figures in words) for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from symbio_cli import i18n
from symbio_cli.factors import MODES
from symbio_cli.numbers import format_money, format_percent, format_quantity
from symbio_cli.result import AuditResult

WIDTH = 900
EPS = 1e-9

# One colour per destination; labels always say the same in words.
COLOURS = {
    "reemploi": "#2b6ca3",
    "recyclage": "#2f8f5b",
    "compostage": "#7a9a2f",
    "biomethanisation": "#6a4c93",
    "epandage": "#8c6d1f",
    "alimentation_animale": "#c2781a",
    "valorisation_energetique": "#e08214",
    "recouvrement_let": "#9a8a8a",
    "enfouissement": "#a23b4a",
    "incineration": "#5b5b5b",
}
CURRENT = "#5b6b82"
PROJECTED = "#2f8f5b"
NEGATIVE = "#a23b4a"
INK = "#1f2933"


@dataclass(frozen=True)
class Shape:
    """One SVG primitive; numbers are pre-formatted strings."""

    kind: str  # rect | text | path | line
    x: str = "0"
    y: str = "0"
    w: str = "0"
    h: str = "0"
    x2: str = "0"
    y2: str = "0"
    d: str = ""
    fill: str = ""
    cls: str = ""
    text: str = ""
    anchor: str = "start"
    title: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart: id, accessible title and description, size, shapes, legend."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _n(v: float) -> str:
    text = f"{v:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _clip(name: str, size: int = 44) -> str:
    return name if len(name) <= size else name[: size - 1].rstrip() + "…"


def _ink_on(colour: str) -> str:
    """Dark or white text, whichever reads better on `colour`."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if lum < 0.45 else INK


def _rect(x, y, w, h, fill, title="", cls=""):
    return Shape("rect", _n(x), _n(y), _n(w), _n(h), fill=fill, title=title, cls=cls)


def _text(x, y, text, anchor="start", cls="", fill=""):
    return Shape("text", _n(x), _n(y), text=text, anchor=anchor, cls=cls, fill=fill)


def _line(x, y, x2, y2, cls="axis"):
    return Shape("line", _n(x), _n(y), x2=_n(x2), y2=_n(y2), cls=cls)


def _retained(stream):
    """The retained scenarios of a stream (several takers, a collection change)."""
    return [stream.scenarios[j] for j in (stream.scenarios_retenus or (
        () if stream.scenario_retenu is None else (stream.scenario_retenu,)))]


def projected_cost(stream) -> float:
    """A stream's cost after its retained scenarios, taken alone."""
    return stream.cout_actuel_cad - sum(sc.gain_net_cad for sc in _retained(stream))


def _bars(rows, lang, fmt_value, series, left=310, right=120):
    """Horizontal bars: rows of (label, [values]) with one colour per series; None = n/a."""
    values = [v for _, vs in rows for v in vs if v is not None]
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    span = (hi - lo) or 1.0
    area = WIDTH - left - right
    scale = area / span
    x0 = left + (-lo) * scale
    bar_h = 14
    group = len(series) * bar_h + (len(series) - 1) * 3 + 16
    shapes = []
    top = 30 if len(series) > 1 else 8
    # legend
    lx = left
    for label, colour in series:
        if len(series) > 1:
            shapes.append(_rect(lx, 8, 12, 12, colour))
            shapes.append(_text(lx + 17, 18, label, cls="small"))
            lx += 30 + 7 * len(label)
    for i, (label, vs) in enumerate(rows):
        gy = top + i * group
        mid = gy + (group - 16) / 2
        shapes.append(_text(left - 8, mid + 4, _clip(label), "end"))
        for j, v in enumerate(vs):
            y = gy + j * (bar_h + 3)
            colour = series[j][1]
            if v is None:
                shapes.append(_text(x0 + 4, y + 11, i18n.text("g.ges.nd", lang), cls="small"))
                continue
            w = abs(v) * scale
            if v and w < 1:
                w = 1
            x = x0 - w if v < 0 else x0
            fill = NEGATIVE if (v < 0 and len(series) == 1) else colour
            shapes.append(_rect(x, y, w, bar_h, fill, title=f"{label} — {series[j][0]} : {fmt_value(v)}"))
            if v >= 0:
                shapes.append(_text(x0 + w + 4, y + 11, fmt_value(v), cls="small"))
            else:
                shapes.append(_text(x0 + 4, y + 11, fmt_value(v), cls="small"))
    height = top + len(rows) * group + 6
    shapes.append(_line(x0, top - 4, x0, height - 8))
    return shapes, height


def cost_chart(result: AuditResult, lang: str) -> Chart:
    """Current vs projected cost by stream."""
    def money(v):
        return format_money(v, lang, 0)

    rows = [(s.nom, [s.cout_actuel_cad, projected_cost(s)]) for s in result.flux]
    series = [(i18n.text("g.couts.actuel", lang), CURRENT), (i18n.text("g.couts.projete", lang), PROJECTED)]
    shapes, height = _bars(rows, lang, money, series)
    items = "; ".join(i18n.text("g.couts.item", lang, flux=name, actuel=money(a), projete=money(b))
                      for name, (a, b) in rows)
    return Chart("graphique-couts", i18n.text("g.couts.titre", lang), i18n.text("g.couts.desc", lang, items=items),
                 WIDTH, int(height), tuple(shapes))


def ghg_chart(result: AuditResult, lang: str) -> Chart | None:
    """GHG avoided by stream (retained substitutions); None when there is nothing to show."""
    rows = []
    for s in result.flux:
        subs = [sc for sc in _retained(s) if sc.type != "mutualisation"]
        if not subs:
            continue
        values = [sc.ges_evites_tco2e for sc in subs]
        rows.append((s.nom, [None if any(v is None for v in values) else sum(values)]))
    if all(vs[0] is None for _, vs in rows):  # nothing known: the total says "n.d." (no empty chart)
        return None

    def ghg(v):
        return format_quantity(v, "t CO₂e", lang, 1)

    shapes, height = _bars(rows, lang, ghg, [(i18n.text("a.ges", lang), PROJECTED)], right=130)
    items = "; ".join(f"{name} : {ghg(vs[0]) if vs[0] is not None else i18n.text('g.ges.nd', lang)}"
                      if lang == "fr" else
                      f"{name}: {ghg(vs[0]) if vs[0] is not None else i18n.text('g.ges.nd', lang)}"
                      for name, vs in rows)
    return Chart("graphique-ges", i18n.text("g.ges.titre", lang), i18n.text("g.ges.desc", lang, items=items),
                 WIDTH, int(height), tuple(shapes))


def destinations(result: AuditResult) -> tuple[dict[str, float], dict[str, float]]:
    """Tonnes by destination (mode) before and after the retained scenarios, in MODES order."""
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    for s, flows in _flows(result):
        before[s.mode] = before.get(s.mode, 0.0) + s.masse_t
        for route, mass in flows:
            after[route] = after.get(route, 0.0) + mass
    order = {m: i for i, m in enumerate(MODES)}

    def ordered(d):
        return {k: d[k] for k in sorted(d, key=lambda k: (order.get(k, len(order)), k)) if d[k] > EPS}

    return ordered(before), ordered(after)


def _flows(result: AuditResult):
    """Each stream with its (route, tonnes) after its retained scenario."""
    for s in result.flux:
        flows = []
        kept = s.masse_t
        for sc in _retained(s):
            if sc.type == "substitution" and sc.masse_detournee_t > EPS and sc.filiere:
                flows.append((sc.filiere, sc.masse_detournee_t))
                kept -= sc.masse_detournee_t
        if kept > EPS:
            flows.insert(0, (s.mode, kept))
        merged: dict[str, float] = {}
        for route, mass in flows:
            merged[route] = merged.get(route, 0.0) + mass
        yield s, list(merged.items())


def destination_chart(result: AuditResult, lang: str) -> Chart | None:
    """Two stacked bars: tonnes by destination before and after."""
    before, after = destinations(result)
    total = result.totaux.masse_t
    if total <= EPS:
        return None
    left, bar_w, bar_h = 70, WIDTH - 90, 30
    shapes = []
    for row, (label, data) in enumerate(((i18n.text("avant", lang), before), (i18n.text("apres", lang), after))):
        y = 10 + row * (bar_h + 12)
        shapes.append(_text(left - 8, y + 20, label, "end", cls="strong"))
        x = left
        for mode, mass in data.items():
            w = bar_w * mass / total
            colour = COLOURS.get(mode, "#777777")
            name = i18n.mode(mode, lang)
            shapes.append(_rect(x, y, w, bar_h, colour,
                                title=f"{name} : {format_quantity(mass, 't', lang, 1)} ({format_percent(mass / total, lang)})"))
            pct = format_percent(mass / total, lang)
            if w > 44:
                shapes.append(_text(x + w / 2, y + 20, pct, "middle", cls="small", fill=_ink_on(colour)))
            x += w
    # legend: one line per destination, before → after
    modes = list(dict.fromkeys([*before, *after]))
    order = {m: i for i, m in enumerate(MODES)}
    modes.sort(key=lambda m: order.get(m, len(order)))
    ly = 10 + 2 * (bar_h + 12) + 8
    col_w = (WIDTH - left) / 2
    for i, mode in enumerate(modes):
        x = left + (i % 2) * col_w
        y = ly + (i // 2) * 20
        shapes.append(_rect(x, y, 12, 12, COLOURS.get(mode, "#777777")))
        text = (f"{i18n.mode(mode, lang)} : " if lang == "fr" else f"{i18n.mode(mode, lang)}: ") + \
            f"{format_quantity(before.get(mode, 0.0), 't', lang, 1)} → {format_quantity(after.get(mode, 0.0), 't', lang, 1)}"
        shapes.append(_text(x + 18, y + 11, text, cls="small"))
    height = ly + ((len(modes) + 1) // 2) * 20 + 4

    def words(data):
        return ", ".join(f"{i18n.mode(m, lang)} {format_quantity(v, 't', lang, 1)}" for m, v in data.items())

    desc = i18n.text("g.dest.desc", lang, total=format_quantity(total, "t", lang, 1), avant=words(before), apres=words(after))
    return Chart("graphique-destinations", i18n.text("g.dest.titre", lang), desc, WIDTH, int(height), tuple(shapes))


def flow_chart(result: AuditResult, lang: str) -> Chart | None:
    """Sankey-like bands: each stream (coloured by today's mode) to its destinations after."""
    streams = list(_flows(result))
    total = result.totaux.masse_t
    if not streams or total <= EPS:
        return None
    _, after = destinations(result)
    routes = list(after)
    slot_min, gap, top = 30, 8, 30
    span = max(220.0, 26.0 * max(len(streams), len(routes)))
    scale = span / total

    def layout(masses):
        nodes, y = [], 0.0
        for m in masses:
            h = max(2.0, m * scale)
            slot = max(h, slot_min)
            nodes.append((y + (slot - h) / 2, h))
            y += slot + gap
        return nodes, y - gap

    sent = [sum(m for _, m in flows) for _, flows in streams]  # = the stream's mass
    left_nodes, left_h = layout(sent)
    right_nodes, right_h = layout([after[r] for r in routes])
    body = max(left_h, right_h)
    left_off = top + (body - left_h) / 2
    right_off = top + (body - right_h) / 2
    x_left, node_w, x_right = 310.0, 12.0, 640.0
    shapes = [
        _text(x_left + node_w, 16, i18n.text("g.flux.gauche", lang), "end", cls="strong"),
        _text(x_right, 16, i18n.text("g.flux.droite", lang), cls="strong"),
    ]
    # band offsets inside each node
    right_used = {r: 0.0 for r in routes}
    bands = []
    for i, (s, flows) in enumerate(streams):
        ly, lh = left_nodes[i]
        used = 0.0
        for route, mass in sorted(flows, key=lambda f: routes.index(f[0])):
            j = routes.index(route)
            ry, rh = right_nodes[j]
            a = lh * mass / sent[i]
            b = rh * mass / after[route]
            y0 = left_off + ly + used
            y1 = right_off + ry + right_used[route]
            used += a
            right_used[route] += b
            x0, x1 = x_left + node_w, x_right
            cx = (x0 + x1) / 2
            d = (f"M{_n(x0)},{_n(y0)} C{_n(cx)},{_n(y0)} {_n(cx)},{_n(y1)} {_n(x1)},{_n(y1)} "
                 f"L{_n(x1)},{_n(y1 + b)} C{_n(cx)},{_n(y1 + b)} {_n(cx)},{_n(y0 + a)} {_n(x0)},{_n(y0 + a)} Z")
            title = i18n.text("g.flux.item", lang, flux=s.nom, destination=i18n.mode(route, lang),
                              masse=format_quantity(mass, "t", lang, 1))
            bands.append((s.nom, route, mass))
            shapes.append(Shape("path", d=d, fill=COLOURS.get(route, "#777777"), cls="band", title=title))
    for i, (s, _) in enumerate(streams):
        ly, lh = left_nodes[i]
        y = left_off + ly
        colour = COLOURS.get(s.mode, "#777777")
        shapes.append(_rect(x_left, y, node_w, lh, colour, title=f"{s.nom} — {i18n.mode(s.mode, lang)}"))
        mid = y + lh / 2
        shapes.append(_text(x_left - 6, mid - 2, _clip(s.nom), "end"))
        shapes.append(_text(x_left - 6, mid + 11,
                            f"{format_quantity(s.masse_t, 't', lang, 1)} · {i18n.mode(s.mode, lang)}", "end", cls="small"))
    for j, route in enumerate(routes):
        ry, rh = right_nodes[j]
        y = right_off + ry
        colour = COLOURS.get(route, "#777777")
        shapes.append(_rect(x_right, y, node_w, rh, colour, title=i18n.mode(route, lang)))
        mid = y + rh / 2
        shapes.append(_text(x_right + node_w + 6, mid - 2, i18n.mode(route, lang), cls="strong"))
        shapes.append(_text(x_right + node_w + 6, mid + 11,
                            f"{format_quantity(after[route], 't', lang, 1)} ({format_percent(after[route] / total, lang)})",
                            cls="small"))
    items = "; ".join(i18n.text("g.flux.item", lang, flux=name, destination=i18n.mode(route, lang),
                                masse=format_quantity(mass, "t", lang, 1)) for name, route, mass in bands)
    return Chart("graphique-flux", i18n.text("g.flux.titre", lang), i18n.text("g.flux.desc", lang, items=items),
                 WIDTH, int(top + body + 10), tuple(shapes))


def build(result: AuditResult, lang: str) -> list[Chart]:
    """Every chart of the HTML report, in reading order (absent ones skipped)."""
    charts = [cost_chart(result, lang), destination_chart(result, lang), flow_chart(result, lang), ghg_chart(result, lang)]
    return [c for c in charts if c is not None]
