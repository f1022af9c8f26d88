"""Rebuild `gazetteer/settlements.csv` and `gazetteer/spellings.tsv` from the inputs in this folder.

    .venv/bin/python gazetteer/build.py     (the package installed, as scripts/build-map installs it)

Inputs (all in this folder, their sources and licences in SOURCES.md):
  inputs/settlements.csv                 GeoNames + postal points curated for the theatre (precision point)
  inputs/additions/*.csv                 villages read from Wikipedia articles (point when a coordinate is printed)
  curated/*.csv                          complete raion lists read from Wikipedia raion/village articles
  inputs/postal_low_accuracy_dropped.csv postal placeholders: never a point; approximate if inside the stated raion
  inputs/raions.geojson, inputs/oblasts.geojson   polygons every point is checked against

Precision, as ACLED uses it: `point` (a coordinate a source prints for the settlement itself),
`approximate` (computed from a stated distance and bearing to a located place, or a postal estimate that
falls inside its stated raion: method recorded in `precision_source`), `area` (only the raion is known:
drawn at the raion's representative point). A coordinate that fails its raion polygon is not used.
"""
from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import iuliia
import shapely
from geopy.distance import distance as geo_distance
from shapely.geometry import Point, Polygon, shape
from shapely.prepared import prep

# The installed package (`pip install -e .`, as scripts/build-map does), not a path into the checkout.
from geo.normalize import fold_name, place_slug
from geo.normalize import fold_name as _fold
from geo.places.spellings import cleaned, kmu2010, latin_repaired, place_spellings

HERE = Path(__file__).resolve().parent

