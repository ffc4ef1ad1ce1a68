"""The jobs behind the CLI commands: import -> sweep -> assess -> report.

Each function takes the parsed arguments, does one job end to end and
returns the exit status. Inputs are validated before any visit; the store
keeps what the report command needs to re-assess without visiting.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from .errors import InputError, InputErrors
from .models import Account, AuditResult, Filing, Observation, Platform, SkippedRow, Status, WebsiteResult
from .settings import Settings, load_settings
from .store import Store

if TYPE_CHECKING:
    from .collect.visit import SweepStats

CST = timezone(timedelta(hours=8))
STATE_FILE = "state.sqlite"


@dataclass
class Inputs:
    """Validated inputs of a sweep."""

    accounts: list[Account]
    filings: list[Filing]
    websites: list[WebsiteResult] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_inputs(
    ledger: Path, registry: Path, websites: Path | None, settings: Settings, *, skip_bad_rows: bool
) -> Inputs:
    """Read every input file; report every bad row of every file in one error.

    A missing required column raises at once (before any visit).
    """
    from .inputs.ledger import read_ledger
    from .inputs.registry import read_registry
    from .inputs.result import errors_to_skipped
    from .inputs.websites import read_websites

    ledger_read = read_ledger(ledger)
    registry_read = read_registry(registry)
    districts = list(dict.fromkeys(a.district for a in ledger_read.items))
    website_read = (
        read_websites(websites, pass_line=settings.website_pass_line, districts=districts)
        if websites
        else None
    )
    errors: list[InputError] = [*ledger_read.errors, *registry_read.errors]
    warnings = [*ledger_read.warnings, *registry_read.warnings]
    if website_read is not None:
        errors += website_read.errors
        warnings += website_read.warnings
    if errors and not skip_bad_rows:
        raise InputErrors(errors)
    return Inputs(
        accounts=list(ledger_read.items),
        filings=list(registry_read.items),
        websites=list(website_read.items) if website_read else [],
        skipped=errors_to_skipped(errors),
        warnings=warnings,
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _today() -> date:
    return datetime.now(CST).date()


def _save_inputs(store: Store, inputs: Inputs, as_of: date, extra: dict[str, str | None]) -> None:
    payload = {
        "as_of": as_of.isoformat(),
        "filings": [f.model_dump(mode="json") for f in inputs.filings],
        "websites": [w.model_dump(mode="json") for w in inputs.websites],
        "skipped": [s.model_dump(mode="json") for s in inputs.skipped],
        **extra,
    }
    store.set_meta("inputs", json.dumps(payload, ensure_ascii=False))


def _load_saved(store: Store) -> tuple[Inputs, date, dict[str, str | None]]:
    payload = store.meta_json("inputs")
    if not isinstance(payload, dict):
        raise InputError("该目录没有可用的抽查状态（state.sqlite 缺少输入记录），请先运行 sweep。")
    inputs = Inputs(
        accounts=store.accounts(),
        filings=TypeAdapter(list[Filing]).validate_python(payload["filings"]),
        websites=TypeAdapter(list[WebsiteResult]).validate_python(payload["websites"]),
        skipped=TypeAdapter(list[SkippedRow]).validate_python(payload["skipped"]),
    )
    extra = {k: payload.get(k) for k in ("previous", "overrides", "since")}
    return inputs, date.fromisoformat(payload["as_of"]), extra


def with_paused(store: Store, accounts: list[Account]) -> dict[str, Observation]:
    """The stored observations, plus a placeholder for each account a paused
    platform left pending, so it reads as paused (review), not as never visited."""
    from .collect.sweep import paused_platforms

    observations = store.observations()
    paused = paused_platforms(store)
    for account in accounts:
        if account.platform in paused and account.key not in observations:
            observations[account.key] = Observation(
                platform=account.platform,
                account_id=account.account_id,
                status=Status.error,
                failure="paused",
                detail=f"证据见 {'、'.join(paused[account.platform].evidence[:3]) or '无'}",
            )
    return observations


def paused_exit(store: Store) -> int:
    """Exit status 1 and the drift alarm's messages on stderr while a platform is paused."""
    from .collect.sweep import paused_platforms

    paused = paused_platforms(store)
    for info in paused.values():
        _say("平台疑似改版 / platform looks changed: " + info.message())
    return 1 if paused else 0


