"""The gazetteer behind geopy's `Geocoder` interface, offline; optionally backed by an online geocoder.

`OfflineGazetteer().geocode("Суджа")` returns a `geopy.Location` like any geopy backend, so geopy code can use
the gazetteer without a network. `with_fallback(...)` adds an online geopy geocoder (Nominatim by default)
for names the gazetteer lacks: off unless asked for, limited to one request per second with geopy's
`RateLimiter`, and every answer is written to `gazetteer/local.csv` with its source, so it is asked once.
An online answer is a point for a name, not checked against a raion: it enters as `approximate`.
"""
from __future__ import annotations

from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from ..normalize import fold_name, place_slug
from ..records import Place
from . import local
from .gazetteer import Gazetteer, load


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
        # The answers already cached, read once: folded query → its row (the first one, in file order).
        self._answers: dict[str, dict[str, str]] = {}
        if self.local_csv.exists():
            for _, row in local.read_rows(self.local_csv):
                self._remember(row)

    def _remember(self, row: dict[str, str]) -> None:
        """Index a cached answer by the query its notes record ("query: Q; answer: …"). The folded notes
        answer every query Q whose fold they start with, followed by ";"."""
        if row.get("source") != self.source:
            return
        notes = fold_name(row.get("notes") or "")
        if not notes.startswith("query: "):
            return
        for end, ch in enumerate(notes):
            if ch == ";" and end >= len("query: "):
                self._answers.setdefault(notes[len("query: "):end], row)

    def _cached(self, query: str) -> Location | None:
        row = self._answers.get(fold_name(query))
        if row is None:
            return None
        return Location(row["name_en"], Point(float(row["lat"]), float(row["lon"])), {"source": row["source"], "id": row["id"]})

    def geocode(self, query: str, *, exactly_one: bool = True, **kwargs):
        found = self.offline.geocode(query, exactly_one=exactly_one)
        if found:
            return found
        cached = self._cached(query)
        if cached is None:
            answer = self._online_geocode(query, exactly_one=True, **kwargs)
            if answer is None:
                return None
            oblast, raion = local.locate(answer.latitude, answer.longitude, self.offline.gaz.directory)
            if oblast is None:
                return None  # a homonym outside the theatre's oblasts is not this settlement
            row = {"id": f"{self.source}:" + place_slug(query), "name_en": str(query), "name_ru": "", "name_uk": "",
                   "alt_names": "", "lat": f"{answer.latitude:.6f}", "lon": f"{answer.longitude:.6f}", "oblast": oblast,
                   "raion": raion, "precision": "approximate", "source": self.source,
                   "notes": f"query: {query}; answer: {answer.address}"[:300]}
            local.append(self.local_csv, row)
            self._remember(row)
            cached = self._cached(query)
        return cached if exactly_one else [cached]


def with_fallback(local_csv: Path | None = None, online: Geocoder | None = None, min_delay_seconds: float = 1.0,
                  **nominatim_kwargs) -> CachedFallbackGeocoder:
    """The offline gazetteer backed by Nominatim (or `online`). Never used unless a caller asks for it."""
    from geopy.geocoders import Nominatim

    offline = OfflineGazetteer()
    online = online or Nominatim(user_agent="geo-claims (offline-first gazetteer)", **nominatim_kwargs)
    return CachedFallbackGeocoder(offline, online, local_csv or offline.gaz.local, min_delay_seconds)
