"""The map keeps only absolute http(s) links: the quick check for plain URLs agrees with the careful one
(urllib's urlsplit) on every URL, hostile or not."""
from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, strategies as st

from geo.map import payload

from conftest import property_settings


def _careful(url: str) -> str | None:
    u = url.strip()
    if not payload._URL_OK.fullmatch(u):
        return None
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    return u if parts.scheme.lower() in ("http", "https") and parts.netloc else None


CASES = ["https://example.org/x", "http://a.b:80/p?q=1#f", "https://[::1]/x", "http://[::1", "http:///x", "https://",
         "https://ex ample.org", "https://ex%41.org/", "https://user@host/x", "https://h/\u00e9", "HTTPS://H.ORG",
         "https://h.org]/x", "https://h.org/[x]", "http://h:/x", "https://h.org/x\x7f", "https://h.org\\x",
         "javascript:alert(1)", " https://h.org/ ", "https://h.org/\u2028", "https://\uff0fevil.org", "http://h?x",
         "https://h.org#", "data:text/html,x", "https://h.org/a\tb", "//h.org/x"]


def test_quick_and_careful_checks_agree_on_hostile_urls():
    for url in CASES:
        payload._safe_url.cache_clear()
        assert payload.safe_url(url) == _careful(url), url


@property_settings(500)
@given(st.text(alphabet=st.sampled_from(list("hts:/[]@%?#.:-_ \t\\aZ09\u00e9\uff0f")), max_size=30))
def test_quick_and_careful_checks_agree(tail):
    for url in ("https://" + tail, "http://" + tail, tail):
        payload._safe_url.cache_clear()
        assert payload.safe_url(url) == _careful(url), url
