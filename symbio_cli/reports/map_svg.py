"""An inline SVG map of a territory: no tiles, no network, text alternatives.

Firms are placed by longitude and latitude with an equirectangular
projection (x = longitude × cos(middle latitude), y = −latitude), which keeps
distances right to within a few per cent over an MRC. Matches are arrows
from supplier to taker (thicker for more tonnes) with the number of their
piste in a badge, pooling groups are outlines (numbered the same way) (the convex hull of
their members drawn with a wide rounded stroke; a circle when the members
stand on one point). Every mark has a `<title>`; the map has a `<title>` and a
`<desc>` that say in words what it shows. All text is escaped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

WIDTH = 760
MAX_HEIGHT = 560
MARGIN = 40
KM_PER_DEGREE = 6371.0088 * math.pi / 180
LABELS_MAX = 80  # beyond this many firms, names only in the <title> of each point

ROLE_COLOURS = {
    "fournisseur": "#1b7837",
    "preneur": "#2166ac",
    "les_deux": "#762a83",
    "membre": "#b35806",
    "autre": "#8c8c8c",
}
GROUP_COLOURS = ("#e08214", "#8073ac", "#35978f", "#c51b7d", "#7fbc41", "#bf812d")


_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\v\f\u2028\u2029\x85]+[ \t\r\n\v\f\u2028\u2029\x85]*")


def esc(text) -> str:
    """Text for SVG content and attribute values, on one line: a blank line inside the map would end
    the HTML block of a Markdown report and let the rest of a name be read as Markdown."""
    return _xml_escape(_LINE_BREAKS.sub(" ", str(text)), {'"': "&quot;", "'": "&#39;"})


@dataclass(frozen=True)
class Point:
    label: str
    lat: float
    lon: float
    role: str = "autre"
    title: str = ""


@dataclass(frozen=True)
class Line:
    """A match from point `a` (supplier) to point `b` (taker), drawn as an arrow."""

    a: int
    b: int
    weight: float
    title: str
    dashed: bool = False  # a synergy already in place
    label: str = ""  # the piste's number, in a badge at the middle


@dataclass(frozen=True)
class Outline:
    members: tuple[int, ...]
    title: str
    label: str = ""  # the piste's number, in a badge at the group's centre


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull (Andrew's monotone chain), counter-clockwise."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _nice(km: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if step >= km:
            return step
    return 1000.0


def _num(x: float) -> str:
    return f"{x:.1f}"


@dataclass
class _Frame:
    """Where things go: the projection of the points and the footer (scale bar, legend rows)."""

    xs: list[float]
    lats: list[float]
    scale: float
    x0: float
    top: float
    map_bottom: float
    height: int
    bar_km: float
    bar_px: float
    legend_items: list

    def xy(self, i: int) -> tuple[float, float]:
        return self.x0 + self.xs[i] * self.scale, MARGIN + (self.top - self.lats[i]) * self.scale


def _frame(points: list[Point], legend: dict[str, str]) -> _Frame:
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    mid = math.radians((min(lats) + max(lats)) / 2)
    kx = math.cos(mid)
    xs = [lon * kx for lon in lons]
    span_x = max(max(xs) - min(xs), 0.005)
    span_y = max(max(lats) - min(lats), 0.005)
    inner_w = WIDTH - 2 * MARGIN
    scale = min(inner_w / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    map_bottom = span_y * scale + 2 * MARGIN
    km_per_px = KM_PER_DEGREE / scale
    bar_km = _nice(km_per_px * inner_w / 5)
    bar_px = bar_km / km_per_px
    # legend laid out in rows under the map, right of the scale bar (about 6,2 px per character at 11 px)
    legend_items = []
    start = MARGIN + bar_px + 70
    lx, row = start, 0
    for role, label in legend.items():
        width = 20 + 6.2 * len(label)
        if lx + width > WIDTH - MARGIN and lx > start:
            lx, row = start, row + 1
        legend_items.append((role, label, lx, map_bottom + 28 + 18 * row))
        lx += width
    height = int(map_bottom + 40 + 18 * row)
    x0 = MARGIN + (inner_w - span_x * scale) / 2 - min(xs) * scale
    return _Frame(xs, lats, scale, x0, max(lats), map_bottom, height, bar_km, bar_px, legend_items)


def _outlines_svg(fr: _Frame, outlines: list[Outline]) -> list[str]:
    out = []
    for k, g in enumerate(outlines):
        colour = GROUP_COLOURS[k % len(GROUP_COLOURS)]
        pts = [fr.xy(i) for i in g.members]
        hull = _hull(pts)
        out.append(f'<g class="groupe"><title>{esc(g.title)}</title>')
        if len(hull) >= 2 and max(math.dist(a, b) for a in hull for b in hull) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in hull)
            out.append(f'<polygon points="{path}" fill="{colour}" fill-opacity="0.15" stroke="{colour}" '
                       f'stroke-opacity="0.35" stroke-width="26" stroke-linejoin="round"/>')
        else:
            cx = sum(p[0] for p in pts) / len(pts)
            cy = sum(p[1] for p in pts) / len(pts)
            out.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="16" fill="{colour}" fill-opacity="0.15" '
                       f'stroke="{colour}" stroke-opacity="0.6" stroke-width="2"/>')
        out.append("</g>")
    return out


def _badge(x: float, y: float, label: str, colour: str) -> str:
    """A piste's number in a small disc (drawn above lines and points)."""
    r = 8 + 3 * max(0, len(label) - 1)
    return (f'<g class="numero"><circle cx="{_num(x)}" cy="{_num(y)}" r="{r}" fill="#fff" stroke="{colour}" '
            f'stroke-width="1.5"/><text x="{_num(x)}" y="{_num(y + 3.5)}" font-size="10" font-weight="bold" '
            f'text-anchor="middle" fill="{colour}">{esc(label)}</text></g>')


