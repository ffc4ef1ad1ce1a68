"""Probe visits: a few well-known accounts per platform, visited by the sweep itself.

The visits go through ``collect.sweep.sweep`` with a throwaway store, so
politeness, walls, retries and evidence are exactly a real sweep's; the
outcome of each platform is then read from the stored observations
(``Observation.failure``) and the store's event counts.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..models import Account, Observation, Platform, Status, platform_label
from ..settings import ProbeAccount, Settings
from ..store import Store
from .findings import Finding, Level


class Outcome(StrEnum):
    """What a probe visit (or a platform) came to."""

    read = "read"  # the platform answered and the collector understood it
    wall = "wall"  # refused: captcha, login wall, 418/432, antispider
    fault = "fault"  # no usable answer: network errors, timeouts, 5xx
    unrecognized = "unrecognized"  # an answer the collector cannot read: the platform may have changed
    skipped = "skipped"  # not visited (no browser, --out not writable)


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.read: "读取正常",
    Outcome.wall: "被拦截",
    Outcome.fault: "网络故障",
    Outcome.unrecognized: "无法识别",
    Outcome.skipped: "未检查",
}

# Which failure a platform line names when its probes failed in different ways:
# the one that needs the most work first (a changed platform needs a new release).
SEVERITY: tuple[Outcome, ...] = (Outcome.unrecognized, Outcome.wall, Outcome.fault)

ADVICE: dict[Outcome, str] = {
    Outcome.wall: "可稍后再试、调大 rules.toml 中该平台的 delay，或运行 newmedia-audit login {platform} 保存登录状态",
    Outcome.fault: "请检查网络、代理和防火墙后再试",
    Outcome.unrecognized: "平台页面或接口可能已改版，请更新工具或反馈问题并附上证据目录",
}

WORK_DIR = "probes"
MARKER = ".newmedia-audit-doctor"
STATE_FILE = "state.sqlite"


def classify_visit(observation: Observation | None) -> Outcome:
    """The outcome of one probe visit from its stored observation.

    ``failure`` is the sweep's own word for a visit that did not see the
    account; observations written before it existed fall back on the status
    (blocked = wall, error = fault). Any other status (ok, not_found, banned,
    private) is an answer the collector understood: the platform can be read.
    A probe with no observation was not finished (the sweep stopped early).
    """
    if observation is None:
        return Outcome.fault
    if observation.failure in (Outcome.wall, Outcome.fault, Outcome.unrecognized):
        return Outcome(observation.failure)
    if observation.status is Status.blocked:
        return Outcome.wall
    if observation.status is Status.error:
        return Outcome.fault
    if observation.status is Status.unsupported:
        return Outcome.skipped
    return Outcome.read


def classify_platform(outcomes: Sequence[Outcome]) -> Outcome:
    """A platform's outcome from its probes' outcomes.

    Read fine only when every probe was read: a preflight that hides one
    walled probe would promise a sweep that is not there. Otherwise the most
    frequent failure, ties going to the more severe (``SEVERITY``).
    """
    if not outcomes or all(o is Outcome.skipped for o in outcomes):
        return Outcome.skipped
    counts = Counter(o for o in outcomes if o in SEVERITY)
    if not counts:
        return Outcome.read
    return max(SEVERITY, key=lambda o: (counts[o], -SEVERITY.index(o)))


def event_counts(events: Iterable[tuple[str, str, str, int]]) -> dict[str, dict[str, int]]:
    """The store's events as {platform: {kind: count}} (walls, faults, unrecognized tries).

    They include tries that were retried and then read, which the final
    observations do not show.
    """
    counts: dict[str, Counter[str]] = {}
    for platform, kind, _reason, count in events:
        counts.setdefault(platform, Counter())[kind] += int(count)
    return {p: dict(c) for p, c in counts.items()}


@dataclass(frozen=True)
class ProbeResult:
    """One probe and what its visit came to."""

    probe: ProbeAccount
    outcome: Outcome
    status: str = ""
    failure: str = ""
    detail: str = ""
    live_name: str = ""
    evidence: str = ""  # the probe's evidence folder, relative to the work dir ("" when none)

    def as_json(self) -> dict[str, Any]:
        return {
            "platform": self.probe.platform,
            "account_id": self.probe.account_id,
            "name": self.probe.name,
            "outcome": self.outcome.value,
            "status": self.status,
            "failure": self.failure,
            "detail": self.detail,
            "live_name": self.live_name,
            "evidence": self.evidence,
        }


@dataclass
class ProbeRun:
    """The probe visits of one doctor run."""

    work_dir: Path
    results: dict[str, list[ProbeResult]] = field(default_factory=dict)  # by platform
    events: dict[str, dict[str, int]] = field(default_factory=dict)


def probe_accounts(probes: Sequence[ProbeAccount]) -> list[Account]:
    """Probes as ledger accounts (one per platform and id)."""
    accounts: dict[tuple[str, str], Account] = {}
    for probe in probes:
        name = probe.name or probe.account_id
        accounts.setdefault(
            (probe.platform, probe.account_id),
            Account(
                district="运行前检查",
                unit=name,
                name=name,
                platform=probe.platform,
                account_id=probe.account_id,
            ),
        )
    return list(accounts.values())


def probe_settings(settings: Settings, probes: Sequence[ProbeAccount]) -> Settings:
    """The sweep's settings for probe visits.

    Politeness, retries and fetch paths stay the user's. Changed: a wall is
    requeued ``doctor.wall_retries`` times (0: reported at once rather than
    after minutes of cool-down), every browser visit keeps a screenshot (a
    handful of pages, each worth looking at), and the drift alarm cannot trip
    (it would withdraw the very observations doctor reports on).
    """
    per_platform = Counter(p.platform for p in probes)
    updates: dict[str, Any] = {
        p.value: settings.platform(p.value).model_copy(update={"wall_retries": settings.doctor.wall_retries})
        for p in Platform
    }
    updates["browser"] = settings.browser.model_copy(update={"screenshots": "all"})
    updates["drift_visits"] = max(per_platform.values(), default=0) + 1
    updates["drift_share"] = 1.0
    return settings.model_copy(update=updates)


def fresh_work_dir(out: Path) -> Path:
    """``--out/probes``, emptied: every doctor run visits afresh (no resume, no old evidence).

    Only a folder doctor made itself (it holds MARKER) is removed.

    Raises:
        OutputError: the folder exists but is not doctor's, or cannot be replaced.
    """
    work = out / WORK_DIR
    try:
        if work.exists():
            if not (work / MARKER).is_file():
                raise OutputError(f"{work} 已存在且不是 doctor 生成的目录，未作改动；请换用其他 --out。")
            shutil.rmtree(work)
        work.mkdir(parents=True)
        (work / MARKER).write_text("newmedia-audit doctor: probe visits, replaced on every run\n", "utf-8")
    except OSError as exc:
        raise OutputError(f"无法准备探测目录 {work}：{exc}") from exc
    return work


def _result(probe: ProbeAccount, observation: Observation | None) -> ProbeResult:
    outcome = classify_visit(observation)
    if observation is None:
        return ProbeResult(probe, outcome, detail="访问未完成")
    folder = observation.evidence[0].rpartition("/")[0] if observation.evidence else ""
    return ProbeResult(
        probe,
        outcome,
        status=observation.status.value,
        failure=observation.failure,
        detail=observation.detail,
        live_name=observation.live_name,
        evidence=folder,
    )


def run_probes(
    probes: Sequence[ProbeAccount],
    settings: Settings,
    out: Path,
    *,
    replay: Sequence[Path] = (),
    browsers_dir: Path = Path("browsers"),
    skip: Mapping[str, str] | None = None,
) -> ProbeRun:
    """Visit the probes through the sweep and classify each visit.

    Args:
        probes: the accounts to visit (settings.doctor.probes).
        settings: the user's settings (probe_settings adapts them).
        out: doctor's --out; the visits go to ``out/probes`` (replaced).
        replay: HAR files to answer from (no network), else live.
        browsers_dir: login states, as the sweep loads them.
        skip: platform -> why it is not visited (its probes are ``skipped``).

    Raises:
        ReplayError: a replay file is malformed.
        OutputError: the work folder or its store cannot be written.
    """
    from ..collect.sweep import sweep

    skip = dict(skip or {})
    work = fresh_work_dir(out)
    run = ProbeRun(work)
    visiting = [p for p in probes if p.platform not in skip]
    for probe in probes:
        if probe.platform in skip:
            run.results.setdefault(probe.platform, []).append(
                ProbeResult(probe, Outcome.skipped, detail=skip[probe.platform])
            )
    if not visiting:
        return run
    store = Store(work / STATE_FILE)
    try:
        accounts = probe_accounts(visiting)
        sweep(
            accounts,
            store,
            probe_settings(settings, visiting),
            work,
            replay=list(replay),
            browsers_dir=browsers_dir,
        )
        observations = store.observations()
        run.events = event_counts(store.events())
    finally:
        store.close()
    for probe in visiting:
        key = Account(district="", unit="", name="", platform=probe.platform, account_id=probe.account_id).key
        run.results.setdefault(probe.platform, []).append(_result(probe, observations.get(key)))
    return run


# -- the platform line -------------------------------------------------------------------


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _events_note(events: Mapping[str, int]) -> str:
    """Walls and faults met on the way, for a platform that was read in the end."""
    parts = []
    for kind, label in (("wall", "拦截"), ("fault", "网络故障"), ("unrecognized", "无法识别的响应")):
        if events.get(kind):
            parts.append(f"{label} {events[kind]} 次")
    return f"；途中遇到{'、'.join(parts)}，重试后读取" if parts else ""


def platform_finding(
    platform: str, results: Sequence[ProbeResult], events: Mapping[str, int], work_dir: Path
) -> Finding:
    """One line per platform: 读取正常 / 被拦截 / 网络故障 / 无法识别 (or 未检查), with the evidence folder."""
    label = platform_label(platform)
    outcome = classify_platform([r.outcome for r in results])
    total = len(results)
    evidence_dir = work_dir / "evidence" / platform
    data: dict[str, Any] = {
        "label": label,
        "outcome": outcome.value,
        "outcome_label": OUTCOME_LABELS[outcome],
        "probes": [r.as_json() for r in results],
        "events": dict(events),
        "evidence_dir": str(evidence_dir) if evidence_dir.is_dir() else "",
    }
    if outcome is Outcome.skipped:
        why = next((r.detail for r in results if r.detail), "")
        return Finding("platform", Level.skip, f"{label}：未检查（{why}）", platform, data)
    where = f"　证据：{evidence_dir}/" if evidence_dir.is_dir() else "　证据：无（未收到任何响应）"
    if outcome is Outcome.read:
        gone = [r for r in results if r.status in (Status.not_found, Status.banned, Status.private)]
        text = (
            f"{label}：{OUTCOME_LABELS[outcome]}（{total}/{total} 个探测账号{_events_note(events)}）{where}"
        )
        if gone:
            names = "、".join(r.probe.name or r.probe.account_id for r in gone)
            text += f"；探测账号 {names} 显示为不存在或不可见，请在 rules.toml 的 [doctor] 中更换"
            return Finding("platform", Level.warn, text, platform, data)
        return Finding("platform", Level.ok, text, platform, data)
    failed = [r for r in results if r.outcome is outcome]
    first = failed[0]
    if first.evidence:
        where = f"　证据：{work_dir / first.evidence}/"
    reason = _short(first.detail) or OUTCOME_LABELS[outcome]
    advice = ADVICE[outcome].format(platform=platform)
    text = (
        f"{label}：{OUTCOME_LABELS[outcome]}（{len(failed)}/{total} 个探测账号；"
        f"{first.probe.name or first.probe.account_id}：{reason}）；{advice}{where}"
    )
    return Finding("platform", Level.fail, text, platform, data)


def platform_findings(run: ProbeRun) -> list[Finding]:
    """The platform lines in the tool's platform order."""
    order = [p.value for p in Platform]
    return [
        platform_finding(platform, run.results[platform], run.events.get(platform, {}), run.work_dir)
        for platform in sorted(run.results, key=order.index)
    ]
