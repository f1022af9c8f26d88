"""`geo`: the command line. Each command parses its arguments and calls one module."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .terminal import valid_unicode, visible

DEFAULT_DB = "maps/claims.sqlite"
# Help is wrapped at 100 columns, and the command list shows each command's whole summary.
CONTEXT = {"max_content_width": 100, "help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="geo-claims", prog_name="geo", message="%(prog)s %(version)s")
def main() -> None:
    """A map of reported control: reads news articles, finds the settlements they name, extracts every dated
    claim of who controls each one and who says so, stores them in SQLite and draws an offline map with a time
    slider.

    `geo claims`, `geo export` and `geo resolve` read maps/claims.sqlite of the project they are run in (the
    current folder or the nearest one above it that has one), unless --db says otherwise.

    Example:

    \b
        geo build --articles seeds --out maps
        geo claims Sudzha
    """


def valid_argument(value: str) -> str:
    """A command-line argument as valid Unicode: bytes that are not UTF-8 (kept by Python as lone surrogates)
    become U+FFFD, so a look-up or a message with it cannot fail."""
    return valid_unicode(value)[0]


def say(line: str, err: bool = False) -> None:
    """Print one line of a message: file names and article text in it cannot break, forge or hide a line
    (`geo.terminal.visible`)."""
    click.echo(visible(line), err=err)


def _wait_option(default: float, what: str):
    return click.option("--wait", "wait", type=click.FloatRange(min=0), default=default, show_default=True,
                        metavar="SECONDS", help=f"How long to wait for {what} another process holds.")


def _notify(message: str) -> None:
    say(message, err=True)


def _damaged(path: Path, exc: Exception) -> click.ClickException:
    """A store that opened but failed while being read (a page torn by a bad copy): one line."""
    return click.ClickException(visible(f"{path}: is damaged ({exc}); delete it and run `geo build` to make it again"))


def _store(db: Path | None) -> Path:
    """The store to read: --db, or the project's (a failure names the folders searched)."""
    from .project import NoStore, store_or_explain

    try:
        return store_or_explain(db)
    except NoStore as exc:
        raise click.ClickException(visible(exc)) from None


def _run_build(articles_dir: Path, out_dir: Path, scheduler: str | None = None, wait: float = 600,
               recheck: bool = False):
    """`pipeline.build`, with a failure (disk full, a store SQLite cannot write, another build's lock, a cluster
    that cannot be reached or lost its workers) as one line and exit status 1: the store and the map are then as
    they were before."""
    import sqlite3

    from .interrupt import Interrupted, interruptible, state
    from .pipeline import FolderClash, build as run_build

    try:
        with interruptible():
            return run_build(articles_dir, out_dir, show_progress=sys.stderr.isatty(), scheduler=scheduler,
                             lock_wait=wait, notify=_notify, recheck=recheck)
    except Interrupted as exc:
        say("interrupted after the build was complete: the new store and map are kept" if state.completed
            else "interrupted: nothing changed", err=True)
        sys.exit(exc.exit_status)
    except FolderClash as exc:
        raise click.UsageError(visible(exc)) from None
    except (OSError, RuntimeError, sqlite3.Error) as exc:
        raise click.ClickException(visible(f"build failed, nothing changed: {exc}")) from None


