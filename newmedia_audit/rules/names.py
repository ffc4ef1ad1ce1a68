"""Account-name normalization for registry comparison (domain.md, "Registry matching")."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from opencc import OpenCC

_T2S = OpenCC("t2s")


def _conversion_triggers(converter: OpenCC) -> frozenset[str]:
    """Characters without which no key of the converter's dictionaries can occur in a text.

    Every single-character key, plus one character of each phrase made only of
    characters that are no key themselves. A text sharing no character with this
    set contains no key, so OpenCC returns it unchanged.
    """
    tables = [table for _, _, table in converter.dict_cache.values()]
    singles = {key for table in tables for key in table if len(key) == 1}
    phrases = {key[0] for table in tables for key in table if len(key) > 1 and singles.isdisjoint(key)}
    return frozenset(singles | phrases)


_T2S_TRIGGERS = _conversion_triggers(_T2S)

# Whitespace of every kind plus zero-width and invisible formatting characters.
_INVISIBLE = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")

_OPENING = "([{（【〔〖「『《〈｛［〘〚｟⦅"
_CLOSING = ")]}）】〕〗」』》〉｝］〙〛｠⦆"
_DOTS = "·・•‧･∙⋅"
_UNIFY = str.maketrans(
    {**{c: "(" for c in _OPENING}, **{c: ")" for c in _CLOSING}, **{c: "·" for c in _DOTS}}
)
_UNIFIED = frozenset(_OPENING + _CLOSING + _DOTS)


def _once(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    if not _T2S_TRIGGERS.isdisjoint(text):  # most names are already simplified
        text = _T2S.convert(text)
    text = _INVISIBLE.sub("", text)
    # translate() costs ~1 µs even when it changes nothing; most names have no bracket or dot.
    return text if _UNIFIED.isdisjoint(text) else text.translate(_UNIFY)


@cache  # names scanned in order defeat an LRU bound
def normalize_name(name: str) -> str:
    """Canonical form of an account name: names equal after it are the same name.

    NFKC (full-width letters and digits), traditional to simplified Chinese
    (OpenCC t2s), whitespace and zero-width characters dropped, every bracket
    pair unified to ``()`` and every middle dot to ``·``. Applied until stable,
    so the function is idempotent even where one pass enables another.
    """
    text = name
    for _ in range(5):
        nxt = _once(text)
        if nxt == text:
            break
        text = nxt
    return text


def same_name(a: str, b: str) -> bool:
    """True when two names are equal after normalization."""
    return normalize_name(a) == normalize_name(b)
