"""Names to places: the offline gazetteer (shipped rows and the user's `local.csv`), the spellings news uses,
the mentions of settlements in a text, and the place each mention means (homonyms resolved by context, a name
the gazetteer lacks kept as an unlocated place)."""