def assess_and_report(
    store: Store,
    inputs: Inputs,
    settings: Settings,
    as_of: date,
    out_dir: Path,
    *,
    previous: Path | None,
    overrides: Path | None,
    since: Path | None = None,
) -> AuditResult:
    """Assess the stored observations and write every report (预警 and the trend included)."""
    from .report.early_warning import load_template
    from .report.terminal import print_summary
    from .report.write import write_reports
    from .rules.assess import assess
    from .rules.overrides import read_overrides
    from .rules.rectification import read_previous
    from .rules.warnings import find_warnings
    from .since import mark_carried
    from .trend import read_trend

    template = load_template(settings.reminder_template)  # a bad template stops before any work
    observations = with_paused(store, inputs.accounts)
    result = assess(
        inputs.accounts,
        observations,
        inputs.filings,
        settings,
        as_of,
        websites=inputs.websites,
        previous=read_previous(previous) if previous else None,
        overrides=read_overrides(overrides) if overrides else [],
        skipped_rows=inputs.skipped,
    )
    verdicts = mark_carried(result.verdicts, observations)
    result = result.model_copy(
        update={
            "verdicts": verdicts,
            "warnings": find_warnings(verdicts, settings, as_of),
            "trend": read_trend([previous, since], current=out_dir),
        }
    )
    store.save_verdicts(result.verdicts)
    paths = write_reports(
        result,
        out_dir,
        window_days=settings.window_days,
        city=settings.city,
        notice=settings.notice,
        reminder_template=template,
    )
    if result.warnings:
        _say(f"预警 / early warning: {len(result.warnings)} 条（warnings.csv，reminders/ 按单位的提醒）")
    print_summary(result)
    _say("报告已生成 / reports written: " + ", ".join(str(p) for p in paths.values()))
    return result


def run_sweep_job(
    inputs: Inputs,
    settings: Settings,
    as_of: date,
    out_dir: Path,
    *,
    replay: list[Path],
    record: Path | None = None,
    platforms: set[str] | None = None,
    previous: Path | None = None,
    overrides: Path | None = None,
    since: Path | None = None,
    database: str | None = None,
    work: bool = True,
) -> tuple[AuditResult, int]:
    """Store the inputs, visit what is pending, assess, report.

    With ``since`` (a previous --out), only the accounts whose verdict or warning
    could change are visited; the others are carried over (since.py).

    Returns:
        The result and the exit status: 1 while the drift alarm keeps a
        platform paused (the sweep is not done), else 0.
    """
    from .collect.sweep import ConsoleProgress, sweep

    for warning in inputs.warnings:
        _say(f"提示 / warning: {warning}")
    store = Store(out_dir / STATE_FILE)
    try:
        store.upsert_accounts(inputs.accounts)
        _save_inputs(
            store,
            inputs,
            as_of,
            {
                "previous": str(previous) if previous else None,
                "overrides": str(overrides) if overrides else None,
                "since": str(Path(since).resolve()) if since else None,
            },
        )
        carried = 0
        if since is not None:
            from .since import carry_forward

            plan, before = carry_forward(store, since, inputs.accounts, settings, as_of, out_dir)
            carried = len(plan.carry)
            _say(plan.message(before, settings.carry_max_age_days))
        pending = store.pending(inputs.accounts)
        if len(pending) + carried < len(inputs.accounts):
            _say(
                f"继续上次的抽查：{len(inputs.accounts) - len(pending) - carried} 个账号已完成，{len(pending)} 个待访问。"
            )
        if database:  # the national sweep: shared with workers through PostgreSQL (scale/)
            import asyncio

            from .scale.sweep import run_on_postgres

            with ConsoleProgress() as progress:
                stats = asyncio.run(
                    run_on_postgres(
                        inputs.accounts,
                        store,
                        settings,
                        out_dir,
                        url=database,
                        work_here=work,
                        replay=replay,
                        platforms=platforms,
                        as_of=as_of,
                        # Bars on a terminal; plain lines of the whole sweep otherwise.
                        progress=progress if progress.bars else None,
                    )
                )
        else:
            with ConsoleProgress() as progress:
                stats = sweep(
                    inputs.accounts,
                    store,
                    settings,
                    out_dir,
                    replay=replay,
                    record=record,
                    platforms=platforms,
                    progress=progress,
                    as_of=as_of,
                )
        _say(visits_summary(stats))
        result = assess_and_report(
            store, inputs, settings, as_of, out_dir, previous=previous, overrides=overrides, since=since
        )
        status = paused_exit(store)
        return result, status
    finally:
        store.close()


