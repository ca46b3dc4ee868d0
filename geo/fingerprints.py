"""An article's identity: the hash of its text (exact copies) and a MinHash signature (rewrites).

``content_hash`` gives ids and finds exact copies whatever the line endings or wrapping.
Near-duplicate articles: rewrites of one running story, syndicated copies, re-posts.

Each article gets a MinHash signature of its word 5-shingles (boilerplate left out) when it is
stored; two signatures estimate the Jaccard similarity of the two texts' shingle sets. A wire
story re-posted by several outlets, or a live page rewritten through the day, shares most of its
shingles with the earlier version (similarity well above ``REWRITE_SIMILARITY``); two outlets
writing the same news in their own words share almost none. ``geo.report.tolls`` uses this so that the
repeats of one text do not count as independent confirmation of a figure.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Iterable, Optional

import numpy as np

def normalize_text(text: str) -> str:
    """The form hashed for ids: NFC, whitespace collapsed, so CRLF/LF or re-wrapped copies match."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str) -> str:
    # surrogatepass: never raises, even on a text that skipped the reader's clean-up
    return hashlib.sha256(normalize_text(text).encode("utf-8", "surrogatepass")).hexdigest()


SHINGLE_WORDS = 5
N_HASHES = 64
# Jaccard similarity (estimated) from which two articles are one text rewritten: a story with
# an updated figure or an added paragraph keeps well over half of its shingles, two outlets'
# own reports of one event share almost none (measured in tests/test_rewrites.py).
REWRITE_SIMILARITY = 0.4

# Universal hashing (a*x + b) mod p with p = 2**31 - 1 (a Mersenne prime): x, a, b < p keep
# a*x + b below 2**62, so uint64 arithmetic is exact and the modulo mixes well.
_PRIME = np.uint64((1 << 31) - 1)
_rng = np.random.default_rng(20201027)  # fixed: signatures must compare across runs
_A = _rng.integers(1, (1 << 31) - 1, size=N_HASHES, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, size=N_HASHES, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def _words(text: str, boilerplate: Iterable[tuple[int, int]] = ()) -> list[str]:
    spans = sorted(boilerplate or ())
    words = []
    for m in _WORD.finditer(text or ""):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        words.append(m.group().lower())
    return words


def text_signature(text: str, boilerplate: Iterable[tuple[int, int]] = ()) -> Optional[str]:
    """Hex MinHash signature of ``text`` (None for a text with no words)."""
    words = _words(text, boilerplate)
    if not words:
        return None
    n = min(SHINGLE_WORDS, len(words))
    shingles = {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(),
                                         "big") % ((1 << 31) - 1) for s in shingles),
                         dtype=np.uint64, count=len(shingles))
    mins = ((np.outer(hashes, _A) + _B) % _PRIME).min(axis=0)
    return "".join(f"{int(v):08x}" for v in mins)


def similarity(a: Optional[str], b: Optional[str]) -> float:
    """Estimated Jaccard similarity of the two texts' shingles (0.0 when either is unknown)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    width = 8
    same = sum(a[i:i + width] == b[i:i + width] for i in range(0, len(a), width))
    return same / (len(a) // width)


def is_rewrite(a: Optional[str], b: Optional[str]) -> bool:
    return similarity(a, b) >= REWRITE_SIMILARITY


def rewrite_neighbours(article_ids: Iterable[str], signatures: dict
                       ) -> dict[str, frozenset[str]]:
    """For each of ``article_ids``, the others among them that it is a rewrite of: exactly
    what ``is_rewrite`` says for every pair, computed on all pairs at once (one matrix compare
    a block of rows at a time, not a Python call per pair: a toll series of 5,000 articles is
    12.5 million pairs). Articles without a signature have no neighbour."""
    ids = [a for a in dict.fromkeys(article_ids)
           if signatures.get(a) and len(signatures[a]) == 8 * N_HASHES]
    if len(ids) < 2:
        return {}
    hashes = np.array([[int(signatures[a][i:i + 8], 16) for i in range(0, 8 * N_HASHES, 8)]
                       for a in ids], dtype=np.uint32)
    out: dict[str, frozenset[str]] = {}
    block = max(1, 4_000_000 // (len(ids) * N_HASHES))  # about 4 MB of comparisons at a time
    for lo in range(0, len(ids), block):
        same = (hashes[lo:lo + block, None, :] == hashes[None, :, :]).sum(axis=2)
        close = (same / N_HASHES) >= REWRITE_SIMILARITY  # the float test similarity() makes
        for row, k in enumerate(range(lo, min(lo + block, len(ids)))):
            close[row, k] = False
            hits = np.flatnonzero(close[row])
            if hits.size:
                out[ids[k]] = frozenset(ids[j] for j in hits)
    return out
