"""Command line: parse, build settings, call one function, map errors to exit codes.

Exit status: 0 done (accounts in review included), 2 bad input or usage,
1 anything else. Messages users read are Simplified Chinese.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from . import __version__
from .errors import ConfigError, InputError, NewmediaAuditError, ReplayError
from .models import VISITED_PLATFORMS

EPILOG = """\
示例 / examples:
  newmedia-audit sweep --ledger 台账.xlsx --registry 备案库.xlsx --websites 网站.xlsx \\
                       --as-of 2022-05-10 --out outputs/2022Q2
  newmedia-audit sweep --ledger 台账.csv --registry 备案库.csv --replay corpus.har --out outputs/t
  newmedia-audit sweep --ledger 台账.xlsx --registry 备案库.xlsx --out outputs/w25 --since outputs/w24
  newmedia-audit report outputs/2022Q2 --overrides 复核结论.csv
  newmedia-audit demo
  newmedia-audit login weibo
"""


class UsageError(ConfigError):
    """Bad command-line usage (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so one place maps errors to exit codes."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"用法错误 / usage error: {message}\n{self.format_usage()}")


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"监测时间点应为 YYYY-MM-DD，收到「{value}」") from exc


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"抽样比例应为 0 到 1 之间的小数，收到「{value}」") from exc
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"抽样比例应在 (0, 1] 之内，收到「{value}」")
    return number


def _existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"文件不存在 / file not found：{value}")
    return path


def _whole_number(minimum: int, expected: str) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum`` (``expected`` names it in the message)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise argparse.ArgumentTypeError(f"{expected}，收到「{value}」")
        return number

    return parse


_days = _whole_number(0, "天数应为非负整数")
_positive_int = _whole_number(1, "应为正整数")


