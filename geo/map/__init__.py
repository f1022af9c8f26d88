"""The map page: its data read from the store, the compact payload, and the one offline HTML file around it."""
