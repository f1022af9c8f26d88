"""Bytes to text: article files, metadata and the user's `local.csv` may be UTF-8, UTF-16 or UTF-32 (with or
without a byte order mark) or Windows-1251 (a spreadsheet's save), so the encoding is detected, not assumed. A
file that mixes UTF-8 and Windows-1251 (two files pasted together) is read part by part, with a note."""
from __future__ import annotations

import codecs
import re
import threading

from .folded import compile_folded


def decode(data: bytes) -> str:
    """Decode article bytes: BOMs, then UTF-8, then UTF-16 without BOM, then Windows-1251."""
    return decode_noting(data)[0]


def _replaced(data: bytes, text: str) -> int:
    """How many invalid UTF-8 sequences decoding `data` with errors="replace" turned into U+FFFD."""
    return text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")


def utf32_without_bom(data: bytes) -> str | None:
    """UTF-32 without a byte order mark: whole four-byte units whose two high bytes are all zero (every
    character of news text is below U+10000, most below U+0500)."""
    if len(data) < 8 or len(data) % 4:
        return None
    if not data[2::4].strip(b"\x00") and not data[3::4].strip(b"\x00"):
        return "utf-32-le"
    if not data[0::4].strip(b"\x00") and not data[1::4].strip(b"\x00"):
        return "utf-32-be"
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: the high byte of each unit is 0 (Latin), 4 (Cyrillic) or 0x20
    (dashes, quotes). UTF-8 text never holds a zero byte, so at least one is required."""
    if len(data) < 4:
        return None
    for enc, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        zeros = high.count(0)
        if zeros and zeros + high.count(4) + high.count(0x20) > 0.8 * len(high):
            return enc
    return None


def decode_noting(data: bytes) -> tuple[str, str | None]:
    """Like `decode`, with a note when bytes were repaired: UTF-8 with a few corrupt sequences (a truncated
    download, a bad copy) keeps its text with U+FFFD in their place instead of being read as Windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
        bad = _replaced(data[3:], text)
        return text, (f"{bad} invalid UTF-8 byte sequence(s) replaced" if bad else None)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: FF FE starts both marks
        return data.decode("utf-32"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    utf32 = utf32_without_bom(data)
    if utf32:
        return data.decode(utf32), None
    utf16 = utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="strict"), None  # valid UTF-8 too, as mojibake with zeros: try first
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = _replaced(data, text)
    valid = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    # Windows-1251 Cyrillic has almost no valid UTF-8 sequences; UTF-8 with a few bad bytes has many.
    if valid >= 20 * bad:
        return text, f"{bad} invalid UTF-8 byte sequence(s) replaced"
    mixed, fallback = _utf8_and_cp1251(data)
    # UTF-8 Cyrillic and Windows-1251 Cyrillic in one file: both parts substantial, the second one words.
    cyrillic = sum(1 for c in fallback if _is_cyrillic(c))
    if valid >= max(20, len(fallback) // 10) and cyrillic >= 8 and cyrillic >= 0.8 * len(fallback):
        return mixed, (f"mixes UTF-8 and Windows-1251: {len(fallback)} byte(s) read as Windows-1251; "
                       "check the text, or save it in one encoding")
    text = data.decode("cp1251")
    # cp1251 decodes any byte; accept it only if the result reads like Russian or plain text.
    letters = sum(c.isalpha() for c in text)
    cyr = sum("а" <= c.lower() <= "я" for c in text)
    if letters and (cyr / letters > 0.5 or all(c.isprintable() or c.isspace() for c in text)):
        return text, None
    raise UnicodeDecodeError("cp1251", data, 0, 1, "not text in any known encoding")


def _is_cyrillic(c: str) -> bool:
    return "\u0400" <= c <= "\u04ff"


_taken = threading.local()  # what the error handler below decoded, per thread


def _as_cp1251(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    part = exc.object[exc.start:exc.end].decode("cp1251", errors="replace")
    _taken.parts.append(part)
    return part, exc.end


codecs.register_error("geo-cp1251-fallback", _as_cp1251)


def _utf8_and_cp1251(data: bytes) -> tuple[str, str]:
    """`data` decoded as UTF-8 where it is valid and as Windows-1251 where it is not (one pass); and the
    characters the second gave."""
    _taken.parts = []
    text = data.decode("utf-8", errors="geo-cp1251-fallback")
    taken, _taken.parts = "".join(_taken.parts), []
    return text, taken


LANGUAGES = ("en", "ru", "uk")
_UK_WORDS = compile_folded(r"(?<![\w])(?:що|це|та|від|які|який|вони|його|також|щоб|було|України|бо|між)(?![\w])", re.I)
_RU_WORDS = compile_folded(r"(?<![\w])(?:что|это|как|от|которые|который|они|его|также|чтобы|было|России|или|между)(?![\w])", re.I)

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"
_LATIN = "abcdefghijklmnopqrstuvwxyz"


def detect_language(text: str) -> str:
    """en, ru or uk of an article, from its letters and its commonest words: Latin text is English; Cyrillic
    is Ukrainian by і ї є ґ and words like "що", "від", Russian by ы э ъ ё and "что", "от". Cheap and
    deterministic (`language` in the article's metadata, when given, wins)."""
    sample = text[:6000]
    low = sample.lower()
    cyr = sum(map(low.count, _CYRILLIC))
    lat = sum(map(low.count, _LATIN))
    if cyr <= lat:
        return "en"
    uk = sum(low.count(c) for c in "іїєґ") + 3 * len(_UK_WORDS.findall(sample))
    ru = sum(low.count(c) for c in "ыэъё") + 3 * len(_RU_WORDS.findall(sample))
    return "uk" if uk > ru else "ru"
