"""The `symbio` command line: parse options, call the library, format, exit.

Imports are lazy: `symbio --help` and shell completion load only click.
"""

from __future__ import annotations

import os
import sys

import click

from symbio_cli import __version__
from symbio_cli.errors import ExitCode

CONTEXT = {"help_option_names": ["-h", "--aide", "--help"], "max_content_width": 100}


def _err(message: str) -> None:
    click.echo(message, err=True)


def _library(overlay: str | None):
    """Load the factor library or stop with exit 2 when the overlay is broken."""
    from symbio_cli import factors

    lib = factors.load(overlay)
    if lib.problems:
        for p in lib.problems:
            _err(p.format())
        _err("bibliothèque de facteurs invalide")
        sys.exit(ExitCode.USAGE)
    return lib


def _inputs(paths: tuple[str, ...]) -> tuple[list[str], list[str]]:
    from symbio_cli.files import expand

    if not paths:
        raise click.UsageError("donnez au moins un fichier, dossier ou motif (ex. symbio valider exemples/)")
    return expand(list(paths))


facteurs_option = click.option(
    "--facteurs", "overlay", metavar="DOSSIER", type=click.Path(file_okay=False),
    help="Dossier de facteurs qui remplace ou complète la bibliothèque par défaut.",
)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="symbio", message="%(prog)s %(version)s")
def main() -> None:
    """symbio : coûts des matières résiduelles et gains de la symbiose industrielle.

    \b
    Exemples :
      symbio init usine.yaml           écrire un inventaire à remplir
      symbio valider usine.yaml        vérifier un inventaire
      symbio audit usine.yaml          calculer coûts, gains, GES et taux
      symbio facteurs                  voir les facteurs et leurs sources
    """


@main.command("valider", context_settings=CONTEXT)
@click.argument("fichiers", nargs=-1, metavar="FICHIER…")
@facteurs_option
@click.option("--format", "fmt", type=click.Choice(["texte", "json", "github"]), default="texte",
              show_default=True, help="texte : une ligne par problème ; github : annotations ::error.")
