"""Exports: one record per claim, as JSON lines, CSV (with ACLED-style columns) or GeoJSON (RFC 7946)."""
from __future__ import annotations

import csv
import io
from collections import Counter
import json
import os
import sqlite3
from pathlib import Path

from .records import SIDES, PRECISION_CODES
from .store import all_citations, all_claims

FIELDS = [
    "claim_id", "article", "settlement", "settlement_id", "mention", "lat", "lon", "oblast", "raion", "status",
    "claimant", "claimant_side", "relayed_by", "date", "date_precision", "published", "publisher", "url", "evidence",
    "cue", "cue_en", "language", "rule", "geo_precision", "location_precision", "precision_source", "citations",
]
# ACLED names for the same meaning, added to the CSV.
ACLED = {"event_date": "date", "time_precision": "date_precision", "geo_precision": "geo_precision",
         "source": "publisher", "notes": "evidence"}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "none": None}


def records(db: sqlite3.Connection, reference: dict[int, dict] | None = None) -> list[dict]:
    """One record per claim; `reference` (`geo.reference.assess.export_columns`) adds each registered layer's
    state, snapshot, first agreement and lead after the claim's own fields."""
    from .query import period_start

    out = []
    citations = all_citations(db)
    for n, r in enumerate(all_claims(db), start=1):
        cites = citations.get(r["id"], [])
        # A week or month claim carries the first day of its period, with its precision saying which it is.
        when = r["date"] or period_start(r["date_precision"], r["evidence"], r["published"], r["language"])
        out.append({
            "claim_id": n, "article": r["article"], "settlement": r["settlement"], "settlement_id": r["place_id"],
            "mention": r["mention"], "lat": r["lat"], "lon": r["lon"], "oblast": r["oblast"] or None,
            "raion": r["raion"] or None, "status": r["status"], "claimant": r["claimant"],
            "claimant_side": r["claimant_side"], "relayed_by": r["relayed_by"] or None, "date": when,
            "date_precision": r["date_precision"], "published": r["published"], "publisher": r["publisher"],
            "url": r["url"], "evidence": r["evidence"], "cue": r["cue"], "cue_en": r["cue_en"], "language": r["language"], "rule": r["rule"],
            "geo_precision": PRECISION_CODES.get(r["precision"]), "location_precision": r["precision"],
            "precision_source": r["precision_source"] or None,
            "citations": [{"article": c["article"], "publisher": c["publisher"], "url": c["url"]} for c in cites],
        })
        if reference:
            out[-1].update(reference.get(r["id"], {}))
    return out


def to_jsonl(recs: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in recs)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet cannot run: text starting with = + - @, a tab or a carriage return (a formula,
    from a title, a publisher, a claimant or a quoted sentence) gets a leading apostrophe, as OWASP recommends
    for CSV injection. Numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(recs: list[dict]) -> str:
    buf = io.StringIO()
    cols = FIELDS + ["event_date", "time_precision", "source", "notes"]
    cols += [k for k in (recs[0] if recs else {}) if k.startswith("ref_")]  # the reference layers' columns, if any
    w = csv.DictWriter(buf, cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in recs:
        row = dict(r)
        row["citations"] = ";".join(c["article"] for c in r["citations"])
        for acled, ours in ACLED.items():
            row[acled] = r[ours] if acled != "time_precision" else TIME_PRECISION.get(r["date_precision"])
        w.writerow({k: ("" if v is None else csv_cell(v)) for k, v in row.items()})
    return buf.getvalue()


def to_geojson(recs: list[dict]) -> str:
    """RFC 7946: WGS 84 [longitude, latitude] with at most 6 decimals (~0.1 m), no `crs` member, a null
    geometry for a settlement no source places, and no NaN or Infinity anywhere."""
    feats = []
    for r in recs:
        geom = None
        if r["lat"] is not None and r["lon"] is not None:
            geom = {"type": "Point", "coordinates": [round(r["lon"], 6), round(r["lat"], 6)]}
        props = {k: v for k, v in r.items() if k not in ("lat", "lon")}
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, allow_nan=False) + "\n"


