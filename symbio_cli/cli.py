"""The `symbio` command line: parse options, call the library, format, exit.

Imports are lazy: `symbio --help` and shell completion load only click.
"""

from __future__ import annotations

import os
import sys

import click

from symbio_cli import __version__, cli_fr
from symbio_cli.errors import ExitCode

cli_fr.install()

CONTEXT = {"help_option_names": ["-h", "--aide", "--help"], "max_content_width": 100}


def printable(text: str) -> str:
    """User text (file names) with its control characters escaped (errors.printable)."""
    from symbio_cli.errors import printable as escape

    return escape(text)


def _err(message: str) -> None:
    click.echo(message, err=True)


def _library(overlay: str | None):
    """Load the factor library or stop with exit 1 when the overlay is invalid (issue 13)."""
    from symbio_cli.validation import checked_library

    lib = checked_library(overlay, _err)
    if lib is None:
        sys.exit(ExitCode.INVALID)
    return lib


def _inputs(paths: tuple[str, ...]) -> tuple[list[str], list[str]]:
    from symbio_cli.files import expand

    if not paths:
        raise click.UsageError("donnez au moins un fichier, dossier ou motif (ex. symbio valider exemples/)")
    return expand(list(paths))


class _Jobs(click.IntRange):
    name = "nombre entier"


facteurs_option = click.option(
    "--facteurs", "overlay", metavar="DOSSIER", type=click.Path(file_okay=False),
    help="Dossier de facteurs qui remplace ou complète la bibliothèque par défaut.",
)


class _Group(click.Group):
    """The command group: an output that cannot be written exits 2, Ctrl-C exits 130."""

    def invoke(self, ctx):
        from symbio_cli.files import OutputError

        try:
            return super().invoke(ctx)
        except OutputError as exc:  # permission, full disk, name too long: the user's to fix, not a bug
            _err(str(exc))
            ctx.exit(ExitCode.USAGE)
        except KeyboardInterrupt:  # outputs are atomic: nothing partial is left
            _err("Interrompu.")
            ctx.exit(130)


@click.group(cls=_Group, context_settings=CONTEXT, subcommand_metavar="COMMANDE [ARGUMENTS]…")
@click.version_option(__version__, "-V", "--version", prog_name="symbio", message="%(prog)s %(version)s")
@click.option("--verbose", is_flag=True, help="Afficher la trace complète d'une erreur interne (pour signaler un bogue).")
def main(verbose: bool = False) -> None:
    """symbio : coûts des matières résiduelles et gains de la symbiose industrielle.

    \b
    Exemples :
      symbio init usine.yaml           écrire un inventaire à remplir
      symbio valider usine.yaml        vérifier un inventaire
      symbio audit usine.yaml          calculer coûts, gains, GES et taux
      symbio facteurs                  voir les facteurs et leurs sources
    """


@main.command("valider", context_settings=CONTEXT)
@click.argument("fichiers", nargs=-1, metavar="FICHIER…", type=click.Path())
@facteurs_option
@click.option("--format", "fmt", type=click.Choice(["texte", "json", "github"]), default="texte",
              show_default=True, help="texte : une ligne par problème ; github : annotations ::error.")
@click.option("--strict", is_flag=True, help="Les avertissements comptent comme des erreurs.")
@click.option("--inventaires-seulement", "only_inventories", is_flag=True,
              help="Sauter les fichiers YAML qui ne sont pas des inventaires (sans clés « version » et "
                   "« flux » au premier niveau), ex. flux GitHub ; le crochet pre-commit l'utilise.")
def valider(fichiers, overlay, fmt, strict, only_inventories):
    """Valider des inventaires (fichiers, dossiers, motifs) sans rien calculer.

    Sortie : une ligne « fichier:ligne:colonne: champ: message » par problème.
    Code de sortie 0 si tout est valide, 1 si un inventaire est invalide.
    """
    from symbio_cli import validation

    if not fichiers and overlay:  # `valider --facteurs DIR`: the overlay alone
        _library(overlay)
        _err(f"facteurs valides : {overlay}")
        sys.exit(ExitCode.OK)
    files, missing = _inputs(fichiers)
    sys.exit(validation.validate(fichiers, files, missing, overlay, fmt, strict, only_inventories,
                                 out=click.echo, err=_err))


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
@click.argument("fichiers", nargs=-1, metavar="FICHIER…", type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(["md", "html", "json"]), default=None,
              help="Format du rapport (md par défaut).")
