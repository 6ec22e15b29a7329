"""click speaks French: its own messages (usage, help, errors) translated.

click looks its messages up through gettext; we hand its modules a lookup in
this table instead (English text stays for anything not listed). French
typography: a space before the colon of help headings (`Options :`), ranges
written `≥ 1` or `de 0 à 100` rather than click's `x>=1`.
"""

from __future__ import annotations

_FR = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "No such command {name!r}.": "Commande inconnue « {name} ».",
    "No such option {name!r}.": "Option inconnue « {name} ».",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing command.": "Commande manquante.",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Option {name!r} does not take a value.": "L'option « {name} » ne prend pas de valeur.",
    "Aborted!": "Interrompu.",
    "default: {default}": "défaut : {default}",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a file.": "{name} « {filename} » est un fichier.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » est un dossier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » illisible.",
    "{name} {filename!r} is not writable.": "{name} « {filename} » non inscriptible.",
    "file": "fichier", "directory": "dossier", "path": "chemin",
    "integer": "entier",
    "{value!r} is not {choice}.": "« {value} » n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "« {value} » n'est pas parmi {choices}.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire : {possibilities} ?)",
    "Option {name!r} requires an argument.": "L'option « {name} » demande une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option « {name} » demande {nargs} valeurs.",
    "Got unexpected extra argument ({args})": "Argument en trop ({args})",
    "Got unexpected extra arguments ({args})": "Arguments en trop ({args})",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
}


def _heading(self, heading: str) -> None:
    """`Options :` — French puts a space before the colon."""
    self.write(f"{'':>{self.current_indent}}{heading} :\n")


def _error_hint(self, ctx=None) -> str:
    """`« -j » / « --jobs »` rather than click's `'-j' / '--jobs'`."""
    return " / ".join(f"« {x} »" for x in (self.opts or [self.human_readable_name]))


def _invalid_choice(self, value, ctx=None) -> str:
    """`« pdf » n'est pas parmi yaml, xlsx.` rather than click's quoted reprs."""
    choices = ", ".join(str(c) for c in self.choices)
    if len(self.choices) == 1:
        return f"« {value} » n'est pas {choices}."
    return f"« {value} » n'est pas parmi {choices}."


def _describe_range(self) -> str:
    """`≥ 1`, `< 5`, `de 0 à 100` instead of click's `x>=1`, `0<=x<=100`."""
    def number(value):
        return str(value).replace(".", ",")

    low, high = self.min, self.max
    if low is not None and high is not None:
        if not self.min_open and not self.max_open:
            return f"de {number(low)} à {number(high)}"
        left = ">" if self.min_open else "≥"
        right = "<" if self.max_open else "≤"
        return f"{left} {number(low)} et {right} {number(high)}"
    if low is not None:
        return f"{'>' if self.min_open else '≥'} {number(low)}"
    if high is not None:
        return f"{'<' if self.max_open else '≤'} {number(high)}"
    return ""


def gettext(message: str) -> str:
    return _FR.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's message lookups at the French table."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    click.formatting.HelpFormatter.write_heading = _heading
    click.core.Parameter.get_error_hint = _error_hint
    if hasattr(click.types.Choice, "get_invalid_choice_message"):
        click.types.Choice.get_invalid_choice_message = _invalid_choice
    click.types._NumberRangeBase._describe_range = _describe_range
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