def _scheduler(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    from .cluster import check_scheduler

    try:
        return check_scheduler(value)
    except ValueError as exc:
        raise click.BadParameter(visible(exc)) from None


@main.command(short_help="Bring OUT/claims.sqlite and OUT/index.html up to date with the articles.")
# A missing folder is a usage error (exit 2): built as an empty folder it would remove every stored article.
@click.option("--articles", "articles_dir", default="seeds", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of articles (.txt, .md, .html, each with an optional NAME.meta.json).")
@click.option("--out", "out_dir", default="maps", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder the store (claims.sqlite) and the map (index.html) are written to.")
@click.option("--strict", is_flag=True, help="Exit 1 when any article was skipped.")
@click.option("--scheduler", callback=_scheduler, metavar="tcp://HOST:8786|local:N",
              help="Extract on a Dask cluster: a scheduler's address, or local:N for N worker processes here.")
@click.option("--recheck", is_flag=True,
              help="Check every file's size and time (a store of 10,000 articles or more otherwise looks only at "
                   "folders whose entries changed: use this after rewriting articles in place).")
@_wait_option(600, "another build on the folder, or a lock on the store")
def build(articles_dir: Path, out_dir: Path, strict: bool, scheduler: str | None, wait: float,
          recheck: bool) -> None:
    """Bring OUT/claims.sqlite and OUT/index.html up to date with the articles in the --articles folder.

    Only new or changed articles are read (by content hash; all of them again when the extraction rules or the
    gazetteer changed); claims of deleted articles are dropped. Prints the counts, the claims added and removed,
    the settlements whose claimed state changed, the names not yet located and every file that could not be
    used and why. The store and the map change together or not at all.

    Exit status: 0 when every usable article was used (files that were not are listed), 1 with --strict
    when any file was skipped or when the build failed, 2 for a usage error.

    Example:

    \b
        geo build --articles seeds --out maps
        geo build --articles seeds --out maps --scheduler local:2
        geo build --articles corpus --out maps --recheck
    """
    report = _run_build(articles_dir, out_dir, scheduler, wait, recheck)
    for line in report.summary_lines():
        say(line)
    if strict and any(p.fatal for p in report.problems):
        sys.exit(1)


@main.command(short_help="Copy an article into the articles folder with its metadata, and rebuild.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--publisher", help="The outlet that published it, e.g. Reuters.")
@click.option("--published", help="Publication date, YYYY-MM-DD (else read from the text's dateline).")
@click.option("--url", help="The article's http(s) address, linked from the map.")
@click.option("--title", help="The article's title, the link text in the map's ledger.")
@click.option("--articles", "articles_dir", default="seeds", show_default=True, type=click.Path(path_type=Path),
              help="Folder to copy the article into.")
@click.option("--out", "out_dir", default="maps", show_default=True, type=click.Path(path_type=Path),
              help="Folder of the store and the map to rebuild.")
def add(file: Path, publisher, published, url, title, articles_dir: Path, out_dir: Path) -> None:
    """Copy FILE (.txt, .md, .html) into the articles folder with a FILE.meta.json of the given metadata
    (metadata beside FILE fills what the options leave open), then rebuild. A file whose text is already in
    the folder is refused, naming the copy there.

    Example:

    \b
        geo add ~/Downloads/sudzha.txt --publisher Reuters --published 2025-03-13 \\
            --url https://example.org/sudzha --title "Russia says it retook Sudzha"
    """
    from .ingest.intake import AddError, AlreadyAdded, add_article
    from .store import stored_hashes

    notes: list[str] = []
    try:
        dest = add_article(file, articles_dir, publisher, published, url, title, notes,
                           stored_hashes(out_dir / "claims.sqlite"))
    except AlreadyAdded as exc:
        raise click.ClickException(visible(exc)) from None
    except AddError as exc:
        raise click.UsageError(visible(exc)) from None
    except OSError as exc:
        raise click.ClickException(visible(f"{file}: cannot be read ({exc.strerror or exc})")) from None
    for note in notes:
        say(f"warning {note}")
    say(f"added {dest}")
    for line in _run_build(articles_dir, out_dir).summary_lines():
        say(line)


@main.command(short_help="The claims about one settlement (any spelling), oldest first.")
@click.argument("name")
@click.option("--db", type=click.Path(path_type=Path),
              help=f"The store to read [default: {DEFAULT_DB} of this project].")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading (fits 100 columns); csv or json: one record per claim.")
@click.option("--explain", is_flag=True, help="Show the cue, rule and date precision behind each claim.")
@_wait_option(30, "a lock on the store")
def claims(name: str, db: Path | None, fmt: str, explain: bool, wait: float) -> None:
    """The claims about the settlement NAME, oldest first: date, claimed status, the claimant's side, the
    claimant, the quoted sentence and its source.

    NAME is any spelling (Sudzha, Суджа, Sudja, Hornal), an id (gn:486816), or NAME (Raion) to choose one of
    several places of one name ("Lyubimovka (Korenevsky)"; an oblast works too: "Mykolaivka (Sumy)"). An
    ambiguous name lists its candidates with their raion and id; an unknown one suggests close names, one per
    place. Week- and month-precision claims show the period they are about.

    Example:

    \b
        geo claims Sudzha
        geo claims "Lyubimovka (Korenevsky)" --format csv
    """
    import sqlite3

    from .query import claims_for_name

    name = valid_argument(name)
    path = _store(db)
    try:
        result = claims_for_name(name, path, wait, _notify)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(visible(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None
    if result.error:
        say(result.error, err=True)
        sys.exit(1)
    for p in result.problems:
        say(f"skipped {p}", err=True)
    if fmt == "json":
        click.echo(json.dumps(result.rows, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        click.echo(result.csv(), nl=False)
        return
    for line in result.table(explain):
        say(line)


@main.command(short_help="Every claim as JSON lines, CSV, GeoJSON or a GeoPackage.")
@click.option("--db", type=click.Path(path_type=Path),
              help=f"The store to read [default: {DEFAULT_DB} of this project].")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson", "gpkg"]), required=True,
              help="jsonl, csv (with ACLED-style columns), geojson (RFC 7946) or gpkg (GeoPackage for QGIS).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output; "
              "required for gpkg). A store or another SQLite file is refused.")
@_wait_option(30, "a lock on the store")
def export(db: Path | None, fmt: str, output: Path | None, wait: float) -> None:
    """One record per claim (place, coordinate, status, claimant and side, date and its precision, publisher,
    quoted sentence, cue, rule, citations), as JSON lines, CSV or GeoJSON; or a GeoPackage with a point layer of
    settlements (latest claimed status per side), the claims and the citations. A week- or month-precision claim
    carries the first day of its period as its date. With reference layers registered, each claim also carries
    each layer's state at the place on its day (ref_NAME), the snapshot's day, the first day the layer agreed and
    the lead in days.

    Example:

    \b
        geo export --format csv -o claims.csv
        geo export --format gpkg -o claims.gpkg
    """
    import sqlite3

    from .export import WRITERS, records, refuse_output, to_gpkg
    from .places import gazetteer as gz
    from .reference.assess import export_columns
    from .reference.layers import cache_dir
    from .store import connect

    gpkg = output if fmt == "gpkg" else None
    if fmt == "gpkg" and gpkg is None:
        raise click.UsageError("--format gpkg needs -o FILE.gpkg")
    path = _store(db)
    if output is not None and (why := refuse_output(output, path, fmt)):
        raise click.ClickException(visible(f"-o {output}: refused: {why}"))
    try:
        conn = connect(path, wait, _notify)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(visible(exc)) from None
    try:
        reference, _, problems = export_columns(conn, gz.DEFAULT_DIR, cache_dir(path))
        for p in problems:
            say(f"skipped {p}", err=True)
        recs = records(conn, reference)
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None
    finally:
        conn.close()
    if gpkg is not None:
        _write_atomic(gpkg, lambda tmp: to_gpkg(recs, tmp))
        say(f"wrote {gpkg}")
        return
    text = WRITERS[fmt](recs)
    if output:
        _write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        click.echo(text, nl=False)


def _write_atomic(target: Path, write) -> None:
    """`write(tmp)` to a temporary file beside `target`, then move it into place: a full disk or a failed
    write leaves no partial file and an earlier `target` as it was."""
    import os

    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")  # the suffix picks the driver
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise click.ClickException(visible(f"could not write {target}: {exc.strerror or exc}")) from None
    finally:
        tmp.unlink(missing_ok=True)


@main.group(short_help="Reference control layers (dated control polygons) to compare the claims with.")
def reference() -> None:
    """Reference control layers: folders of dated control polygons (DeepState's raw snapshots, or GeoJSON of
    your own) registered in the store. `geo build` draws the layer of the slider day under the markers;
    `geo assess` says how often, and how far ahead, each claimant's claims were confirmed by it.

    Example:

    \b
        geo reference add deepstate ~/deepstate --format deepstate
        geo reference add mine ~/snapshots --format generic --default RU=russia,UA=ukraine
    """


def _layer_store(db: Path | None) -> Path:
    """The store to register layers in: --db, the project's, else maps/claims.sqlite here (created)."""
    from .project import find_store

    return db or find_store() or Path(DEFAULT_DB)


@reference.command(name="add", short_help="Register a folder of dated control polygons as a reference layer.")
@click.argument("name")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["deepstate", "generic"]), required=True,
              help="deepstate: DeepState's raw API snapshots named by Unix time; generic: GeoJSON named "
                   "YYYY-MM-DD*.geojson (or a date per feature) with a controller per polygon.")
@click.option("--default", "defaults", metavar="RU=russia,UA=ukraine",
              help="The controller of a point no polygon covers, by the country it is in (deepstate: "
                   "RU=russia,UA=ukraine unless given; generic: none, such points are not compared).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help=f"The store to register it in [default: {DEFAULT_DB} of this project, created if need be].")
def reference_add(name: str, folder: Path, fmt: str, defaults: str | None, db: Path | None) -> None:
    """Register FOLDER as the reference layer NAME (replacing one of that name). The folder is read once to
    check it: each file that cannot be used (no date, bad geometry, an unknown status key, empty) is named
    with its reason and left out; the layer is refused when no snapshot is usable.

    Example:

    \b
        geo reference add deepstate ~/deepstate --format deepstate
        geo reference add mine ~/snapshots --format generic --default RU=russia,UA=ukraine
    """
    from .reference.layers import LayerError, register

    try:
        lines = register(_layer_store(db), name, folder, fmt, defaults)
    except LayerError as exc:
        raise click.ClickException(visible(exc)) from None
    for line in lines:
        say(line)


@reference.command(name="remove", short_help="Unregister a reference layer (its folder is left alone).")
@click.argument("name")
@click.option("--db", type=click.Path(path_type=Path),
              help=f"The store to read [default: {DEFAULT_DB} of this project].")
def reference_remove(name: str, db: Path | None) -> None:
    """Unregister the reference layer NAME; its folder is not touched. Run `geo build` to redraw the map.

    Example:

    \b
        geo reference remove deepstate
    """
    from .reference.layers import unregister

    if not unregister(_store(db), name):
        raise click.ClickException(visible(f"no reference layer named {name!r} (`geo reference list` shows them)"))
    say(f"removed {name}")


@reference.command(name="list", short_help="The registered reference layers and their snapshots.")
@click.option("--db", type=click.Path(path_type=Path),
              help=f"The store to read [default: {DEFAULT_DB} of this project].")
def reference_list(db: Path | None) -> None:
    """The registered reference layers: format, snapshots and their days, the default for uncovered points,
    the folder, and each file that cannot be used.

    Example:

    \b
        geo reference list
    """
    from .reference.assess import layers_of
    from .reference.layers import describe
    from .store import connect

    path = _store(db)
    try:
        conn = connect(path)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(visible(exc)) from None
    layers = layers_of(conn)
    conn.close()
    if not layers:
        click.echo("no reference layers (add one with `geo reference add NAME FOLDER --format deepstate|generic`)")
    for layer in layers:
        line, problems = describe(layer, path)
        say(line)
        for p in problems:
            say(f"  skipped {p}")


@main.command(short_help="How often, and how far ahead, a reference layer confirmed each claimant's claims.")
@click.option("--reference", "names", multiple=True, metavar="NAME",
              help="The layer to compare with (repeatable) [default: every registered layer].")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading; csv or json: one record per side or claimant and layer.")
@click.option("--db", type=click.Path(path_type=Path),
              help=f"The store to read [default: {DEFAULT_DB} of this project].")
def assess(names: tuple[str, ...], fmt: str, db: Path | None) -> None:
    """Each located, dated claim against a reference layer: the layer's state at the settlement on the claim's
    day (its last snapshot on or before it) and the first day it agreed. Per side and per claimant: claims
    compared, agreeing on the day, within 7 and within 30 days, the median lead in days of the claims the
    layer confirmed only later (with their count), and the claims it never confirmed.

    Example:

    \b
        geo assess --reference deepstate
        geo assess --format csv > agreement.csv
    """
    from rich.console import Console

    from .places import gazetteer as gz
    from .reference import assess as ra
    from .reference.layers import cache_dir
    from .store import connect

    path = _store(db)
    try:
        conn = connect(path)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(visible(exc)) from None
    layers = ra.layers_of(conn)
    unknown = sorted(set(names) - {layer.name for layer in layers})
    if unknown:
        conn.close()
        raise click.ClickException(visible(f"no reference layer named {', '.join(map(repr, unknown))} "
                                           f"(registered: {', '.join(layer.name for layer in layers) or 'none'})"))
    if not layers:
        conn.close()
        raise click.ClickException("no reference layers: add one with `geo reference add NAME FOLDER --format deepstate|generic`")
    chosen = [layer for layer in layers if not names or layer.name in names]
    result = ra.assess(conn, chosen, gz.DEFAULT_DIR, cache_dir(path))
    conn.close()
    for p in result.problems:
        say(f"skipped {p}", err=True)
    if fmt == "json":
        click.echo(ra.to_json(result), nl=False)
    elif fmt == "csv":
        click.echo(ra.to_csv(result), nl=False)
    else:
        ra.print_table(result, Console(width=100, highlight=False))


@main.command(short_help="The places a name can mean, with coordinates, raion and oblast.")
@click.argument("name")
@click.option("--explain", is_flag=True, help="Say how the name was matched and how homonyms are chosen.")
@click.option("--db", type=click.Path(path_type=Path),
              help=f"Also the names in this store [default: {DEFAULT_DB} of this project, when there is one].")
def resolve(name: str, explain: bool, db: Path | None) -> None:
    """The gazetteer entries NAME can mean, with coordinates, raion, oblast and precision, and the names the
    project's store holds that the gazetteer lacks. NAME is looked up as `geo claims` looks it up: any
    spelling, an id, or NAME (Raion).

    Example:

    \b
        geo resolve Lyubimovka --explain
        geo resolve "Lyubimovka (Korenevsky)"
    """
    from .project import find_store
    from .query import describe_places

    lines, ok = describe_places(valid_argument(name), explain, db or find_store(), _notify)
    for line in lines:
        say(line)
    if not ok:
        sys.exit(1)


@main.command(name="eval", short_help="Score extraction against a truth file.")
@click.option("--articles", "articles_dir", required=True, type=click.Path(exists=True, path_type=Path),
              help="Folder of the articles the truth file describes.")
@click.option("--truth", required=True, type=click.Path(exists=True, path_type=Path),
              help="JSON lines of the expected mentions and claims.")
@click.option("--verbose", is_flag=True, help="List every miss and every false claim with its sentence.")
def eval_cmd(articles_dir: Path, truth: Path, verbose: bool) -> None:
    """Score extraction against a truth file (the format of corpus/dev/truth.jsonl): precision, recall and F1
    of mentions and claims, and the accuracy of the dates of matched claims.

    Example:

    \b
        geo eval --articles ../shared/corpus/dev/articles --truth ../shared/corpus/dev/truth.jsonl
    """
    from .evaluate import TruthError, evaluate

    try:
        report = evaluate(articles_dir, truth)
    except TruthError as exc:
        raise click.ClickException(visible(exc)) from None
    for line in report.lines(verbose):
        say(line)


@main.group(short_help="The user's own additions to the gazetteer (gazetteer/local.csv).")
def gazetteer() -> None:
    """The user's own additions to the gazetteer (gazetteer/local.csv), which win over the shipped rows.

    Example:

    \b
        geo gazetteer add Skrylevka --lat 51.55 --lon 35.20 --source "https://…" --precision approximate
    """


@gazetteer.command(name="add", short_help="Add or correct a settlement in gazetteer/local.csv.")
@click.argument("name")
@click.option("--lat", type=float, required=True, help="Latitude, decimal degrees (WGS 84).")
@click.option("--lon", type=float, required=True, help="Longitude, decimal degrees (WGS 84).")
@click.option("--source", required=True, help="Where the coordinate comes from (URL or citation).")
@click.option("--raion", default="", help="English raion name as in raions.geojson, e.g. Sudzhansky.")
@click.option("--precision", type=click.Choice(["point", "approximate", "area"]), default="point", show_default=True,
              help="point: printed for the place; approximate: estimated; area: only the raion is known.")
@click.option("--name-ru", default="", help="The Russian name, e.g. Скрылевка.")
@click.option("--name-uk", default="", help="The Ukrainian name.")
def gazetteer_add(name: str, lat: float, lon: float, source: str, raion: str, precision: str, name_ru: str, name_uk: str) -> None:
    """Add or correct a settlement in gazetteer/local.csv, checked against the oblast and raion polygons
    (a coordinate outside the theatre or outside the named raion is refused). Run `geo build` afterwards to
    place the claims about it.

    Example:

    \b
        geo gazetteer add Skrylevka --lat 51.55 --lon 35.20 --source "https://…" --precision approximate
    """
    from .places.local import LocalAddError, add_local

    try:
        row = add_local(name, lat, lon, source, raion, precision, name_ru, name_uk)
    except LocalAddError as exc:
        raise click.ClickException(visible(exc)) from None
    say(f"added {row['id']} ({row['name_en']}, {row['oblast']}, {row['raion'] or 'no raion'}) to gazetteer/local.csv; "
        "run `geo build` to re-resolve")


if __name__ == "__main__":
    main()
