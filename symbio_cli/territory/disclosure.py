"""`--anonymiser`: what a workshop report may publish (METHODE.md, "Territory"; CONCEPTION.md).

Firms are named by a code (`E-` and hex digits of a salted SHA-256 of their
name); no total made up of fewer than `MIN_FIRMS` firms is published, nor
one that follows from the published ones by subtraction (`Disclosure`);
matches and groups keep who and what, never their figures; positions are
rounded to 0,05°; SCIAN codes are cut to their sector.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, replace

from symbio_cli.territory.firms import FirmData
from symbio_cli.territory.records import Group, Match, Options
from symbio_cli.territory.sectors import UNKNOWN_SECTOR, sector_of

MIN_FIRMS = 3  # --anonymiser: no total made up of fewer firms
ANON_DEG = 0.05  # --anonymiser: map positions rounded to 0,05° (about 5 km north-south)


# ---------------------------------------------------------------------------
# Names


def anonymous_code(name: str, length: int = 6, salt: str = "") -> str:
    """`E-` and the first hex digits of SHA-256 of the name (HMAC with a salt when given)."""
    data = unicodedata.normalize("NFC", name).encode("utf-8")
    digest = hmac.new(salt.encode("utf-8"), data, hashlib.sha256).hexdigest() if salt else hashlib.sha256(data).hexdigest()
    return "E-" + digest[:length].upper()


def display_names(firms: list[FirmData], options: Options) -> list[str]:
    """The firms' names as published: their own, or codes under --anonymiser (collisions lengthened, twins -2, -3…)."""
    if not options.anonymiser:
        return [f.nom for f in firms]
    codes = {}
    names = sorted({f.nom for f in firms})
    length = 6
    while True:  # lengthen every code until none collide (stable for a given set)
        codes = {n: anonymous_code(n, length, options.sel) for n in names}
        if len(set(codes.values())) == len(codes) or length >= 64:
            break
        length += 2
    out = []
    seen: dict[str, int] = defaultdict(int)
    for f in firms:  # two inventories with one name: -2, -3… in file order
        code = codes[f.nom]
        seen[code] += 1
        out.append(code if seen[code] == 1 else f"{code}-{seen[code]}")
    return out


def scrub(message: str, firm: FirmData, stream_ids: list[str] | None = None) -> str:
    """A firm's message without its name or file (its code stands before it), nor its streams' ids and names:
    a stream quoted « … » becomes its published id (`stream_ids[k]`, else « … »)."""
    for k, s in enumerate(firm.flux):
        label = stream_ids[k] if stream_ids else "…"
        for text in (s.id, s.nom):
            message = message.replace(f"« {text} »", f"« {label} »")
    return message.replace(firm.nom, "…").replace(firm.fichier, "…")


def anon_text(text: str | None, options: Options, category: str | None = None, index: int = 0) -> str | None:
    """Free text of an inventory (an input's name) hidden under --anonymiser."""
    if text is None or not options.anonymiser:
        return text
    return f"{category or 'intrant'} #{index + 1}"


def outside_name(name: str, options: Options) -> str:
    """The code of a firm outside the territory (a taker named by an inventory)."""
    return anonymous_code(name, 6, options.sel)


# ---------------------------------------------------------------------------
# Published totals


@dataclass(frozen=True)
class Cell:
    """A published total: the table it is in, the row's key, the figure of the row.

    Tables: `T` the territory's totals, `F` by family, `X` by material, `S`
    by SCIAN sector, `G` a pooling group, `O`/`D` the offer and demand of the
    matrix. Figures (`part`): `m` matches, `e` pooling savings, `t` the row's
    total (m + e), `d` tonnes given, `r` tonnes received, `o`/`d` offer and
    demand on the territory's row, `p` what is in place.
    """

    table: str
    key: str = ""
    part: str = ""

    def __str__(self) -> str:  # the order of ties when one more cell must be hidden
        return ":".join(x for x in (self.table, self.key, self.part) if x)


