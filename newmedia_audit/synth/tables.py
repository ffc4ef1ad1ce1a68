"""CSV writers for ledger and registry files (UTF-8 with BOM, the headers of design.md)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..models import Account, Filing, platform_label

LEDGER_HEADER = ("地区", "主办单位", "账号名称", "平台", "账号类型", "账号ID", "主页地址", "级别")
REGISTRY_HEADER = (
    "备案编号",
    "账号名称",
    "平台",
    "账号ID",
    "主页地址",
    "主办单位",
    "地区",
    "状态",
    "备案日期",
)
WEBSITES_HEADER = ("单位名称", "地区", "突出问题", "得分")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], path: Path) -> Path:
    """Write a UTF-8 (with BOM) CSV atomically, with LF line ends for stable bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    os.replace(tmp, path)
    return path


def ledger_row(account: Account) -> tuple[str, ...]:
    return (
        account.district,
        account.unit,
        account.name,
        platform_label(account.platform),
        account.account_type,
        account.account_id,
        account.url,
        account.level,
    )


def registry_row(filing: Filing) -> tuple[str, ...]:
    return (
        filing.filing_no,
        filing.name,
        platform_label(filing.platform),
        filing.account_id,
        filing.url,
        filing.unit,
        filing.district,
        filing.status,
        filing.filed_on.isoformat() if filing.filed_on else "",
    )


def write_ledger(accounts: Iterable[Account], path: Path) -> Path:
    """The ledger (台账) CSV."""
    return write_csv(LEDGER_HEADER, (ledger_row(a) for a in accounts), path)


def write_registry(filings: Iterable[Filing], path: Path) -> Path:
    """The registry (备案库) CSV."""
    return write_csv(REGISTRY_HEADER, (registry_row(f) for f in filings), path)
