"""Serious-wording lexicon: default entries plus the user's TOML/CSV files, Aho-Corasick matching."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import ahocorasick

from ..errors import InputError
from ..models import LexiconHit, Post
from .textfile import csv_rows, read_text

_SENTENCE_ENDS = "。！？!?；;\n\r"
_MAX_SENTENCE = 160

_CSV_ALIASES = {
    "wrong": ("wrong", "错误表述", "错误", "错词", "词语"),
    "correction": ("correction", "正确表述", "正确", "更正", "建议"),
    "rule": ("rule", "规则", "类别", "说明", "category"),
    "allow": ("allow", "例外", "允许"),
}


@dataclass(frozen=True)
class LexiconEntry:
    """One wrong form, its correction, the rule it breaks and phrases where it is correct."""

    wrong: str
    correction: str = ""
    rule: str = ""
    allow: tuple[str, ...] = field(default_factory=tuple)


class Lexicon:
    """An Aho-Corasick automaton over the entries' wrong forms."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        by_word: dict[str, LexiconEntry] = {}
        for entry in entries:
            if entry.wrong:
                by_word[entry.wrong] = entry  # a later file overrides an earlier entry
        self.entries: list[LexiconEntry] = list(by_word.values())
        self._automaton: ahocorasick.Automaton | None = None
        if by_word:
            automaton = ahocorasick.Automaton()
            for word, entry in by_word.items():
                automaton.add_word(word, entry)
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, text: str) -> list[tuple[int, int, LexiconEntry]]:
        """Non-overlapping matches (start, end, entry), longest first where they overlap.

        A match lying inside one of its entry's ``allow`` phrases is skipped.
        """
        if self._automaton is None or not text:
            return []
        found: list[tuple[int, int, LexiconEntry]] = []
        for end_index, entry in self._automaton.iter(text):
            start = end_index - len(entry.wrong) + 1
            if not _allowed(text, start, end_index + 1, entry):
                found.append((start, end_index + 1, entry))
        if len(found) < 2:  # nothing to sort or resolve: almost every post
            return found
        # Longest match wins an overlap (中华人民共合国 over 共合国), then leftmost.
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        kept: list[tuple[int, int, LexiconEntry]] = []
        for match in found:
            if all(match[1] <= k[0] or match[0] >= k[1] for k in kept):
                kept.append(match)
        return sorted(kept, key=lambda m: m[0])


def _allowed(text: str, start: int, end: int, entry: LexiconEntry) -> bool:
    # True when an allow phrase occurs in the text and covers text[start:end].
    for phrase in entry.allow:
        for offset in range(max(0, end - len(phrase)), start + 1):
            if text.startswith(phrase, offset) and offset + len(phrase) >= end:
                return True
    return False


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence containing text[start:end], trimmed to a readable length."""
    left = max((text.rfind(c, 0, start) for c in _SENTENCE_ENDS), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in _SENTENCE_ENDS) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > _MAX_SENTENCE:
        half = (_MAX_SENTENCE - (end - start)) // 2
        lo = max(left, start - half)
        hi = min(right, end + half)
        sentence = ("…" if lo > left else "") + text[lo:hi].strip() + ("…" if hi < right else "")
    return sentence


def find_hits(posts: Sequence[Post], lexicon: Lexicon) -> list[LexiconHit]:
    """Every lexicon hit in the posts' text, with post id, link, sentence and rule."""
    hits: list[LexiconHit] = []
    for post in posts:
        for start, end, entry in lexicon.find(post.text):
            hits.append(
                LexiconHit(
                    rule=entry.rule or f"「{entry.wrong}」应为「{entry.correction}」",
                    word=post.text[start:end],
                    correction=entry.correction,
                    sentence=sentence_around(post.text, start, end),
                    post_id=post.id,
                    link=post.link,
                )
            )
    return hits


def _entries_from_toml(text: str, source: str) -> tuple[list[LexiconEntry], set[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"词库文件不是有效的 TOML：{exc}", file=source) from exc
    entries: list[LexiconEntry] = []
    raw = data.get("entry", [])
    if not isinstance(raw, list):
        raise InputError("词库文件的 entry 应为 [[entry]] 表数组", file=source, column="entry")
    for number, item in enumerate(raw, start=1):
        wrong = str(item.get("wrong", "")).strip() if isinstance(item, dict) else ""
        if not wrong:
            raise InputError(f"第 {number} 个 [[entry]] 缺少 wrong（错误表述）", file=source, column="wrong")
        allow = item.get("allow", [])
        if isinstance(allow, str):
            allow = [allow]
        entries.append(
            LexiconEntry(
                wrong=wrong,
                correction=str(item.get("correction", "")).strip(),
                rule=str(item.get("rule", item.get("category", ""))).strip(),
                allow=tuple(str(a) for a in allow if str(a)),
            )
        )
    remove = data.get("remove", [])
    if isinstance(remove, str):
        remove = [remove]
    return entries, {str(r) for r in remove}


def _entries_from_csv(text: str, source: str) -> list[LexiconEntry]:
    reader = iter(csv_rows(text, source))
    header = next(reader, None)
    if header is None:
        return []
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, aliases in _CSV_ALIASES.items():
            if name.strip().lower() in aliases:
                columns.setdefault(key, index)
    if "wrong" not in columns:
        raise InputError(f"词库 CSV 缺少「错误表述」列（wrong）；找到的列：{'、'.join(header)}", file=source)

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    entries = []
    for row in reader:
        wrong = cell(row, "wrong")
        if not wrong:
            continue
        allow = tuple(a for a in cell(row, "allow").replace("；", ";").split(";") if a)
        entries.append(LexiconEntry(wrong, cell(row, "correction"), cell(row, "rule"), allow))
    return entries


def default_entries() -> list[LexiconEntry]:
    """The default lexicon shipped as package data (lexicon_default.toml)."""
    return list(_default_entries())


@lru_cache(maxsize=1)
def _default_entries() -> tuple[LexiconEntry, ...]:
    text = resources.files(__package__).joinpath("lexicon_default.toml").read_text(encoding="utf-8")
    entries, _ = _entries_from_toml(text, "lexicon_default.toml")
    return tuple(entries)


def load_lexicon(files: Iterable[Path] = (), *, include_defaults: bool = True) -> Lexicon:
    """The default entries plus the user's TOML/CSV files, later entries overriding earlier.

    A TOML file may also list ``remove = ["..."]`` to drop entries by wrong form.

    Raises:
        InputError: a file that cannot be read or parsed, naming the file.
    """
    entries = default_entries() if include_defaults else []
    for path in files:
        path = Path(path)
        text = read_text(path)
        if path.suffix.lower() == ".csv":
            entries.extend(_entries_from_csv(text, str(path)))
        else:
            more, remove = _entries_from_toml(text, str(path))
            entries = [e for e in entries if e.wrong not in remove] + more
    return Lexicon(entries)
