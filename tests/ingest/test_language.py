"""Each article's language: from its metadata when given, else detected from its text; a mixed folder builds
into one store."""
from __future__ import annotations

import json
import sqlite3

from geo.cli import main
from geo.ingest.articles import read_article
from geo.text import detect_language

from conftest import write_article


def test_languages_are_detected_from_the_text():
    assert detect_language("Russian troops captured the village of Plekhovo, the ministry said.") == "en"
    assert detect_language("Российские военные освободили Плехово, сообщило Минобороны. Это первое сообщение.") == "ru"
    assert detect_language("Російські війська захопили село, що поблизу кордону, повідомив Генштаб ЗСУ.") == "uk"
    # Without the letters only one of the two has, their commonest words decide.
    assert detect_language("Бои идут у села, что на границе, и это не первый бой там.") == "ru"
    assert detect_language("Бої тривають біля села, що на кордоні, та це не перший бій там.") == "uk"


def test_the_metadata_wins_and_a_bad_value_is_named(tmp_path):
    path = write_article(tmp_path, "a", "Российские военные освободили Плехово.")
    meta = json.loads((tmp_path / "a.meta.json").read_text(encoding="utf-8"))
    (tmp_path / "a.meta.json").write_text(json.dumps({**meta, "language": "uk"}), encoding="utf-8")
    article, problems = read_article(path)
    assert article is not None and article.language == "uk" and not problems
    (tmp_path / "a.meta.json").write_text(json.dumps({**meta, "language": "Klingon"}), encoding="utf-8")
    article, problems = read_article(path)
    assert article is not None and article.language == "ru"
    assert any("language" in p.reason and "Klingon" in p.reason for p in problems)


def test_a_mixed_folder_builds_into_one_store(runner, tmp_path):
    folder = tmp_path / "articles"
    write_article(folder, "en", "Russian troops captured Plekhovo, the Russian Defence Ministry said.")
    write_article(folder, "ru", "Российские военные освободили Гуево, сообщило Минобороны России.")
    write_article(folder, "uk", "Російські війська захопили Басівка, повідомив Генштаб ЗСУ.")
    out = tmp_path / "maps"
    result = runner.invoke(main, ["build", "--articles", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(out / "claims.sqlite")
    assert dict(db.execute("SELECT stem, language FROM articles")) == {"en": "en", "ru": "ru", "uk": "uk"}
    assert dict(db.execute("SELECT article, language FROM claims")) == {"en": "en", "ru": "ru", "uk": "uk"}
