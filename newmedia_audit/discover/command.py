"""``newmedia-audit discover``: read the inputs, search, classify, write the outputs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..collect.sweep import ConsoleProgress
from ..errors import InputError, InputErrors
from ..inputs.ledger import read_ledger
from ..inputs.registry import read_registry
from ..inputs.result import raise_for_errors
from ..models import Account, platform_label
from ..settings import Settings, load_settings
from .classify import CANDIDATE_LABELS, CandidateKind, Findings, LedgerIndex, RegistryLookup, classify
from .lists import OrganLists, load_organ_lists, read_lines
from .outputs import Written, write_outputs
from .regions import Region, build_queries, default_region_names, make_regions
from .run import STATUS_LABELS, DiscoveryRun, discover

MAX_QUERY_LENGTH = 40


def read_queries(path: Path) -> list[str]:
    """The queries of a ``--queries`` file: one a line, used as written (``#`` starts a comment).

    Raises:
        InputError: the file is missing, not UTF-8, empty, or has a line too
            long to be a search (file, row, column, value).
    """
    lines = read_lines(Path(path), "查询文件")
    errors = [
        InputError(f"查询过长（最多 {MAX_QUERY_LENGTH} 个字）", file=str(path), row=n, column="查询", value=q)
        for n, q in lines
        if len(q) > MAX_QUERY_LENGTH
    ]
    if errors:
        raise InputErrors(errors)
    if not lines:
        raise InputError("查询文件中没有任何查询（每行一个，# 开头为注释）", file=str(path))
    return list(dict.fromkeys(q for _, q in lines))


def ledger_districts(accounts: Sequence[Account]) -> list[str]:
    """The ledger's districts in first-seen order."""
    return list(dict.fromkeys(a.district for a in accounts if a.district))


def choose_regions(names: Sequence[str], settings: Settings, accounts: Sequence[Account]) -> list[Region]:
    """``--region`` names, else ``[discovery] regions``, the ``city`` setting and the ledger's districts.

    Raises:
        InputError: no region at all (nothing to search for).
    """
    districts = ledger_districts(accounts)
    wanted = list(names) or default_region_names(settings.discovery.regions, settings.city, districts)
    regions = make_regions(wanted, districts)
    if not regions:
        raise InputError(
            "没有可搜索的地区：请用 --region 指定（如 --region 咸宁市），"
            "或在 registry/rules.toml 的 [discovery] regions 中填写"
        )
    return regions


def run_command(
    *,
    ledger: Path,
    registry: Path,
    out: Path,
    settings: Settings,
    regions: Sequence[str] = (),
    queries_file: Path | None = None,
    platforms: Sequence[str] = (),
    pages: int | None = None,
    replay: Sequence[Path] = (),
    record: Path | None = None,
    lists: OrganLists | None = None,
    progress: bool = True,
) -> tuple[DiscoveryRun, Findings, Written]:
    """The whole job: inputs (every bad row reported at once, before any visit), search,
    classification, outputs. ``progress`` prints the inputs' notes and the progress on stderr.

    Raises:
        InputError: bad ledger, registry, keyword or query file, or no region.
        ReplayError: a malformed HAR file.
        OutputError: --out cannot be written.
    """
    lists = lists or load_organ_lists(settings.discovery.keywords_file)
    ledger_read, registry_read = read_ledger(ledger), read_registry(registry)
    raise_for_errors([ledger_read, registry_read])
    for warning in [*ledger_read.warnings, *registry_read.warnings] if progress else []:
        print(f"提示 / note: {warning}", file=sys.stderr)
    accounts = list(ledger_read.items)
    chosen = choose_regions(regions, settings, accounts)
    queries = read_queries(queries_file) if queries_file else build_queries(chosen, lists.keywords)
    with ConsoleProgress(every=10) as bar:
        run = discover(
            queries,
            settings,
            out,
            platforms=list(platforms) or None,
            pages=pages,
            replay=replay,
            record=record,
            progress=bar if progress else None,
        )
    findings = classify(run.hits, chosen, lists, LedgerIndex(accounts), RegistryLookup(registry_read.items))
    written = write_outputs(run, findings, chosen, out)
    return run, findings, written


def summary_lines(run: DiscoveryRun, findings: Findings, written: Written) -> list[str]:
    """What the command prints when done (Chinese, for the officer)."""
    statuses = run.statuses()
    pages = "，".join(f"{STATUS_LABELS[s]} {statuses.get(s, 0)} 页" for s in STATUS_LABELS)
    kinds = "，".join(f"{CANDIDATE_LABELS[k]} {len(findings.of_kind(k))} 个" for k in CandidateKind)
    lines = [
        f"查询 {len(run.queries)} 条 × 平台 {'、'.join(platform_label(p) for p in run.platforms)}：{pages}",
        f"搜索结果 {len(run.hits)} 条，发现：{kinds}",
        f"输出：{written.csv}、{written.xlsx}",
    ]
    unread = statuses.get("walled", 0) + statuses.get("failed", 0)
    if unread:
        lines.append(
            f"注意：{unread} 个结果页未能读取（被拦截或失败），这些查询的结果不完整，"
            "见 discovery.xlsx 的「查询记录」；稍后重新运行同一命令"
        )
    return lines


def discover_command(args: argparse.Namespace) -> int:
    """Run discovery from parsed CLI arguments; 0 when done (unread pages are listed, not fatal)."""
    settings = load_settings(args.config)
    run, findings, written = run_command(
        ledger=args.ledger,
        registry=args.registry,
        out=args.out,
        settings=settings,
        regions=args.region,
        queries_file=args.queries,
        platforms=args.platform,
        pages=args.pages,
        replay=args.replay,
        record=args.record,
    )
    for line in summary_lines(run, findings, written):
        print(line, file=sys.stderr)
    return 0
