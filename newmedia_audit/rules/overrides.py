"""The officer's overrides file: confirm or dismiss lexicon hits, decide review cases.

CSV columns (Chinese or English headers): platform 平台, account_id 账号ID,
verdict 结论 (pass/fail, 合格/不合格), reason 原因 (a reason code or its
Chinese label), note 备注, and the optional hit 线索. UTF-8 with or without
BOM, else GB18030.

Semantics, applied in file order to the account with the same platform and
id (or name, for accounts without id):
- ``fail`` + reason: the reason is added (for serious_error: the hits are confirmed).
- ``pass`` + reason: that reason is dismissed (serious_error: the hits are marked dismissed).
- ``pass`` without reason: the officer passes the account; every reason is dismissed.

The hit column (线索) narrows a serious_error row to some of the account's
lexicon hits; a row without it means all of them, as before the column existed.
Its value is ``错误表述@帖子``: the wrong wording exactly as the hit shows it,
then, after the first ``@``, the post's link, or its post id, or the sentence
the hit quotes (what the page writes: ``word@link``, or ``word@post id`` for a
post without a link). A hit is named by what it is, not by its place in a list,
so the name survives a re-sweep that finds the hits in another order. Only the
word may be given (no ``@``): then every hit of that word in the account is
meant. Every occurrence of the word in one post is one hit to decide (the same
error in the same post); naming the sentence instead of the post singles one
out. Whitespace is ignored when comparing.
- ``fail`` + serious_error + hit: that hit is confirmed (serious_error added).
- ``pass`` + serious_error + hit: that hit is dismissed; the account keeps
  serious_error while any of its hits stands confirmed or undecided (an
  undecided hit fails the account, as without any row), and loses it once
  every hit is dismissed.
A row with a hit must have reason serious_error (else the row is an error,
exit status 2). A well-formed row naming a hit the account does not have in
this assessment is not an error: the post may have been deleted or corrected
after the notice, or left the monitoring window, so an overrides file carried
to the next sweep must keep working. Such a row is skipped with a warning on
stderr naming the file, row, column and value, and changes nothing, so it
cannot make an account pass: the account's actual hits stay undecided, and
undecided hits fail it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

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
    "hit": ("hit", "线索", "表述错误线索", "lexicon_hit"),
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


HIT_SEPARATOR = "@"


def _squash(text: str) -> str:
    return "".join(text.split())


# Links that change from one visit to the next: Sogou's result links to WeChat articles
# (``weixin.sogou.com/link?...``) are issued per search and expire.
_PASSING_LINK_HOSTS = ("weixin.sogou.com",)


def lasting_link(link: str) -> str:
    """The link when it names the post on the next sweep too, else ""."""
    host = urlsplit(link).hostname or ""
    return "" if host in _PASSING_LINK_HOSTS else link


def hit_ref(hit: LexiconHit) -> str:
    """What an overrides row names a hit by: ``word@link`` (or ``word@post id``, ``word@sentence``).

    A link that will not be the same on the next sweep (Sogou's) is passed over for the post
    id or the sentence, so a decision carried to the next quarter still finds its hit."""
    where = lasting_link(hit.link) or hit.post_id or hit.sentence
    return f"{hit.word}{HIT_SEPARATOR}{where}" if where else hit.word


def hit_matches(ref: str, hit: LexiconHit) -> bool:
    """True when ``ref`` (a hit column's value) names ``hit``: same word, and the same
    post link, post id or sentence when one is given. Whitespace does not count."""
    word, _, where = ref.partition(HIT_SEPARATOR)
    if _squash(word) != _squash(hit.word):
        return False
    if not where.strip():
        return True
    return _squash(where) in {_squash(hit.link), _squash(hit.post_id), _squash(hit.sentence)} - {""}


def _hit_problem(ref: str) -> str:
    """Why a hit column's value cannot name a hit ("" when it can)."""
    word, separator, where = ref.partition(HIT_SEPARATOR)
    if not word.strip():
        return "线索应写作“错误表述@原文链接”（或帖子ID、所在句子），@ 前的错误表述不能为空"
    if separator and not where.strip():
        return "线索中 @ 后应为原文链接、帖子ID或所在句子；只填错误表述时不要写 @"
    return ""


class Override(BaseModel):
    """One row of the overrides file."""

    platform: str
    account_id: str
    verdict: VerdictCode
    reason: Reason | None = None
    note: str = ""
    hit: str = ""  # names some of the account's lexicon hits (see hit_matches); "" = all of them
    file: str = ""
    row: int | None = None
    hit_column: str = "hit"  # the hit column's header as the file writes it, for messages

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
        hit, hit_col = cell("hit")
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
        if hit:
            problem = _hit_problem(hit)
            if problem:
                problems.append(InputError(problem, file=source, row=number, column=hit_col, value=hit))
            elif reason is not Reason.serious_error and not any(p.column == reason_col for p in problems):
                problems.append(
                    InputError(
                        "填写了线索的行，原因应为严重表述错误（serious_error）",
                        file=source,
                        row=number,
                        column=reason_col,
                        value=reason_text,
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
                hit=hit,
                file=source,
                row=number,
                hit_column=hit_col,
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


def decides_hit(row: Override, hit: LexiconHit) -> bool:
    """True when ``row`` (of the hit's account) confirms or dismisses ``hit``: a serious_error
    row naming it or naming no hit, or a ``pass`` of the whole account. The last such row in
    file order gives the hit's state: confirmed after ``fail``, dismissed after ``pass``."""
    if row.hit:
        return hit_matches(row.hit, hit)
    return row.reason is Reason.serious_error or (row.verdict is VerdictCode.passed and row.reason is None)


class OverrideOutcome(BaseModel):
    """An account's reasons and hits after its override rows."""

    reasons: list[Reason]
    hits: list[LexiconHit]
    decided: bool = False  # an officer's row gave the verdict (pass, or fail with a reason)
    note: str = ""
    # Rows naming a hit the account does not have now: skipped, with a warning on stderr.
    unmatched: list[Override] = []


def unmatched_hit_message(row: Override, account: Account) -> str:
    """The warning for a row whose hit the account does not have (file, row, column, value)."""
    where = InputError(
        f"账号「{account.name}」本次没有这条表述错误线索（帖子可能已删除或修改，或已不在监测时间窗口内），该行未生效",
        file=row.file,
        row=row.row,
        column=row.hit_column,
        value=row.hit,
    )
    return where.render()


def _warn(text: str) -> None:
    print(f"提示 / warning: {text}", file=sys.stderr)


def apply_overrides(
    account: Account,
    reasons: list[Reason],
    hits: list[LexiconHit],
    overrides: list[Override],
    *,
    warn: bool = True,
) -> OverrideOutcome:
    """Apply the account's override rows, in file order, to its computed reasons and hits.

    A row with a hit decides the hits it names (see the module's docstring); one
    naming no hit of the account is skipped (``unmatched``), with a warning on stderr
    unless ``warn`` is false.
    """
    reasons = list(reasons)
    hits = [h.model_copy() for h in hits]
    decided = False
    notes: list[str] = []
    unmatched: list[Override] = []
    for row in overrides:
        if not row.matches(account):
            continue
        if row.hit:
            named = [i for i, h in enumerate(hits) if hit_matches(row.hit, h)]
            if not named:
                unmatched.append(row)
                if warn:
                    _warn(unmatched_hit_message(row, account))
                continue
            dismiss = row.verdict is VerdictCode.passed
            for i in named:
                hits[i] = hits[i].model_copy(update={"dismissed": dismiss})
            if not dismiss:
                if Reason.serious_error not in reasons:
                    reasons.append(Reason.serious_error)
                decided = True
            elif all(h.dismissed for h in hits):
                reasons = [r for r in reasons if r is not Reason.serious_error]
            if row.note:
                notes.append(row.note)
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
    return OverrideOutcome(
        reasons=reasons, hits=hits, decided=decided, note="；".join(notes), unmatched=unmatched
    )
