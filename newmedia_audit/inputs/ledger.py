"""Read the ledger (台账): one row an account to sweep."""

from __future__ import annotations

from pathlib import Path

from ..models import Account
from .columns import LEDGER
from .districts import derive_district
from .identity import row_identity
from .ids import DOUYIN_SEC_UID_PREFIX
from .result import ReadResult
from .table import read_table, squeeze


def read_ledger(path: Path) -> ReadResult[Account]:
    """Read a ledger .xlsx or .csv into accounts.

    Every bad row (empty name, unknown platform, no id or URL for a supported
    platform, a URL of the wrong platform) is an error of the result; duplicate
    accounts (same platform and id) are merged, keeping the first, with a warning.

    Raises:
        InputError: unreadable file or a required column missing.
    """
    table = read_table(Path(path), LEDGER)
    result: ReadResult[Account] = ReadResult(file=table.file)
    known = {squeeze(row.get("district")) for row in table.rows if row.get("district")}
    first_row: dict[str, int] = {}
    for row in table.rows:
        errors = []
        name = row.get("name")
        if not name:
            errors.append(table.error(row, "name", "账号名称为空"))
        identity = row_identity(table, row, id_required=True)
        errors.extend(identity.errors)
        if errors:
            result.errors.extend(errors)
            continue
        unit = row.get("unit")
        district = squeeze(row.get("district"))
        if not district:
            district = derive_district(unit, known)
            result.warnings.append(
                f"文件 {table.file} 第 {row.number} 行：地区为空，已按主办单位「{unit}」推断为「{district}」"
            )
        account = Account(
            district=district,
            unit=unit,
            name=name,
            platform=identity.platform,
            account_type=identity.account_type,
            account_id=identity.account_id,
            url=identity.url,
            level=row.get("level"),
            source_row=row.number,
        )
        if account.platform == "douyin" and not account.account_id.startswith(DOUYIN_SEC_UID_PREFIX):
            result.warnings.append(
                f"文件 {table.file} 第 {row.number} 行：抖音账号ID「{account.account_id}」不像 sec_uid"
                f"（通常以 {DOUYIN_SEC_UID_PREFIX} 开头），访问可能失败"
            )
        if account.key in first_row:
            result.warnings.append(
                f"文件 {table.file} 第 {row.number} 行与第 {first_row[account.key]} 行是同一账号"
                f"（{_describe(account)}），已合并，保留第 {first_row[account.key]} 行"
            )
            continue
        first_row[account.key] = row.number
        result.items.append(account)
    return result


def _describe(account: Account) -> str:
    if account.account_id:
        return f"平台 {account.platform}，账号ID {account.account_id}"
    return f"平台 {account.platform}，账号名称 {account.name}"
