"""Bytes -> text: UTF-8, UTF-16 and UTF-32 (with or without a byte order mark), legacy encodings
guessed by charset_normalizer, binary and empty input refused, lone surrogates replaced.

Warnings (a legacy encoding, a missing byte order mark, replaced surrogates) name the file.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from geo.read.errors import ArticleReadError

log = logging.getLogger("geo.read")

_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str, where: Optional[str] = None, what: str = "text") -> str:
    """Lone surrogates (from JSON ``\\ud800`` escapes) -> U+FFFD, one for one: the length and
    every offset stay the same, and the text can be encoded, hashed and stored."""
    if not _SURROGATE.search(text):
        return text
    log.warning("%s: invalid Unicode (lone surrogate) in %s replaced with U+FFFD",
                where or "input", what)
    return _SURROGATE.sub("\ufffd", text)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    # Control characters other than tab/newline/CR/formfeed: text has next to none.
    ctrl = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return ctrl > max(4, len(sample) // 50)


def _utf16_without_bom(data: bytes) -> Optional[str]:
    """'utf-16-le'/'utf-16-be' when the start of ``data`` looks like BOM-less UTF-16 text: NULs
    at nearly every other position (the high bytes of ASCII/Latin-1 characters), almost none at
    the others, and those other bytes text rather than control codes."""
    sample = data[:8192]
    n = len(sample) - len(sample) % 2
    if n < 8:
        return None
    even, odd = sample[0:n:2], sample[1:n:2]
    half = n // 2
    even_nul, odd_nul = even.count(0) / half, odd.count(0) / half
    if odd_nul >= 0.6 and even_nul <= 0.05:
        encoding, low = "utf-16-le", even
    elif even_nul >= 0.6 and odd_nul <= 0.05:
        encoding, low = "utf-16-be", odd
    else:
        return None
    ctrl = sum(1 for byte in low if byte < 32 and byte not in (9, 10, 12, 13))
    return encoding if ctrl <= max(2, half // 50) else None


def _utf32_without_bom(data: bytes) -> Optional[str]:
    """'utf-32-le'/'utf-32-be' when ``data`` looks like BOM-less UTF-32 text: a whole number of
    4-byte units whose three high bytes are nearly all NUL (Latin and most other scripts) and
    whose low byte is nearly never NUL."""
    sample = data[:8192]
    n = len(sample) - len(sample) % 4
    if n < 16 or len(data) % 4:
        return None
    units = n // 4
    for encoding, low, high in (("utf-32-le", 0, (2, 3)), ("utf-32-be", 3, (0, 1))):
        if sample[low:n:4].count(0) > units // 50:
            continue
        if all(sample[h:n:4].count(0) >= 0.95 * units for h in high):
            return encoding
    return None


def _decode_without_bom(data: bytes, encoding: str, where: str) -> str:
    """Text that plainly is UTF-16/32 (``encoding``, e.g. 'utf-16-le') though it has no BOM."""
    family = encoding[:6].upper()  # 'UTF-16' / 'UTF-32'
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ArticleReadError(
            f"looks like {family} without a byte order mark, but does not decode as {encoding} "
            f"({err.reason})") from err
    log.warning("%s: no byte order mark: decoded as %s", where, encoding)
    return text


def decode_bytes(data: bytes, name: Optional[str] = None) -> str:
    """UTF-8 (BOM stripped); UTF-32 and UTF-16 with a BOM, or without one when it is plainly
    such text (NULs at three of four, or alternate, positions); else charset_normalizer's guess
    when it is confident; else ``ArticleReadError``. Raises for binary and empty input too.
    ``name`` is used in warnings."""
    where = name or "input"
    if not data.strip():
        raise ArticleReadError("empty")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's BOM
        try:
            text = data.decode("utf-32")
        except UnicodeDecodeError as err:
            raise ArticleReadError(f"not valid UTF-32: {err.reason}") from err
        if not text.strip():
            raise ArticleReadError("empty")
        return text
    encoding = _utf32_without_bom(data)
    if encoding is not None:
        return _decode_without_bom(data, encoding, where)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs, so check before binary
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ArticleReadError(f"not valid UTF-16: {err.reason}") from err
    encoding = _utf16_without_bom(data)
    if encoding is not None:
        return _decode_without_bom(data, encoding, where)
    if _looks_binary(data):
        raise ArticleReadError("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        utf8_err = err
    try:
        # Looked up only for non-UTF-8 input, and optional: without it such input is refused.
        from charset_normalizer import from_bytes
    except ImportError:
        from_bytes = None
    if from_bytes is not None:
        matches = from_bytes(data)
        best = matches.best()
        if best is not None and best.chaos < 0.2:
            # On short texts Latin code pages tie (cp1250 vs cp1252 both decode "café" cleanly);
            # break ties towards cp1252, by far the commonest legacy encoding of news text.
            tie = next((m for m in matches if m.encoding == "cp1252" and m.chaos <= best.chaos),
                       None)
            chosen = tie or best
            log.warning("%s: not UTF-8: decoded as %s", where, chosen.encoding)
            return str(chosen)
    raise ArticleReadError(
        f"not valid UTF-8/undecodable (byte 0x{data[utf8_err.start]:02x} at offset {utf8_err.start})"
    ) from utf8_err
