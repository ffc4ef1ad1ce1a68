"""Officers' decisions: validated, stored append-only, and mirrored into OUTDIR/overrides.csv.

The store keeps every decision (who, when, what it was, what it became); the
newest per account and subject is in force. The overrides file is the same
decisions in the format ``rules/overrides.py`` reads, so
``newmedia-audit report OUTDIR --overrides OUTDIR/overrides.csv`` assesses
exactly what the page shows. Rows come in decision order: an overrides file
applies in file order, so the newest decision acts last.

Wording hits are decided one by one (subject ``wording:<hit>``, the hit named as
the overrides file's hit column names it, ``rules.overrides.hit_ref``) or all
at once (subject ``wording``); a hit's state is the last decision that decides
it, as in the overrides file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..collect.evidence import atomic_write
from ..csvcells import neutralize_row
from ..errors import OutputError
from ..models import Account, LexiconHit, Reason, VerdictCode
from ..rules.overrides import Override, decides_hit, hit_ref
from ..store import Decision, Store

OVERRIDES_FILE = "overrides.csv"

VERDICT = "verdict"
WORDING = "wording"
HIT_PREFIX = WORDING + ":"  # + the hit's name: a decision on one hit

# Values of each subject; the last of each means "no officer decision" (an undo).
VERDICT_VALUES = ("pass", "fail", "review")
WORDING_VALUES = ("confirm", "dismiss", "pending")
CLEARED = frozenset({"review", "pending"})

MAX_NOTE = 500
MAX_OFFICER = 40

# The reader's columns, then two it ignores (unknown headers): who decided and when,
# so the file alone is traceable too.
CSV_HEADER = ("platform", "account_id", "verdict", "reason", "hit", "note", "officer", "decided_at")
# The header before the hit column existed: a file of that shape is still the page's own.
LEGACY_HEADER = ("platform", "account_id", "verdict", "reason", "note", "officer", "decided_at")


class DecisionError(ValueError):
    """A decision the form cannot make (missing officer or reason, unknown value); Chinese message.

    ``field`` names the form field at fault (officer, note, value, reason), empty when none is.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OverrideRow:
    """One line of the overrides file."""

    platform: str
    account_id: str
    verdict: str  # pass | fail
    reason: str = ""
    note: str = ""
    officer: str = ""
    decided_at: str = ""
    hit: str = ""

    def cells(self, header: Sequence[str] = CSV_HEADER) -> list[str]:
        return [str(getattr(self, name)) for name in header]


def hit_subject(ref: str) -> str:
    """The decision subject of one wording hit, named as the overrides file names it."""
    return HIT_PREFIX + ref


def subject_hit(subject: str) -> str | None:
    """The hit a subject decides, or None for the account-level subjects."""
    return subject.removeprefix(HIT_PREFIX) if subject.startswith(HIT_PREFIX) else None


def override_id(account: Account) -> str:
    """What an overrides row names the account by: its id, or its name when it has none."""
    return account.account_id or account.name


def make_decision(
    account: Account,
    subject: str,
    value: str,
    *,
    officer: str,
    reason: str = "",
    note: str = "",
    before: str = "",
    hits: Sequence[LexiconHit] | None = None,
) -> Decision:
    """A validated decision on ``account``.

    ``hits`` are the account's current lexicon hits: a decision on one hit must name
    one of them (when given).

    Raises:
        DecisionError: unknown subject or value, no officer, 不合格 without a reason code,
            a hit the account does not have.
    """
    officer = " ".join(officer.split())
    note = note.strip()
    reason = reason.strip()
    if not officer:
        raise DecisionError("请填写审核人", "officer")
    if len(officer) > MAX_OFFICER:
        raise DecisionError(f"审核人不能超过 {MAX_OFFICER} 个字", "officer")
    if len(note) > MAX_NOTE:
        raise DecisionError(f"备注不能超过 {MAX_NOTE} 个字", "note")
    if subject == VERDICT:
        if value not in VERDICT_VALUES:
            raise DecisionError("结论应为 合格、不合格 或 待复核", "value")
        if value == "fail":
            if reason not in Reason.__members__:
                raise DecisionError("结论为不合格时请选择原因", "reason")
        else:
            reason = ""
    elif subject == WORDING or subject.startswith(HIT_PREFIX):
        if value not in WORDING_VALUES:
            raise DecisionError("表述错误线索只能确认、排除或撤销", "value")
        ref = subject_hit(subject)
        if ref is not None and (
            not ref.strip() or (hits is not None and not any(hit_ref(h) == ref for h in hits))
        ):
            raise DecisionError("本账号当前没有这条表述错误线索，请刷新页面后重试")
        reason = ""
    else:
        raise DecisionError(f"未知的复核事项：{subject}")
    return Decision(
        key=account.key,
        platform=account.platform,
        account_id=override_id(account),
        subject=subject,
        value=value,
        reason=reason,
        note=note,
        officer=officer,
        before=before,
    )


