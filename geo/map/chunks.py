"""The map of a large store: the page holds what the slider, the markers and the panels' summaries need, and
loads the rest of each claim (its quote, source, cue and citations) in chunks from files beside it.

    index, chunks = split(payload)         # payload: geo.map.payload.build_payload(...)

* From `CHUNK_FROM` claims on (`geo.map.page.render_map`); a smaller store keeps its one self-contained file,
  byte for byte as before.
* The page keeps, per claim, its place (``k``), day (``d``), status and side (``x``) and claimant (``w``):
  a few bytes each, so the first view decodes a million claims in well under a second. ``e h a b q g l r`` and
  the article table ``a`` go to the chunks: contiguous runs of `CHUNK_CLAIMS` claims in the payload's order
  (by place, then day), so the ledger of one place needs one chunk, seldom two.
* A chunk is a script, ``GeoClaims.chunk({...});``, in ``<page>-claims/`` named by its content's hash: a page
  opened from disk (file://) may load scripts beside it where it may not fetch files, unchanged chunks keep
  their names (a rebuild writes only the chunks that changed), and the names are the same for the same data.
* In a chunk: ``o`` its first claim's index; ``c`` the columns of its claims (``e``: a sentence, or the index
  within the chunk of an earlier claim with the same sentence); ``a`` the rows of the articles it cites, ``c.a``
  indexing them.
"""
from __future__ import annotations

from typing import Any

CHUNK_FROM = 200_000  # claims: from here on the page loads its claims' details in chunks
CHUNK_CLAIMS = 20_000  # claims per chunk: about 2.5 MB of quotes and sources
DETAIL = ("e", "h", "a", "b", "q", "g", "l", "r")  # the claim columns the chunks carry


def split(payload: dict, size: int | None = None) -> tuple[dict, list[dict]]:
    """(the page's payload without the claims' details, the chunks of details in claim order). The page's payload
    lists the chunks in ``ch`` as [first claim, claims] (`render_map` puts each file's name in front)."""
    size = size or CHUNK_CLAIMS
    c = payload["c"]
    n = len(c["x"])
    articles = payload["a"]
    chunks: list[dict] = []
    for start in range(0, n, size):
        end = min(n, start + size)
        part: dict[str, Any] = {k: c[k][start:end] for k in ("b", "q", "g", "l", "r") if k in c}
        part["h"] = c["h"][2 * start:2 * end]
        evidence: list = []
        for i in range(start, end):
            e = c["e"][i]
            if type(e) is int:  # an earlier claim's sentence: kept as a reference only within the chunk
                e = e - start if e >= start else c["e"][e]
            evidence.append(e)
        part["e"] = evidence
        local: dict[int, int] = {}
        rows: list = []
        col_a: list[int] = []
        for g in c["a"][start:end]:
            j = local.get(g)
            if j is None:
                j = local[g] = len(rows)
                rows.append(articles[g])
            col_a.append(j)
        part["a"] = col_a
        chunks.append({"o": start, "c": part, "a": rows})
    index = {k: v for k, v in payload.items() if k != "a"}
    index["c"] = {k: v for k, v in c.items() if k not in DETAIL}
    index["ch"] = [[ch["o"], len(ch["c"]["e"])] for ch in chunks]
    return index, chunks
