"""Distances between firms: great-circle km on the mean Earth sphere, and the bounds the searches use.

Road distances are these × `transport.facteur_route` (METHODE.md, Territory).
Points are given either in degrees or, on the hot paths, as (φ, λ, cos φ) in
radians.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, R = 6371,0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def gc_rad(p1: float, l1: float, c1: float, p2: float, l2: float, c2: float) -> float:
    """Great-circle km from radians and cosines precomputed (the hot path)."""
    a = math.sin((p2 - p1) / 2) ** 2 + c1 * c2 * math.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def gc_lower_bound(p: float, l: float, c: float, box: tuple) -> float:
    """A lower bound of the great-circle km from a point to a lat/lon box (radians).

    sin²(d/2R) = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2): each term is bounded
    below by its value at the box's nearest latitude and longitude and its
    smallest cosine.
    """
    p0, p1, l0, l1, cmin = box
    dp = p0 - p if p < p0 else (p - p1 if p > p1 else 0.0)
    dl = l0 - l if l < l0 else (l - l1 if l > l1 else 0.0)
    a = math.sin(dp / 2) ** 2 + c * cmin * math.sin(min(dl, math.pi) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))

