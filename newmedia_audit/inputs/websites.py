"""Read website inspection results (附件1): unit, findings, score.

Each site starts at 100 and loses the deductions its findings list ("共扣N分");
the reader checks that 100 minus their sum is the printed score and warns
about every row where it is not. 一票否决 fails a site whatever its score.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from ..models import WebsiteResult
from .columns import WEBSITES
from .districts import CITY_LEVEL, COUNTY_SECTION, county_name, derive_district, section_of
from .result import ReadResult
from .table import Row, Table, read_table, squeeze

VETO = "一票否决"
TOLERANCE = 1e-6
_DEDUCTION = re.compile(r"共扣\s*(\d+(?:\.\d+)?)\s*分")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def parse_deductions(findings: str) -> list[float]:
    """Every "共扣N分" of a findings text, in order (N may be a decimal)."""
    text = unicodedata.normalize("NFKC", findings)
    return [float(n) for n in _DEDUCTION.findall(text)]


def parse_score(text: str) -> tuple[float | None, bool]:
    """(score, veto) of a 得分 cell: "96", "88.5分", "一票否决", "0（一票否决）".

    Raises:
        ValueError: neither a number from 0 to 100 nor 一票否决.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    veto = "否决" in value
    number = _NUMBER.search(value) if veto else _NUMBER.fullmatch(value.removesuffix("分").strip())
    if number is None:
        if veto:
            return None, True
        raise ValueError(value)
    score = float(number.group())
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise ValueError(value)
    return score, veto


def fmt(number: float) -> str:
    """A score as people write it: 96, 88.5."""
    return f"{round(number, 6):g}"


def read_websites(
    path: Path, *, pass_line: float = 60, districts: Sequence[str] = ()
) -> ReadResult[WebsiteResult]:
    """Read a website results .xlsx or .csv.

    Args:
        pass_line: the score needed to pass (60 nationally, some notices use 80).
        districts: known district names (e.g. the ledger's), used to place a
            unit when the file has no 地区 column.

    District when 地区 is absent or empty: section rows ("县 市 区", "市直部门")
    set the context (a county section makes each unit its own district), else
    ``derive_district`` decides.

    Raises:
        InputError: unreadable file or a required column missing.
    """
    table = read_table(Path(path), WEBSITES)
    result: ReadResult[WebsiteResult] = ReadResult(file=table.file)
    section: str | None = None
    for row in table.rows:
        filled = row.filled
        if len(filled) == 1 and section_of(filled[0]) is not None and not row.get("score"):
            section = section_of(filled[0])
            continue
        site = _read_row(table, row, result, pass_line)
        if site is None:
            continue
        if not site.district:
            site.district = _district(site.unit, section, districts)
        result.items.append(site)
    return result


def _district(unit: str, section: str | None, districts: Sequence[str]) -> str:
    if section == CITY_LEVEL:
        return CITY_LEVEL
    if section == COUNTY_SECTION:
        return county_name(unit)
    return derive_district(unit, districts)


def _read_row(
    table: Table, row: Row, result: ReadResult[WebsiteResult], pass_line: float
) -> WebsiteResult | None:
    unit = squeeze(row.get("unit"))
    findings = row.get("findings")
    bad = False
    if not unit:
        result.errors.append(table.error(row, "unit", "单位名称为空"))
        bad = True
    score: float | None = None
    veto = VETO in squeeze(findings)
    try:
        if row.get("score") or not veto:
            score, score_veto = parse_score(row.get("score"))
            veto = veto or score_veto
    except ValueError:
        result.errors.append(table.error(row, "score", "无法识别的得分，应为 0 到 100 的数字或「一票否决」"))
        bad = True
    if bad:
        return None
    deductions = parse_deductions(findings)
    consistent = True
    if not veto and score is not None:
        expected = 100 - sum(deductions)
        consistent = abs(expected - score) <= TOLERANCE
        if not consistent:
            result.warnings.append(
                f"文件 {table.file} 第 {row.number} 行「{unit}」：100 减去扣分合计 {fmt(sum(deductions))} "
                f"为 {fmt(expected)}，与得分 {fmt(score)} 不一致"
            )
    passed = not veto and score is not None and score >= pass_line
    _check_result(table, row, unit, passed, result)
    return WebsiteResult(
        unit=unit,
        district=squeeze(row.get("district")),
        findings=findings,
        score=score,
        veto=veto,
        deductions=deductions,
        consistent=consistent,
        passed=passed,
        source_row=row.number,
    )


def _check_result(table: Table, row: Row, unit: str, passed: bool, result: ReadResult[WebsiteResult]) -> None:
    written = squeeze(row.get("result"))
    if not written:
        return
    says_fail = "不合格" in written or "否决" in written
    says_pass = not says_fail and "合格" in written
    if (passed and says_fail) or (not passed and says_pass):
        derived = "合格" if passed else "不合格"
        result.warnings.append(
            f"文件 {table.file} 第 {row.number} 行「{unit}」：结果列写「{written}」，"
            f"按得分、一票否决和合格线应为「{derived}」，以计算结果为准"
        )
