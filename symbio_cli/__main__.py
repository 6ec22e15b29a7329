"""Point d'entrée `python -m symbio_cli`."""

from symbio_cli.cli import entry

entry()
