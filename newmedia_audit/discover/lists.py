"""The editable organ lists: query keywords and the words that tell a government body.

``registry/organ_keywords.toml`` is the office's copy (the package ships the
same defaults beside this module, used when no copy exists). A ``.txt`` file
is read as keywords only, one a line, ``#`` starting a comment; the marker
lists then keep their defaults.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import InputError

DEFAULT_FILE = Path(__file__).with_name("organ_keywords_default.toml")
OFFICE_FILE = Path("registry/organ_keywords.toml")


@dataclass(frozen=True)
class OrganLists:
    """Query keywords and the marker words of certified subjects.

    Attributes:
        keywords: joined with each region's short name to make the queries.
        government: a subject containing one of these is a government body.
        government_suffixes: a subject ending with one of these is one too.
        companies, media, institutions, personal: a subject containing one
            of these is not a government body (checked first).
        source: the file the lists were read from.
    """

    keywords: tuple[str, ...] = ()
    government: tuple[str, ...] = ()
    government_suffixes: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    media: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    source: str = ""


_LIST_FIELDS = tuple(f.name for f in fields(OrganLists) if f.name != "source")


def _strings(value: object, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError('应为字符串列表，例如 ["公安", "交警"]', file=file, column=key, value=value)
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _read_toml(path: Path) -> dict[str, tuple[str, ...]]:
    """The lists a TOML file sets (absent keys are absent)."""
    file = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("关键词文件不存在", file=file) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"关键词文件无法读取（{exc}）", file=file) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"不是有效的 TOML：{exc}", file=file) from exc
    unknown = sorted(set(data) - set(_LIST_FIELDS))
    if unknown:
        raise InputError(
            f"未知的键（可用的键：{'、'.join(_LIST_FIELDS)}）",
            file=file,
            column=unknown[0],
            value=data[unknown[0]],
        )
    return {key: _strings(data[key], file, key) for key in _LIST_FIELDS if key in data}


def read_lines(path: Path, what: str) -> list[tuple[int, str]]:
    """Non-empty, non-comment lines of a UTF-8 text file with their line numbers.

    Raises:
        InputError: the file is missing or not UTF-8 text (file and reason).
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{what}不存在", file=str(path)) from exc
    except OSError as exc:
        raise InputError(f"{what}无法读取（{exc}）", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{what}不是 UTF-8 文本（第 {exc.start} 字节起）", file=str(path)) from exc
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if content:
            found.append((number, content))
    return found


def load_organ_lists(path: Path | None = None) -> OrganLists:
    """The lists to use: ``path``, else the office copy in registry/, else the defaults.

    Every list missing from the file keeps its default; a ``.txt`` file gives
    the keywords only.

    Raises:
        InputError: the file is missing, unreadable, not TOML, has an unknown
            key, a list that is not of strings, or no keyword at all.
    """
    defaults = OrganLists(**_read_toml(DEFAULT_FILE), source=str(DEFAULT_FILE))
    if path is None:
        path = OFFICE_FILE if OFFICE_FILE.is_file() else None
    if path is None:
        return defaults
    path = Path(path)
    if path.suffix.lower() == ".txt":
        keywords = tuple(dict.fromkeys(line for _, line in read_lines(path, "关键词文件")))
        chosen = replace(defaults, keywords=keywords, source=str(path))
    else:
        chosen = replace(defaults, **_read_toml(path), source=str(path))
    if not chosen.keywords:
        raise InputError("没有任何查询关键词", file=str(path), column="keywords")
    return chosen
