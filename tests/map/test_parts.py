"""The map's claims from one part per place (`geo.map.parts`): the payload is the one the claims give, and a build
makes again only the parts of the places whose claims it changed."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from geo.map import parts
from geo.map.data import MapClaim, Unlocated
from geo.map.payload import build_payload, payload_json
from geo.pipeline import build

from conftest import write_article
from map_fixture import build_data


def _with_parts(data):
    """The same data as a store gives it: each located place's part (through its JSON), only the unlocated
    claims in `claims`."""
    by_place: list[list[MapClaim]] = [[] for _ in data.places]
    unplaced: list[int] = []
    for i, c in enumerate(data.claims):
        if c.place is None:
            unplaced.append(i)
        else:
            by_place[c.place].append(c)
    kept = tuple(json.loads(parts.part_json(parts.part_of(cs, parts.ledger_order(cs)))) for cs in by_place)
    renumber = {orig: k for k, orig in enumerate(unplaced)}
    unlocated = [Unlocated(u.name, [renumber[i] for i in u.claims if i in renumber]) for u in data.unlocated]
    return replace(data, claims=[data.claims[i] for i in unplaced], unlocated=unlocated, parts=kept)


def test_a_payload_from_kept_parts_is_the_payload_from_the_claims():
    data = build_data()
    assert payload_json(build_payload(_with_parts(data))) == payload_json(build_payload(data))


def test_parts_keep_quotes_in_other_languages_and_odd_values_the_same_way():
    data = build_data()
    odd = [c._replace(language=("ru", "uk", "en")[i % 3], cue_en="captured" if i % 2 else "",
                      url=(None, "javascript:alert(1)", "https://example.org/a?b=1")[i % 3], citations=-1 if i % 4 else 2,
                      date=None if i % 5 == 0 else c.date, published="not a date" if i % 2 else c.published)
           for i, c in enumerate(data.claims)]
    data = replace(data, claims=odd, first=None, last=None)
    assert payload_json(build_payload(_with_parts(data))) == payload_json(build_payload(data))


def _parts_made(monkeypatch) -> list[int]:
    made: list[int] = []
    real = parts.part_of

    def counting(claims, order=None):
        made.append(len(claims))
        return real(claims, order)

    monkeypatch.setattr(parts, "part_of", counting)
    return made


def _two_places(tmp_path):
    """An articles folder with one claim about Plekhovo and one about Guyevo, built into `maps`."""
    articles, out = tmp_path / "articles", tmp_path / "maps"
    articles.mkdir()
    write_article(articles, "a1", "Russian troops captured the village of Plekhovo on Friday, the Russian Defence Ministry said.")
    write_article(articles, "a2", "Fighting continued near Guyevo on Tuesday, the Russian Defence Ministry said.")
    build(articles, out)
    return articles, out


def test_a_build_makes_again_only_the_parts_of_the_places_it_touched(tmp_path, monkeypatch):
    articles, out = _two_places(tmp_path)
    db = sqlite3.connect(out / "claims.sqlite")
    assert {r[0] for r in db.execute("SELECT p.name_en FROM map_parts m JOIN places p ON p.id = m.place_id")} == {"Plekhovo", "Guyevo"}
    db.close()
    made = _parts_made(monkeypatch)
    write_article(articles, "a3", "Ukrainian forces retook Plekhovo on Monday, Ukraine's General Staff said.", published="2025-03-11")
    build(articles, out)
    located = [n for n in made if n]  # the unlocated claims' part (none here) is made at every build
    assert located == [2], made  # Plekhovo's two claims; Guyevo's part was read as it was kept
    fresh = tmp_path / "fresh"
    build(articles, fresh)
    assert (out / "index.html").read_bytes() == (fresh / "index.html").read_bytes()

    # A place whose last claim goes leaves the map and its part the store.
    (articles / "a2.txt").unlink()
    (articles / "a2.meta.json").unlink()
    build(articles, out)
    db = sqlite3.connect(out / "claims.sqlite")
    assert {r[0] for r in db.execute("SELECT p.name_en FROM map_parts m JOIN places p ON p.id = m.place_id")} == {"Plekhovo"}
    assert db.execute("SELECT COUNT(*) FROM map_parts").fetchone()[0] == 1
    db.close()
    fresh2 = tmp_path / "fresh2"
    build(articles, fresh2)
    assert (out / "index.html").read_bytes() == (fresh2 / "index.html").read_bytes()


def test_a_store_without_parts_or_with_parts_of_another_layout_makes_them_again(tmp_path, monkeypatch):
    articles, out = _two_places(tmp_path)
    before = (out / "index.html").read_bytes()
    db = sqlite3.connect(out / "claims.sqlite")
    with db:
        db.execute("UPDATE map_parts SET version = 'old', part = '{}' WHERE place_id IN (SELECT id FROM places WHERE name_en = 'Guyevo')")
        db.execute("DELETE FROM map_parts WHERE place_id IN (SELECT id FROM places WHERE name_en = 'Plekhovo')")
    db.close()
    write_article(articles, "a3", "Analysts said the front had barely moved.", published="2025-03-11")  # touches no place
    made = _parts_made(monkeypatch)
    build(articles, out)
    assert sorted(n for n in made if n) == [1, 1]
    assert (out / "index.html").read_bytes() == before


def test_parts_made_all_at_once_and_kept_give_the_same_payload(tmp_path):
    """A build that reads most of its store again makes every part from all claims at once (the seeds name
    Skrylevka, which no source locates: its claims stay out of the parts)."""
    from conftest import ROOT
    from geo import store
    from geo.map.data import map_data
    from geo.places.gazetteer import load

    out = tmp_path / "maps"
    build(ROOT / "seeds", out)
    gaz = load()
    with store.atomic(out / "claims.sqlite") as tx:
        made, _ = map_data(tx.db, gaz, out, None)
        kept, _ = map_data(tx.db, gaz, out, set())
        tx.discard()
    assert made.claims and made.unlocated and any(u.claims for u in made.unlocated)
    assert payload_json(build_payload(made)) == payload_json(build_payload(kept))