def _badges_svg(fr: _Frame, lines: list[Line], outlines: list[Outline]) -> list[str]:
    out = []
    for k, g in enumerate(outlines):
        if g.label:
            pts = [fr.xy(i) for i in g.members]
            cx = sum(p[0] for p in pts) / len(pts)
            cy = sum(p[1] for p in pts) / len(pts)
            out.append(_badge(cx, cy - 18, g.label, GROUP_COLOURS[k % len(GROUP_COLOURS)]))
    seen: dict[tuple[int, int], int] = {}
    for ln in lines:
        if not ln.label:
            continue
        (xa, ya), (xb, yb) = fr.xy(ln.a), fr.xy(ln.b)
        # several matches between one pair of firms: their badges spread along the line
        n = seen.get((ln.a, ln.b), 0)
        seen[(ln.a, ln.b)] = n + 1
        t = 0.5 - 0.15 * n if n % 2 else 0.5 + 0.15 * n
        t = min(0.85, max(0.15, t))
        out.append(_badge(xa + (xb - xa) * t, ya + (yb - ya) * t, ln.label, "#1b7837"))
    return out


def _lines_svg(fr: _Frame, lines: list[Line]) -> list[str]:
    out = []
    heaviest = max((ln.weight for ln in lines), default=0.0)
    for ln in lines:
        (xa, ya), (xb, yb) = fr.xy(ln.a), fr.xy(ln.b)
        width = 1.2 + 5 * math.sqrt(ln.weight / heaviest) if heaviest > 0 else 1.5
        # the arrow's tip stops at the taker's disc (radius 5) instead of hiding under it
        length = math.hypot(xb - xa, yb - ya)
        if length > 12:
            xb, yb = xb - (xb - xa) * 7 / length, yb - (yb - ya) * 7 / length
        marker = "fleche-en-place" if ln.dashed else "fleche"
        style = ('stroke="#555" stroke-dasharray="6 4"' if ln.dashed else 'stroke="#1b7837"')
        out.append(f'<g class="{"en-place" if ln.dashed else "appariement"}"><title>{esc(ln.title)}</title>'
                   f'<line x1="{_num(xa)}" y1="{_num(ya)}" x2="{_num(xb)}" y2="{_num(yb)}" {style} '
                   f'stroke-opacity="0.7" stroke-width="{width:.1f}" stroke-linecap="round" '
                   f'marker-end="url(#{marker})"/></g>')
    return out


