"""Map controls for the geo-claims page: one folium ``MacroElement`` per control.

Each control is a Jinja template in ``geo/templates/`` with ``header`` / ``html`` / ``script``
macros, the way ``folium.plugins`` builds its plugins.  None of them links to a CDN: the shared
state engine (``templates/map_core.js``), the CSS and Leaflet itself are inlined by
:class:`InlineAssets` and :class:`ClaimsApp`.

Element ids are fixed strings (``gc_<slot>``) instead of folium's random uuid4 ids so the
rendered page is byte-identical for identical input.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

TEMPLATES = Path(__file__).with_name("templates")
VENDOR = Path(__file__).with_name("vendor")


@lru_cache(maxsize=None)
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _inline_safe(text: str, tag: str) -> str:
    """Make ``text`` safe to sit inside an inline <script>/<style> element."""
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


@lru_cache(maxsize=None)
def leaflet_assets() -> tuple[str, str]:
    """Vendored Leaflet 1.9.4 (JS, CSS); CSS image URLs become data: URIs (no requests)."""
    base = VENDOR / "leaflet"
    css = _text(base / "leaflet.css")

    def to_data_uri(m: re.Match) -> str:
        img = base / "images" / m.group(1)
        return "url(data:image/png;base64," + base64.b64encode(img.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", to_data_uri, css)
    js = _text(base / "leaflet.js")
    return _inline_safe(js, "script"), _inline_safe(css, "style")


class RawElement(Element):
    """Already-rendered markup.  ``render`` returns it verbatim.

    branca's ``MacroElement.render`` wraps each macro's output in ``Element(output)``, which
    compiles that output as a *new Jinja template* and renders it again: any ``{{ ... }}`` or
    ``{% ... %}`` in the (untrusted) data would be evaluated - server-side template injection.
    Our controls therefore add their macro output as ``RawElement`` instead.
    """

    def __init__(self, raw: str):
        super().__init__()
        self._raw = raw

    def render(self, **kwargs) -> str:
        return self._raw


class _Control(MacroElement):
    """Base: fixed id, template loaded from geo/templates/<template_file>."""

    template_file = ""
    slot = ""

    def __init__(self, app: "ClaimsApp | None" = None):
        super().__init__()
        self._name = type(self).__name__
        self._id = "gc_" + self.slot
        self._template = _template(self.template_file)
        self.app = app

    def render(self, **kwargs):
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
        module = self._template.module
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(RawElement(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)

    @property
    def app_name(self) -> str:
        return self.app.get_name() if self.app is not None else ""

    @property
    def map_name(self) -> str:
        assert self._parent is not None, "a control is rendered inside its map"
        return self._parent.get_name()


class OfflineMap(folium.Map):
    """folium.Map without folium's ~17 CDN <script>/<link> URLs (Leaflet is inlined instead)."""

    default_js: list = []
    default_css: list = []

    def __init__(self, **kwargs):
        kwargs.setdefault("tiles", None)
        super().__init__(**kwargs)
        self._id = "gc"


class InlineAssets(_Control):
    """Inline vendored Leaflet JS and CSS (BSD-2-Clause, geo/vendor/leaflet/LICENSE)."""

    template_file = "inline_assets.html.j2"
    slot = "leaflet"

    def __init__(self):
        super().__init__(None)
        self.js, self.css = leaflet_assets()


class ClaimsApp(_Control):
    """Shared state engine + the embedded data (a JSON <script>, read with JSON.parse)."""

    template_file = "claims_app.html.j2"
    slot = "app"

    def __init__(self, payload_json: str):
        super().__init__(None)
        self.app = self
        self.payload_json = payload_json
        self.core_js = _inline_safe(_text(TEMPLATES / "map_core.js"), "script")
        self.css = _inline_safe(_text(TEMPLATES / "map.css"), "style")


class TimeSlider(_Control):
    """Day-step slider first..last with play/pause and arrow keys."""

    template_file = "time_slider.html.j2"
    slot = "slider"

    def __init__(self, app: ClaimsApp, interval_ms: int = 250):
        super().__init__(app)
        self.interval_ms = int(interval_ms)


class SideToggles(_Control):
    """Toggles per claimant side (with swatches), the "only where sources disagree" filter, optional OSM tiles."""

    template_file = "side_toggles.html.j2"
    slot = "toggles"

    def __init__(self, app: ClaimsApp, osm_default: bool = False):
        super().__init__(app)
        self.osm_default = bool(osm_default)


class Legend(_Control):
    template_file = "legend.html.j2"
    slot = "legend"

    def __init__(self, app: ClaimsApp, stale_days: int = 30):
        super().__init__(app)
        self.stale_days = int(stale_days)


class Counts(_Control):
    """'Settlements as of 2025-03-13: 41 Russian control claimed, 12 Ukrainian control claimed, ...'."""

    template_file = "counts.html.j2"
    slot = "counts"


class SearchBox(_Control):
    """Search any spelling of a settlement; zooms to it and opens its ledger."""

    template_file = "search_box.html.j2"
    slot = "search"


class UnlocatedPanel(_Control):
    """'Named, not yet located' panel."""

    template_file = "unlocated_panel.html.j2"
    slot = "unlocated"


class LedgerPanel(_Control):
    """Per-settlement ledger of claims up to the slider date, opened on click: a side sheet on a desktop, a
    bottom sheet above the slider on a phone."""

    template_file = "ledger_panel.html.j2"
    slot = "ledger"


class NewsPanel(_Control):
    """The day's news: claims made on the slider day and the settlements changed since the previous claim day."""

    template_file = "news_panel.html.j2"
    slot = "news"


class NoticePanel(_Control):
    """What the page could not use of the link (#date=…&place=…) it was opened with."""

    template_file = "notice_panel.html.j2"
    slot = "notice"


class Boot(_Control):
    """Starts the app after every control has subscribed (reads the URL hash)."""

    template_file = "boot.html.j2"
    slot = "boot"
