"""The gazetteer behind geopy's `Geocoder` interface, offline; optionally backed by an online geocoder.

`OfflineGazetteer().geocode("Суджа")` returns a `geopy.Location` like any geopy backend, so geopy code can use
the gazetteer without a network. `with_fallback(...)` adds an online geopy geocoder (Nominatim by default)
for names the gazetteer lacks: off unless asked for, limited to one request per second with geopy's
`RateLimiter`, and every answer is written to `gazetteer/local.csv` with its source, so it is asked once.
An online answer is a point for a name, not checked against a raion: it enters as `approximate`.
"""
from __future__ import annotations

import csv
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .gazetteer import Gazetteer, load
from ..normalize import fold_name
from ..records import Place


def _location(p: Place) -> Location:
    raw = {"id": p.id, "name_en": p.name_en, "name_ru": p.name_ru, "name_uk": p.name_uk, "raion": p.raion,
           "oblast": p.oblast, "precision": p.precision, "precision_source": p.precision_source}
    address = ", ".join(x for x in (p.name_en, f"{p.raion} raion" if p.raion else "", p.oblast) if x)
    return Location(address, Point(p.lat, p.lon), raw)


class OfflineGazetteer(Geocoder):
    """geopy Geocoder over the offline gazetteer. Places without a coordinate are not returned."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__()
        self.gaz = gazetteer or load()

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs):
        places = [p for p in self.gaz.lookup(str(query)) if p.lat is not None]
        if not places:
            return None
        locations = [_location(p) for p in places]
        return locations[0] if exactly_one else locations


class CachedFallbackGeocoder(Geocoder):
    """Offline first; for names it lacks, an online geopy geocoder, rate-limited, its answers written to
    `gazetteer/local.csv` (source: the online geocoder's name) so each name is asked once and the next build
    uses it like any local addition."""

    def __init__(self, offline: OfflineGazetteer, online: Geocoder, local_csv: Path, min_delay_seconds: float = 1.0) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        super().__init__()
        self.offline = offline
        self.online = online
        self.local_csv = Path(local_csv)
        self.source = type(online).__name__.lower()
        self._online_geocode = RateLimiter(online.geocode, min_delay_seconds=min_delay_seconds, max_retries=1)

    def _cached(self, query: str) -> Location | None:
        if not self.local_csv.exists():
            return None
        with self.local_csv.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("source") == self.source and fold_name(row.get("notes", "")).startswith(f"query: {fold_name(query)};"):
                    return Location(row["name_en"], Point(float(row["lat"]), float(row["lon"])),
                                    {"source": row["source"], "id": row["id"]})
        return None

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs):
        found = self.offline.geocode(query, exactly_one=exactly_one)
        if found:
            return found
        cached = self._cached(query)
        if cached is None:
            answer = self._online_geocode(query, exactly_one=True, **kwargs)
            if answer is None:
                return None
            from .local import locate

            oblast, raion = locate(answer.latitude, answer.longitude, self.offline.gaz.directory)
            if oblast is None:
                return None  # a homonym outside the theatre's oblasts is not this settlement
            self._append(query, answer, oblast, raion)
            cached = self._cached(query)
        return cached if exactly_one else [cached]

    def _append(self, query: str, answer: Location, oblast: str, raion: str) -> None:
        from .gazetteer import LOCAL_COLUMNS

        new = not self.local_csv.exists()
        ident = f"{self.source}:" + "-".join(fold_name(query).split())
        with self.local_csv.open("a", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, LOCAL_COLUMNS, lineterminator="\n")
            if new:
                w.writeheader()
            w.writerow({"id": ident, "name_en": str(query), "name_ru": "", "name_uk": "", "alt_names": "",
                        "lat": f"{answer.latitude:.6f}", "lon": f"{answer.longitude:.6f}", "oblast": oblast, "raion": raion,
                        "precision": "approximate", "source": self.source,
                        "notes": f"query: {query}; answer: {answer.address}"[:300]})


def with_fallback(local_csv: Path | None = None, online: Geocoder | None = None, min_delay_seconds: float = 1.0,
                  **nominatim_kwargs) -> CachedFallbackGeocoder:
    """The offline gazetteer backed by Nominatim (or `online`). Never used unless a caller asks for it."""
    from geopy.geocoders import Nominatim

    from . import gazetteer

    online = online or Nominatim(user_agent="geo-claims (offline-first gazetteer)", **nominatim_kwargs)
    return CachedFallbackGeocoder(OfflineGazetteer(), online, local_csv or gazetteer.DEFAULT_DIR / "local.csv",
                                  min_delay_seconds)
