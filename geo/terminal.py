"""Text from files and articles made safe to print: one rule for every message the tool writes to a terminal.

A file name or a sentence can hold a newline (which would forge a line of the build report), a carriage return,
an escape sequence (ESC[2J clears the screen) or a bidi control (U+202E reverses what follows). `visible` shows
each as an escape (`\\n`, `\\x1b`, `\\u202e`), so a message stays one line and reads as written. A byte of a file
name that is not UTF-8 (kept by Python as a lone surrogate) shows as the byte, `\\xff`.
"""
from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Categories that draw nothing or steer the terminal: controls (C0, DEL, C1), format characters (bidi controls,
# zero-width characters), surrogates, and the line and paragraph separators.
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte a file name held that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: object) -> str:
    """`text` (any object, as str()) with every control, bidi, escape and invisible character shown as an escape.
    Printable text is unchanged, and so is what `visible` already returned."""
    s = str(text)
    if s.isprintable():  # the common case, at C speed
        return s
    return "".join(_escape(ch) if unicodedata.category(ch) in _HIDDEN else ch for ch in s)


def valid_unicode(text: str) -> tuple[str, int]:
    """`text` with every lone surrogate (from a JSON `\\ud800` escape, or a file name that is not UTF-8) replaced
    by U+FFFD, which SQLite and UTF-8 files can hold; and how many were replaced."""
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        pass
    out = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return out, sum(1 for ch in text if 0xD800 <= ord(ch) <= 0xDFFF)


def file_name(path: object) -> str:
    """A path as text that is valid Unicode: bytes of the name that are not UTF-8 written as `\\xNN`, so two such
    names stay apart."""
    s = str(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