def visits_summary(stats: SweepStats) -> str:
    """One line on what the sweep's visits did, for the officer running it."""
    from .report.labels import status_label

    seen = "、".join(f"{status_label(s)} {n}" for s, n in sorted(stats.statuses.items(), key=lambda i: -i[1]))
    text = f"访问完成 / visits done：本次 {stats.visited} 个账号" + (f"（{seen}）" if seen else "")
    if stats.skipped:
        text += f"，此前已完成 {stats.skipped} 个"
    text += (
        f"；被拦截 {stats.walls} 次，网络故障 {stats.faults} 次，无法识别 {stats.unrecognized} 次，"
        f"重试 {stats.retries} 次；用时 {stats.elapsed:.0f} 秒"
    )
    if stats.visited and stats.elapsed > 0:
        text += f"（每分钟约 {stats.accounts_per_minute:.0f} 个）"
    return text


def sweep_command(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, warn_days=getattr(args, "warn_days", None))
    if getattr(args, "no_work", False) and not getattr(args, "database", None):
        raise InputError("--no-work 需要与 --database 一起使用（只入队、由其他 worker 访问）。")
    since = getattr(args, "since", None)
    if since is not None and Path(since).resolve() == Path(args.out).resolve():
        raise InputError("--since 应指向上次抽查的输出目录，不能与本次 --out 相同。")
    inputs = read_inputs(
        args.ledger, args.registry, args.websites, settings, skip_bad_rows=args.skip_bad_rows
    )
    if args.sample:
        from .rules.sampling import sample_accounts

        inputs.accounts = sample_accounts(inputs.accounts, args.sample, args.seed)
        _say(f"抽样：{len(inputs.accounts)} 个账号（比例 {args.sample}，种子 {args.seed}）")
    _, status = run_sweep_job(
        inputs,
        settings,
        args.as_of or _today(),
        args.out,
        replay=list(args.replay),
        record=args.record,
        platforms=set(args.platform) or None,
        previous=args.previous,
        overrides=args.overrides,
        since=since,
        database=getattr(args, "database", None),
        work=not getattr(args, "no_work", False),
    )
    return status


def report_command(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, warn_days=getattr(args, "warn_days", None))
    state = args.dir / STATE_FILE
    if not state.is_file():
        raise InputError(f"目录 {args.dir} 中没有 {STATE_FILE}，请先运行 sweep。")
    store = Store(state)
    try:
        from .scale.sweep import refresh_from_postgres

        refresh_from_postgres(args.dir, store)  # a PostgreSQL sweep: its latest results first
        inputs, as_of, saved = _load_saved(store)
        previous = args.previous or (Path(saved["previous"]) if saved.get("previous") else None)
        overrides = args.overrides or (Path(saved["overrides"]) if saved.get("overrides") else None)
        since = Path(saved["since"]) if saved.get("since") else None
        assess_and_report(
            store, inputs, settings, as_of, args.dir, previous=previous, overrides=overrides, since=since
        )
    finally:
        store.close()
    return 0


def demo_command(args: argparse.Namespace) -> int:
    """Build the embedded seed-001 corpus if missing, sweep it replayed, report."""
    from .demo import build_demo
    from .demo.accounts import CITY as DEMO_CITY
    from .demo.accounts import NOTICE_DATE as DEMO_NOTICE_DATE
    from .demo.build import demo_paths

    demo = demo_paths(args.out / "input")
    if not all(p.exists() for p in (demo.ledger, demo.registry, demo.websites, demo.corpus, demo.previous)):
        _say(f"生成内置示例语料 / building the demo corpus in {demo.out_dir}")
        demo = build_demo(demo.out_dir)
    settings = load_settings()
    settings.city = settings.city or DEMO_CITY  # the notice's titles: 2022年咸宁市…
    settings.notice.issued_on = settings.notice.issued_on or DEMO_NOTICE_DATE
    for platform in Platform:  # the demo shows the browser path on every platform
        settings.platform(platform.value).use_httpx = False
    # ... and a screenshot of every profile page (a small ledger: the cost is small too).
    settings.browser.screenshots = "all"
    inputs = read_inputs(demo.ledger, demo.registry, demo.websites, settings, skip_bad_rows=False)
    _, status = run_sweep_job(
        inputs,
        settings,
        demo.as_of,
        args.out,
        replay=[demo.corpus],
        previous=demo.previous,
    )
    return status
