"""discovered.csv, discovery.xlsx and discovery.json in --out.

- ``discovered.csv`` (UTF-8 with BOM): one row a candidate, columns
  ``platform, account_id, name, subject, region, kind, query, evidence, why``
  (issue 20), unfiled first.
- ``discovery.xlsx`` for people (report.xlsx's style, strings never read as
  formulas): 汇总, 疑似未备案 and 已备案未纳入台账 (their first columns are the
  ledger's own headers, so a row can be copied into the next ledger),
  查询记录 (every query × platform × page: done, empty, walled, failed) and
  排除的结果 (every other result, with why; borderline ones first).
- ``discovery.json``: the figures of the run.
Every file is written to a temporary name and renamed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import xlsxwriter

from ..collect.evidence import atomic_write
from ..csvcells import neutralize_row
from ..errors import OutputError
from ..inputs.columns import LEDGER
from ..models import platform_label
from ..report.labels import display_width
from ..report.tables import Cell, Sheet
from ..report.xlsx import WORKBOOK_OPTIONS, sheet_name
from ..report.xlsx_rows import fit_cell
from .classify import CANDIDATE_LABELS, EXCLUSION_LABELS, Candidate, CandidateKind, Findings
from .regions import Region
from .run import PAGE_STATUSES, STATUS_LABELS, DiscoveryRun

CST = timezone(timedelta(hours=8))
CSV_COLUMNS = ("platform", "account_id", "name", "subject", "region", "kind", "query", "evidence", "why")
# The ledger's canonical headers, in the order of a ledger file (design.md, Inputs).
LEDGER_HEADERS = tuple(LEDGER.label(k) for k in ("district", "unit", "name", "platform", "account_type"))
LEDGER_HEADERS += tuple(LEDGER.label(k) for k in ("account_id", "url", "level"))
ACCOUNT_TYPES = {"wechat": "微信公众号", "weibo": "新浪微博", "douyin": "抖音短视频"}
MIN_WIDTH, MAX_WIDTH = 6, 60


@dataclass(frozen=True)
class Written:
    """Paths of the files written."""

    csv: Path
    xlsx: Path
    json: Path


def _ordered(findings: Findings) -> list[Candidate]:
    return findings.of_kind(CandidateKind.unfiled) + findings.of_kind(CandidateKind.filed_not_in_ledger)


def render_csv(findings: Findings) -> bytes:
    """discovered.csv as bytes: BOM, header, one row a candidate (unfiled first), CRLF lines.

    A cell a spreadsheet would read as a formula keeps a leading quote
    (csvcells.py, as verdicts.csv and warnings.csv)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for c in _ordered(findings):
        # Platform names are hostile input: csvcells.py keeps formulas text.
        writer.writerow(
            neutralize_row(
                [
                    c.hit.platform,
                    c.hit.account_id,
                    c.hit.name,
                    c.unit,
                    c.region.name,
                    str(c.kind),
                    c.hit.query,
                    c.hit.evidence,
                    c.why,
                ]
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _ledger_cells(c: Candidate) -> list[Cell]:
    return [
        c.region.district,
        c.unit,
        c.hit.name,
        platform_label(c.hit.platform),
        ACCOUNT_TYPES.get(c.hit.platform, ""),
        c.hit.account_id,
        c.hit.url,
        "",
    ]


def candidate_sheet(findings: Findings, kind: CandidateKind) -> Sheet:
    """疑似未备案 / 已备案未纳入台账: the ledger's columns, then what was found."""
    filed = kind is CandidateKind.filed_not_in_ledger
    headers = [*LEDGER_HEADERS, "认证信息（平台原文）", "地区名", "查询", "同时出现于"]
    if filed:
        headers += ["备案编号", "备案名称"]
    headers += ["证据", "说明"]
    rows: list[list[Cell]] = []
    for c in findings.of_kind(kind):
        row = [*_ledger_cells(c), c.hit.certification, c.region.name, c.hit.query, "、".join(c.queries[1:])]
        if filed:
            row += [c.filing.filing_no if c.filing else "", c.filing.name if c.filing else ""]
        rows.append([*row, c.hit.evidence, c.why])
    return Sheet(CANDIDATE_LABELS[kind], headers, rows, frozenset({len(headers) - 2}))


def queries_sheet(run: DiscoveryRun) -> Sheet:
    """查询记录: every result page visited, in query order."""
    headers = ["查询", "平台", "页码", "状态", "状态代码", "结果数", "请求次数", "被拦截次数", "说明", "证据"]
    rows: list[list[Cell]] = [
        [
            p.query,
            platform_label(p.platform),
            p.page,
            STATUS_LABELS.get(p.status, p.status),
            p.status,
            p.hits,
            p.tries,
            p.walls,
            p.detail,
            p.evidence,
        ]
        for p in run.sorted_pages()
    ]
    return Sheet("查询记录", headers, rows, frozenset({len(headers) - 1}))


def exclusions_sheet(findings: Findings) -> Sheet:
    """排除的结果: every result that is not a candidate, borderline ones first."""
    headers = ["平台", "账号ID", "账号名称", "认证信息（平台原文）", "原因", "临界", "说明", "查询", "证据"]
    ordered = sorted(findings.exclusions, key=lambda e: not e.borderline)
    rows: list[list[Cell]] = [
        [
            platform_label(e.hit.platform),
            e.hit.account_id,
            e.hit.name,
            e.hit.certification,
            EXCLUSION_LABELS.get(e.code, e.code),
            "是" if e.borderline else "",
            e.why,
            "、".join(e.queries),
            e.hit.evidence,
        ]
        for e in ordered
    ]
    return Sheet("排除的结果", headers, rows, frozenset({len(headers) - 1}))


def figures(run: DiscoveryRun, findings: Findings, regions: Sequence[Region]) -> dict[str, Any]:
    """The figures of a run (discovery.json, the 汇总 sheet, the bench)."""
    statuses = run.statuses()
    kinds = Counter(str(c.kind) for c in findings.candidates)
    return {
        "generated_at": datetime.now(CST).isoformat(timespec="seconds"),
        "regions": [r.name for r in regions],
        "queries": len(run.queries),
        "platforms": list(run.platforms),
        "pages": {s: statuses.get(s, 0) for s in PAGE_STATUSES},
        "results": len(run.hits),
        "accounts": len(findings.candidates) + len(findings.exclusions),
        "candidates": {str(k): kinds.get(str(k), 0) for k in CandidateKind},
        "excluded": len(findings.exclusions),
        "elapsed_s": round(run.elapsed, 2),
    }


def summary_sheet(numbers: dict[str, Any]) -> Sheet:
    pages = numbers["pages"]
    rows: list[list[Cell]] = [
        ["地区", "、".join(numbers["regions"])],
        ["查询数", numbers["queries"]],
        ["平台", "、".join(platform_label(p) for p in numbers["platforms"])],
        *[[f"结果页：{STATUS_LABELS[s]}", pages[s]] for s in PAGE_STATUSES],
        ["搜索结果（条）", numbers["results"]],
        ["不同账号", numbers["accounts"]],
        *[[CANDIDATE_LABELS[k], numbers["candidates"][str(k)]] for k in CandidateKind],
        ["排除的结果", numbers["excluded"]],
        ["用时（秒）", numbers["elapsed_s"]],
    ]
    return Sheet("汇总", ["项目", "数量"], rows)


def _width(value: Cell) -> int:
    if value is None:
        return 0
    return max((display_width(line) for line in str(value).splitlines() or [""]), default=0)


def _write_sheet(wb: xlsxwriter.Workbook, sheet: Sheet, header: Any, wrap: Any) -> None:
    ws = wb.add_worksheet(sheet_name(sheet.name))
    widths = [_width(h) + 2 for h in sheet.headers]
    for c, title in enumerate(sheet.headers):
        ws.write_string(0, c, title, header)
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                ws.write_blank(r, c, None)
            elif isinstance(value, bool):
                ws.write_string(r, c, "是" if value else "否")
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, fit_cell(str(value)), wrap if "\n" in str(value) else None)
            widths[c] = max(widths[c], _width(value))
    for c, width in enumerate(widths):
        fitted = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        ws.set_column(c, c, fitted, wrap if width + 2 > MAX_WIDTH else None)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(0, len(sheet.rows)), max(0, len(sheet.headers) - 1))


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    """A workbook of ``sheets`` in report.xlsx's style, written to a temporary name and renamed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        header = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
        )
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        for sheet in sheets:
            _write_sheet(wb, sheet, header, wrap)
        wb.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(run: DiscoveryRun, findings: Findings, regions: Sequence[Region], out_dir: Path) -> Written:
    """Write discovered.csv, discovery.xlsx and discovery.json into ``out_dir``.

    Raises:
        OutputError: the folder cannot be written.
    """
    out = Path(out_dir)
    numbers = figures(run, findings, regions)
    written = Written(out / "discovered.csv", out / "discovery.xlsx", out / "discovery.json")
    sheets = [
        summary_sheet(numbers),
        candidate_sheet(findings, CandidateKind.unfiled),
        candidate_sheet(findings, CandidateKind.filed_not_in_ledger),
        queries_sheet(run),
        exclusions_sheet(findings),
    ]
    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(written.csv, render_csv(findings))
        write_xlsx(written.xlsx, sheets)
        atomic_write(written.json, (json.dumps(numbers, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"无法写入 {out}：{exc}") from exc
    return written
