"""The officer's overrides file: confirm or dismiss lexicon hits, decide review cases.

CSV columns (Chinese or English headers): platform 平台, account_id 账号ID,
verdict 结论 (pass/fail, 合格/不合格), reason 原因 (a reason code or its
Chinese label), note 备注. UTF-8 with or without BOM, else GB18030.

Semantics, applied in file order to the account with the same platform and
id (or name, for accounts without id):
- ``fail`` + reason: the reason is added (for serious_error: the hits are confirmed).
- ``pass`` + reason: that reason is dismissed (serious_error: the hits are marked dismissed).
- ``pass`` without reason: the officer passes the account; every reason is dismissed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ..errors import InputError, InputErrors
from ..inputs.platforms import platform_code
from ..models import Account, LexiconHit, Reason, VerdictCode, reason_label
from .textfile import csv_rows, read_text

_HEADERS = {
    "platform": ("platform", "平台", "平台类型", "新媒体类型"),
    "account_id": ("account_id", "账号id", "账号", "id", "微信号", "uid"),
    "verdict": ("verdict", "结论", "判定", "结果", "复核结论"),
    "reason": ("reason", "原因", "不合格原因", "reason_code"),
    "note": ("note", "备注", "说明"),
}
_REQUIRED = ("platform", "account_id", "verdict")

_VERDICTS = {
    "pass": VerdictCode.passed,
    "合格": VerdictCode.passed,
    "通过": VerdictCode.passed,
    "fail": VerdictCode.failed,
    "不合格": VerdictCode.failed,
}

# Labels as reports and seed notices write them, besides the codes.
_REASON_ALIASES = {
    "未备案": Reason.unregistered,
    "开通至今未更新": Reason.never_updated,
    "开通以来未更新": Reason.never_updated,
    "未更新": Reason.not_updated,
    "账号名称备案有误": Reason.name_mismatch,
    "名称不一致": Reason.name_mismatch,
    "无法访问": Reason.unreachable,
}


class Override(BaseModel):
    """One row of the overrides file."""

    platform: str
    account_id: str
    verdict: VerdictCode
    reason: Reason | None = None
    note: str = ""
    file: str = ""
    row: int | None = None

    def matches(self, account: Account) -> bool:
        """True for the account this row decides (platform + id, or name when it has no id)."""
        if self.platform != account.platform:
            return False
        return self.account_id == (account.account_id or account.name)


def parse_platform(value: str) -> str | None:
    """A platform code from a code or a Chinese label; other names become ``other:<name>``."""
    text = value.strip()
    if not text:
        return None
    if text.startswith("other:"):
        return text
    # The ledger's own alias table, so an override names a platform as the ledger does.
    return platform_code(text) or f"other:{text}"


def parse_reason(value: str, province: str = "") -> Reason | None:
    """A reason from its code, its report label (any province) or a seed variant; None if unknown."""
    text = "".join(value.split())
    if text in Reason.__members__:
        return Reason(text)
    for reason in Reason:
        label = reason_label(reason, province or "湖北省")
        if text == label or (reason is Reason.unregistered and text.endswith("未备案")):
            return reason
    return _REASON_ALIASES.get(text)


def parse_overrides(text: str, source: str) -> list[Override]:
    """Rows of an overrides CSV given as text. See read_overrides."""
    reader = iter(csv_rows(text, source))
    header = next(reader, None) or []
    columns: dict[str, tuple[int, str]] = {}
    for index, name in enumerate(header):
        for key, aliases in _HEADERS.items():
            if name.strip().lower() in aliases:
                columns.setdefault(key, (index, name.strip()))
    missing = [k for k in _REQUIRED if k not in columns]
    if missing:
        found = "、".join(h.strip() for h in header) or "（空）"
        raise InputError(f"复核文件缺少必需的列 {', '.join(missing)}；找到的列：{found}", file=source, row=1)

    errors: list[InputError] = []
    rows: list[Override] = []
    for number, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue

        def cell(key: str, row: list[str] = row) -> tuple[str, str]:
            index, name = columns.get(key, (-1, key))
            return (row[index].strip() if 0 <= index < len(row) else ""), name

        platform_text, platform_col = cell("platform")
        account_id, id_col = cell("account_id")
        verdict_text, verdict_col = cell("verdict")
        reason_text, reason_col = cell("reason")
        note, _ = cell("note")
        platform = parse_platform(platform_text)
        problems: list[InputError] = []
        if platform is None:
            problems.append(
                InputError("平台不能为空", file=source, row=number, column=platform_col, value="")
            )
        if not account_id:
            problems.append(
                InputError(
                    "账号ID不能为空（无ID的账号填账号名称）",
                    file=source,
                    row=number,
                    column=id_col,
                    value="",
                )
            )
        verdict = _VERDICTS.get(verdict_text.lower())
        if verdict is None:
            problems.append(
                InputError(
                    "结论应为 pass/fail（合格/不合格）",
                    file=source,
                    row=number,
                    column=verdict_col,
                    value=verdict_text,
                )
            )
        reason: Reason | None = None
        if reason_text:
            reason = parse_reason(reason_text)
            if reason is None:
                codes = "、".join(r.value for r in Reason)
                problems.append(
                    InputError(
                        f"无法识别的原因；可填原因代码（{codes}）或报表中的中文名称",
                        file=source,
                        row=number,
                        column=reason_col,
                        value=reason_text,
                    )
                )
        elif verdict is VerdictCode.failed:
            problems.append(
                InputError(
                    "结论为不合格时必须填写原因",
                    file=source,
                    row=number,
                    column=reason_col,
                    value="",
                )
            )
        if problems:
            errors.extend(problems)
            continue
        assert platform is not None and verdict is not None
        rows.append(
            Override(
                platform=platform,
                account_id=account_id,
                verdict=verdict,
                reason=reason,
                note=note,
                file=source,
                row=number,
            )
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    return rows


def read_overrides(path: Path) -> list[Override]:
    """The rows of an overrides CSV file.

    Raises:
        InputError: missing file or columns, or one bad row (file, row, column, value).
        InputErrors: several bad rows, all reported at once.
    """
    return parse_overrides(read_text(Path(path)), str(path))


class OverrideOutcome(BaseModel):
    """An account's reasons and hits after its override rows."""

    reasons: list[Reason]
    hits: list[LexiconHit]
    decided: bool = False  # an officer's row gave the verdict (pass, or fail with a reason)
    note: str = ""


def apply_overrides(
    account: Account,
    reasons: list[Reason],
    hits: list[LexiconHit],
    overrides: list[Override],
) -> OverrideOutcome:
    """Apply the account's override rows, in file order, to its computed reasons and hits."""
    reasons = list(reasons)
    hits = [h.model_copy() for h in hits]
    decided = False
    notes: list[str] = []
    for row in overrides:
        if not row.matches(account):
            continue
        if row.note:
            notes.append(row.note)
        if row.verdict is VerdictCode.failed:
            assert row.reason is not None
            if row.reason not in reasons:
                reasons.append(row.reason)
            if row.reason is Reason.serious_error:
                hits = [h.model_copy(update={"dismissed": False}) for h in hits]
            decided = True
        elif row.reason is None:
            reasons = []
            hits = [h.model_copy(update={"dismissed": True}) for h in hits]
            decided = True
        else:
            reasons = [r for r in reasons if r is not row.reason]
            if row.reason is Reason.serious_error:
                hits = [h.model_copy(update={"dismissed": True}) for h in hits]
    return OverrideOutcome(reasons=reasons, hits=hits, decided=decided, note="；".join(notes))
