"""The gazetteer behind geopy's `Geocoder` interface, offline; optionally backed by an online geocoder.

`OfflineGazetteer().geocode("Суджа")` returns a `geopy.Location` like any geopy backend, so geopy code can use
the gazetteer without a network. `with_fallback(...)` adds an online geopy geocoder (Nominatim by default)
for names the gazetteer lacks: off unless asked for, limited to one request per second with geopy's
`RateLimiter`, and every answer is cached in `gazetteer/online_cache.csv` with its source, so it is asked once.
"""
from __future__ import annotations

import csv
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .gazetteer import Gazetteer, load
from .normalize import fold_name
from .records import Place


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
    """Offline first; for names it lacks, an online geopy geocoder, rate-limited and cached to a file."""

    def __init__(self, offline: OfflineGazetteer, online: Geocoder, cache_path: Path, min_delay_seconds: float = 1.0) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        super().__init__()
        self.offline = offline
        self.online = online
        self.cache_path = Path(cache_path)
        self._online_geocode = RateLimiter(online.geocode, min_delay_seconds=min_delay_seconds, max_retries=1)

    def _cached(self, query: str) -> Location | None:
        if not self.cache_path.exists():
            return None
        with self.cache_path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["query"] == fold_name(query):
                    return Location(row["address"], Point(float(row["lat"]), float(row["lon"])), {"source": row["source"]})
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
            new = not self.cache_path.exists()
            with self.cache_path.open("a", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, ["query", "address", "lat", "lon", "source"], lineterminator="\n")
                if new:
                    w.writeheader()
                w.writerow({"query": fold_name(query), "address": answer.address, "lat": f"{answer.latitude:.6f}",
                            "lon": f"{answer.longitude:.6f}", "source": type(self.online).__name__.lower()})
            cached = self._cached(query)
        return cached if exactly_one else [cached]


def with_fallback(cache_path: Path | None = None, online: Geocoder | None = None, **nominatim_kwargs) -> CachedFallbackGeocoder:
    """The offline gazetteer backed by Nominatim (or `online`). Never used unless a caller asks for it."""
    from geopy.geocoders import Nominatim

    from .gazetteer import DEFAULT_DIR

    online = online or Nominatim(user_agent="geo-claims (offline-first gazetteer)", **nominatim_kwargs)
    return CachedFallbackGeocoder(OfflineGazetteer(), online, cache_path or DEFAULT_DIR / "online_cache.csv")