def _existing_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"目录不存在 / directory not found：{value}")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newmedia-audit",
        description="政务新媒体季度抽查工具 / audit government new-media accounts (WeChat, Weibo, Douyin, Toutiao).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sweep = sub.add_parser(
        "sweep",
        help="抽查台账中的全部账号并出具报告 / visit every ledger account and write the reports",
        description="抽查台账中的全部账号，对比备案库，合并网站检查结果，输出报告。重复执行同一命令会从中断处继续。\n"
        "Visit every account of the ledger, compare with the registry, merge website results, "
        "write the reports. Rerunning the same command resumes.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument(
        "--ledger", required=True, type=_existing_file, help="台账 (.xlsx/.csv) / ledger of accounts"
    )
    sweep.add_argument(
        "--registry", required=True, type=_existing_file, help="备案库导出 / filing registry export"
    )
    sweep.add_argument("--websites", type=_existing_file, help="网站检查结果 / website inspection results")
    sweep.add_argument(
        "--as-of", type=_as_of, help="监测时间点 YYYY-MM-DD（默认今天）/ monitoring point (default today)"
    )
    sweep.add_argument("--out", type=Path, default=Path("outputs/sweep"), help="输出目录 / output dir")
    sweep.add_argument(
        "--replay",
        type=_existing_file,
        action="append",
        default=[],
        help="回放 HAR 文件（可多次）；不访问网络 / replay HAR corpus (repeatable), no network",
    )
    sweep.add_argument("--record", type=Path, help="把实时流量写成 HAR / record live traffic as HAR")
    sweep.add_argument(
        "--config", type=_existing_file, help="规则 TOML（默认 registry/rules.toml）/ rules file"
    )
    sweep.add_argument("--previous", type=_existing_dir, help="上期抽查输出目录 / previous sweep output dir")
    sweep.add_argument("--overrides", type=_existing_file, help="人工复核结论 CSV / officer overrides")
    sweep.add_argument("--sample", type=_fraction, help="抽样比例 (0,1] / sample fraction")
    sweep.add_argument("--seed", type=int, default=0, help="抽样随机种子 / sample seed")
    sweep.add_argument(
        "--platform",
        action="append",
        default=[],
        choices=VISITED_PLATFORMS,
        help="只抽查该平台（可多次）/ only this platform (repeatable)",
    )
    sweep.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="跳过有误的行并在报告中列出 / skip bad rows, list them in the report",
    )
    sweep.add_argument(
        "--since",
        type=_existing_dir,
        help="上次抽查的输出目录：只访问结论或预警可能变化的账号，其余沿用上次的访问结果（周监测）"
        " / previous --out: visit only accounts whose verdict or warning could change, carry the rest",
    )
    sweep.add_argument(
        "--warn-days",
        type=_days,
        help="预警天数：距离判为未更新（或僵尸账号）不超过该天数的账号列入预警（默认 5）"
        " / list accounts this many days or fewer from their deadline (default 5)",
    )
    sweep.add_argument(
        "--database",
        metavar="URL",
        help="PostgreSQL 地址 postgresql://用户@主机/库：多台机器共同完成这次抽查（见 README 多机部署）"
        " / share this sweep with workers through PostgreSQL",
    )
    sweep.add_argument(
        "--no-work",
        action="store_true",
        help="只入队并等待其他 worker 完成（需 --database）/ enqueue and wait, visit nothing here",
    )

    worker = sub.add_parser(
        "worker",
        help="多机部署：领取 PostgreSQL 队列中的账号并访问 / work on the shared queue",
        description="从 PostgreSQL 队列领取所有进行中抽查的账号并访问，直到收到 SIGTERM（完成或释放正在访问的账号后退出），"
        "或加 --burst 时队列为空即退出。\n"
        "Work on every open sweep of the PostgreSQL queue until SIGTERM, or with --burst until it is empty.",
    )
    worker.add_argument("--database", required=True, metavar="URL", help="PostgreSQL 地址 / database URL")
    worker.add_argument(
        "--egress", help="出口名称（同一出口 IP 的 worker 共用礼貌间隔；默认主机名）/ egress name"
    )
    worker.add_argument(
        "--replay",
        type=_existing_file,
        action="append",
        default=[],
        help="回放 HAR 文件（可多次）/ replay HAR corpus (repeatable)",
    )
    worker.add_argument(
        "--platform",
        action="append",
        default=[],
        choices=VISITED_PLATFORMS,
        help="只领取该平台的账号（可多次）/ only this platform (repeatable)",
    )
    worker.add_argument(
        "--concurrency",
        type=_positive_int,
        help="每个平台同时访问的账号数（默认：该平台的 concurrency 设置）/ visits at once per platform",
    )
    worker.add_argument("--burst", action="store_true", help="队列为空即退出 / exit once the queue is empty")
    worker.add_argument("--out", type=Path, help="证据目录（默认抽查的 --out）/ where evidence goes")
    worker.add_argument("--config", type=_existing_file, help="规则 TOML / rules file")
    worker.add_argument(
        "--browsers-dir", type=Path, default=Path("browsers"), help="登录状态目录 / login states"
    )

    status = sub.add_parser(
        "status",
        help="多机部署：查看 PostgreSQL 上抽查的进度 / progress of sweeps on PostgreSQL",
        description="查看 PostgreSQL 上抽查的进度：各平台完成数、队列、预计剩余时间、各访问进程、被拦截而暂停的出口。\n"
        "Progress of the sweeps on PostgreSQL: per platform, the queue, time left, workers, paused egresses.",
    )
    status.add_argument(
        "dir", nargs="?", type=_existing_dir, help="抽查输出目录（读取其 database.json）/ out dir"
    )
    status.add_argument("--database", metavar="URL", help="PostgreSQL 地址（显示全部抽查）/ database URL")
    status.add_argument("--json", action="store_true", help="输出 JSON / print JSON")

    report = sub.add_parser(
        "report",
        help="按存储的抽查结果重新判定并输出报告（不访问）/ re-assess and re-render from the store",
        description="按 state.sqlite 中的抽查结果重新判定（例如应用人工复核结论）并重新输出报告，不访问任何平台。\n"
        "Re-assess the stored observations (e.g. after an overrides file) and re-render; visits nothing.",
    )
    report.add_argument("dir", type=_existing_dir, help="抽查输出目录 / a sweep's output dir")
    report.add_argument("--overrides", type=_existing_file, help="人工复核结论 CSV / officer overrides")
    report.add_argument("--config", type=_existing_file, help="规则 TOML / rules file")
    report.add_argument("--previous", type=_existing_dir, help="上期抽查输出目录 / previous sweep output dir")
    report.add_argument("--warn-days", type=_days, help="预警天数（默认 5）/ warning horizon in days")

    demo = sub.add_parser(
        "demo",
        help="内置示例（咸宁2022年二季度）端到端回放 / the embedded seed-001 demo",
        description="生成内置示例语料（如缺失），经无头浏览器回放抽查并输出全部报告。\n"
        "Build the embedded seed-001 corpus if missing, sweep it replayed through headless Chromium.",
    )
    demo.add_argument("--out", type=Path, default=Path("outputs/demo"), help="输出目录 / output dir")

    login = sub.add_parser(
        "login",
        help="打开浏览器登录并保存登录状态 / save a login state under browsers/",
        description="打开有界面的浏览器，登录后保存 Playwright 登录状态到 browsers/（不提交、不写入输出）。\n"
        "Open a headed browser; after you log in, save a storage state under browsers/ (never in outputs).",
    )
    login.add_argument("platform", choices=VISITED_PLATFORMS)
    login.add_argument("--browsers-dir", type=Path, default=Path("browsers"))

    doctor = sub.add_parser(
        "doctor",
        help="运行前检查：本机环境，以及各平台能否读取 / preflight before a long sweep",
        description="检查浏览器、中文字体、磁盘空间、输出目录写入权限和已保存的登录状态；"
        "加 --live 时实时访问 rules.toml [doctor] 中各平台的知名政务账号，逐个平台报告"
        "读取正常、被拦截、网络故障或无法识别。\n"
        "Check the machine; with --live visit a few well-known accounts per platform and say "
        "whether each platform can be read today (--replay: the same offline).",
    )
    doctor.add_argument(
        "--live", action="store_true", help="实时访问各平台的探测账号 / visit the probe accounts live"
    )
    doctor.add_argument(
        "--replay",
        type=_existing_file,
        action="append",
        default=[],
        help="用回放 HAR 离线访问探测账号（可多次）/ probe offline from a HAR corpus (repeatable)",
    )
    doctor.add_argument("--out", type=Path, default=Path("outputs/doctor"), help="输出目录 / output dir")
    doctor.add_argument("--config", type=_existing_file, help="规则 TOML / rules file")
    doctor.add_argument(
        "--browsers-dir", type=Path, default=Path("browsers"), help="登录状态目录 / login states"
    )

    review = sub.add_parser(
        "review",
        help="打开人工复核页面 / serve the officer review page",
        description="在浏览器中复核待复核账号、不合格账号和表述错误线索；结论写入状态库和 OUTDIR/overrides.csv，"
        "可一键重新生成报告。按 Ctrl-C 停止。\n"
        "Serve a page to decide review cases and wording hits; decisions go to the store and "
        "OUTDIR/overrides.csv. Ctrl-C stops it.",
    )
    review.add_argument("dir", type=_existing_dir, help="抽查输出目录 / a sweep's output dir")
    review.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）/ bind address")
    review.add_argument("--port", type=int, default=8765, help="端口（默认 8765）/ port")
    review.add_argument(
        "--password",
        help="访问密码；非本机地址必填，也可用环境变量 NEWMEDIA_AUDIT_REVIEW_PASSWORD / password",
    )
    review.add_argument("--config", type=_existing_file, help="规则 TOML（重新生成报告用）/ rules file")
    review.add_argument(
        "--certfile",
        type=Path,
        help="HTTPS 证书（PEM），与 --keyfile 一起给出即改用 HTTPS / TLS certificate (PEM)",
    )
    review.add_argument(
        "--keyfile", type=Path, help="HTTPS 私钥（PEM，不带口令）/ TLS private key (PEM, unencrypted)"
    )

    def positive(value: str) -> int:
        if not value.isdigit() or int(value) < 1:
            raise argparse.ArgumentTypeError(f"页数应为正整数，收到「{value}」")
        return int(value)

    discover = sub.add_parser(
        "discover",
        help="搜索台账和备案库都没有的政务账号 / find government accounts nobody listed",
        description="在微博、搜狗微信、抖音上按“地区＋机关关键词”搜索账号，找出认证为本地区政府机关、"
        "但台账中没有的账号：备案库中有的列为“已备案未纳入台账”，其余列为“疑似未备案”。"
        "输出 discovered.csv、discovery.xlsx（含查询记录）和 evidence/discovery/ 下的原始结果页。\n"
        "Search Weibo, Sogou WeChat and Douyin for region × organ keyword queries; list the accounts "
        "certified as government bodies of the region that the ledger lacks.",
    )
    discover.add_argument(
        "--ledger", required=True, type=_existing_file, help="台账 (.xlsx/.csv) / ledger of accounts"
    )
    discover.add_argument(
        "--registry", required=True, type=_existing_file, help="备案库导出 / filing registry export"
    )
    discover.add_argument("--out", type=Path, default=Path("outputs/discover"), help="输出目录 / output dir")
    discover.add_argument(
        "--region",
        action="append",
        default=[],
        help="地区名（可多次，如 咸宁市、嘉鱼县）；默认为 rules.toml [discovery] regions 与台账中的地区"
        " / region name (repeatable)",
    )
    discover.add_argument(
        "--queries", type=_existing_file, help="查询文件：每行一个查询，原样使用 / one query a line"
    )
    discover.add_argument(
        "--platform",
        action="append",
        default=[],
        choices=["weibo", "wechat", "douyin"],
        help="只搜索该平台（可多次）/ only this platform (repeatable)",
    )
    discover.add_argument(
        "--pages", type=positive, help="每条查询每个平台最多读取的结果页数（默认 3）/ result pages at most"
    )
    discover.add_argument(
        "--replay",
        type=_existing_file,
        action="append",
        default=[],
        help="回放 HAR 文件（可多次）；不访问网络 / replay HAR corpus (repeatable), no network",
    )
    discover.add_argument("--record", type=Path, help="把实时流量写成 HAR / record live traffic as HAR")
    discover.add_argument(
        "--config", type=_existing_file, help="规则 TOML（默认 registry/rules.toml）/ rules file"
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    # Imported here so `--help` stays fast and never needs a browser.
    from . import pipeline

    if args.command == "sweep":
        return pipeline.sweep_command(args)
    if args.command == "report":
        return pipeline.report_command(args)
    if args.command == "demo":
        return pipeline.demo_command(args)
    if args.command == "login":
        from .collect.login import login

        login(args.platform, browsers_dir=args.browsers_dir)
        return 0
    if args.command == "doctor":
        from .doctor import doctor_command

        return doctor_command(args)
    if args.command == "review":
        from .review.server import serve

        return serve(
            args.dir,
            host=args.host,
            port=args.port,
            password=args.password,
            config=args.config,
            certfile=args.certfile,
            keyfile=args.keyfile,
        )
    if args.command == "status":
        from .scale.status import status_command

        if args.dir is None and args.database is None:
            raise UsageError("请给出抽查输出目录或 --database / give an out dir or --database")
        return status_command(args)
    if args.command == "worker":
        from .scale.worker import worker_command

        return worker_command(args)
    if args.command == "discover":
        from .discover.command import discover_command

        return discover_command(args)
    raise UsageError("请指定命令 / a command is required: sweep, report, demo, login")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    try:
        args = build_parser().parse_args(argv)
        return _run(args)
    except (InputError, ConfigError, ReplayError) as exc:  # the user's files: fix and rerun
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except NewmediaAuditError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "已中断；已完成的访问已保存，重新执行同一命令即可继续。/ interrupted; rerun to resume.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback unless asked
        if os.environ.get("NEWMEDIA_AUDIT_DEBUG"):
            raise
        print(
            f"内部错误 / internal error: {type(exc).__name__}: {exc}（设置 NEWMEDIA_AUDIT_DEBUG=1 查看详情）",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
