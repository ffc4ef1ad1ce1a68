"""Read the filing registry (备案库 export): one row a filing."""

from __future__ import annotations

from pathlib import Path

from ..models import Filing
from .columns import REGISTRY
from .dates import parse_date
from .identity import row_identity
from .result import ReadResult
from .table import read_table, squeeze


def read_registry(path: Path) -> ReadResult[Filing]:
    """Read a registry .xlsx or .csv into filings.

    The id comes from 账号ID or is derived from 主页地址 as for the ledger; a
    filing may have neither (it is then matched by name). 状态 is kept as
    written (已注销 makes Filing.cancelled true). Bad rows: empty name, unknown
    platform, an id or URL that does not fit the platform, an unreadable 备案日期.

    Raises:
        InputError: unreadable file or a required column missing.
    """
    table = read_table(Path(path), REGISTRY)
    result: ReadResult[Filing] = ReadResult(file=table.file)
    for row in table.rows:
        errors = []
        name = row.get("name")
        if not name:
            errors.append(table.error(row, "name", "账号名称为空"))
        identity = row_identity(table, row, id_required=False)
        errors.extend(identity.errors)
        filed_on = None
        try:
            filed_on = parse_date(row.get("filed_on"))
        except ValueError:
            errors.append(
                table.error(
                    row, "filed_on", "无法识别的备案日期，请写成 2021-03-05、2021/3/5 或 2021年3月5日"
                )
            )
        if errors:
            result.errors.extend(errors)
            continue
        result.items.append(
            Filing(
                filing_no=row.get("filing_no"),
                name=name,
                platform=identity.platform,
                account_id=identity.account_id,
                url=identity.url,
                unit=row.get("unit"),
                district=squeeze(row.get("district")),
                status=row.get("status"),
                filed_on=filed_on,
                source_row=row.number,
            )
        )
    return result