class Disclosure:
    """Which published totals --anonymiser must hide so that none made up of fewer than 3 firms shows or follows.

    Cells are totals, each with the firms that make it up, by role: a total
    of matches is made up by its suppliers (what they give) and by its takers
    (what they receive), so each role must count 3 firms or none (else one
    supplier's total, say, would show); a group's total by its members; a
    firm's own figures by itself. A cell where a role has 1 or 2 firms is
    hidden (primary suppression). Equations `parent = Σ children` say which
    published figures add up: a hidden cell must not follow from the others
    (the only unknown of an equation), and hidden children must not add up,
    beside a known parent, to a total of fewer than 3 firms in a role. Either
    way one more cell is hidden — a sibling with the fewest firms, or the
    parent for a row total (`policy="parent"`) — until nothing leaks
    (secondary suppression). Without --anonymiser nothing is hidden.
    """

    def __init__(self, active: bool):
        self.active = active
        self.roles: dict[Hashable, dict[str, frozenset]] = {}
        self.firms: dict[Hashable, frozenset] = {}
        self.hidden: dict[Hashable, bool] = {}
        self.equations: list[tuple[Hashable, tuple[Hashable, ...], str]] = []

    def cell(self, key: Hashable, firms=None, **roles) -> None:
        """A total: `firms` that make it up, or firm sets by role (`fournisseurs=…, preneurs=…`)."""
        if firms is not None:
            roles["entreprises"] = firms
        self.roles[key] = {r: frozenset(v) for r, v in roles.items()}
        self.firms[key] = frozenset().union(*self.roles[key].values())
        self.hidden[key] = self.active and self._small(self.roles[key])

    def roles_of(self, *keys: Hashable) -> dict[str, frozenset]:
        """The roles of the sum of some cells (each role's firms put together)."""
        out: dict[str, frozenset] = {}
        for k in keys:
            for r, v in self.roles[k].items():
                out[r] = out.get(r, frozenset()) | v
        return out

    def equation(self, parent: Hashable, children, policy: str = "sibling") -> None:
        """`parent = Σ children` among published figures (`policy=\"parent\"`: a row total, hidden first)."""
        children = tuple(c for c in children if c in self.firms)
        if parent in self.firms and children:
            self.equations.append((parent, children, policy))

    def hide(self, key: Hashable) -> bool:
        """Whether the total `key` must not be published."""
        return self.hidden.get(key, False)

    @staticmethod
    def _small(roles: dict) -> bool:
        return any(0 < len(v) < MIN_FIRMS for v in roles.values())

    def _unknown(self, key: Hashable, known: dict) -> bool:
        return bool(self.firms[key]) and not known[key]

    def _fix(self, parent: Hashable, children: tuple, policy: str, spare: Hashable | None) -> bool:
        """Hide one more published cell of this equation (not `spare`); False when none is left."""
        shown = [c for c in children if c != spare and self.firms[c] and not self.hidden[c]]
        parent_shown = parent != spare and self.firms[parent] and not self.hidden[parent]
        if parent_shown and (policy == "parent" or not shown):
            self.hidden[parent] = True
            return True
        if shown:
            self.hidden[min(shown, key=lambda c: (len(self.firms[c]), str(c)))] = True
            return True
        return False

    def solve(self) -> None:
        """Hide cells until no total of fewer than 3 firms shows or follows from the published ones."""
        if not self.active:
            return
        for _ in range(10 * len(self.firms) + 10):
            if not self._step():
                self._aliases()
                return
        for key in self.hidden:  # never reached in practice: hide every total rather than leak one
            self.hidden[key] = bool(self.firms[key])

    def _aliases(self) -> None:
        """A cell equal to a hidden one (the other terms of their equation are empty) is hidden too.

        Nothing leaks either way (the check above passed), but a report that
        hides a value and prints it again under another name confuses; hiding
        more never makes a leak.
        """
        changed = True
        while changed:
            changed = False
            for parent, children, _ in self.equations:
                terms = [m for m in (parent, *children) if self.firms[m]]
                if len(terms) == 2 and self.hidden[terms[0]] != self.hidden[terms[1]]:
                    self.hidden[terms[0]] = self.hidden[terms[1]] = True
                    changed = True

    def _step(self) -> bool:
        """One check of every equation; True when a cell was hidden (check again)."""
        known = {k: not h for k, h in self.hidden.items()}
        derived: dict[str, tuple] = {}
        changed = True
        while changed:  # what the published figures give by subtraction
            changed = False
            for eq in self.equations:
                parent, children, policy = eq
                unknown = [m for m in (parent, *children) if self._unknown(m, known)]
                if len(unknown) == 1:
                    key = unknown[0]
                    known[key] = True
                    derived[key] = eq
                    changed = True
                    if self._small(self.roles[key]):  # a total of fewer than 3 firms follows from the others
                        return self._fix_chain(key, derived)
        for parent, children, policy in self.equations:
            if not known[parent]:
                continue
            hidden = [c for c in children if self._unknown(c, known)]
            if len(hidden) < 2 or not self._small(self.roles_of(*hidden)):
                continue
            # the hidden children add up (parent less the others) to a total of fewer than 3 firms
            if self._fix(parent, children, policy, None):
                return True
            if parent in derived:
                return self._fix_chain(parent, derived)
        return False

    def _fix_chain(self, key: Hashable, derived: dict) -> bool:
        """Break the subtraction that gave `key`: hide a published cell of it, or of what it used.

        In the equation that gave `key`: the parent of a row total, else a
        published sibling; when every sibling is itself derived, break their
        own subtractions first; the parent last.
        """
        seen = set()
        todo = [key]
        fallback = None
        while todo:
            k = todo.pop(0)
            if k in seen or k not in derived:
                continue
            seen.add(k)
            parent, children, policy = derived[k]
            parent_shown = parent != k and bool(self.firms[parent]) and not self.hidden[parent]
            shown = [c for c in children if c != k and self.firms[c] and not self.hidden[c]]
            if parent_shown and policy == "parent":
                self.hidden[parent] = True
                return True
            if shown:
                self.hidden[min(shown, key=lambda c: (len(self.firms[c]), str(c)))] = True
                return True
            if parent_shown and fallback is None:
                fallback = parent
            todo.extend(m for m in (parent, *children) if m != k and m in derived)
        if fallback is not None:
            self.hidden[fallback] = True
            return True
        for k in self.hidden:  # nothing published left to hide in the chain: hide all
            self.hidden[k] = bool(self.firms[k])
        return True


