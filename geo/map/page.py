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


def render_html(data: MapData, base_layers: dict | None = None, cache_dir: Path | None = None) -> str:
    payload = build_payload(data, base_layers)
    before, after = page_shell(payload["stale"], cache_dir).split(PAYLOAD_SLOT)
    if payload.get("r"):
        # after the state engine (it extends GeoClaims.App) and before the app is made from the data
        at = before.rindex(DATA_TAG)
        before = before[:at] + reference_assets() + before[at:]
    return before + payload_json(payload) + after


def render_map(data: MapData, out_path: Path, base_layers: dict, cache_dir: Path | None = None) -> None:
    """Write the self-contained map page for ``data`` to ``out_path``."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(render_html(data, base_layers, cache_dir).encode("utf-8"))
