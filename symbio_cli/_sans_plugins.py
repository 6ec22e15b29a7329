"""symbio builds its pydantic models without looking for pydantic plugins (issue 15).

pydantic looks for plugins (`importlib.metadata.entry_points(group="pydantic")`)
when it builds the first model: importing `importlib.metadata` (and `email`)
and reading the metadata of every installed distribution cost a one-file
`symbio valider` about 30 ms of CPU out of 340 (medians of 15 alternated
runs, 29 November 2026), for plugins (observability of a web service) that
a command line never uses. `install()` puts in place of pydantic's plugin
loader a module whose `get_plugins()` finds none, as
`PYDANTIC_DISABLE_PLUGINS=__all__` would, but without the import. It does
nothing when the real loader is already imported (a program that uses
pydantic plugins and imports symbio keeps them).
"""

from __future__ import annotations

import sys
import types

LOADER = "pydantic.plugin._loader"


def _no_plugins() -> tuple:
    return ()


def install() -> None:
    """Make pydantic find no plugin, without importing importlib.metadata; idempotent."""
    if LOADER in sys.modules:
        return
    module = types.ModuleType(LOADER, "symbio : pas de greffons pydantic (voir symbio_cli._sans_plugins)")
    module.get_plugins = _no_plugins
    module.PYDANTIC_ENTRY_POINT_GROUP = "pydantic"
    sys.modules[LOADER] = module