def override_row(decision: Decision) -> OverrideRow | None:
    """The overrides line a decision in force stands for; None for an undo (no line).

    verdict pass -> ``pass`` with no reason (every reason dismissed); fail -> ``fail``
    + reason; wording confirm -> ``fail,serious_error``; dismiss -> ``pass,serious_error``;
    the same for one hit, with the hit column naming it.
    """
    if decision.value in CLEARED:
        return None
    hit = subject_hit(decision.subject) or ""
    if decision.subject == WORDING or hit:
        verdict = "fail" if decision.value == "confirm" else "pass"
        reason = Reason.serious_error.value
    else:
        verdict, reason = decision.value, decision.reason
    note = f"{decision.note}（{decision.officer}复核）" if decision.note else f"{decision.officer}复核"
    return OverrideRow(
        platform=decision.platform,
        account_id=decision.account_id,
        verdict=verdict,
        reason=reason,
        note=note,
        officer=decision.officer,
        decided_at=decision.decided_at,
        hit=hit,
    )


def as_override(decision: Decision) -> Override | None:
    """The Override the overrides file's reader makes of a decision's line (None: an undo)."""
    line = override_row(decision)
    if line is None:
        return None
    return Override(
        platform=line.platform,
        account_id=line.account_id,
        verdict=VerdictCode(line.verdict),
        reason=Reason(line.reason) if line.reason else None,
        note=line.note,
        hit=line.hit,
    )


def hit_states(
    account: Account,
    hits: Sequence[LexiconHit],
    in_force: Iterable[Decision],
    base: Sequence[Override] = (),
) -> list[tuple[str, Decision | None]]:
    """Each hit's state as the next report will take it, and the page's decision behind it.

    The state is "confirm", "dismiss" or "pending" (undecided): the last row that decides
    the hit (``rules.overrides.decides_hit``) among the sweep's own overrides rows, then
    the decisions in force in decision order, exactly as OUTDIR/overrides.csv lists them.
    """
    events: list[tuple[Override, Decision | None]] = [(r, None) for r in base if r.matches(account)]
    for decision in sorted(in_force, key=lambda d: d.id):
        row = as_override(decision)
        if row is not None and row.matches(account):
            events.append((row, decision))
    states: list[tuple[str, Decision | None]] = []
    for hit in hits:
        state: tuple[str, Decision | None] = ("pending", None)
        for row, decision in events:
            if decides_hit(row, hit):
                state = ("dismiss" if row.verdict is VerdictCode.passed else "confirm", decision)
        states.append(state)
    return states


def base_row(row: Override) -> OverrideRow:
    """A row of the sweep's own overrides file, carried over ahead of the page's decisions."""
    return OverrideRow(
        platform=row.platform,
        account_id=row.account_id,
        verdict=row.verdict.value,
        reason=row.reason.value if row.reason else "",
        note=row.note,
        officer="",
        decided_at="",
        hit=row.hit,
    )


def render_overrides(
    in_force: Sequence[Decision], base: Sequence[Override] = (), header: Sequence[str] = CSV_HEADER
) -> bytes:
    """The overrides file (UTF-8 with BOM): the sweep's rows, then the decisions in force by id.

    ``header`` LEGACY_HEADER renders the file as the page wrote it before the hit column
    (to recognise such a file as the page's own; meaningless once a hit was decided).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    rows = [base_row(r) for r in base]
    rows += [r for d in sorted(in_force, key=lambda d: d.id) if (r := override_row(d)) is not None]
    writer.writerows(neutralize_row(r.cells(header)) for r in rows)  # no formula reaches Excel
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_overrides(out_dir: Path, in_force: Sequence[Decision], base: Sequence[Override] = ()) -> Path:
    """Write OUTDIR/overrides.csv atomically (a reader never sees half of it).

    Raises:
        OutputError: the file cannot be written.
    """
    path = Path(out_dir) / OVERRIDES_FILE
    try:
        atomic_write(path, render_overrides(in_force, base))
    except OSError as exc:
        raise OutputError(f"无法写入复核文件 {path}：{exc}") from exc
    return path


def record(
    store: Store,
    out_dir: Path,
    decision: Decision,
    *,
    expected_last: int | None,
    base: Sequence[Override] = (),
) -> Decision:
    """Store one decision (one transaction), then rewrite the overrides file from the store.

    Raises:
        StaleDecision: the account was decided after the officer's page was drawn.
        OutputError: the store or the overrides file cannot be written.
    """
    saved = store.add_decision(decision, expected_last=expected_last)
    write_overrides(out_dir, store.latest_decisions(), base)
    return saved


def in_force(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The newest decision of each subject among one account's decisions (oldest first)."""
    current: dict[str, Decision] = {}
    for decision in decisions:
        current[decision.subject] = decision
    return current