@click.option("-o", "--sortie", metavar="FICHIER|DOSSIER", type=click.Path(),
              help="Fichier du rapport, ou dossier (un rapport par inventaire).")
@click.option("--langue", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Langue du rapport.")
@facteurs_option
@click.option("-j", "--jobs", type=_Jobs(min=1), default=None,
              help="Processus en parallèle pour un lot (défaut : nombre de cœurs).")
@click.option("--date", metavar="AAAA-MM-JJ", help="Date imprimée dans le rapport (reproductibilité).")
@click.option("--csv", "csv_dialect", type=click.Choice(["rfc", "excel-fr"]), default="rfc", show_default=True,
              help="sommaire.csv d'un lot : rfc (virgules, point décimal, pour les programmes) ou excel-fr "
                   "(« ; », virgule décimale, BOM UTF-8, pour Excel en français).")
def audit(fichiers, fmt, sortie, langue, overlay, jobs, date, csv_dialect):
    """Auditer des inventaires : coûts, gains, enfouissement évité, GES et taux.

    \b
    Exemples :
      symbio audit usine.yaml                      rapport Markdown à l'écran
      symbio audit usine.yaml -f html -o rapport.html
      symbio audit clients/ -o rapports/           un rapport par inventaire
    """
    from symbio_cli.batch import run_audit
    from symbio_cli.files import has_magic

    files, missing = _inputs(fichiers)
    if not files and not missing:  # like `valider`: nothing audited is a failure, not a success
        _err("aucun inventaire (.yaml ou .yml) trouvé dans : " + printable(", ".join(fichiers)))
        sys.exit(ExitCode.INVALID)
    if not files:  # every input missing (`symbio audit clients/ -o rapports/`): nothing to report, nothing written
        for p in missing:
            what = "fichier" if p.lower().endswith((".yaml", ".yml")) else "dossier ou fichier"
            _err(f"{printable(p)} : {what} introuvable ; aucun rapport écrit")
        sys.exit(ExitCode.INVALID)
    lib = _library(overlay)
    folder_input = any(os.path.isdir(p) or (has_magic(p) and not os.path.exists(p)) for p in fichiers)
    code = run_audit(files, missing, lib, fmt=fmt, output=sortie, lang=langue, jobs=jobs, date=_report_date(date),
                     overlay=overlay, folder_input=folder_input, csv_dialect=csv_dialect)
    sys.exit(code)


@main.command("schema", context_settings=CONTEXT)
@click.option("-o", "--sortie", type=click.Path(dir_okay=False), help="Écrire le schéma dans ce fichier.")
@facteurs_option
def schema(sortie, overlay):
    """Afficher le schéma JSON (draft-07) de l'inventaire, pour les éditeurs.

    Avec --facteurs, les matières, régions et clés de facteurs de la surcouche
    s'ajoutent aux listes de valeurs connues.
    """
    import json

    from symbio_cli.inventory import json_schema

    lib = _library(overlay) if overlay else None
    text = json.dumps(json_schema(lib), ensure_ascii=False, indent=2) + "\n"
    if sortie:
        from symbio_cli.files import write_output

        write_output(sortie, text)
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

    from symbio_cli.reports.factors import factor_rows, show_factor

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
        for col in ("clé", "valeur", "unité", "au calcul", "année", "confiance", "source"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(r["cle"], r["valeur_texte"], r["unite"], r["valeur_calcul"], str(r["annee"] or "—"),
                          r["confiance"], r["source"])
        Console(markup=False, highlight=False).print(table)
    else:
        for r in rows:
            click.echo("\t".join([r["cle"], r["valeur_texte"], r["unite"], r["valeur_calcul"],
                                  str(r["annee"] or "—"), r["confiance"], r["source"]]))


@main.command("init", context_settings=CONTEXT)
@click.argument("fichier", required=False, default=None, metavar="[FICHIER]", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "xlsx"]), default=None,
              help="yaml : un inventaire commenté (défaut) ; xlsx : un classeur à remplir dans un tableur, "
                   "puis « symbio importer » (défaut : d'après l'extension du fichier).")
