"""`geo`: the command line. Each command parses its arguments and calls one module."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DEFAULT_DB = "maps/claims.sqlite"


@click.group()
def main() -> None:
    """A map of reported control: dated, sourced claims about who holds each settlement."""


def _run_build(articles_dir: Path, out_dir: Path, scheduler: str | None = None):
    """`pipeline.build`, with a failure (disk full, a store SQLite cannot write, another build's lock, a cluster
    that cannot be reached or lost its workers) as one line and exit status 1: the store and the map are then as
    they were before."""
    import sqlite3

    from .pipeline import build as run_build

    try:
        return run_build(articles_dir, out_dir, show_progress=sys.stderr.isatty(), scheduler=scheduler)
    except (OSError, RuntimeError, sqlite3.Error) as exc:
        raise click.ClickException(f"build failed, nothing changed: {exc}") from None


def _scheduler(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    from .cluster import check_scheduler

    try:
        return check_scheduler(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
# A missing folder is a usage error (exit 2): built as an empty folder it would remove every stored article.
@click.option("--articles", "articles_dir", default="seeds", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="maps", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when any article was skipped.")
@click.option("--scheduler", callback=_scheduler, metavar="tcp://HOST:8786|local:N",
              help="Extract on a Dask cluster: a scheduler's address, or local:N for N worker processes here.")
def build(articles_dir: Path, out_dir: Path, strict: bool, scheduler: str | None) -> None:
    """Read every article, write OUT/claims.sqlite and OUT/index.html.

    Exit status: 0 when every usable article was used (files that were not are listed), 1 with --strict
    when any file was skipped or when the build failed, 2 for a usage error."""
    report = _run_build(articles_dir, out_dir, scheduler)
    for line in report.summary_lines():
        click.echo(line)
    if strict and any(p.fatal for p in report.problems):
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--publisher")
@click.option("--published", help="Publication date, YYYY-MM-DD.")
@click.option("--url")
@click.option("--title")
@click.option("--articles", "articles_dir", default="seeds", show_default=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="maps", show_default=True, type=click.Path(path_type=Path))
def add(file: Path, publisher, published, url, title, articles_dir: Path, out_dir: Path) -> None:
    """Copy FILE (.txt, .md, .html) into the articles folder with its metadata, and rebuild."""
    from .ingest.intake import AddError, add_article

    try:
        dest = add_article(file, articles_dir, publisher, published, url, title)
    except AddError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"added {dest}")
    for line in _run_build(articles_dir, out_dir).summary_lines():
        click.echo(line)


@main.command()
@click.argument("name")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--explain", is_flag=True, help="Show the cue and rule behind each claim.")
def claims(name: str, db: Path, fmt: str, explain: bool) -> None:
    """The claims about the settlement NAME (any spelling), oldest first."""
    from .query import claims_for_name

    try:
        result = claims_for_name(name, db)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    if result.error:
        click.echo(result.error, err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(result.rows, ensure_ascii=False, indent=1))
        return
    for line in result.table(explain):
        click.echo(line)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson", "gpkg"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output; "
              "required for gpkg).")
def export(db: Path, fmt: str, output: Path | None) -> None:
    """One record per claim, as JSON lines, CSV or GeoJSON; or a GeoPackage of settlements, claims, citations."""
    from .export import WRITERS, records, to_gpkg
    from .store import connect

    gpkg = output if fmt == "gpkg" else None
    if fmt == "gpkg" and gpkg is None:
        raise click.UsageError("--format gpkg needs -o FILE.gpkg")
    try:
        conn = connect(db)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    recs = records(conn)
    conn.close()
    if gpkg is not None:
        _write_atomic(gpkg, lambda tmp: to_gpkg(recs, tmp))
        click.echo(f"wrote {gpkg}")
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
        raise click.ClickException(f"could not write {target}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


@main.command()
@click.argument("name")
@click.option("--explain", is_flag=True, help="Say how the name was matched.")
def resolve(name: str, explain: bool) -> None:
    """The gazetteer entries NAME can mean, with coordinates, raion and oblast."""
    from .query import describe_places

    lines, ok = describe_places(name, explain)
    for line in lines:
        click.echo(line)
    if not ok:
        sys.exit(1)


@main.command(name="eval")
@click.option("--articles", "articles_dir", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--truth", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--verbose", is_flag=True, help="List every miss and every false claim with its sentence.")
def eval_cmd(articles_dir: Path, truth: Path, verbose: bool) -> None:
    """Score extraction against a truth file (the format of corpus/dev/truth.jsonl)."""
    from .evaluate import evaluate

    report = evaluate(articles_dir, truth)
    for line in report.lines(verbose):
        click.echo(line)


@main.group()
def gazetteer() -> None:
    """The user's own additions to the gazetteer (gazetteer/local.csv)."""


@gazetteer.command(name="add")
@click.argument("name")
@click.option("--lat", type=float, required=True)
@click.option("--lon", type=float, required=True)
@click.option("--source", required=True, help="Where the coordinate comes from (URL or citation).")
@click.option("--raion", default="", help="English raion name as in raions.geojson, e.g. Sudzhansky.")
@click.option("--precision", type=click.Choice(["point", "approximate", "area"]), default="point", show_default=True)
@click.option("--name-ru", default="")
@click.option("--name-uk", default="")
def gazetteer_add(name: str, lat: float, lon: float, source: str, raion: str, precision: str, name_ru: str, name_uk: str) -> None:
    """Add or correct a settlement in gazetteer/local.csv (validated against the raion polygons)."""
    from .places.local import LocalAddError, add_local

    try:
        row = add_local(name, lat, lon, source, raion, precision, name_ru, name_uk)
    except LocalAddError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {row['id']} ({row['name_en']}, {row['oblast']}, {row['raion'] or 'no raion'}) to gazetteer/local.csv; "
               "run `geo build` to re-resolve")


if __name__ == "__main__":
    main()
