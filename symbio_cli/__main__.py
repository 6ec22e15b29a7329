"""Point d'entrée `python -m symbio_cli` (le même que le script `symbio`)."""

from symbio_cli.validation import entry

entry()