@facteurs_option
def init(fichier, force, fmt, overlay):
    """Écrire un inventaire commenté à remplir (par défaut usine.yaml), ou un classeur (--format xlsx).

    \b
    Exemples :
      symbio init usine.yaml
      symbio init --format xlsx classeur.xlsx      une feuille par partie, listes déroulantes
    """
    if fmt is None:
        fmt = "xlsx" if (fichier or "").lower().endswith(".xlsx") else "yaml"
    if fmt == "xlsx":
        _init_workbook(fichier or "classeur.xlsx", force, overlay)
        return
    fichier = fichier or "usine.yaml"
    import importlib.resources

    from symbio_cli.files import write_output

    text = importlib.resources.files("symbio_cli").joinpath("modele.yaml").read_text(encoding="utf-8")
    if fichier == "-":
        click.echo(text, nl=False)
        return
    if os.path.exists(fichier) and not force:
        _err(f"{fichier} existe déjà : rien n'est écrasé (--force pour le remplacer)")
        sys.exit(ExitCode.USAGE)
    write_output(fichier, text)
    schema_path = os.path.join(os.path.dirname(fichier) or ".", "inventaire.schema.json")
    if not os.path.exists(schema_path):  # the modeline points at it: editors then complete and check keys
        import json

        from symbio_cli.inventory import json_schema

        write_output(schema_path, json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
    _err(f"inventaire écrit dans {fichier} ; remplissez-le, puis : symbio valider {fichier}")


def _init_workbook(fichier: str, force: bool, overlay: str | None) -> None:
    from symbio_cli import workbook
    from symbio_cli.files import OutputError, write_output

    data = workbook.template(_library(overlay))
    if fichier != "-" and os.path.exists(fichier) and not force:
        _err(f"{fichier} existe déjà : rien n'est écrasé (--force pour le remplacer)")
        sys.exit(ExitCode.USAGE)
    try:
        write_output(fichier, data)
    except OutputError as exc:
        _err(str(exc))
        sys.exit(ExitCode.USAGE)
    if fichier != "-":
        _err(f"classeur écrit dans {fichier} ; remplissez-le, puis : symbio importer {fichier} -o inventaires/")


@main.command("importer", context_settings=CONTEXT)
@click.argument("classeurs", nargs=-1, metavar="CLASSEUR…", type=click.Path())
@click.option("-o", "--sortie", metavar="DOSSIER", type=click.Path(file_okay=False), default=".",
              show_default=True, help="Dossier des inventaires YAML (un par entreprise, nommé d'après son code).")
@click.option("--force", is_flag=True, help="Remplacer un inventaire qui existe déjà.")
@facteurs_option
def importer(classeurs, sortie, force, overlay):
    """Importer un classeur rempli (xlsx, ou CSV) : un inventaire YAML commenté par entreprise.

    Le classeur vient de « symbio init --format xlsx ». Un CSV est une feuille
    (client-flux.csv, client-entreprise.csv… côte à côte). Chaque problème nomme
    sa cellule (classeur.xlsx:Flux!E12) ; rien n'est écrit pour une entreprise
    qui a une erreur, et aucun fichier existant n'est remplacé sans --force.
    Code de sortie 1 si une entreprise n'a pas pu être importée.

    \b
    Exemples :
      symbio importer classeur.xlsx -o inventaires/
      symbio importer client-flux.csv -o inventaires/
    """
    import json

    from symbio_cli.files import OutputError, write_output
    from symbio_cli.inventory import json_schema
    from symbio_cli.workbook_import import import_workbook

    if not classeurs:
        raise click.UsageError("donnez au moins un classeur (ex. symbio importer classeur.xlsx -o inventaires/)")
    lib = _library(overlay)
    try:
        os.makedirs(sortie, exist_ok=True)
    except OSError as exc:
        _err(f"{sortie} : dossier impossible à créer ({exc.strerror or exc})")
        sys.exit(ExitCode.USAGE)
    written, failed = 0, 0
    for name in classeurs:
        if not os.path.isfile(name):
            _err(f"{name}: fichier introuvable")
            failed += 1
            continue
        result = import_workbook(name, lib)
        for p in result.warnings + result.problems:
            _err(p.format())
        failed += len(result.failed) + (1 if result.problems and not result.failed else 0)
        for file_name, text in result.inventories.items():
            target = os.path.join(sortie, file_name)
            if os.path.exists(target) and not force:
                _err(f"{target} existe déjà : rien n'est écrasé (--force pour le remplacer)")
                failed += 1
                continue
            try:
                write_output(target, text)
            except OutputError as exc:
                _err(str(exc))
                failed += 1
                continue
            written += 1
            _err(f"inventaire écrit dans {target}")
    schema_path = os.path.join(sortie, "inventaire.schema.json")
    if written and not os.path.exists(schema_path):  # the inventories' modeline points at it
        write_output(schema_path, json.dumps(json_schema(lib if overlay else None), ensure_ascii=False, indent=2) + "\n")
    from symbio_cli.i18n import count

    _err(f"{count(written, 'inventaire écrit', 'inventaires écrits')}, {failed} en échec"
         + (f" ; puis : symbio valider {sortie}" if written else ""))
    sys.exit(ExitCode.INVALID if failed else ExitCode.OK)


def _bash_keeps_file_names() -> None:
    """Bash completion falls back to file names (`complete -o default`) when symbio proposes nothing."""
    from click.shell_completion import BashComplete, add_completion_class

    class Bash(BashComplete):
        source_template = BashComplete.source_template.replace(
            "complete -o nosort -F", "complete -o nosort -o default -F")

    add_completion_class(Bash, "bash")


_bash_keeps_file_names()


@main.command("completion", context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), default="bash")
def completion(shell):
    """Afficher le script de complétion du shell (ex. eval "$(symbio completion bash)")."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    comp = cls(main, {}, "symbio", "_SYMBIO_COMPLETE")
    click.echo(comp.source())


@main.command("territoire", context_settings=CONTEXT)
@click.argument("fichiers", nargs=-1, metavar="FICHIER…", type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(["md", "html", "json", "csv", "xlsx"]), default=None,
              help="Format du rapport (md par défaut ; sinon d'après l'extension de -o ; xlsx : un classeur, "
                   "une feuille par tableau).")
@click.option("-o", "--sortie", metavar="FICHIER", type=click.Path(),
              help="Fichier du rapport (un dossier : territoire.<format> dedans). Défaut : la sortie standard.")
@click.option("--langue", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Langue du rapport.")
@facteurs_option
@click.option("--rayon", "rayon", default="15", show_default=True, metavar="KM",
              help="Distance routière maximale entre les membres d'un contrat de groupe (km).")
@click.option("--rayon-partage", "rayon_partage", default="0,3", show_default=True, metavar="KM",
              help="Distance routière maximale pour partager un seul conteneur (km ; 0 : jamais).")
@click.option("--repartition", type=click.Choice(["proportionnelle", "shapley"]), default="proportionnelle",
              show_default=True, help="Partage du coût d'un groupe : au prorata du coût actuel des levées de chacun (au volume pour un conteneur partagé) ou selon Shapley.")
@click.option("--attribution-ges", "attribution", default="50", show_default=True, metavar="POURCENT",
              help="Part des GES évités attribuée au fournisseur (le reste au preneur).")
@click.option("--anonymiser", is_flag=True,
              help="Codes stables au lieu des noms ; aucun total de moins de 3 entreprises "
                   "(la variable SYMBIO_SEL rend les codes impossibles à deviner d'après les noms).")
@click.option("--descendre", is_flag=True,
              help="Proposer aussi les appariements qui font descendre un flux dans la hiérarchie des 3RV-E "
                   "(un flux recyclé aujourd'hui envoyé en chaudière), avec un avertissement.")
@click.option("--date", metavar="AAAA-MM-JJ", help="Date imprimée dans le rapport (reproductibilité).")
@click.option("-j", "--jobs", type=_Jobs(min=1), default=None,
              help="Processus pour lire et auditer les inventaires (défaut : les cœurs, dès 50 fichiers).")
def territoire(fichiers, fmt, sortie, langue, overlay, rayon, rayon_partage, repartition, attribution,
               anonymiser, descendre, date, jobs):
    """Synergies d'un territoire (une MRC) : substitutions, mutualisations, carte, pistes d'atelier.

    \b
    Exemples :
      symbio territoire exemples/mrc-cote-de-beaupre/             rapport Markdown à l'écran
      symbio territoire mrc/ -f html -o atelier.html
      symbio territoire mrc/ -f json --anonymiser                  pour publication
      symbio territoire mrc/ -f csv -o appariements.csv            pour les outils de la MRC

    Les fichiers invalides sont signalés (fichier:ligne:colonne) et écartés ;
    code de sortie 1 s'il y en a, après avoir traité les autres.
    """
    import math

    from symbio_cli import territory
    from symbio_cli.reports import territory as report_territory

    def number(text, name, low, high):
        try:
            value = float(str(text).strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            raise click.BadParameter(f"nombre attendu (ex. {low + 1:g} ou 0,3), pas « {text} »",
                                     param_hint=name) from None
        if not (math.isfinite(value) and low <= value <= high):
            raise click.BadParameter(f"valeur entre {low:g} et {high:g} attendue", param_hint=name)
        return value

    options = territory.Options(
        rayon_km=number(rayon, "--rayon", 0, 1000), rayon_partage_km=number(rayon_partage, "--rayon-partage", 0, 100),
        repartition=repartition, attribution_ges=number(attribution, "--attribution-ges", 0, 100) / 100,
        anonymiser=anonymiser, descendre=descendre, sel=territory.default_salt(),
    )
    day = _report_date(date)
    files, missing = _inputs(fichiers)
    lib = _library(overlay)
    if fmt is None:
        ext = os.path.splitext(sortie or "")[1].lower()
        fmt = next((k for k, e in report_territory.EXTENSIONS.items() if e == ext), "md")
    target = sortie
    if sortie and os.path.isdir(sortie):
        target = os.path.join(sortie, "territoire" + report_territory.EXTENSIONS[fmt])
    if target and os.path.exists(target):
        for f in files:
            try:
                if os.path.samefile(target, f):
                    _err(f"{target} : c'est un inventaire ; rien n'est écrasé")
                    sys.exit(ExitCode.USAGE)
            except OSError:
                continue
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(files) >= 50 else 1
    failed = len(missing)
    for name in missing:
        _err(f"{printable(name)}: fichier introuvable")
    firms = []
    for _path, data, problems in territory.load_all(files, lib, jobs, overlay):
        for p in problems:
            _err(p.format())
        if data is None:
            failed += 1
        else:
            firms.append(data)
    if not firms:
        _err("aucun inventaire valide : pas de rapport")
        sys.exit(ExitCode.INVALID)
    result = territory.analyse(firms, lib, options, jobs=jobs)
    text = report_territory.render(result, lib, fmt, langue, day)
    if target:
        from symbio_cli.files import write_output

        write_output(target, text)
        _err(f"rapport écrit dans {target}")
    elif isinstance(text, bytes):  # a workbook on the standard output (a pipe or a redirection)
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    t = result.totaux
    from symbio_cli.i18n import count

    _err(f"{count(len(firms), 'inventaire lu', 'inventaires lus')}, {failed} en échec ; "
         f"{count(t.appariements, 'appariement', 'appariements')}, "
         f"{count(t.mutualisations, 'mutualisation', 'mutualisations')}")
    sys.exit(ExitCode.INVALID if failed else ExitCode.OK)


def _tolerant_streams() -> None:
    """Standard streams that never stop symbio: a closed one (`>&-`) raises a clear error when written,
    one in an encoding without « — » or « ≥ » (PYTHONIOENCODING=latin-1) prints « ? » for them."""
    import codecs

    from symbio_cli.validation import ClosedStream

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, ClosedStream())
            continue
        try:
            utf8 = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8 and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def entry() -> None:
    """Console entry point: no traceback for the user, a clear exit code.

    click already turns Ctrl-C into « Interrompu. » with exit 1 (reports are
    written atomically, so none is partial); what is left is a real bug.
    """
    verbose = "--verbose" in sys.argv[1:]
    _tolerant_streams()
    try:
        main.main(prog_name="symbio", standalone_mode=True)
    except OSError as exc:  # a standard stream closed or full (`>&-`, /dev/full): the user's to fix
        from symbio_cli.validation import output_failed

        sys.exit(output_failed(exc))
    except Exception as exc:  # a bug, not bad input: say so and how to report it
        if verbose:
            raise
        _err(f"erreur interne de symbio ({type(exc).__name__}: {exc}).")
        _err("Relancez avec --verbose pour la trace complète et signalez-la.")
        sys.exit(ExitCode.USAGE)


if __name__ == "__main__":  # pragma: no cover
    entry()