def to_gpkg(recs: list[dict], path) -> None:
    """A GeoPackage for QGIS: `settlements` (points, latest claimed status per side), `claims`, `citations`.

    Written with geopandas/pyogrio; the file's change timestamps are fixed so that the same claims give the
    same bytes.
    """
    import geopandas as gpd
    import pandas as pd
    import pyogrio
    from shapely.geometry import Point

    from .timeline import intervals

    path = Path(path)
    path.unlink(missing_ok=True)
    latest: dict[str, dict] = {}
    # Only day claims move a side's state (as on the map): a month's first day is not the day of a claim.
    ivs = intervals([(r["settlement_id"], r["claimant_side"], r["status"], r["date"] if r["date_precision"] == "day" else None)
                     for r in recs])
    for iv in ivs:
        if iv.end is None:
            latest.setdefault(iv.place_id, {})[iv.side] = (iv.status, iv.start)
    per_place = Counter(r["settlement_id"] for r in recs)
    places: dict[str, dict] = {}
    for r in recs:
        if r["lat"] is None:
            continue
        state = latest.get(r["settlement_id"], {})
        places[r["settlement_id"]] = {
            "settlement_id": r["settlement_id"], "settlement": r["settlement"], "oblast": r["oblast"], "raion": r["raion"],
            "geo_precision": r["geo_precision"], "location_precision": r["location_precision"],
            **{f"{side}_status": state.get(side, (None, None))[0] for side in SIDES},
            **{f"{side}_since": state.get(side, (None, None))[1] for side in SIDES},
            "claims": per_place[r["settlement_id"]],
            "geometry": Point(r["lon"], r["lat"]),
        }
    rows = [places[k] for k in sorted(places)]
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326") if rows else gpd.GeoDataFrame(
        {"settlement_id": []}, geometry=[], crs="EPSG:4326")
    gdf.to_file(path, layer="settlements", driver="GPKG", engine="pyogrio")
    # The columns named even when there are no rows: an empty store gives empty layers with their columns.
    columns = [k for k in (recs[0] if recs else FIELDS) if k != "citations"]  # with any ref_NAME columns
    claims = pd.DataFrame([{k: v for k, v in r.items() if k != "citations"} for r in recs], columns=columns)
    pyogrio.write_dataframe(claims, path, layer="claims", driver="GPKG", append=False)
    cites = pd.DataFrame([{"claim_id": r["claim_id"], **c} for r in recs for c in r["citations"]],
                         columns=["claim_id", "article", "publisher", "url"])
    pyogrio.write_dataframe(cites, path, layer="citations", driver="GPKG", append=False)
    db = sqlite3.connect(path, isolation_level=None)  # autocommit: VACUUM cannot run inside a transaction
    try:
        db.execute("UPDATE gpkg_contents SET last_change = '2000-01-01T00:00:00.000Z'")
        db.execute("VACUUM")
    finally:
        db.close()


def refuse_output(output: Path, store_path: Path, fmt: str) -> str | None:
    """Why `geo export -o OUTPUT` must not write there, or None: the store it reads, or any other SQLite file
    (a store, a browser's history), would be replaced by the export. A GeoPackage is SQLite too: one is replaced
    by a gpkg export, as a re-export should."""
    from .store import is_sqlite

    out = Path(output)
    if out.is_dir():
        return "it is a folder; give a file name"
    try:
        same = out.exists() and os.path.samefile(out, store_path)
    except OSError:
        same = False
    if same or os.path.realpath(out) == os.path.realpath(store_path):
        return "it is the store being read; give another file name"
    if is_sqlite(out):
        if fmt == "gpkg" and _is_geopackage(out):
            return None
        return "it is a SQLite database that an export would replace; give another file name"
    return None


def _is_geopackage(path: Path) -> bool:
    """A SQLite file whose header carries the GeoPackage application id ('GPKG')."""
    with open(path, "rb") as fh:
        head = fh.read(72)
    return head[68:72] == b"GPKG"


WRITERS = {"jsonl": to_jsonl, "csv": to_csv, "geojson": to_geojson}
