"""A reference layer read and indexed: its snapshots (each file read once, cached by file signature) and the
controller each one gives at a set of points.

Every snapshot's parts go into one STRtree; one query with all the points gives every (point, part) that
intersect, so a layer of 300 snapshots over 2,000 places is a few numpy passes, not 600,000 point tests.
Identical snapshots (DeepState often republishes an unchanged map) share one row of states.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .formats import CONTROLLERS, DEEPSTATE_DEFAULTS, READERS, Snapshot, SnapshotError, snapshot_files

NONE = -1  # no snapshot yet, or a point no polygon covers and no default names


@dataclass(frozen=True)
class Layer:
    """A registered reference layer (`geo reference add`)."""

    name: str
    folder: str
    fmt: str
    defaults: dict[str, str] = field(default_factory=dict)  # country code → controller, for uncovered points

    def uncovered(self) -> dict[str, str]:
        return self.defaults or (DEEPSTATE_DEFAULTS if self.fmt == "deepstate" else {})


@dataclass
class Loaded:
    """A layer's usable snapshots, by day (a later file of the same day wins), and its unusable files."""

    layer: Layer
    snapshots: list[Snapshot]
    problems: list[str]  # "FILE: why", one line each

    @property
    def days(self) -> list[str]:
        return [s.date for s in self.snapshots]


# -- reading, with the cache -------------------------------------------------------------------------------
_MEMO: dict[tuple[str, int, int, str], list[Snapshot] | str] = {}  # one process reads a file once


@lru_cache(maxsize=1)
def _code_version() -> str:
    return hashlib.sha256(Path(__file__).with_name("formats.py").read_bytes()).hexdigest()[:12]


def _cache_file(cache_dir: Path, layer: Layer) -> Path:
    key = hashlib.sha256(f"{os.path.abspath(layer.folder)}|{layer.fmt}".encode()).hexdigest()[:16]
    return Path(cache_dir) / f"reference-{key}.npz"


def _read_cache(path: Path) -> tuple[dict[str, Any], bytes, list[int]]:
    """(file name → {"sig", "value"}, the WKB bytes, their offsets) of a cache written by `_write_cache`; empty
    when there is none or it is of another version. numpy's own format, read without pickle."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            data, offsets = z["wkb"].tobytes(), z["offsets"].tolist()
        if meta.get("version") == _code_version():
            return meta["files"], data, offsets
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}, b"", []


def _decode(value: Any, data: bytes, offsets: list[int]) -> list[Snapshot] | str:
    import shapely

    if isinstance(value, str):
        return value
    blobs = [data[offsets[w]:offsets[w + 1]] for _, _, parts in value for _, w in parts]
    geoms = iter(shapely.from_wkb(blobs).tolist()) if blobs else iter([])
    return [Snapshot(d, src, tuple((c, next(geoms)) for c, _ in parts)) for d, src, parts in value]


def _write_cache(path: Path, results: dict[str, tuple[list[int], list[Snapshot] | str]]) -> None:
    """Every file's signature and result: geometries as WKB in one byte array, the rest as JSON."""
    import numpy as np
    import shapely

    blobs: list[bytes] = []
    files: dict[str, Any] = {}
    for name, (sig, result) in sorted(results.items()):
        if isinstance(result, str):
            files[name] = {"sig": sig, "value": result}
            continue
        value = []
        for snap in result:
            parts = []
            for controller, geom in snap.parts:
                parts.append([controller, len(blobs)])
                blobs.append(shapely.to_wkb(geom))
            value.append([snap.date, snap.source, parts])
        files[name] = {"sig": sig, "value": value}
    offsets = np.cumsum([0] + [len(b) for b in blobs], dtype=np.int64)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, meta=np.array(json.dumps({"version": _code_version(), "files": files})),
                 wkb=np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets=offsets)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def load_layer(layer: Layer, cache_dir: Path | None = None) -> Loaded:
    """Read the layer's folder. A file is parsed only when its (size, mtime) is new to this process or to
    the cache in `cache_dir` (JSON with WKB geometries; safe to delete). A file that cannot be used is one
    problem line; the other files are still used."""
    folder = Path(layer.folder)
    if not folder.is_dir():
        return Loaded(layer, [], [f"{folder}: reference folder of {layer.name!r} not found"])
    path = _cache_file(cache_dir, layer) if cache_dir is not None else None
    cached, data, offsets = _read_cache(path) if path is not None else ({}, b"", [])
    results: dict[str, tuple[list[int], list[Snapshot] | str]] = {}
    by_day: dict[str, Snapshot] = {}
    problems: list[str] = []
    changed = False
    for f in snapshot_files(folder):
        st = f.stat()
        sig = [st.st_size, st.st_mtime_ns]
        memo_key = (str(f.resolve()), st.st_size, st.st_mtime_ns, layer.fmt)
        entry = cached.get(f.name)
        result = _MEMO.get(memo_key)
        if result is None and isinstance(entry, dict) and entry.get("sig") == sig:
            try:
                result = _decode(entry["value"], data, offsets)
            except Exception:  # a damaged cache entry: the file is read again
                result = None
        if not (isinstance(entry, dict) and entry.get("sig") == sig):
            changed = True  # new to the cache (perhaps read earlier in this process)
        if result is None:
            try:
                result = READERS[layer.fmt](f)
            except SnapshotError as exc:
                result = str(exc)
            except OSError as exc:
                result = f"cannot be read ({exc.strerror or exc})"
            except Exception as exc:  # whatever the file holds, one line about it and the other files go on
                result = f"cannot be used ({type(exc).__name__}: {str(exc).splitlines()[0][:80] if str(exc) else ''})"
        _MEMO[memo_key] = result
        results[f.name] = (sig, result)
        if isinstance(result, str):
            problems.append(f"{f}: {result}")
            continue
        for snap in result:
            by_day[snap.date] = snap
    if path is not None and (changed or set(results) != set(cached)):
        _write_cache(path, results)
    return Loaded(layer, [by_day[d] for d in sorted(by_day)], problems)


