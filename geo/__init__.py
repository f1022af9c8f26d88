"""A map of reported control: dated, sourced control claims from news articles, on an offline map.

The data flows one way, one package or module per stage:
articles (`geo.ingest`) → mentions and places (`geo.places`) → claims (`geo.claims`) → store (`geo.store`)
→ timeline (`geo.timeline`) → map (`geo.map`) and exports (`geo.export`). `geo.pipeline` runs the stages;
`geo.cli` only parses arguments. The records that cross stages are in `geo.records`.
"""
