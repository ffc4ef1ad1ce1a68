"""``newmedia-audit status``: how a national sweep is going, read from PostgreSQL.

What an operator watches while workers run (README, "多机部署"): per sweep,
accounts done per platform, jobs waiting, running or failed, and an estimate
of the time left at the pace of the last minutes; per worker, visits in the
last minutes and visits open now; per (platform, egress), a pause after walls;
walls, faults and unreadable answers per platform. Read-only, one snapshot.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..models import platform_label
from .queue import VISIT_TASK
from .store import PLATFORM_COUNTS, connect

RECENT_MINUTES = 10  # the pace of the time left is that of the last minutes


@dataclass
class PlatformProgress:
    platform: str
    accounts: int
    done: int


@dataclass
class SweepStatus:
    sweep: str
    out_dir: str
    accounts: int
    done: int
    platforms: list[PlatformProgress]
    jobs: dict[str, int]  # procrastinate status -> count (todo, doing, failed ...)
    recent: int  # results committed in the last RECENT_MINUTES
    recent_s: float  # seconds those took: RECENT_MINUTES, or less when the first came later
    events: dict[str, dict[str, int]]  # platform -> kind (wall, fault, unrecognized) -> count
    paused: list[str]  # platforms paused by the drift alarm

    @property
    def hours_left(self) -> float | None:
        """At the pace of the last minutes; None when nothing was committed lately."""
        left = self.accounts - self.done
        if left <= 0:
            return 0.0
        if self.recent <= 0 or self.recent_s <= 0:
            return None
        # The pace over the time the recent results took (a sweep 2 minutes old has not
        # worked for 10), so the estimate is right from the first minutes.
        return left / (self.recent / self.recent_s) / 3600


@dataclass
class WorkerActivity:
    worker: str
    recent: int  # visits finished in the last RECENT_MINUTES
    open: int  # visits begun and not finished (running, or left by a dead worker)
    last_start_s: float  # seconds since its last visit began


@dataclass
class PaceState:
    platform: str
    egress: str
    paused_s: float  # seconds the platform still waits on this egress (walls, breaker)
    walls_in_row: int
    walls_total: int


@dataclass
class QueueStatus:
    sweeps: list[SweepStatus] = field(default_factory=list)
    workers: list[WorkerActivity] = field(default_factory=list)
    paces: list[PaceState] = field(default_factory=list)
    live_workers: int = 0  # procrastinate workers with a recent heartbeat


def _rows(conn: psycopg.Connection[Any], sql: str, *params: object) -> list[tuple[Any, ...]]:
    return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def _has(conn: psycopg.Connection[Any], table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


def read_status(url: str, sweep: str | None = None, *, heartbeat_window: float = 120.0) -> QueueStatus:
    """One snapshot of the queue (every sweep, or one)."""
    status = QueueStatus()
    with connect(url) as conn:
        if not _has(conn, "newmedia_sweeps"):
            return status
        jobs_table = _has(conn, "procrastinate_jobs")
        sweeps = _rows(conn, "SELECT sweep, out_dir FROM newmedia_sweeps ORDER BY created_at, sweep")
        for name, out_dir in sweeps:
            if sweep is not None and name != sweep:
                continue
            platforms = [
                PlatformProgress(p, int(n), int(d))
                for p, n, d in _rows(
                    conn,
                    PLATFORM_COUNTS,
                    name,
                )
            ]
            jobs = {}
            if jobs_table:
                jobs = {
                    s: int(n)
                    for s, n in _rows(
                        conn,
                        "SELECT status::text, count(*) FROM procrastinate_jobs "
                        "WHERE task_name = %s AND args->>'sweep' = %s GROUP BY 1",
                        VISIT_TASK,
                        name,
                    )
                }
            recent, recent_s = _rows(
                conn,
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(committed_at))::float8, 0) "
                "FROM newmedia_results WHERE sweep = %s AND committed_at > now() - make_interval(mins => %s)",
                name,
                RECENT_MINUTES,
            )[0]
            events: dict[str, dict[str, int]] = {}
            for platform, kind, count in _rows(
                conn,
                "SELECT platform, kind, sum(count) FROM newmedia_events WHERE sweep = %s GROUP BY 1, 2",
                name,
            ):
                events.setdefault(platform, {})[kind] = int(count)
            paused_raw = _rows(
                conn, "SELECT value FROM newmedia_meta WHERE sweep = %s AND key = 'paused_platforms'", name
            )
            paused = sorted(json.loads(paused_raw[0][0]) or {}) if paused_raw else []
            status.sweeps.append(
                SweepStatus(
                    sweep=name,
                    out_dir=out_dir,
                    accounts=sum(p.accounts for p in platforms),
                    done=sum(p.done for p in platforms),
                    platforms=platforms,
                    jobs=jobs,
                    recent=int(recent),
                    recent_s=float(recent_s),
                    events=events,
                    paused=paused,
                )
            )
        chosen = [s.sweep for s in status.sweeps]
        status.workers = [
            WorkerActivity(w, int(recent), int(open_), float(age))
            for w, recent, open_, age in _rows(
                conn,
                "SELECT worker, "
                "count(*) FILTER (WHERE finished_at > now() - make_interval(mins => %s)), "
                "count(*) FILTER (WHERE finished_at IS NULL AND status IS NULL), "
                "EXTRACT(EPOCH FROM now() - max(started_at))::float8 "
                "FROM newmedia_visits WHERE sweep = ANY(%s) AND worker <> 'sweep' GROUP BY 1 ORDER BY 1",
                RECENT_MINUTES,
                chosen,
            )
        ]
        status.paces = [
            PaceState(p, e, float(paused), int(walls), int(total))
            for p, e, paused, walls, total in _rows(
                conn,
                "SELECT platform, egress, CASE WHEN paused_until > now() "
                "THEN EXTRACT(EPOCH FROM paused_until - now())::float8 ELSE 0 END, "
                "walls_in_row, walls_total FROM newmedia_politeness ORDER BY 1, 2",
            )
        ]
        if _has(conn, "procrastinate_workers"):
            status.live_workers = int(
                _rows(
                    conn,
                    "SELECT count(*) FROM procrastinate_workers "
                    "WHERE last_heartbeat > now() - make_interval(secs => %s)",
                    heartbeat_window,
                )[0][0]
            )
    return status


def as_json(status: QueueStatus) -> str:
    payload = asdict(status)
    for sweep, data in zip(status.sweeps, payload["sweeps"], strict=True):
        data["hours_left"] = sweep.hours_left
    return json.dumps(payload, ensure_ascii=False, indent=2)


def duration_text(hours: float) -> str:
    """约 40 分钟 / 约 5.5 小时 / 约 2.2 天: the unit a person would say."""
    if hours < 1:
        return f"约 {max(1, round(hours * 60))} 分钟"
    if hours < 48:
        return f"约 {hours:.1f} 小时"
    return f"约 {hours / 24:.1f} 天"


def render(status: QueueStatus, console: Console) -> None:
    """The snapshot as a few tables in Chinese."""
    if not status.sweeps:
        console.print("数据库中没有抽查 / no sweep in this database")
        return
    for sweep in status.sweeps:
        left = sweep.hours_left
        eta = (
            "全部完成" if left == 0 else ("最近无进展" if left is None else f"预计剩余{duration_text(left)}")
        )
        console.print(
            f"[bold]抽查 {sweep.sweep}[/bold]（{sweep.out_dir}）：已完成 {sweep.done}/{sweep.accounts}，"
            f"最近 {RECENT_MINUTES} 分钟 {sweep.recent} 个，{eta}"
        )
        jobs = "，".join(f"{k} {v}" for k, v in sorted(sweep.jobs.items())) or "无"
        console.print(f"  队列 / jobs：{jobs}")
        if sweep.paused:
            names = "、".join(platform_label(p) for p in sweep.paused)
            console.print(f"  [red]已暂停（页面无法识别，疑似平台改版）：{names}[/red]")
        table = Table("平台", "已完成", "账号", "被拦截", "网络故障", "无法识别")
        for p in sweep.platforms:
            counts = sweep.events.get(p.platform, {})
            table.add_row(
                platform_label(p.platform),
                str(p.done),
                str(p.accounts),
                str(counts.get("wall", 0)),
                str(counts.get("fault", 0)),
                str(counts.get("unrecognized", 0)),
            )
        console.print(table)
    console.print(
        f"心跳正常的队列消费者 / live queue consumers: {status.live_workers}（每个 worker 每平台一个）"
    )
    if status.workers:
        table = Table("访问进程 / worker", f"最近 {RECENT_MINUTES} 分钟", "进行中或中断", "上次开始（秒前）")
        for w in status.workers:
            table.add_row(w.worker, str(w.recent), str(w.open), f"{w.last_start_s:.0f}")
        console.print(table)
    paused = [p for p in status.paces if p.paused_s > 0 or p.walls_in_row]
    if paused:
        table = Table("平台", "出口 / egress", "暂停剩余（秒）", "连续被拦截")
        for p in paused:
            table.add_row(platform_label(p.platform), p.egress, f"{p.paused_s:.0f}", str(p.walls_in_row))
        console.print(table)
    else:
        console.print("各出口均未因拦截而暂停 / no platform paused on any egress")


def status_command(args: Any) -> int:
    """The CLI's status command: ``OUTDIR`` (its database.json) or ``--database`` (every sweep)."""
    from .sweep import remembered

    url, sweep = args.database, None
    if args.dir is not None:
        found = remembered(args.dir)
        if found is None:
            raise InputError(f"{args.dir} 不是 PostgreSQL 抽查的输出目录（没有 database.json）")
        url, sweep = url or found[0], found[1]
    status = read_status(url, sweep)
    if args.json:
        print(as_json(status))
    else:
        render(status, Console())
    return 0