# ---------------------------------------------------------------------------
# Records as published


_MATCH_FIGURES = ("quantite_t", "distance_km", "valeur_fournisseur_cad", "valeur_preneur_cad", "cout_transport_cad",
                  "valeur_cad", "valeur_par_tonne_cad", "ges_evites_tco2e", "ges_fournisseur_tco2e",
                  "ges_preneur_tco2e", "voyages", "tarif_cad_t", "redevance_cad_t", "prix_intrant_cad_t",
                  "cout_transport_cad_t_km", "enfouissement_evite_t", "elimination_evitee_t", "redevance_evitee_cad")


def hide_match(m: Match) -> Match:
    """A match under --anonymiser: who and what, never its figures (two firms' business)."""
    return replace(m, supprime=True, **dict.fromkeys(_MATCH_FIGURES))


def hide_group(g: Group, hidden: bool) -> Group:
    """A group under --anonymiser: members without figures; the group's totals from 3 members on."""
    members = tuple(replace(mb, levees=None, volume_m3=None, cout_seul_cad=None, part_cad=None, economie_cad=None,
                            supprime=True) for mb in g.membres)
    out = replace(g, membres=members, supprime=hidden)
    if g.i_frais_propre:
        out = replace(out, frais_levee_cad=None)  # a member's own lift fee
    if hidden:
        out = replace(out, cout_groupe_cad=None, economie_cad=None, levees_groupe=None, distance_max_km=None)
    return out


def public_scian(scian: str | None) -> str | None:
    """A SCIAN code as --anonymiser publishes it: its sector (`31-33`, `72`…), never the 6 digits."""
    key = sector_of(scian)
    return None if key == UNKNOWN_SECTOR else key


def public_position(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    """A position as --anonymiser publishes it: rounded to 0,05° (about 5 km: positions identify firms)."""
    if lat is None or lon is None:
        return lat, lon
    return round(round(lat / ANON_DEG) * ANON_DEG, 2), round(round(lon / ANON_DEG) * ANON_DEG, 2)


def default_salt() -> str:
    """The secret of the anonymous codes: $SYMBIO_SEL, else none (codes are then guessable from names)."""
    return os.environ.get("SYMBIO_SEL", "")
