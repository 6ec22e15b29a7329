"""Scenarios already in place (`statut: en_place`): counted apart, never proposed again (METHODE.md, "Territory").

A substitution in place diverts its part of the stream (firms.py takes it
out of the supply); when its taker is a firm of the territory, the taker's
inputs of a category the material replaces are reduced by the tonnes it
already receives. A mutualisation in place keeps its stream out of pooling.
"""

from __future__ import annotations

from collections import defaultdict

from symbio_cli.territory.context import Context
from symbio_cli.territory.disclosure import anon_text, outside_name
from symbio_cli.territory.firms import EnPlaceIn, norm_name
from symbio_cli.territory.records import EnPlace

EPS = 1e-9


def in_place(ctx: Context) -> tuple[list[EnPlace], list[list[float]]]:
    """The scenarios in place, and `demand_left[i][k]`: t/an of firm i's input k they do not fill yet."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(ctx.firms):
        by_name[norm_name(f.nom)].append(i)
    demand_left = [[d.masse_t for d in f.intrants] for f in ctx.firms]
    out: list[EnPlace] = []
    for i, f in enumerate(ctx.firms):
        for k, s in enumerate(f.flux):
            for ep in s.en_place:
                if ep.type != "substitution":
                    out.append(EnPlace("mutualisation", ctx.names[i], ctx.stream_id(i, k), None, None, s.matiere, 0.0, ep.gain_cad,
                                       None, False, ep.statut_reglementaire, i_fournisseur=i))
                else:
                    out.append(_substitution(ctx, i, k, ep, by_name, demand_left))
    return out, demand_left


def _substitution(ctx: Context, i: int, k_stream: int, ep: EnPlaceIn, by_name, demand_left) -> EnPlace:
    """A substitution in place on stream `k_stream` of firm i; the taker's demand it fills is taken off `demand_left`."""
    options = ctx.options
    s = ctx.firms[i].flux[k_stream]
    taker = None
    intrant = None
    if ep.preneur:
        taker = next((j for j in by_name.get(norm_name(ep.preneur), ()) if j != i), None)
    if taker is not None:
        need = ep.masse_t
        substitutes = ctx.lib.materials[s.matiere].substitutes
        for k, d in enumerate(ctx.firms[taker].intrants):
            if need <= EPS:
                break
            if d.categorie in substitutes and demand_left[taker][k] > EPS:
                q = min(need, demand_left[taker][k])
                demand_left[taker][k] -= q
                need -= q
                intrant = intrant or d.nom
    if taker is not None:
        preneur = ctx.names[taker]
    elif ep.preneur is None:
        preneur = None
    else:
        preneur = outside_name(ep.preneur, options) if options.anonymiser else ep.preneur
    return EnPlace("substitution", ctx.names[i], ctx.stream_id(i, k_stream), preneur, anon_text(intrant, options) if intrant else None,
                   s.matiere, ep.masse_t, ep.gain_cad, ep.ges_tco2e, taker is not None, ep.statut_reglementaire,
                   i_fournisseur=i, i_preneur=-1 if taker is None else taker)
