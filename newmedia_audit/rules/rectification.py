"""Comparison with the previous sweep (``--previous DIR``): 上期通报未整改 and accounts fixed since."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field

from ..errors import InputError
from ..models import VERDICTS_CSV_COLUMNS, Account, Rectification, Verdict, VerdictCode
from .textfile import csv_rows, read_text

VERDICTS_COLUMNS = VERDICTS_CSV_COLUMNS


class PreviousRow(BaseModel):
    """One account of the previous sweep's verdicts.csv."""

    key: str
    district: str = ""
    unit: str = ""
    platform: str
    name: str
    account_id: str = ""
    verdict: str
    reasons: list[str] = Field(default_factory=list)


class PreviousSweep(BaseModel):
    """What the rules need of a previous output directory."""

    directory: str = ""
    as_of: date | None = None
    checked: int = 0
    failed: int = 0
    rows: dict[str, PreviousRow] = Field(default_factory=dict)  # keyed like Account.key

    @property
    def label(self) -> str:
        """The previous notice as a notice names it, e.g. "2022年3月份"."""
        if self.as_of is None:
            return ""
        return f"{self.as_of.year}年{self.as_of.month}月份"


def _row_key(platform: str, account_id: str, name: str) -> str:
    return f"{platform}|{account_id or 'name:' + name}"


def read_previous(directory: Path) -> PreviousSweep:
    """Read a previous output directory's verdicts.csv and, when present, results.json.

    Raises:
        InputError: no verdicts.csv, a missing column, or an unreadable results.json.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("上期输出目录不存在（--previous 应指向上期的 --out 目录）", file=str(directory))
    csv_path = directory / "verdicts.csv"
    if not csv_path.exists():
        raise InputError("上期输出目录中没有 verdicts.csv", file=str(csv_path))
    table = csv_rows(read_text(csv_path), str(csv_path))
    header = [h.strip() for h in (table[0] if table else [])]
    missing = [c for c in ("platform", "name", "account_id", "verdict", "reasons") if c not in header]
    if missing:
        raise InputError(
            f"上期 verdicts.csv 缺少列 {', '.join(missing)}；找到的列：{', '.join(header)}",
            file=str(csv_path),
            row=1,
        )
    rows: dict[str, PreviousRow] = {}
    for record in table[1:]:
        # Cells past the header are ignored; missing ones are empty.
        cells = {name: value.strip() for name, value in zip(header, record, strict=False)}
        if not cells.get("platform"):
            continue
        key = _row_key(cells["platform"], cells.get("account_id", ""), cells.get("name", ""))
        rows[key] = PreviousRow(
            key=key,
            district=cells.get("district", ""),
            unit=cells.get("unit", ""),
            platform=cells["platform"],
            name=cells.get("name", ""),
            account_id=cells.get("account_id", ""),
            verdict=cells.get("verdict", ""),
            reasons=[r.strip() for r in cells.get("reasons", "").split(";") if r.strip()],
        )
    sweep = PreviousSweep(
        directory=str(directory),
        rows=rows,
        checked=len(rows),
        failed=sum(1 for r in rows.values() if r.verdict == VerdictCode.failed.value),
    )
    json_path = directory / "results.json"
    if json_path.exists():
        try:
            data = json.loads(read_text(json_path))
            as_of = date.fromisoformat(str(data["as_of"]))
            new_media = data.get("new_media", {})
            checked = int(new_media.get("checked", sweep.checked))
            failed = int(new_media.get("failed", sweep.failed))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"上期 results.json 无法读取：{exc}", file=str(json_path)) from exc
        sweep = sweep.model_copy(update={"as_of": as_of, "checked": checked, "failed": failed})
    return sweep


def rectify(verdicts: list[Verdict], previous: PreviousSweep) -> tuple[list[Verdict], Rectification]:
    """Mark accounts failing again for a reason they failed for last time; list those fixed.

    Returns:
        The verdicts (unrectified ones copied with ``unrectified=True``) and the
        Rectification summary.
    """
    out: list[Verdict] = []
    unrectified: list[Verdict] = []
    fixed: list[Account] = []
    for verdict in verdicts:
        row = previous.rows.get(verdict.account.key)
        if row is None or row.verdict != VerdictCode.failed.value:
            out.append(verdict)
            continue
        if verdict.verdict is VerdictCode.failed:
            again = {r.value for r in verdict.reasons} & set(row.reasons)
            if again:
                verdict = verdict.model_copy(update={"unrectified": True})
                unrectified.append(verdict)
        elif verdict.verdict is VerdictCode.passed:
            fixed.append(verdict.account)
        out.append(verdict)
    summary = Rectification(
        previous_label=previous.label,
        previous_checked=previous.checked,
        previous_failed=previous.failed,
        unrectified=unrectified,
        fixed=fixed,
    )
    return out, summary