# -- the country of a point --------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _oblasts(directory: str) -> tuple[Any, list[str]]:
    from shapely import STRtree
    from shapely.geometry import shape

    path = Path(directory) / "inputs" / "oblasts.geojson"
    feats = json.loads(path.read_text(encoding="utf-8"))["features"] if path.exists() else []
    return STRtree([shape(f["geometry"]) for f in feats]), [f["properties"].get("country", "") for f in feats]


def countries(gazetteer_dir: Path, points: list[tuple[float, float]], fallback: list[str]) -> list[str]:
    """The country (RU, UA) each (lat, lon) is in by the gazetteer's oblast boundaries; `fallback` (the
    place's own country) outside them."""
    import shapely

    out = list(fallback)
    if not points:
        return out
    tree, codes = _oblasts(str(gazetteer_dir))
    pts = shapely.points([(lon, lat) for lat, lon in points])
    found = tree.query(pts, predicate="intersects")
    for i, j in sorted(zip(found[0].tolist(), found[1].tolist())):
        if codes[j]:
            out[i] = codes[j]
    return out


# -- the controller at each point, per snapshot -------------------------------------------------------------
@dataclass
class States:
    """The controller code (index into CONTROLLERS, NONE) of each point in each snapshot of a layer."""

    days: list[str]  # the snapshots' days, ascending
    codes: Any  # numpy int8 array [snapshot, point]
    shared: list[int]  # snapshot → its first identical snapshot


def point_states(loaded: Loaded, points: list[tuple[float, float]], point_countries: list[str]) -> States:
    """Each point's controller in each snapshot: the controller of the polygons that cover it (several
    controllers: contested), else the layer's default for the point's country, else NONE."""
    import numpy as np
    import shapely
    from shapely import STRtree

    snaps = loaded.snapshots
    first_of: dict[tuple, int] = {}
    shared: list[int] = []
    unique: list[int] = []
    for i, s in enumerate(snaps):
        key = tuple((c, shapely.to_wkb(g)) for c, g in s.parts)
        j = first_of.setdefault(key, i)
        shared.append(j)
        if j == i:
            unique.append(i)
    n = len(points)
    codes = np.full((len(snaps), n), NONE, dtype=np.int8)
    if not snaps or not n:
        return States(loaded.days, codes, shared)
    geoms, owner, ctrl = [], [], []
    for row, i in enumerate(unique):
        for c, g in snaps[i].parts:
            geoms.append(g)
            owner.append(row)
            ctrl.append(CONTROLLERS.index(c))
    mask = np.zeros((len(unique), n), dtype=np.int8)
    if geoms:
        tree = STRtree(geoms)
        pts = shapely.points([(lon, lat) for lat, lon in points])
        found = tree.query(pts, predicate="intersects")
        bits = (1 << np.asarray(ctrl, dtype=np.int8))[found[1]]
        np.bitwise_or.at(mask, (np.asarray(owner)[found[1]], found[0]), bits)
    # bit mask → code: one controller is itself; several are contested
    lut = np.array([NONE, 0, 1, 2, 2, 2, 2, 2], dtype=np.int8)
    ucodes = lut[mask]
    defaults = loaded.layer.uncovered()
    fill = np.array([CONTROLLERS.index(defaults[c]) if c in defaults else NONE for c in point_countries], dtype=np.int8)
    ucodes = np.where(ucodes == NONE, fill[None, :], ucodes)
    row_of = {i: r for r, i in enumerate(unique)}
    codes[:] = ucodes[[row_of[j] for j in shared]]
    return States(loaded.days, codes, shared)
