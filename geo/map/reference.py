"""Reference layers on the map: each registered layer's snapshots as compact, shared, simplified outlines, and
the layer's state at every place per snapshot (the ledger line and the disagreement mark).

Size: a layer of 300 daily snapshots must stay small (bench/reference_bench.py). So:
* outlines are simplified once (shapely's topology-preserving simplify) to a pixel at zoom `DETAIL_ZOOM`, and
  coordinates travel as integers of 1e-4 degree (about 7–11 m), each a delta to the one before in its ring;
* a polygon drawn alike on several days is stored once (`q`), and a snapshot identical to another (its set of
  polygons, `k`) is stored once: most days of a front line change a few polygons, or none.

Payload (``r``, only when a layer is registered; a page without one is the same bytes as before)::

    r: [{n: name, d: [snapshot day YYYY-MM-DD], g: [set of each snapshot (index into k)],
         k: [[part indexes]], q: [[controller (0 russia, 1 ukraine, 2 contested), ring, ring, …]]
            (ring: [x0, y0, dx, dy, …] in 1e-4 degree, lon then lat; the first ring the outline, then holes),
         s: per place (payload order) [snapshot, state, snapshot, state, …] where the state changes (-1: none)}]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..reference.assess import PlaceStates
from ..reference.formats import CONTROLLERS

DETAIL_ZOOM = 12  # the outlines keep the detail of one pixel at this zoom (about 25 m); finer zooms show it coarser
TOLERANCE = 360 / (256 * 2 ** DETAIL_ZOOM)  # degrees per pixel at DETAIL_ZOOM
SCALE = 10_000  # coordinates as integers of 1e-4 degree


@dataclass(frozen=True)
class ReferenceMap:
    """One layer as the page draws it (the ``r`` entry of the payload, built in `encode`)."""

    name: str
    payload: dict


def _ring(coords: Any) -> list[int] | None:
    out: list[int] = []
    px = py = None
    n = 0
    for x, y in coords:
        qx, qy = round(x * SCALE), round(y * SCALE)
        if (qx, qy) == (px, py):
            continue
        if px is None:
            out += [qx, qy]
        else:
            out += [qx - px, qy - py]
        px, py = qx, qy
        n += 1
    return out if n >= 4 else None  # a ring that collapses at this detail is left out


def _parts(controller: str, geom: Any) -> list[list]:
    import shapely

    if not geom.is_valid:  # a self-intersecting outline from the file: repaired before simplifying
        geom = shapely.make_valid(geom)
    simple = shapely.simplify(geom, TOLERANCE, preserve_topology=True)
    out = []
    polys = []
    for g in getattr(simple, "geoms", [simple]):  # make_valid may give a collection of polygons and lines
        polys += list(getattr(g, "geoms", [g]))
    for poly in polys:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        outer = _ring(poly.exterior.coords)
        if outer is None:
            continue
        holes = [r for r in (_ring(h.coords) for h in poly.interiors) if r is not None]
        out.append([CONTROLLERS.index(controller), outer, *holes])
    return out


def encode(states: PlaceStates, place_ids: list[str]) -> ReferenceMap:
    """The page's entry for one layer; `place_ids` in the payload's place order."""
    import json

    loaded = states.loaded
    part_at: dict[str, int] = {}
    parts: list[list] = []
    set_at: dict[tuple[int, ...], int] = {}
    sets: list[list[int]] = []
    of_snapshot: list[int] = []
    simplified: dict[int, list[int]] = {}  # a snapshot identical to an earlier one is not simplified again
    for i, snap in enumerate(loaded.snapshots):
        j = states.states.shared[i]
        if j not in simplified:
            idx: list[int] = []
            for controller, geom in snap.parts:
                for part in _parts(controller, geom):
                    key = json.dumps(part, separators=(",", ":"))
                    idx.append(part_at.setdefault(key, len(parts)))
                    if idx[-1] == len(parts):
                        parts.append(part)
            simplified[j] = sorted(set(idx))
        key_set = tuple(simplified[j])
        if key_set not in set_at:
            set_at[key_set] = len(sets)
            sets.append(list(key_set))
        of_snapshot.append(set_at[key_set])
    codes = states.states.codes
    runs: list[list[int]] = []
    for pid in place_ids:
        col = states.column.get(pid)
        run: list[int] = []
        if col is not None:
            prev = None
            for i, code in enumerate(codes[:, col].tolist()):
                if code != prev:
                    run += [i, code]
                    prev = code
        runs.append(run)
    return ReferenceMap(loaded.layer.name, {"n": loaded.layer.name, "d": loaded.days, "g": of_snapshot, "k": sets,
                                            "q": parts, "s": runs})


def reference_maps(db: Any, gazetteer_dir: Path, cache_dir: Path | None,
                   place_ids: list[str]) -> tuple[tuple[ReferenceMap, ...], list[str]]:
    """The registered layers for the page, and one line per snapshot file that could not be used."""
    from ..reference.assess import layers_of, load_states

    layers = layers_of(db)
    if not layers:
        return (), []
    maps, problems = [], []
    for st in load_states(db, layers, gazetteer_dir, cache_dir):
        problems += st.loaded.problems
        maps.append(encode(st, place_ids))
    return tuple(maps), problems
