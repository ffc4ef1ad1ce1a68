"""Platform, account type and account id of a ledger or registry row."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from .ids import IdError, resolve_account_id
from .platforms import account_type_of, is_other, platform_code
from .table import Row, Table


@dataclass
class Identity:
    """What a row says about which account it is; ``errors`` lists its bad cells."""

    platform: str = ""
    account_type: str = ""
    account_id: str = ""
    url: str = ""
    errors: list[InputError] = field(default_factory=list)


def row_identity(table: Table, row: Row, *, id_required: bool) -> Identity:
    """Read 平台 (or 账号类型 when there is no platform) and the id of a row.

    Args:
        id_required: a supported-platform account needs an id or URL (ledger);
            the registry may match by name instead.
    """
    out = Identity(url=row.get("url"), account_type=row.get("account_type"))
    platform_key = "platform" if row.get("platform") or not table.has("account_type") else "account_type"
    written = row.get(platform_key)
    if not written:
        out.errors.append(
            table.error(row, platform_key, "平台为空，请填写微信、微博、抖音、今日头条或其他平台名称")
        )
        return out
    code = platform_code(written)
    if code is None:
        out.errors.append(
            table.error(
                row, platform_key, "无法识别的平台，请填写微信、微博、抖音、今日头条或已知的其他平台名称"
            )
        )
        return out
    out.platform = code
    if not out.account_type:
        out.account_type = account_type_of(written, code)
    explicit = row.get("account_id")
    if is_other(code):
        out.account_id = explicit
        return out
    if not id_required and not explicit and not out.url:
        return out
    try:
        out.account_id = resolve_account_id(code, explicit, out.url)
    except IdError as exc:
        if exc.field == "both":
            label = f"{table.header('account_id')}/{table.header('url')}"
            out.errors.append(
                InputError(exc.message, file=table.file, row=row.number, column=label, value="")
            )
        else:
            out.errors.append(table.error(row, exc.field, exc.message))
    return out
