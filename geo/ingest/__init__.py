"""Articles from disk: scan a folder, read each file (any common encoding, front matter, saved web pages), its
metadata and dateline; `geo add` copies a new one in."""
