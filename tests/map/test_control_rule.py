"""The control-state rule is written twice: in Python (`geo.timeline.intervals`, behind the GeoPackage's latest
status per side) and in the page's JavaScript (`GeoClaims.App`, behind the map). The same claims, evaluated by
both on every day, must give the same status per place and side: a side's claim holds until that side's next
dated claim about the place; when one side's sources disagree on a day the strongest claim stands (control beats
"contested"; both controls make it contested) and the day is marked a conflict; undated claims move nothing. The
page shows third parties and sides not stated under one toggle, so both count as one side here."""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from geo.map.data import MapClaim, MapData, MapPlace, Unlocated
from geo.map.payload import SIDES, STATUSES, build_payload
from geo.timeline import intervals

from conftest import ROOT

NODE = shutil.which("node")
CHROMIUM = "/usr/bin/chromium"
FIRST = date(2024, 8, 6)
DAYS = 60
N_PLACES = 6

# Builds the page's App from the payload (map_core.js loaded as the page loads it: it needs only `window`) and
# asks computeState with one side visible at a time: bits 0..2 of the state are the statuses that side shows.
STATES = """
function states(payload) {
  const app = new window.GeoClaims.App(null, payload);
  const out = [];
  for (let p = 0; p < payload.p.length; p++) {
    for (let side = 0; side < 3; side++) {
      app.visible = [side === 0, side === 1, side === 2];
      const row = [];
      for (let day = 0; day < app.nDays; day++) { app.day = day; row.push(app.computeState(p) & 23); }
      out.push(row);
    }
  }
  return out;
}
"""
NODE_MAIN = STATES + """
const fs = require('fs');
global.window = {};
eval(fs.readFileSync(process.env.GC_CORE, 'utf8'));
process.stdout.write(JSON.stringify(states(JSON.parse(fs.readFileSync(0, 'utf8')))));
"""
CORE = ROOT / "geo" / "map" / "templates" / "map_core.js"
STATUS_OF_MASK = {0: None, 1: "russia", 2: "ukraine", 4: "contested"}
GROUPS = {"russia": "russia", "ukraine": "ukraine", "third_party": "other", "unknown": "other"}


def _cases() -> list[MapClaim]:
    """Hand-made cases (same-day disagreement, agreement, three claims on a day, an undated claim, a claim on
    the last day) and seeded random ones, several per place, side and day."""
    def claim(place: int, day: int | None, status: str, side: str) -> MapClaim:
        when = None if day is None else (FIRST + timedelta(days=day)).isoformat()
        return MapClaim(place, when, status, side, "c", "p", "a", None, "e", None, 1, "cue")

    out = [claim(0, 3, "russia", "russia"), claim(0, 3, "ukraine", "russia"), claim(0, 9, "russia", "russia"),
           claim(0, 5, "ukraine", "ukraine"), claim(0, 5, "ukraine", "ukraine"), claim(0, None, "russia", "ukraine"),
           claim(1, 0, "contested", "third_party"), claim(1, 0, "russia", "third_party"), claim(1, 0, "contested", "third_party"),
           claim(1, DAYS - 1, "ukraine", "russia"), claim(1, 20, "russia", "ukraine"), claim(1, 20, "contested", "ukraine")]
    rng = random.Random(12)
    for _ in range(400):
        out.append(claim(rng.randrange(2, N_PLACES), rng.choice([None] + list(range(DAYS)) * 3), rng.choice(STATUSES),
                         rng.choice(SIDES)))
    return out


def _page_states(payload: dict) -> list[list[int]]:
    """The page's states, in node when it is on PATH, else in Debian's Chromium."""
    if NODE is not None:
        result = subprocess.run([NODE, "-e", NODE_MAIN], input=json.dumps(payload), capture_output=True, text=True,
                                env={**os.environ, "GC_CORE": str(CORE)})
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    if not Path(CHROMIUM).exists():
        pytest.skip("neither node nor /usr/bin/chromium is here")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.add_script_tag(content=CORE.read_text(encoding="utf-8"))
            return page.evaluate(f"payload => {{ {STATES} return states(payload); }}", payload)
        finally:
            browser.close()


def test_python_and_the_page_agree_on_the_state_of_every_day():
    claims = _cases()
    places = [MapPlace(f"p{i}", f"Place {i}", "", "", 51.0, 35.0 + i / 10, "point", "", "", "", ()) for i in range(N_PLACES)]
    last = (FIRST + timedelta(days=DAYS - 1)).isoformat()
    payload = build_payload(MapData(places, claims, [Unlocated("x", [])], FIRST.isoformat(), last))
    page = _page_states(payload)

    ivs = intervals([(f"p{c.place}", GROUPS[c.side], c.status, c.date) for c in claims])
    checked = conflicts = 0
    for p in range(N_PLACES):
        for s, side in enumerate(("russia", "ukraine", "other")):
            mine = [iv for iv in ivs if iv.place_id == f"p{p}" and iv.side == side]
            for day in range(DAYS):
                iso = (FIRST + timedelta(days=day)).isoformat()
                python = next((iv for iv in mine if iv.start <= iso and (iv.end is None or iso < iv.end)), None)
                state = page[3 * p + s][day]
                assert STATUS_OF_MASK[state & 7] == (python and python.status), (f"p{p}", side, iso)
                assert bool(state & 16) == bool(python and python.conflict), (f"p{p}", side, iso)
                checked += python is not None
                conflicts += bool(python and python.conflict)
    assert checked > DAYS and conflicts > 0  # the cases do set states and conflicts (an empty comparison would pass)


def test_a_capture_beats_fighting_continues_from_the_same_side_on_the_same_day():
    """Gerasimov says Gornal is liberated; three Russian-side sources say fighting goes on, the same day: the
    Russian side's status is Russian control, marked as a conflict; control for both sides from one side is
    contested."""
    from geo.timeline import day_status

    assert day_status({"russia", "contested"}) == ("russia", True)
    assert day_status({"ukraine", "contested"}) == ("ukraine", True)
    assert day_status({"russia", "ukraine"}) == ("contested", True)
    assert day_status({"russia", "ukraine", "contested"}) == ("contested", True)
    assert day_status({"contested"}) == ("contested", False)
    d = "2025-04-26"
    ivs = intervals([("gornal", "russia", "russia", d)] + [("gornal", "russia", "contested", d)] * 3)
    assert [(iv.status, iv.conflict) for iv in ivs] == [("russia", True)]
