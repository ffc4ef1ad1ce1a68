"""CSV injection: every CSV the tool writes shows formula-like cells as text, and reads them back exact.

Excel and WPS take a CSV cell opening with = + - @, a tab or a carriage return
for a formula; OWASP's advice is a leading quote. results.json keeps the text.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newmedia_audit.cli import main
from newmedia_audit.csvcells import FORMULA_STARTS, neutralize_cell, neutralize_row, restore_cell
from newmedia_audit.models import Account, AuditResult, Reason, Status, Verdict, VerdictCode
from newmedia_audit.report import write_reports
from newmedia_audit.rules.textfile import csv_rows

from .conftest import GENERATED_AT

HOSTILE = (
    '=HYPERLINK("http://example.invalid","点我")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",  # a quote that is part of the text
)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _opens_as_formula(cell: str) -> bool:
    return cell[:1] in FORMULA_STARTS


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t1", "'\t1"),
        ("\r1", "'\r1"),
        ("'=1", "''=1"),
        ("'普通", "'普通"),
        ("咸宁发布", "咸宁发布"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_neutralize_cell_quotes_what_a_spreadsheet_would_compute(text: str, written: str) -> None:
    assert neutralize_cell(text) == written
    assert restore_cell(written) == text


@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", "咸", " "]), max_size=6))
def test_restore_undoes_neutralize_for_any_text(text: str) -> None:
    written = neutralize_cell(text)
    assert restore_cell(written) == text
    assert not _opens_as_formula(written)
    assert neutralize_row([text, "x"]) == [written, "x"]


def _account(index: int, text: str) -> Account:
    return Account(
        district=text,
        unit=text,
        name=f"{text}{index}" if index else text,
        platform="wechat",
        account_type=text,
        account_id=f"{text}id{index}",
    )


def _hostile_result() -> AuditResult:
    """Accounts whose every text cell of the ledger, and whose live name, is hostile."""
    from datetime import date

    verdicts = [
        Verdict(
            account=_account(i, text),
            status=Status.blocked,
            live_name=text,
            verdict=VerdictCode.review,
            review_reason=text,
            evidence=f"evidence/wechat/{i}/",
        )
        for i, text in enumerate(HOSTILE)
    ]
    return AuditResult(as_of=date(2022, 6, 20), verdicts=verdicts)


def test_verdicts_csv_writes_hostile_cells_as_text_and_results_json_keeps_them(tmp_path: Path) -> None:
    result = _hostile_result()
    paths = write_reports(result, tmp_path, GENERATED_AT)
    header, *rows = _rows(paths["verdicts.csv"].read_bytes())
    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert not any(_opens_as_formula(cell) for cell in row), row
    names = [row[header.index("name")] for row in rows]
    assert names[1] == "'+1+21" and names[0].startswith("'=HYPERLINK(")
    assert [restore_cell(n) for n in names] == [v.account.name for v in result.verdicts]
    # The tool reads its own files back exactly (--previous reads verdicts.csv this way).
    restored = csv_rows(paths["verdicts.csv"].read_bytes().decode("utf-8-sig"), "verdicts.csv")
    assert [r[header.index("live_name")] for r in restored[1:]] == list(HOSTILE)
    review = json.loads(paths["results.json"].read_text("utf-8"))["review"]
    assert [r["name"] for r in review] == [v.account.name for v in result.verdicts]
    assert review[0]["unit"] == HOSTILE[0] and review[4]["district"] == "\t=1+1"


@pytest.fixture(scope="module")
def hostile_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sweep of a ledger with formula cells, on platforms the tool does not visit (no browser)."""
    root = tmp_path_factory.mktemp("hostile_csv")
    (root / "ledger.csv").write_text(
        "地区,主办单位,账号名称,平台,账号ID\n"
        "=1+1,+cmd|calc,-2+3,快手,\n"
        '市直,@SUM(A1),"=HYPERLINK(""http://x"",""点我"")",百家号,\n'
        "市直,\t-某局,\t@某号,快手,\n",
        encoding="utf-8",
    )
    (root / "registry.csv").write_text(
        "账号名称,平台,主办单位,账号ID\n-2+3,快手,+cmd|calc,\n", encoding="utf-8"
    )
    out = root / "out"
    args = ["sweep", "--ledger", str(root / "ledger.csv"), "--registry", str(root / "registry.csv")]
    assert main([*args, "--as-of", "2022-05-10", "--out", str(out)]) == 0
    return out


def test_every_csv_of_a_sweep_neutralizes_hostile_ledger_cells(hostile_sweep: Path) -> None:
    written = sorted(hostile_sweep.rglob("*.csv"))
    assert hostile_sweep / "verdicts.csv" in written
    for path in written:
        for row in _rows(path.read_bytes()):
            assert not any(_opens_as_formula(cell) for cell in row), (path.name, row)
    header, *rows = _rows((hostile_sweep / "verdicts.csv").read_bytes())
    cells = {cell for row in rows for cell in row}
    assert {"'=1+1", "'+cmd|calc", "'-2+3", "'@SUM(A1)", "'-某局", "'@某号"} <= cells


def test_results_json_of_the_sweep_keeps_the_exact_text(hostile_sweep: Path) -> None:
    results = json.loads((hostile_sweep / "results.json").read_text("utf-8"))
    review = {r["name"]: r for r in results["review"]}
    assert review["-2+3"]["district"] == "=1+1" and review["-2+3"]["unit"] == "+cmd|calc"
    assert "=1+1" in [d["district"] for d in results["districts"]]


def test_overrides_csv_of_the_review_page_is_neutralized_and_read_back_exact() -> None:
    from newmedia_audit.review.decisions import render_overrides
    from newmedia_audit.rules.overrides import Override, parse_overrides

    base = [
        Override(platform="other:快手", account_id="-2+3", verdict=VerdictCode.passed, note="=已核实"),
        Override(
            platform="weibo",
            account_id="1",
            verdict=VerdictCode.passed,
            reason=Reason.serious_error,
            hit="=攻府@https://m.weibo.cn/status/1",
        ),
    ]
    data = render_overrides([], base)
    header, row, hit_row = _rows(data)
    assert row[header.index("account_id")] == "'-2+3" and row[header.index("note")] == "'=已核实"
    assert hit_row[header.index("hit")] == "'=攻府@https://m.weibo.cn/status/1"
    read, read_hit = parse_overrides(data.decode("utf-8-sig"), "overrides.csv")
    assert (read.account_id, read.note, read_hit.hit) == (
        "-2+3",
        "=已核实",
        "=攻府@https://m.weibo.cn/status/1",
    )
