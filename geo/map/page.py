"""The map page: one self-contained, offline, deterministic HTML file.

    render_map(data, out_path, base_layers)

``data`` is the map data (`geo.map.data.MapData`); ``base_layers`` holds the simplified oblast / raion outlines
drawn as always-on layers.

* folium builds the page (``OfflineMap`` + one ``MacroElement`` per control, see
  ``geo/map/controls.py``) but none of folium's CDN links are emitted: Leaflet 1.9.4 is
  vendored in ``geo/map/vendor/leaflet`` and inlined, so the page makes no request at all unless
  the reader ticks "OpenStreetMap tiles (online)".
* The page around the data is rendered once per version of the map code and cached; the data
  (`geo.map.payload`) is written into its slot.
* Output is byte-identical for identical input: fixed element ids, sorted JSON keys, no
  timestamps.
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

from . import chunks
from .data import MapData
from .payload import build_payload, payload_json

PAYLOAD_SLOT = "@@gc-payload-json@@"  # where the data goes in the rendered page shell
SHELL_SOURCES = [Path(__file__), Path(__file__).with_name("controls.py")]


def build_figure(payload_text: str, stale_days: int):
    """The folium page: the map, the inlined assets, and one MacroElement per control."""
    from . import controls as mc  # folium is imported only when a page shell is rendered

    import folium

    fig = folium.Figure(title="Reported control: dated, sourced claims")
    fig._id = "gc_figure"
    m = mc.OfflineMap(location=[49.0, 33.0], zoom_start=6, control_scale=True, prefer_canvas=False)
    m.add_to(fig)
    mc.InlineAssets().add_to(m)
    app = mc.ClaimsApp(payload_text)
    app.add_to(m)
    for ctl in (
        mc.NoticePanel(app),
        mc.TimeSlider(app),
        mc.SearchBox(app),
        mc.Counts(app),
        mc.NewsPanel(app),
        mc.SideToggles(app),
        mc.Legend(app, stale_days=stale_days),
        mc.UnlocatedPanel(app),
        mc.LedgerPanel(app),
        mc.Boot(app),
    ):
        ctl.add_to(m)
    return fig


def shell_key(stale_days: int) -> str:
    """Changes whenever anything that shapes the page around its data changes."""
    here = Path(__file__).parent
    h = hashlib.sha256(f"{stale_days}|{metadata.version('folium')}|{metadata.version('branca')}".encode())
    for path in SHELL_SOURCES + sorted((here / "templates").rglob("*")) + sorted((here / "vendor").rglob("*")):
        if path.is_file():
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def page_shell(stale_days: int, cache_dir: Path | None = None) -> str:
    """The page with PAYLOAD_SLOT where the data goes. Rendering it costs a folium import and a Jinja pass
    (about a second), so it is kept in ``cache_dir`` under its `shell_key` and reused; the page is the
    same bytes either way."""
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"page-shell-{shell_key(stale_days)}.html"
        try:
            shell = path.read_text(encoding="utf-8")
            if shell.count(PAYLOAD_SLOT) == 1:
                return shell
        except (OSError, UnicodeDecodeError):
            pass
    shell = build_figure(PAYLOAD_SLOT, stale_days).render()
    assert shell.count(PAYLOAD_SLOT) == 1
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("page-shell-*.html"):
                old.unlink(missing_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(shell, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return shell


DATA_TAG = '<script type="application/json" id="gc-data">'


def reference_assets() -> str:
    """The reference layers' script and style (templates/reference.js, .css), inlined only into a page that has
    a registered layer: a page without one stays the same bytes."""
    import re

    def inline(name: str, tag: str) -> str:  # as controls._inline_safe, without importing folium
        text = (Path(__file__).with_name("templates") / name).read_text(encoding="utf-8")
        return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)

    js, css = inline("reference.js", "script"), inline("reference.css", "style")
    return f"<style>{css}</style>\n<script>{js}</script>\n"


def chunk_assets() -> str:
    """The chunk loader (templates/chunks.js), inlined only into a page that loads chunks."""
    import re

    text = (Path(__file__).with_name("templates") / "chunks.js").read_text(encoding="utf-8")
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE) + "</script>\n"


def render_html(data: MapData, base_layers: dict | None = None, cache_dir: Path | None = None) -> str:
    return _page(build_payload(data, base_layers), cache_dir)


def _page(payload: dict, cache_dir: Path | None) -> str:
    before, after = page_shell(payload["stale"], cache_dir).split(PAYLOAD_SLOT)
    if payload.get("r"):
        # after the state engine (it extends GeoClaims.App) and before the app is made from the data
        at = before.rindex(DATA_TAG)
        before = before[:at] + reference_assets() + before[at:]
    if payload.get("ch"):  # a large store's page: its claims' details load from chunk files (chunks.py)
        at = before.rindex(DATA_TAG)
        before = before[:at] + chunk_assets() + before[at:]
    return before + payload_json(payload) + after


def render_map(data: MapData, out_path: Path, base_layers: dict, cache_dir: Path | None = None,
               chunk_dir: Path | None = None) -> list[str]:
    """Write the map page for ``data`` to ``out_path``: one self-contained file, or with `chunks.CHUNK_FROM`
    claims or more and a ``chunk_dir`` (beside the page's final place), a page that loads its claims' details
    from chunk files there (`geo.map.chunks`). Returns the chunk files' names (none for a one-file page); files
    already there under a name are not written again (the name is its content's hash)."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    payload = build_payload(data, base_layers)
    names: list[str] = []
    if chunk_dir is not None and len(payload["c"]["x"]) >= chunks.CHUNK_FROM:
        payload, parts = chunks.split(payload)
        chunk_dir.mkdir(parents=True, exist_ok=True)
        for part in parts:
            text = ("GeoClaims.chunk(" + payload_json(part) + ");\n").encode("utf-8")
            name = hashlib.sha256(text).hexdigest()[:20] + ".js"
            path = chunk_dir / name
            if not path.is_file() or path.stat().st_size != len(text):
                tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
                tmp.write_bytes(text)
                os.replace(tmp, path)
            names.append(name)
        payload["ch"] = [[f"{chunk_dir.name}/{name}", *entry] for name, entry in zip(names, payload["ch"])]
    out_path.write_bytes(_page(payload, cache_dir).encode("utf-8"))
    return names


def prune_chunks(chunk_dir: Path, keep: list[str]) -> None:
    """Remove the chunk files the page no longer names (and the folder, once empty), after the new page is in
    place: until then the old page's chunks are still the ones it loads."""
    if not chunk_dir.is_dir():
        return
    for path in chunk_dir.iterdir():
        if path.name not in keep:
            path.unlink(missing_ok=True)
    if not keep:
        try:
            chunk_dir.rmdir()
        except OSError:
            pass
