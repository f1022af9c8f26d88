"""Hostile text through the whole pipeline: XSS payloads in the TEXT, TITLES, PUBLISHER names, URLs and file
names of real articles (each with its .meta.json), built by the real `geo build`, then opened in the real
browser. test_map_browser.py does the same with a hand-made page; this one goes through reading, extraction,
the store and the map writer."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_map_browser import Page, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser

# Each payload carries its own tag, so a dialog that fires says which one got through.
TEXT_PAYLOADS = [
    "<script>alert('t1')</script>",
    "<img src=x onerror=alert('t2')>",
    "<svg onload=alert('t3')><circle r=1></circle></svg>",
    "javascript:alert('t4')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgndDUnKTwvc2NyaXB0Pg==",
    "\"><iframe src=javascript:alert('t6')>",
    "' onmouseover='alert(\"t7\")' x='",
    "&lt;b&gt;t8&lt;/b&gt; &#60;script&#62;alert('t8')&#60;/script&#62; &amp;",
    "`${alert('t9')}` ${alert('t9b')}",
    "</script><script>alert('t10')</script>",
    "\"}]};alert('t11');// ]]> -->",
    "<!--<img src=x onerror=alert('t12')>-->",
    "{{constructor.constructor('alert(\"t13\")')()}}",
    "<a href=\"javascript:alert('t14')\">t14</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('t15')>",
    "<details open ontoggle=alert('t16')>",
    "\u2028alert('t17')\u2029</script>",
]
PUBLISHERS = [
    "<script>alert('p1')</script> Wire",
    "<img src=x onerror=alert('p2')>",
    "\"><svg onload=alert('p3')>",
    "</script><script>alert('p4')</script>",
    "&lt;i&gt;Entity&lt;/i&gt; News",
    "${alert('p6')} Daily",
    "\"}];alert('p7');//",
]
TITLES = [
    "<script>alert('h1')</script>",
    "</title><script>alert('h2')</script>",
    "\"><img src=x onerror=alert('h3')>",
    "{{7*7}} ${alert('h4')}",
]
URLS = [  # the ones that are not http(s) are dropped by `geo build` with a warning
    "https://example.org/a\"><script>alert('u1')</script>",
    "https://example.org/?q=<img src=x onerror=alert('u2')>",
    "https://example.org/'onmouseover='alert(\"u3\")'",
    "javascript:alert('u4')",
    "data:text/html,<script>alert('u5')</script>",
    "https://example.org/\u2028\u2029alert('u6')",
    "HTTPS://EXAMPLE.ORG/x#\"><svg onload=alert('u7')>",
    " javascript:alert('u8')",
    "https://example.org/</script><script>alert('u9')</script>",
    "https://user:pw@example.org/${alert('u10')}",
]
FILE_NAMES = ["\"><img src=x onerror=alert('f1')>", "<svg onload=alert('f2')>"]
UNLOCATED = "Zzyzxovka"
HOOKS = """
window.__fired = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
  const record = function () { window.__fired.push(name + ':' + Array.from(arguments).join(',')); return null; };
  Object.defineProperty(window, name, {value: record, writable: false, configurable: false});
}
"""


def _day(i: int) -> str:
    from datetime import date, timedelta

    return (date(2024, 12, 2) + timedelta(days=i)).isoformat()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    articles, out = base / "articles", base / "maps"
    articles.mkdir()
    n = 0

    def article(stem: str, text: str, meta: dict | None) -> None:
        nonlocal n
        (articles / f"{stem}.txt").write_text(text, encoding="utf-8")
        if meta is not None:
            (articles / f"{stem}.meta.json").write_text(json.dumps({"published": _day(n), **meta}), encoding="utf-8")
        n += 1

    for i, payload in enumerate(TEXT_PAYLOADS):
        article(f"t{i:02d}", f"Russian troops captured the village of Plekhovo, the Russian Defence Ministry said, "
                             f"adding {payload}",
                {"publisher": PUBLISHERS[i % len(PUBLISHERS)], "title": TITLES[i % len(TITLES)], "url": URLS[i % len(URLS)]})
    for i, name in enumerate(FILE_NAMES):  # no URL: the map links the local file, named by the payload
        article(name, f"Ukrainian forces retook Plekhovo, Ukraine's General Staff said, quoting {TEXT_PAYLOADS[i]}",
                {"publisher": PUBLISHERS[i]})
    article("unlocated", f"Russian troops captured the village of {UNLOCATED}, the Russian Defence Ministry "
                         f"said, adding {TEXT_PAYLOADS[0]} {TEXT_PAYLOADS[1]}", {"publisher": PUBLISHERS[2], "title": TITLES[1]})
    script = Path(sys.executable).with_name("geo")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "geo.cli"]
    result = subprocess.run([*command, "build", "--articles", str(articles), "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout, n


class HostilePage(Page):
    """The built page with dialogs hooked before any script runs, every non-file request aborted."""

    def __init__(self, browser, url: str):  # noqa: F811
        super().__init__(browser, url, init_script=HOOKS)
        self.dialogs = self.alerts

    def fired(self) -> list[str]:
        return self.page.evaluate("window.__fired")

    def injected(self) -> list[str]:
        """Elements and attributes no payload may create anywhere in the document."""
        return self.page.evaluate("""() => {
          const bad = [];
          for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) {
              if (/^on/i.test(a.name)) bad.push(el.tagName + '[' + a.name + ']');
              if (/^(href|src|action|formaction|xlink:href)$/i.test(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value)
                  && !(el.tagName === 'IMG' && /^data:image\\//.test(a.value))) bad.push(el.tagName + '[' + a.name + '=' + a.value + ']');
            }
          }
          for (const sel of ['iframe', 'object', 'embed', 'math', 'details:not(#gc-unlocated > details)', 'img[src="x"]', 'svg script', 'svg[onload]',
                             'circle', 'mglyph', 'base', 'form', 'meta[http-equiv="refresh" i]']) {
            for (const el of document.querySelectorAll(sel)) bad.push('element ' + sel);
          }
          for (const s of document.querySelectorAll('script')) {
            const type = (s.getAttribute('type') || 'text/javascript').toLowerCase();
            if (s.src) bad.push('script src ' + s.src);
            if (type !== 'application/json' && /alert\\(/.test(s.textContent)) bad.push('script with alert(');
          }
          return bad;
        }""")

    def close(self) -> None:
        self.ctx.close()


def test_payloads_survive_the_pipeline_as_text(browser, built):  # noqa: F811
    out, report, n_articles = built
    # Not-http(s) URLs were dropped with a warning; every article was used.
    assert f"articles: {n_articles}" in report, report
    assert sum("url" in ln and "is not http(s)" in ln for ln in report.splitlines()) >= 3, report
    db = sqlite3.connect(out / "claims.sqlite")
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == n_articles  # each payload sentence is a claim
    stored_titles = {r[0] for r in db.execute("SELECT title FROM articles WHERE title IS NOT NULL")}
    assert stored_titles == set(TITLES)  # stored verbatim as text
    db.close()
    html = (out / "index.html").read_text(encoding="utf-8")
    for title in TITLES:
        assert "<" not in title or title not in html  # the titles travel JSON-escaped; none is markup in the page
    # In the page source the payloads exist only inside the escaped JSON data ("<" as \u003c), never as markup.
    for markup in ("<script>alert(", "<img src=x", "<svg onload", "<iframe", "<details", "<math", "<!--<img"):
        assert markup not in html, markup

    last = _day(n_articles)
    p = HostilePage(browser, (out / "index.html").as_uri() + f"#{last}/plekhovo")
    try:
        ledger = p.page.locator("#gc-ledger")
        assert "open" in (ledger.get_attribute("class") or "")
        text = ledger.text_content()
        # Each publisher, title and claimant in its own bidi isolate: no direction control reorders the line.
        assert ledger.locator(".gc-src bdi").count() >= 2
        assert p.page.evaluate("() => [...document.querySelectorAll('#gc-ledger bdi, #gc-ledger .gc-isolate, "
                               "#gc-ledger blockquote')].every(e => getComputedStyle(e).unicodeBidi === 'isolate')")
        for payload in TEXT_PAYLOADS:
            assert payload.replace("\u2028", "").replace("\u2029", "") in text.replace("\u2028", "").replace("\u2029", ""), payload
        for publisher in PUBLISHERS:
            assert publisher in text, publisher
        for title in TITLES:  # the link text of each article is its title, as text
            assert title in text, title
        for name in FILE_NAMES:
            assert name in text, name  # the article's file name, named (a local file is not linked)
        hrefs = [a.get_attribute("href") for a in ledger.locator("a").all()]
        assert hrefs and all(h.lower().startswith(("https://", "http://")) for h in hrefs), hrefs
        # Clicking the marker again, hovering it and searching with a payload.
        p.page.click("#gc-ledger-close")
        p.page.click(".gc-icon[data-slug='plekhovo']", force=True)
        p.page.hover(".gc-icon[data-slug='plekhovo']", force=True)
        p.page.fill("#gc-search", TEXT_PAYLOADS[9])
        p.page.press("#gc-search", "Enter")
        # The unlocated panel and the ledger of the unlocated settlement.
        p.page.click("#gc-unlocated-head")
        assert UNLOCATED in p.page.text_content("#gc-unlocated")
        p.page.click(f"#gc-unlocated li button >> text={UNLOCATED}")
        unlocated_text = p.page.text_content("#gc-ledger")
        assert "not yet located" in unlocated_text
        assert TEXT_PAYLOADS[0] in unlocated_text and TEXT_PAYLOADS[1] in unlocated_text and PUBLISHERS[2] in unlocated_text
        # Links are followed by nobody here, but a click on each must not run script either.
        for a in p.page.locator("#gc-ledger a").all():
            a.click(modifiers=["Alt"], no_wait_after=True)
        p.page.wait_for_timeout(300)
        assert p.fired() == [] and p.dialogs == [], (p.fired(), p.dialogs)
        assert p.injected() == []
        assert p.errors == [] and p.external == []
        # The hooks see what a payload would do: a dialog called by script is recorded.
        p.page.evaluate("window.alert('probe'); window.confirm('probe2')")
        assert p.fired() == ["alert:probe", "confirm:probe2"]
    finally:
        p.close()