@click.option("--strict", is_flag=True, help="Les avertissements comptent comme des erreurs.")
def valider(fichiers, overlay, fmt, strict):
    """Valider des inventaires (fichiers, dossiers, motifs) sans rien calculer.

    Sortie : une ligne « fichier:ligne:colonne: champ: message » par problème.
    Code de sortie 0 si tout est valide, 1 si un inventaire est invalide.
    """
    import json

    from symbio_cli import inventory, loader
    from symbio_cli.errors import Problem

    files, missing = _inputs(fichiers)
    lib = _library(overlay)
    results = []
    for name in missing:
        results.append((name, [Problem(name, None, None, "", "fichier introuvable")]))
    for name in files:
        doc = loader.read(name)
        if isinstance(doc, list):
            results.append((name, doc))
            continue
        _, problems = inventory.validate(doc, lib)
        results.append((name, problems))
    invalid = 0
    for name, problems in results:
        if any(p.severity == "erreur" or strict for p in problems):
            invalid += 1
    if fmt == "json":
        payload = {
            "schema": "symbio.validation/1",
            "fichiers": [
                {"fichier": name,
                 "valide": not any(p.severity == "erreur" or strict for p in problems),
                 "problemes": [p.as_dict() for p in problems]}
                for name, problems in results
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for name, problems in results:
            for p in problems:
                if fmt == "github":
                    level = "warning" if p.severity == "avertissement" else "error"
                    attrs = f"file={p.file}"
                    if p.line:
                        attrs += f",line={p.line}"
                        if p.column:
                            attrs += f",col={p.column}"
                    text = (f"{p.field}: " if p.field else "") + p.message
                    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                    click.echo(f"::{level} {attrs},title=symbio::{text}")
                else:
                    click.echo(p.format())
    total = len(results)
    if invalid:
        _err(f"{invalid} inventaire(s) invalide(s) sur {total}")
    else:
        _err(f"{total} inventaire(s) valide(s)")
    sys.exit(ExitCode.INVALID if invalid else ExitCode.OK)


def _report_date(date: str | None) -> str:
    """The report's date: --date, else SOURCE_DATE_EPOCH, else today (reproducible builds)."""
    import datetime

    if date:
        try:
            return datetime.date.fromisoformat(date).isoformat()
        except ValueError:
            raise click.BadParameter("date attendue au format AAAA-MM-JJ", param_hint="--date") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise click.UsageError("SOURCE_DATE_EPOCH doit être un nombre de secondes") from None
    return datetime.date.today().isoformat()


@main.command("audit", context_settings=CONTEXT)
@click.argument("fichiers", nargs=-1, metavar="FICHIER…")
@click.option("-f", "--format", "fmt", type=click.Choice(["md", "html", "json"]), default=None,
              help="Format du rapport (md par défaut).")
@click.option("-o", "--sortie", metavar="FICHIER|DOSSIER",
              help="Fichier du rapport, ou dossier (un rapport par inventaire).")
@click.option("--langue", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Langue du rapport.")
@facteurs_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processus en parallèle pour un lot (défaut : nombre de cœurs).")
@click.option("--date", metavar="AAAA-MM-JJ", help="Date imprimée dans le rapport (reproductibilité).")
def audit(fichiers, fmt, sortie, langue, overlay, jobs, date):
    """Auditer des inventaires : coûts, gains, enfouissement évité, GES et taux.

    \b
    Exemples :
      symbio audit usine.yaml                      rapport Markdown à l'écran
      symbio audit usine.yaml -f html -o rapport.html
      symbio audit clients/ -o rapports/           un rapport par inventaire
    """
    from symbio_cli.batch import run_audit

    files, missing = _inputs(fichiers)
    lib = _library(overlay)
    code = run_audit(files, missing, lib, fmt=fmt, output=sortie, lang=langue,
                     jobs=jobs, date=_report_date(date), overlay=overlay)
    sys.exit(code)


@main.command("schema", context_settings=CONTEXT)
@click.option("-o", "--sortie", type=click.Path(dir_okay=False), help="Écrire le schéma dans ce fichier.")
def schema(sortie):
    """Afficher le schéma JSON (draft-07) de l'inventaire, pour les éditeurs."""
    import json

    from symbio_cli.inventory import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if sortie:
        from symbio_cli.files import write_atomic

        write_atomic(sortie, text)
        _err(f"schéma écrit dans {sortie}")
    else:
        click.echo(text, nl=False)


@main.command("facteurs", context_settings=CONTEXT)
@click.argument("cle", required=False, metavar="[CLE]")
@facteurs_option
@click.option("--format", "fmt", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def facteurs_cmd(cle, overlay, fmt):
    """Lister les facteurs (CLE : un facteur ou un préfixe, ex. tarif.enfouissement)."""
    import json

    from symbio_cli import factors as fmod
    from symbio_cli.report_factors import factor_rows, show_factor

    lib = _library(overlay)
    if cle and cle in lib.factors and fmt == "texte":
        click.echo(show_factor(lib.factors[cle]))
        return
    rows = factor_rows(lib, cle)
    if not rows:
        import difflib

        hint = difflib.get_close_matches(cle or "", list(lib.factors), n=3, cutoff=0.5)
        _err(f"aucun facteur « {cle} »" + (f" ; vouliez-vous dire : {', '.join(hint)} ?" if hint else ""))
        sys.exit(ExitCode.USAGE)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Facteurs symbio", show_lines=False)
        for col in ("clé", "valeur", "unité", "année", "confiance", "source"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(r["cle"], r["valeur_texte"], r["unite"], str(r["annee"] or "—"),
                          r["confiance"], r["source"], )
        Console(markup=False, highlight=False).print(table)
    else:
        for r in rows:
            click.echo("\t".join([r["cle"], r["valeur_texte"], r["unite"], str(r["annee"] or "—"),
                                  r["confiance"], r["source"]]))
    del fmod


@main.command("init", context_settings=CONTEXT)
@click.argument("fichier", required=False, default="usine.yaml", metavar="[FICHIER]")
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe.")
def init(fichier, force):
    """Écrire un inventaire commenté à remplir (par défaut usine.yaml)."""
    import importlib.resources

    from symbio_cli.files import write_atomic

    text = importlib.resources.files("symbio_cli").joinpath("modele.yaml").read_text(encoding="utf-8")
    if fichier == "-":
        click.echo(text, nl=False)
        return
    if os.path.exists(fichier) and not force:
        _err(f"{fichier} existe déjà : rien n'est écrasé (--force pour le remplacer)")
        sys.exit(ExitCode.USAGE)
    write_atomic(fichier, text)
    _err(f"inventaire écrit dans {fichier} ; remplissez-le, puis : symbio valider {fichier}")


@main.command("completion", context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), default="bash")
def completion(shell):
    """Afficher le script de complétion du shell (ex. eval "$(symbio completion bash)")."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    comp = cls(main, {}, "symbio", "_SYMBIO_COMPLETE")
    click.echo(comp.source())


if __name__ == "__main__":  # pragma: no cover
    main()
