"""`symbio territoire`: the synergies between the firms of one region (METHODE.md, "Territory").

Two steps. Per file (in worker processes when asked), `load_firm` reads,
validates and audits the inventory with the same loader, factors and method
as `symbio audit`, and keeps what the territory needs (firms.py). Then, once
for all firms, `analyse()` (analysis.py) runs the steps, one module each:

- en_place.py: scenarios already in place, counted apart;
- matching.py: candidates and substitution matches;
- pooling.py: pooling groups, priced and split with the cost games of
  games.py (shared with the audit's mutualisation);
- disclosure.py: what `--anonymiser` may publish;
- summary.py: each firm's figures, totals by family, material and sector,
  the offer/demand matrix.

Everything returned is a frozen record of records.py; the views in
reports only format it. Distances in km, money in CAD per year before
taxes, masses in t per year, GHG in t CO2e per year.
"""

from symbio_cli.games import contract_core_violation, contract_shapley
from symbio_cli.territory.analysis import analyse
from symbio_cli.territory.disclosure import MIN_FIRMS, anonymous_code, default_salt
from symbio_cli.territory.firms import FirmData, firm_data, load_firm, route_for
from symbio_cli.territory.geo import haversine_km
from symbio_cli.territory.loading import first_error, load_all
from symbio_cli.territory.records import (
                                          REPARTITIONS,
                                          Breakdown,
                                          EnPlace,
                                          FirmRow,
                                          Group,
                                          Match,
                                          MatrixRow,
                                          Member,
                                          Options,
                                          SectorBreakdown,
                                          TerritoryResult,
                                          Totals,
)
from symbio_cli.territory.sectors import SCIAN_SECTORS, UNKNOWN_SECTOR, sector_of

__all__ = [
    "MIN_FIRMS", "REPARTITIONS", "SCIAN_SECTORS", "UNKNOWN_SECTOR", "Breakdown", "EnPlace", "FirmData", "FirmRow",
    "Group", "Match", "MatrixRow", "Member", "Options", "SectorBreakdown", "TerritoryResult", "Totals", "analyse",
    "anonymous_code", "contract_core_violation", "contract_shapley", "default_salt", "firm_data", "first_error",
    "haversine_km", "load_all", "load_firm", "route_for", "sector_of",
]