OUT_COLUMNS = [
    "id", "name_en", "name_ru", "name_uk", "alt_names", "lat", "lon", "country", "oblast", "raion", "kind",
    "population", "precision", "precision_source", "coord_source", "coord_ref", "checked", "notes",
]
RU_RAION = {  # Russian raion names (as Wikipedia writes them) → the English names of raions.geojson
    "суджанский": "Sudzhansky", "кореневский": "Korenevsky", "глушковский": "Glushkovsky",
    "беловский": "Belovsky", "большесолдатский": "Bolshesoldatsky", "льговский": "Lgovsky",
    "рыльский": "Rylsky", "краснояружский": "Krasnoyaruzhsky", "грайворонский": "Graivoronsky",
    "хомутовский": "Khomutovsky", "курчатовский": "Kurchatovsky", "обоянский": "Oboyansky",
}
BEARINGS = {d: i * 22.5 for i, d in enumerate(
    "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split())}
OBLAST_FROM_SHORT = {"Kursk": "Kursk Oblast", "Belgorod": "Belgorod Oblast", "Bryansk": "Bryansk Oblast",
                     "Sumy": "Sumy Oblast"}


def english_name(name_ru: str) -> str:
    return iuliia.WIKIPEDIA.translate(name_ru.replace("ё", "е").replace("Ё", "Е"))


class Polygons:
    def __init__(self) -> None:
        raions = json.loads((HERE / "inputs" / "raions.geojson").read_text())["features"]
        oblasts = json.loads((HERE / "inputs" / "oblasts.geojson").read_text())["features"]
        self.raion = {(f["properties"]["oblast"], f["properties"]["name_en"]): shape(f["geometry"]) for f in raions}
        self.raion_prep = {k: prep(v) for k, v in self.raion.items()}
        self.oblast = {f["properties"]["name_en"]: shape(f["geometry"]) for f in oblasts}
        self.oblast_prep = {k: prep(v) for k, v in self.oblast.items()}
        self.oblast_of_raion = {r: o for o, r in self.raion}

    def check(self, oblast: str, raion: str, lat: float, lon: float) -> tuple[bool, str]:
        """(usable, checked) for a point said to lie in `raion` of `oblast`."""
        p = Point(lon, lat)
        ob = self.oblast_prep.get(oblast)
        if ob is not None and not ob.contains(p):
            return False, f"outside {oblast} polygon"
        poly = self.raion_prep.get((oblast, raion))
        if poly is None:
            return True, "oblast"
        if poly.contains(p):
            return True, "yes"
        # Towns that are their own okrug sit in a "<town> city" polygon next to their raion.
        for (ob_name, r_name), other in self.raion_prep.items():
            if ob_name == oblast and r_name.endswith(" city") and other.contains(p):
                return True, "yes"
        return False, f"outside {raion} raion polygon"

    def area_point(self, oblast: str, raion: str) -> tuple[float, float] | None:
        geom = self.raion.get((oblast, raion)) or self.oblast.get(oblast)
        if geom is None:
            return None
        rp = geom.representative_point()
        return round(rp.y, 5), round(rp.x, 5)


def post_office(row_id: str, name: str) -> bool:
    """GeoNames postal rows such as "Курск 3" or "Льгов 1" name numbered post offices of a town, not settlements."""
    return row_id.startswith("pc:") and re.search(r"\s\d+$", name) is not None


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in csv.DictReader(fh)]


def parse_coord(row: dict[str, str]) -> tuple[float, float] | None:
    try:
        lat, lon = float(row.get("lat", "")), float(row.get("lon", ""))
    except ValueError:
        return None
    return (lat, lon) if 44 < lat < 56 and 28 < lon < 42 else None


def norm_raion(raw: str, oblast: str) -> str:
    low = raw.lower()
    for ru, en in RU_RAION.items():
        if low.startswith(ru) or low.startswith(en.lower()):
            return en
    return raw


class Builder:
    def __init__(self) -> None:
        self.poly = Polygons()
        self.rows: dict[str, dict[str, str]] = {}
        self.by_key: dict[tuple[str, str, str], str] = {}
        self.log: list[str] = []

    def key(self, oblast: str, raion: str, name_ru: str) -> tuple[str, str, str]:
        return oblast, raion, fold_name(cleaned(name_ru))

    def add(self, row: dict[str, str]) -> None:
        k = self.key(row["oblast"], row["raion"], row["name_ru"] or row["name_en"])
        self.rows[row["id"]] = row
        self.by_key[k] = row["id"]

    def new_id(self, prefix: str, raion: str, name: str) -> str:
        base = f"{prefix}:{place_slug(raion) or 'x'}:{place_slug(english_name(name)) or place_slug(name)}"
        ident, n = base, 2
        while ident in self.rows:
            ident, n = f"{base}-{n}", n + 1
        return ident

    # -- inputs ---------------------------------------------------------------------------------
    def load_base(self) -> None:
        for r in read_csv(HERE / "inputs" / "settlements.csv"):
            if post_office(r["id"], r["name_ru"]):
                continue
            if self.same_town(r):
                continue
            precision, psrc = "point", r["coord_source"]
            if r["notes"].startswith("APPROXIMATE"):
                precision, psrc = "approximate", "coordinate of a landmark inside the village (" + r["coord_source"] + ")"
            # Russian rows take the Wikipedia-style romanisation as their English name (GeoNames writes
            # "L’gov", "Bol’shoye Soldatskoye"); the GeoNames form stays as an alternate spelling.
            # No Cyrillic look-alike letters inside a Latin name ("Bіlovodi" typed with a Cyrillic і).
            name_en = latin_repaired(r["name_en"])
            alt = "|".join(latin_repaired(cleaned(a)) for a in r["alt_names"].split("|") if cleaned(a))
            if r["country"] == "UA" and r["name_uk"]:
                # Ukrainian places take the national romanisation (KMU 2010) as their English name, as the
                # English press writes them (Bilovody, Kostiantynivka); the source's form stays a spelling.
                official = kmu2010(r["name_uk"])
                if name_en and name_en != official:
                    alt = "|".join(filter(None, [name_en, alt]))
                name_en = official
            if r["country"] == "RU" and r["name_ru"]:
                if name_en and name_en != english_name(r["name_ru"]):
                    alt = "|".join(filter(None, [name_en, alt]))
                name_en = english_name(r["name_ru"])
            self.add({
                "id": r["id"], "name_en": name_en or english_name(r["name_ru"] or r["name_uk"]),
                "name_ru": r["name_ru"], "name_uk": r["name_uk"], "alt_names": alt,
                "lat": r["lat"], "lon": r["lon"], "country": r["country"], "oblast": r["oblast"],
                "raion": r["raion"], "kind": r["kind"], "population": r["population"], "precision": precision,
                "precision_source": psrc, "coord_source": r["coord_source"], "coord_ref": r["coord_ref"],
                "checked": r["checked"], "notes": r["notes"],
            })

    def same_town(self, r: dict[str, str]) -> bool:
        """GeoNames sometimes holds one town twice (Lgov: two points 6 km apart). Keep the first row and note
        the other point rather than draw the town twice."""
        coord = parse_coord(r)
        first = self.nearby_same_name(r["oblast"], r["name_ru"], coord)
        if first is None:
            return False
        km = geo_distance((float(first["lat"]), float(first["lon"])), coord).km
        first["alt_names"] = "|".join(dict.fromkeys(filter(None, first["alt_names"].split("|") + r["alt_names"].split("|"))))
        first["notes"] = (first["notes"] + f"; {r['id']} places the same town {km:.1f} km away").strip("; ")
        self.log.append(f"merged {r['id']} into {first['id']}: same name, {km:.1f} km apart")
        return True

    def nearby_same_name(self, oblast: str, name_ru: str, coord: tuple[float, float] | None) -> dict[str, str] | None:
        """A row of another raion label with the same name within 10 km (e.g. a town filed under its own
        urban okrug by one source and under the surrounding raion by another) is the same place."""
        if coord is None or not name_ru:
            return None
        folded = fold_name(cleaned(name_ru))
        for (ob, _raion, name), ident in self.by_key.items():
            row = self.rows[ident]
            if ob == oblast and name == folded and row["lat"] and row["precision"] == "point":
                if geo_distance((float(row["lat"]), float(row["lon"])), coord).km <= 10:
                    return row
        return None

    def merge_sourced(self, r: dict[str, str], source: str, ref: str) -> None:
        """Merge one row read from a Wikipedia-type source (additions/ or curated/)."""
        raion = norm_raion(r.get("raion", ""), r.get("oblast", ""))
        oblast = r.get("oblast") or self.poly.oblast_of_raion.get(raion, "Kursk Oblast")
        name_ru = r.get("name_ru", "")
        if not name_ru and not r.get("name_en"):
            return
        if raion not in {k[1] for k in self.poly.raion} and oblast != "Sumy Oblast":
            self.log.append(f"skip {name_ru}: raion {raion!r} not known")
            return
        k = self.key(oblast, raion, name_ru or r["name_en"])
        existing = self.rows.get(self.by_key.get(k, ""))
        coord = parse_coord(r)
        if existing is None:
            existing = self.nearby_same_name(oblast, name_ru, coord)
        alt = "|".join(latin_repaired(cleaned(a)) for a in re.split(r"[|;/]", r.get("alt_names", "")) if cleaned(a))
        if coord is not None:
            ok, checked = self.poly.check(oblast, raion, *coord)
            if not ok:
                self.log.append(f"rejected coordinate of {name_ru} ({raion}): {checked}; {ref}")
                coord = None
        if existing is None:
            row = {
                "id": self.new_id("wp", raion, name_ru or r["name_en"]),
                "name_en": latin_repaired(r.get("name_en", "")) or english_name(name_ru),
                "name_ru": name_ru, "name_uk": r.get("name_uk", ""), "alt_names": alt, "lat": "", "lon": "",
                "country": "UA" if oblast == "Sumy Oblast" else "RU", "oblast": oblast, "raion": raion,
                "kind": r.get("kind", ""), "population": re.sub(r"\D.*", "", r.get("population", "")),
                "precision": "area", "precision_source": f"raion named by {source}", "coord_source": "",
                "coord_ref": ref, "checked": "", "notes": r.get("notes", "")[:300],
            }
            self.add(row)
            existing = row
        else:
            for col in ("name_uk", "kind"):
                if not existing[col] and r.get(col):
                    existing[col] = r[col]
            if alt:
                existing["alt_names"] = "|".join(dict.fromkeys(filter(None, existing["alt_names"].split("|") + alt.split("|"))))
        if coord is not None and existing["precision"] != "point" or (
            coord is not None and existing["coord_source"].startswith("geonames-postal")
        ):
            if existing["lat"] and existing["precision"] == "point":
                from_old = geo_distance((float(existing["lat"]), float(existing["lon"])), coord).km
                existing["notes"] = (existing["notes"] + f"; postal point replaced, {from_old:.1f} km away").strip("; ")
            existing.update(lat=f"{coord[0]:.5f}", lon=f"{coord[1]:.5f}", precision="point",
                            precision_source=f"coordinate printed in {source}", coord_source=source,
                            coord_ref=ref, checked="yes" if checked == "yes" else checked)
        elif coord is None and existing["precision"] == "area" and r.get("rel_anchor"):
            existing["_rel"] = json.dumps([r.get("rel_anchor"), r.get("rel_km"), r.get("rel_dir"), source, ref])

    def load_additions(self) -> None:
        for path in sorted((HERE / "inputs" / "additions").glob("*.csv")):
            for r in read_csv(path):
                if "Сумская" in r.get("raion", "") or "Охтыр" in r.get("raion", ""):
                    continue  # the Sumy-oblast Oleshnia is already in the base rows
                self.merge_sourced(r, "wikipedia (additions)", r.get("page_url", ""))

    def load_curated(self) -> None:
        for path in sorted((HERE / "curated").glob("*.csv")):
            try:
                rows = read_csv(path)
            except (OSError, csv.Error, UnicodeDecodeError) as exc:
                self.log.append(f"{path.name}: unreadable ({exc})")
                continue
            for r in rows:
                self.merge_sourced(r, r.get("source") or "wikipedia", r.get("page_url", ""))

    def place_relative(self) -> None:
        """Turn stated distance+bearing from a located place into an `approximate` coordinate."""
        by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in self.rows.values():
            if row["precision"] == "point" and row["name_ru"]:
                by_name[fold_name(cleaned(row["name_ru"]))].append(row)
        for row in self.rows.values():
            rel = row.pop("_rel", None)
            if not rel:
                continue
            anchor_name, km, direction, source, ref = json.loads(rel)
            anchors = [a for a in by_name.get(fold_name(anchor_name), []) if a["oblast"] == row["oblast"]]
            anchors.sort(key=lambda a: (a["raion"] != row["raion"], a["id"]))
            try:
                km_f = float(str(km).replace(",", "."))
            except ValueError:
                continue
            direction = (direction or "").upper().strip()
            if not anchors or direction not in BEARINGS:
                row["notes"] = (row["notes"] + f"; stated {km} km from {anchor_name} (no bearing): kept at area").strip("; ")
                continue
            a = anchors[0]
            dest = geo_distance(kilometers=km_f).destination((float(a["lat"]), float(a["lon"])), BEARINGS[direction])
            ok, checked = self.poly.check(row["oblast"], row["raion"], dest.latitude, dest.longitude)
            if not ok:
                self.log.append(f"relative position of {row['name_ru']} falls {checked}: kept at area")
                continue
            row.update(lat=f"{dest.latitude:.5f}", lon=f"{dest.longitude:.5f}", precision="approximate",
                       precision_source=f"{km_f:g} km {direction} of {a['name_en']} as stated by {source}",
                       coord_source=f"{source} (relative)", coord_ref=ref, checked=checked)

    def load_postal_placeholders(self) -> None:
        """Postal accuracy-1/3 rows: real settlements whose coordinate is a placeholder."""
        for r in read_csv(HERE / "inputs" / "postal_low_accuracy_dropped.csv"):
            oblast = OBLAST_FROM_SHORT.get(r["oblast"], r["oblast"])
            if post_office(r["id"], r["name"]):
                continue
            if oblast == "Sumy Oblast":
                continue  # Sumy rows carry a pre-2020 raion that has no polygon here; the base already covers Sumy
            k = self.key(oblast, r["raion"], r["name"])
            if k in self.by_key:
                continue
            row = {
                "id": r["id"], "name_en": english_name(r["name"]), "name_ru": r["name"], "name_uk": "",
                "alt_names": "", "lat": "", "lon": "", "country": "RU", "oblast": oblast, "raion": r["raion"],
                "kind": "", "population": "", "precision": "area",
                "precision_source": "GeoNames postal row names the raion; its coordinate is a placeholder",
                "coord_source": "", "coord_ref": f"postal accuracy {r['accuracy']}", "checked": "", "notes": "",
            }
            coord = parse_coord(r)
            if coord is not None and self.poly.check(oblast, r["raion"], *coord)[1] == "yes":
                row.update(lat=f"{coord[0]:.5f}", lon=f"{coord[1]:.5f}", precision="approximate",
                           precision_source="GeoNames postal estimate (accuracy 1) inside the stated raion",
                           coord_source="geonames-postal-acc1", checked="yes")
            self.add(row)

    def fill_areas(self) -> None:
        for row in self.rows.values():
            if row["precision"] == "area" and not row["lat"]:
                pt = self.poly.area_point(row["oblast"], row["raion"])
                if pt:
                    row["lat"], row["lon"] = f"{pt[0]:.5f}", f"{pt[1]:.5f}"
                    row["precision_source"] = (row["precision_source"] + f"; drawn at the representative point of {row['raion'] or row['oblast']}").strip("; ")

    # -- outputs --------------------------------------------------------------------------------
    def write(self) -> None:
        rows = sorted(self.rows.values(), key=lambda r: r["id"])
        for r in rows:  # each alternate spelling once, and not the name itself
            r["alt_names"] = "|".join(dict.fromkeys(a for a in r["alt_names"].split("|") if a and a != r["name_en"]))
        with (HERE / "settlements.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, OUT_COLUMNS, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({c: r.get(c, "") for c in OUT_COLUMNS})
        lines = spelling_lines(rows)
        (HERE / "spellings.tsv").write_text("".join(lines), encoding="utf-8")
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        for r in rows:
            counts[(r["oblast"], r["raion"], r["precision"])] += 1
        stats = ["oblast\traion\tprecision\trows"] + [f"{a}\t{b}\t{c}\t{n}" for (a, b, c), n in sorted(counts.items())]
        (HERE / "STATS.tsv").write_text("\n".join(stats) + "\n", encoding="utf-8")
        (HERE / "build_log.txt").write_text("\n".join(self.log) + "\n", encoding="utf-8")
        print(f"{len(rows)} settlements, {len(lines)} spellings; {len(self.log)} log lines in build_log.txt")


def spelling_lines(rows: list[dict[str, str]]) -> list[str]:
    """The lines of spellings.tsv: `id<TAB>spelling`, with a third column `slot` or `word` for a spelling
    that counts only where the text treats it as a name (see geo.places.spellings). A translated spelling
    (calque) that is another place's name, or the calque of two differently named places, is left out."""
    per_row = []
    names_of: dict[str, set[str]] = defaultdict(set)  # folded spelling → ids that have it as a name
    calques_of: dict[str, set[str]] = defaultdict(set)  # folded calque → folded original names
    for r in rows:
        alt = tuple(a for a in r["alt_names"].split("|") if a)
        ps = place_spellings(cleaned(r["name_ru"]), cleaned(r["name_uk"]), cleaned(r["name_en"]), alt)
        per_row.append((r, ps))
        for sp in ps.names:
            names_of[_fold(sp)].add(r["id"])
        for sp in ps.calques:
            calques_of[_fold(sp)].add(_fold(cleaned(r["name_ru"]) or cleaned(r["name_uk"])))
    lines = []
    for r, ps in per_row:
        out = dict(ps.names)
        for sp, flag in ps.calques.items():
            key = _fold(sp)
            if names_of.get(key, set()) - {r["id"]} or len(calques_of[key]) > 1:
                continue
            out[sp] = flag
        for sp in sorted(out):
            lines.append(f"{r['id']}\t{sp}\t{out[sp]}\n" if out[sp] else f"{r['id']}\t{sp}\n")
    return lines


def write_area_files(poly: Polygons) -> None:
    """Raion representative points (for `area` places found at run time) and simplified outlines for the map."""
    lines = ["oblast,raion,lat,lon"]
    for (oblast, raion), geom in sorted(poly.raion.items()):
        rp = geom.representative_point()
        lines.append(f"{oblast},{raion},{rp.y:.5f},{rp.x:.5f}")
    for oblast, geom in sorted(poly.oblast.items()):
        rp = geom.representative_point()
        lines.append(f"{oblast},,{rp.y:.5f},{rp.x:.5f}")
    (HERE / "area_points.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def feature(geom, props: dict) -> dict:
        gj = json.loads(json.dumps(geom.__geo_interface__, default=list))
        gj["coordinates"] = _round(gj["coordinates"])
        return {"type": "Feature", "properties": props, "geometry": gj}

    # One coverage, simplified together: the raions of the oblasts drawn with raions, and the other oblasts
    # whole. An edge two polygons share stays one line on the map (simplified one by one, the Kursk-Sumy
    # border showed as two lines), and an oblast drawn with raions is outlined by the union of its raions,
    # so its heavy outline and its raions' dashed edges coincide.
    with_raions = ("Kursk Oblast", "Belgorod Oblast")
    raions = sorted((k, v) for k, v in poly.raion.items() if k[0] in with_raions)
    others = sorted((k, v) for k, v in poly.oblast.items() if k not in with_raions)
    simple = shapely.coverage_simplify([g for _, g in raions] + [g for _, g in others], 0.01)
    simple_raions, simple_others = simple[:len(raions)], simple[len(raions):]
    oblast_geoms = dict(zip((k for k, _ in others), simple_others))
    for oblast in with_raions:
        parts = [g for (k, _), g in zip(raions, simple_raions) if k[0] == oblast]
        # filled: a gap between raions of the source (a city okrug it lacks) is not a hole in the oblast
        union = shapely.union_all(parts)
        oblast_geoms[oblast] = shapely.union_all([Polygon(p.exterior) for p in getattr(union, "geoms", [union])])
    # The other oblasts come from another source, whose shared edges run up to a few hundred metres off:
    # where they meet an oblast drawn with raions, only that oblast's edge is drawn (one border line).
    drawn = shapely.union_all([oblast_geoms[o] for o in with_raions]).buffer(0.012)
    for oblast in list(oblast_geoms):
        if oblast not in with_raions:
            oblast_geoms[oblast] = oblast_geoms[oblast].boundary.difference(drawn)
    layers = {
        "oblasts": {"type": "FeatureCollection",
                    "features": [feature(g, {"name": k}) for k, g in sorted(oblast_geoms.items())]},
        "raions": {"type": "FeatureCollection",
                   "features": [feature(g, {"name": k[1], "oblast": k[0]}) for (k, _), g in zip(raions, simple_raions)]},
    }
    (HERE / "base_layers.json").write_text(json.dumps(layers, separators=(",", ":"), sort_keys=True), encoding="utf-8")


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], 4), round(coords[1], 4)]
    return [_round(c) for c in coords]


def main() -> None:
    b = Builder()
    b.load_base()
    b.load_additions()
    b.load_curated()
    b.load_postal_placeholders()
    b.place_relative()
    b.fill_areas()
    b.write()
    write_area_files(b.poly)


if __name__ == "__main__":
    main()
