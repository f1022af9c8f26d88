"""Small hand-made map data for the map page tests (and an XSS place)."""

from __future__ import annotations

from geo.map.data import MapClaim, MapData, MapPlace, Unlocated

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "${alert(1)}",
    "&lt;b&gt;",
    "{{7*7}}",
    "{% raw %}",
    "{# x",
    "\u2028\u2029",
]
XSS_NAME = "Xss<img src=x onerror=alert(1)>ville"
XSS_EVIDENCE = (
    "Troops entered <script>alert(1)</script> Xssville and "
    "</script><script>alert(1)</script> \"><svg onload=alert(1)> ${alert(1)} &lt;b&gt; {{7*7}} {% if 1 %}x{% endif %} {# c #} {{ self.__init__ }}"
)


def build_data() -> MapData:
    places = [
        MapPlace(id="gn:1", name_en="Sudzha", name_ru="Суджа", name_uk="Суджа",
                 lat=51.1917, lon=35.2708, precision="point", precision_note="",
                 oblast="Kursk Oblast", raion="Sudzhansky",
                 spellings=("Sudzha", "Sudja", "Sudsha", "Суджа", "Суджі")),
        MapPlace(id="gn:2", name_en="Malaya Loknya", name_ru="Малая Локня", name_uk="Мала Локня",
                 lat=51.2236, lon=35.1342, precision="point", precision_note="",
                 oblast="Kursk Oblast", raion="Sudzhansky",
                 spellings=("Malaya Loknya", "Mala Loknya", "Малая Локня")),
        MapPlace(id="gn:3", name_en="Plekhovo", name_ru="Плехово", name_uk="Плехове",
                 lat=51.1267, lon=35.2517, precision="approximate",
                 precision_note="location approximate: within Sudzhansky raion",
                 oblast="Kursk Oblast", raion="Sudzhansky",
                 spellings=("Plekhovo", "Plechovo", "Плехово")),
        MapPlace(id="gn:4", name_en=XSS_NAME, name_ru="<script>alert(1)</script>",
                 name_uk='"><svg onload=alert(1)>', lat=51.30, lon=35.05, precision="area",
                 precision_note="<img src=x onerror=alert(1)> note", oblast="&lt;b&gt;Oblast",
                 raion="${alert(1)}", spellings=("Xssville", "</script><script>alert(1)</script>", *XSS)),
    ]
    C: list[MapClaim] = []

    def claim(place, date, status, side, claimant, evidence, mention, **kw) -> int:
        start = evidence.find(mention) if mention else -1
        C.append(MapClaim(
            place=place, date=date, status=status, side=side, claimant=claimant,
            publisher=kw.get("publisher", "Reuters"), article=kw.get("article", f"{len(C):03d}_a"),
            url=kw.get("url", f"https://example.org/a/{len(C)}"), evidence=evidence,
            hl=(start, start + len(mention)) if start >= 0 else None,
            citations=kw.get("citations", 1), cue=kw.get("cue", "took control")))
        return len(C) - 1

    # Sudzha: Ukraine claims 2024-08-15; Russia claims it back 2025-03-13; Ukraine says contested
    claim(0, "2024-08-15", "ukraine", "ukraine", "Ukrainian General Staff",
          "Ukrainian forces took full control of Sudzha, the General Staff said.", "Sudzha",
          cue="took full control", citations=3)
    claim(0, "2025-03-13", "russia", "russia", "Russian Defense Ministry",
          "The Russian Defense Ministry said its forces liberated Sudzha.", "Sudzha", cue="liberated",
          citations=5)
    claim(0, "2025-03-14", "contested", "ukraine", "Ukrainian General Staff",
          "Fighting continues in Sudzha, the General Staff said.", "Sudzha", cue="fighting continues")
    # Malaya Loknya: only the Russian side, from 2024-09-01 then again (re-affirmed) 2025-03-10
    claim(1, "2024-09-01", "contested", "russia", "Russian Defense Ministry",
          "Battles near Malaya Loknya continue.", "Malaya Loknya", cue="battles")
    claim(1, "2025-03-10", "russia", "russia", "Russian Defense Ministry",
          "Malaya Loknya was liberated.", "Malaya Loknya", cue="liberated")
    # Plekhovo (approximate): third-party report, plus an undated claim
    claim(2, "2024-12-01", "russia", "third_party", "ISW",
          "ISW assessed Russian forces seized Plekhovo.", "Plekhovo", publisher="ISW", cue="seized")
    claim(2, None, "ukraine", "ukraine", "Ukrainian brigade",
          "A brigade said it still holds Plekhovo.", "Plekhovo", url=None, cue="holds")
    # the XSS place: every field hostile
    claim(3, "2024-10-01", "russia", "russia", "<script>alert(1)</script>",
          XSS_EVIDENCE, "Xssville", publisher="<img src=x onerror=alert(1)>",
          article="</script><script>alert(1)</script>", url="javascript:alert(1)", cue="${alert(1)}")
    claim(3, "2024-10-02", "russia", "russia", '"><svg onload=alert(1)>',
          "Second report <b>bold</b> Xssville.", "Xssville",
          url="data:text/html,<script>alert(1)</script>", publisher="&lt;b&gt;")
    claim(3, "2024-10-03", "russia", "russia", "x", "Third report about Xssville.", "Xssville",
          url=" javascript:alert(1)//https://example.org/")
    # unlocated
    u0 = claim(None, "2025-01-05", "russia", "russia", "Russian Defense Ministry",
               "Forces liberated Nikolaevo-Darino.", "Nikolaevo-Darino", cue="liberated")
    u1 = claim(None, None, "ukraine", "ukraine", "<script>alert(1)</script>",
               "<img src=x onerror=alert(1)> Foo", "Foo", url="javascript:alert(1)")
    return MapData(
        first="2024-08-06",
        last="2025-04-27",
        stale_days=30,
        places=places,
        unlocated=[Unlocated("Nikolaevo-Darino", [u0]), Unlocated("<svg onload=alert(1)>Foo", [u1])],
        claims=C,
    )


def base_layers() -> dict:
    def box(name, x0, y0, x1, y1):
        return {"type": "Feature", "properties": {"name": name},
                "geometry": {"type": "Polygon",
                             "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}

    return {
        "oblasts": {"type": "FeatureCollection", "features": [box("Kursk Oblast", 34.0, 50.9, 36.5, 52.3)]},
        "raions": {"type": "FeatureCollection",
                   "features": [box("Sudzhansky <script>alert(1)</script>", 34.9, 51.0, 35.5, 51.4)]},
    }
