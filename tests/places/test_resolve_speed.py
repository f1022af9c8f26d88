"""The place stage's own great-circle distance is geopy's, number for number."""
from __future__ import annotations

import random

from geopy.distance import great_circle

from geo.places.resolve import _km


def test_km_is_geopys_great_circle() -> None:
    r = random.Random(3)
    for _ in range(2000):
        a, b = (r.uniform(44, 56), r.uniform(28, 42)), (r.uniform(44, 56), r.uniform(28, 42))
        assert _km(*a, *b) == great_circle(a, b).km
    assert _km(51.21, 35.27, 51.21, 35.27) == 0.0
