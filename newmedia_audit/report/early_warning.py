"""预警 outputs: warnings.csv and one reminder text per unit (reminders/).

Both are rendered here as text; report/write.py writes them atomically.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from ..csvcells import neutralize_row
from ..errors import ConfigError
from ..models import AtRisk, platform_label
from .labels import iso_local

WARNINGS_CSV_COLUMNS: tuple[str, ...] = (
    "district",
    "unit",
    "platform",
    "account_id",
    "name",
    "last_post_at",
    "deadline",
    "days_left",
    "level",
    "kind",
)

DEFAULT_TEMPLATE_PATH = Path("registry/reminder_template.txt")

DEFAULT_TEMPLATE = """\
{单位}：

经{监测日期}政务新媒体日常监测，贵单位以下{账号数}个政务新媒体账号即将超过规定的更新期限：

{账号清单}

超过规定期限未更新的账号，在检查中将被认定为“监测时间点内未更新”（单项否决）；长期未更新的账号将列入僵尸账号清单，督促关停注销。请及时发布更新；确已不再使用的账号，请按规定办理关停注销手续。

（发文单位）
{监测日期}
"""
"""The built-in reminder, used when no template file is configured or found."""


def warning_row(entry: AtRisk) -> list[str]:
    """The warnings.csv cells of one warning, codes as in verdicts.csv."""
    account = entry.account
    cells = [
        account.district,
        account.unit,
        account.platform,
        account.account_id,
        account.name,
        iso_local(entry.last_post_at),
        entry.deadline.isoformat(),
        str(entry.days_left),
        entry.level,
        entry.kind,
    ]
    return neutralize_row(cells)  # a formula-like cell stays text in Excel and WPS


def render_warnings_csv(warnings: Sequence[AtRisk]) -> bytes:
    """warnings.csv as bytes: BOM, header, one row per warning (most urgent first), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(WARNINGS_CSV_COLUMNS)
    for entry in warnings:
        writer.writerow(warning_row(entry))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def load_template(path: Path | None) -> str:
    """The reminder template: ``path``, else registry/reminder_template.txt when it
    exists, else the built-in text.

    Raises:
        ConfigError: a configured template cannot be read.
    """
    chosen = (
        path if path is not None else (DEFAULT_TEMPLATE_PATH if DEFAULT_TEMPLATE_PATH.is_file() else None)
    )
    if chosen is None:
        return DEFAULT_TEMPLATE
    try:
        return Path(chosen).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"提醒模板无法读取：{chosen}（{exc}）") from exc


def chinese_date(day: date) -> str:
    """2022-06-24 -> 2022年6月24日."""
    return f"{day.year}年{day.month}月{day.day}日"


def reminder_line(number: int, entry: AtRisk) -> str:
    """One account of a reminder: what it is, when it last posted, by when it must post."""
    account = entry.account
    last_day = chinese_date(entry.deadline - timedelta(days=1))
    crossed = "被认定为“监测时间点内未更新”" if entry.kind == "window" else "列入僵尸账号清单"
    silent = entry.limit_days + 1 - entry.days_left
    return (
        f"{number}. 【{entry.level}色预警】{account.name}（{platform_label(account.platform)}）："
        f"最近一次更新为{chinese_date(entry.last_post_at.date())}，已{silent}天未更新；"
        f"请于{last_day}（含）前发布更新，否则自{chinese_date(entry.deadline)}起将{crossed}"
        f"（剩余{entry.days_left}天）。"
    )


_PLACEHOLDER = re.compile(r"\{(?:单位|地区|监测日期|账号数|账号清单)\}")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


# File systems count a name's bytes (255 on ext4): a long unit name in UTF-8 (3 bytes a Chinese
# character, 4 an emoji) is cut on a character boundary, leaving room for "-NN.txt".
_MAX_STEM_BYTES = 200


def _file_stem(text: str) -> str:
    stem = _UNSAFE_NAME.sub("_", text).strip(" ._-")  # no hidden or option-like names
    stem = stem.encode("utf-8")[:_MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(" ._-")
    return stem or "未填写单位"


def reminder_files(warnings: Sequence[AtRisk], as_of: date, template: str) -> dict[str, str]:
    """File name -> text, one per unit with warnings (named by the unit; the district
    goes first when the same unit name appears in several districts)."""
    groups: dict[tuple[str, str], list[AtRisk]] = {}
    for entry in warnings:
        groups.setdefault((entry.account.district, entry.account.unit), []).append(entry)
    units: dict[str, int] = {}
    for _, unit in groups:
        units[unit] = units.get(unit, 0) + 1
    files: dict[str, str] = {}
    for (district, unit), entries in groups.items():
        stem = _file_stem(unit if units[unit] == 1 else f"{district}-{unit}")
        name, n = f"{stem}.txt", 2
        while name in files:
            name, n = f"{stem}-{n}.txt", n + 1
        ordered = sorted(entries, key=lambda e: (e.days_left, e.kind))
        listing = "\n".join(reminder_line(i, e) for i, e in enumerate(ordered, start=1))
        values = {
            "{单位}": unit,
            "{地区}": district,
            "{监测日期}": chinese_date(as_of),
            "{账号数}": str(len({e.account.key for e in entries})),
            "{账号清单}": listing,
        }
        # One pass: a unit or account name holding a placeholder's text stays as written.
        text = _PLACEHOLDER.sub(lambda m, v=values: v[m.group(0)], template)
        files[name] = text if text.endswith("\n") else text + "\n"
    return files