ARROWS = (
    '<defs><marker id="fleche" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="4" markerHeight="4" '
    'markerUnits="strokeWidth" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1b7837"/></marker>'
    '<marker id="fleche-en-place" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="4" markerHeight="4" '
    'markerUnits="strokeWidth" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
)


def _points_svg(fr: _Frame, points: list[Point]) -> list[str]:
    out = []
    show_labels = len(points) <= LABELS_MAX
    for i, p in enumerate(points):
        x, y = fr.xy(i)
        colour = ROLE_COLOURS.get(p.role, ROLE_COLOURS["autre"])
        out.append(f'<g class="entreprise"><title>{esc(p.title or p.label)}</title>'
                   f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{colour}" stroke="#fff" stroke-width="1.5"/>')
        if show_labels:
            anchor = "end" if x > WIDTH * 0.7 else "start"
            dx = -8 if anchor == "end" else 8
            out.append(f'<text x="{_num(x + dx)}" y="{_num(y + 4)}" font-size="11" text-anchor="{anchor}" '
                       f'fill="#222">{esc(p.label)}</text>')
        out.append("</g>")
    return out


def _footer_svg(fr: _Frame, scale_label: str, decimal: str) -> list[str]:
    """The scale bar (about a fifth of the width), then the legend on one or more rows."""
    by = fr.map_bottom + 24
    text = f"{fr.bar_km:g}".replace(".", decimal)
    out = [f'<g class="echelle"><line x1="{MARGIN}" y1="{by}" x2="{_num(MARGIN + fr.bar_px)}" y2="{by}" '
           f'stroke="#222" stroke-width="2"/><text x="{_num(MARGIN + fr.bar_px + 6)}" y="{by + 4}" font-size="11" '
           f'fill="#222">{esc(text)} {esc(scale_label)}</text></g>',
           '<g class="legende" font-size="11" fill="#222">']
    for role, label, lx, ly in fr.legend_items:
        if role == "en_place":
            out.append(f'<line x1="{_num(lx - 5)}" y1="{_num(ly - 4)}" x2="{_num(lx + 5)}" y2="{_num(ly - 4)}" '
                       f'stroke="#555" stroke-width="2" stroke-dasharray="3 2"/>'
                       f'<text x="{_num(lx + 9)}" y="{_num(ly)}">{esc(label)}</text>')
            continue
        colour = ROLE_COLOURS.get(role, GROUP_COLOURS[0])
        out.append(f'<circle cx="{_num(lx)}" cy="{_num(ly - 4)}" r="5" fill="{colour}"/>'
                   f'<text x="{_num(lx + 9)}" y="{_num(ly)}">{esc(label)}</text>')
    out.append("</g>")
    return out


def render(points: list[Point], lines: list[Line], outlines: list[Outline], title: str, desc: str,
           legend: dict[str, str], scale_label: str = "km", decimal: str = ",") -> str:
    """The map as one `<svg>` element (no blank line inside, so Markdown keeps it whole)."""
    if not points:
        return ""
    fr = _frame(points, legend)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {fr.height}" width="{WIDTH}" '
        f'height="{fr.height}" role="img" aria-labelledby="carte-titre carte-desc" class="carte" '
        f'style="max-width:100%;height:auto;font-family:sans-serif;background:#fbfbf8">',
        f'<title id="carte-titre">{esc(title)}</title>',
        f'<desc id="carte-desc">{esc(desc)}</desc>',
        ARROWS,
    ]
    out += _outlines_svg(fr, outlines)  # pooling groups under everything else
    out += _lines_svg(fr, lines)
    out += _points_svg(fr, points)
    out += _badges_svg(fr, lines, outlines)
    out += _footer_svg(fr, scale_label, decimal)
    out.append("</svg>")
    return "\n".join(out)
