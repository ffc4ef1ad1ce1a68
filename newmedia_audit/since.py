"""``sweep --since PREVIOUS_OUT``: a cheap weekly run that visits only what could change.

From the previous output directory's store (its observations and verdicts) the
plan picks the accounts to visit at the new D:

- new in the ledger (no observation there), or on a platform the tool can
  visit whose observation is not of a reachable profile;
- failing or in review there (or without a verdict: that sweep never assessed them);
- at risk at the new D judged on the earlier observation: not fresh any more,
  or fresh with ``warn_days`` or fewer left (rules/warnings.needs_visit);
- with an observation older than ``carry_max_age_days`` (days from the visit
  it comes from to D; a carried observation keeps its first visit's date).

Every other account keeps its earlier observation: copied into the new store
with ``carried_from`` set (the date of the visit) and its evidence hard-linked
into the new --out, so resume, ``report`` and the review page work as after a
full sweep. What such a run can miss is written in the README (a new wording
error or a deletion on an account it did not visit).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from .collect.evidence import atomic_write
from .errors import InputError, OutputError
from .models import Account, Observation, Status, Verdict, VerdictCode, is_supported
from .rules.assess import evidence_folder
from .rules.localtime import local_date
from .rules.warnings import needs_visit
from .settings import Settings
from .store import Store

STATE_FILE = "state.sqlite"
CARRIED_NOTE = "carried-from.txt"


class VisitReason(StrEnum):
    """Why a --since run visits an account."""

    new = "new"  # no observation in the previous sweep
    unseen = "unseen"  # the previous visit did not read a reachable profile
    failed = "failed"
    review = "review"
    no_verdict = "no_verdict"  # the previous sweep never assessed it
    at_risk = "at_risk"  # not fresh at the new D, or within warn_days of its deadline
    stale = "stale"  # the observation is older than carry_max_age_days


REASON_LABELS: dict[VisitReason, str] = {
    VisitReason.new: "上次未取得结果（含台账新增）",
    VisitReason.unseen: "上次未能正常读取",
    VisitReason.failed: "上次不合格",
    VisitReason.review: "上次待复核",
    VisitReason.no_verdict: "上次未出结论",
    VisitReason.at_risk: "已超期或即将超期",
    VisitReason.stale: "上次访问已超过期限",
}


@dataclass(frozen=True)
class PreviousState:
    """What a --since run needs of the previous output directory."""

    directory: Path
    as_of: date | None
    observations: dict[str, Observation]
    verdicts: dict[str, str]  # key -> pass | fail | review


@dataclass
class SincePlan:
    """Which accounts a --since run visits (with why) and which it carries."""

    visit: dict[str, VisitReason] = field(default_factory=dict)
    carry: dict[str, Observation] = field(default_factory=dict)  # with carried_from set
    unsupported: int = 0  # accounts on platforms the tool cannot visit (neither)

    def counts(self) -> Counter[VisitReason]:
        return Counter(self.visit.values())

    def message(self, previous: PreviousState, max_age: int) -> str:
        """One line for stderr, in Chinese."""
        counts = self.counts()
        why = "、".join(
            f"{REASON_LABELS[r]} {counts[r]}" + (f"（{max_age} 天）" if r is VisitReason.stale else "")
            for r in VisitReason
            if counts[r]
        )
        when = f"，监测时间点 {previous.as_of.isoformat()}" if previous.as_of else ""
        return (
            f"按上次抽查（{previous.directory}{when}）：访问 {len(self.visit)} 个账号"
            + (f"（{why}）" if why else "")
            + f"，沿用 {len(self.carry)} 个账号上次的访问结果。"
        )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


def read_previous_state(directory: Path) -> PreviousState:
    """Read the previous sweep's store without writing to it.

    Raises:
        InputError: the directory has no readable state.sqlite.
    """
    directory = Path(directory)
    path = directory / STATE_FILE
    if not path.is_file():
        raise InputError(
            f"--since 目录 {directory} 中没有 {STATE_FILE}：--since 应指向上次 sweep 的 --out 目录。"
        )
    try:
        with _connect_read_only(path) as db:
            observations = {
                key: Observation.model_validate_json(data)
                for key, data in db.execute("SELECT key, data FROM observations")
            }
            verdicts = {
                key: str(json.loads(data).get("verdict", ""))
                for key, data in db.execute("SELECT key, data FROM verdicts")
            }
            row = db.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchone()
    except (sqlite3.Error, ValueError) as exc:
        raise InputError(f"无法读取上次抽查的状态库 {path}：{exc}") from exc
    as_of = None
    if row:
        try:
            as_of = date.fromisoformat(json.loads(row[0])["as_of"])
        except (ValueError, KeyError, TypeError):
            as_of = None
    return PreviousState(directory, as_of, observations, verdicts)


def visit_date(observation: Observation) -> date | None:
    """The local date of the visit an observation comes from (its first, when carried)."""
    if observation.carried_from is not None:
        return observation.carried_from
    if observation.fetched_at is None:
        return None
    return local_date(observation.fetched_at)


def _reason(
    account: Account, previous: PreviousState, settings: Settings, as_of: date
) -> VisitReason | Observation:
    """Why the account is visited, or the observation to carry."""
    observation = previous.observations.get(account.key)
    if observation is None:
        return VisitReason.new
    if observation.status is not Status.ok:
        return VisitReason.unseen
    verdict = previous.verdicts.get(account.key, "")
    if verdict == VerdictCode.failed.value:
        return VisitReason.failed
    if verdict == VerdictCode.review.value:
        return VisitReason.review
    if verdict != VerdictCode.passed.value:
        return VisitReason.no_verdict
    seen_on = visit_date(observation)
    if seen_on is None or (as_of - seen_on).days > settings.carry_max_age_days:
        return VisitReason.stale
    if needs_visit(account, observation, settings, as_of):
        return VisitReason.at_risk
    return observation.model_copy(update={"carried_from": seen_on})


def plan_since(
    accounts: Sequence[Account], previous: PreviousState, settings: Settings, as_of: date
) -> SincePlan:
    """Pure: the accounts to visit at ``as_of`` and the observations to carry."""
    plan = SincePlan()
    for account in accounts:
        if not is_supported(account.platform):
            plan.unsupported += 1  # committed as unsupported by the sweep, no visit
            continue
        outcome = _reason(account, previous, settings, as_of)
        if isinstance(outcome, Observation):
            plan.carry[account.key] = outcome
        else:
            plan.visit[account.key] = outcome
    return plan


def _safe_relative(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return bool(path) and parts[0] == "evidence" and ".." not in parts and not os.path.isabs(path)


def link_evidence(observation: Observation, source: Path, target: Path) -> None:
    """Hard-link (else copy) the observation's evidence folder from ``source`` into
    ``target`` (both --out directories), and note there where it comes from.

    Raises:
        OutputError: the target cannot be written.
    """
    folder = evidence_folder(observation)
    if not _safe_relative(folder):
        return
    origin = source / folder
    if not origin.is_dir():
        return
    destination = target / folder
    try:
        destination.mkdir(parents=True, exist_ok=True)
        for item in origin.iterdir():
            if not item.is_file() or item.name.startswith(".") or item.name == CARRIED_NOTE:
                continue
            copy = destination / item.name
            if copy.exists():
                continue
            try:
                os.link(item, copy)
            except OSError:
                shutil.copy2(item, copy)
        when = observation.carried_from.isoformat() if observation.carried_from else ""
        note = f"本期未访问该账号，沿用 {when} 的访问结果（来自 {source.resolve()}）。\n"
        atomic_write(destination / CARRIED_NOTE, note.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"无法写入证据目录 {destination}：{exc}") from exc


def carry_forward(
    store: Store,
    since: Path,
    accounts: Sequence[Account],
    settings: Settings,
    as_of: date,
    out_dir: Path,
) -> tuple[SincePlan, PreviousState]:
    """Plan a --since run and carry what it does not visit into ``store``.

    Idempotent, so rerunning the same command resumes: an account already
    visited or carried in this store keeps its observation; one carried earlier
    but now due for a visit (D moved on) is reopened.
    """
    previous = read_previous_state(since)
    plan = plan_since(accounts, previous, settings, as_of)
    existing = store.observations()
    store.reopen(k for k in plan.visit if k in existing and existing[k].carried_from is not None)
    todo = [(k, o) for k, o in plan.carry.items() if k not in existing]
    for _, observation in todo:  # evidence first: a kill in between relinks on the rerun
        link_evidence(observation, Path(since), Path(out_dir))
    store.carry_observations(todo)
    return plan, previous


def mark_carried(verdicts: Iterable[Verdict], observations: Mapping[str, Observation]) -> list[Verdict]:
    """Verdicts with ``carried_from`` copied from their observation, where it was carried."""
    out: list[Verdict] = []
    for verdict in verdicts:
        observation = observations.get(verdict.account.key)
        if observation is not None and observation.carried_from is not None:
            verdict = verdict.model_copy(update={"carried_from": observation.carried_from})
        out.append(verdict)
    return out
