"""``newmedia-audit discover`` end to end on a hand-made replay corpus (httpx path).

One query per platform lists a planted unfiled government account, a filed
one missing from the ledger, a ledger account, and every kind of
non-candidate; a second query is walled once on WeChat and Douyin (retried,
then read) and walled for good on Weibo (reported and listed); a third has
no result; a fourth runs over three pages.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from newmedia_audit.cli import main
from newmedia_audit.inputs.ledger import read_ledger
from newmedia_audit.models import Account, Filing
from newmedia_audit.synth.discovery import Role, SynthResult, make_result, write_lists
from newmedia_audit.synth.tables import write_csv

from .conftest import write_inputs

PLATFORMS = ("weibo", "wechat", "douyin")
Q1, Q2, Q3, Q4 = "东川公安", "东川交警", "东川妇联", "东川教育"


def certified(platform: str, name: str, body: str, role: Role, **extra: object) -> SynthResult:
    cert = {"weibo": f"{body}官方微博", "wechat": body, "douyin": f"{body}官方账号"}[platform]
    return make_result(platform, name, cert=cert, role=role, **extra)  # type: ignore[arg-type]


def q1_results(platform: str) -> list[SynthResult]:
    personal = {"weibo": {"verified_type": 0}, "douyin": {"custom": True}, "wechat": {}}[platform]
    return [
        make_result(platform, "东川公安资讯", role=Role.lookalike),  # look-alike name, no certification
        certified(platform, "平安东川", "东川市公安局", Role.unfiled),
        certified(platform, "东川公安", "东川市公安局交通警察支队", Role.ledger),
        certified(platform, "东川网警", "东川市公安局网络安全保卫支队", Role.filed),
        make_result(
            platform,
            "东川公安小李",
            cert="" if platform == "wechat" else "东川市公安局民警",
            role=Role.personal,
            **personal,
        ),  # type: ignore[arg-type]  # fmt: skip
        make_result(platform, "东川安防", cert="东川公安科技有限公司", verified_type=2, role=Role.company),
        make_result(platform, "东川日报", cert="东川日报社", verified_type=3, role=Role.media),
        certified(platform, "武汉公安", "武汉市公安局", Role.other_region),
        certified(platform, "西山区公安", "西山区公安分局", Role.other_region),
    ]


@dataclass
class Ran:
    out: Path
    code: int
    stderr: str
    planted: dict[str, tuple[str, str]]  # platform -> (unfiled id, filed id)
    ledger_ids: dict[str, str]

    def csv_rows(self) -> list[dict[str, str]]:
        with open(self.out / "discovered.csv", encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    def sheet(self, name: str) -> pl.DataFrame:
        return pl.read_excel(self.out / "discovery.xlsx", sheet_name=name, infer_schema_length=0)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    folder = tmp_path_factory.mktemp("discover")
    lists: dict[tuple[str, str], list[SynthResult]] = {}
    walls: dict[tuple[str, str], str] = {}
    ledger: list[Account] = []
    filings: list[Filing] = []
    planted: dict[str, tuple[str, str]] = {}
    ledger_ids: dict[str, str] = {}
    for platform in PLATFORMS:
        results = q1_results(platform)
        lists[(platform, Q1)] = results
        by_role = {r.role: r for r in results}
        unfiled, filed, known = by_role[Role.unfiled], by_role[Role.filed], by_role[Role.ledger]
        planted[platform] = (unfiled.account_id, filed.account_id)
        ledger_ids[platform] = known.account_id
        ledger.append(Account(district="市直", unit="东川市公安局", name=known.name, platform=platform,
                              account_id=known.account_id))  # fmt: skip
        filings.append(Filing(filing_no=f"F-{platform}", name=filed.name, platform=platform,
                              account_id=filed.account_id, unit="东川市公安局"))  # fmt: skip
        lists[(platform, Q2)] = [
            certified(platform, "东川交警", "东川市公安局交警支队", Role.unfiled, key=Q2)
        ]
        walls[(platform, Q2)] = "always" if platform == "weibo" else "once"
        lists[(platform, Q3)] = []
        lists[(platform, Q4)] = [make_result(platform, f"东川教育{i}", key=f"{Q4}{i}") for i in range(23)]
    har = write_lists(folder / "corpus.har", lists, walls=walls)
    ledger_csv, registry_csv = write_inputs(folder, ledger, filings)
    queries = folder / "queries.txt"
    queries.write_text(f"# 测试查询\n{Q1}\n{Q2}\n{Q3}\n{Q4}\n", encoding="utf-8")
    config = folder / "rules.toml"
    config.write_text('[discovery]\nbrowser = []\n[weibo]\nwall_retries = 1\n[wechat]\nwall_retries = 1\n'
                      '[douyin]\nwall_retries = 1\n', encoding="utf-8")  # fmt: skip
    out = folder / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["discover", "--ledger", str(ledger_csv), "--registry", str(registry_csv), "--out", str(out),
                     "--region", "东川市", "--queries", str(queries), "--replay", str(har), "--config", str(config)])  # fmt: skip
    return Ran(out, code, err.getvalue(), planted, ledger_ids)


def test_the_run_ends_well_with_an_unreadable_query_listed(ran: Ran) -> None:
    assert ran.code == 0
    assert "1 个结果页未能读取" in ran.stderr


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_planted_unfiled_account_is_found_on_each_platform(ran: Ran, platform: str) -> None:
    rows = {(r["platform"], r["account_id"]): r for r in ran.csv_rows()}
    unfiled, filed = ran.planted[platform]
    row = rows[(platform, unfiled)]
    assert row["kind"] == "unfiled" and row["name"] == "平安东川" and row["subject"] == "东川市公安局"
    assert row["region"] == "东川市" and row["query"] == Q1 and row["why"]
    assert (ran.out / row["evidence"]).is_dir()
    assert rows[(platform, filed)]["kind"] == "filed_not_in_ledger"


def test_nothing_else_is_a_candidate(ran: Ran) -> None:
    names = sorted((r["platform"], r["name"]) for r in ran.csv_rows())
    expected = [(p, n) for p in PLATFORMS for n in ("平安东川", "东川网警")]
    expected += [(p, "东川交警") for p in PLATFORMS if p != "weibo"]  # read after the wall gave way
    assert names == sorted(expected)
    header = (ran.out / "discovered.csv").read_bytes()[:3]
    assert header == b"\xef\xbb\xbf"


def test_exclusions_are_listed_with_why(ran: Ran) -> None:
    excluded = ran.sheet("排除的结果")
    reasons = dict(zip(excluded["账号名称"] + "|" + excluded["平台"], excluded["原因"], strict=True))
    for label in ("微博", "微信", "抖音"):
        assert reasons[f"东川公安|{label}"] == "已在台账"
        assert reasons[f"东川公安资讯|{label}"] == "未认证"
        assert reasons[f"武汉公安|{label}"] == "其他地区的政务账号"
        assert reasons[f"西山区公安|{label}"] == "其他地区的政务账号"
        assert reasons[f"东川安防|{label}"] == "企业或社会组织"
        assert reasons[f"东川日报|{label}"] == "媒体"
    assert reasons["东川公安小李|微博"] == reasons["东川公安小李|抖音"] == "个人认证"
    assert reasons["东川公安小李|微信"] == "未认证"  # WeChat shows no personal certification
    assert excluded["说明"].null_count() == 0


def test_the_walled_query_is_retried_and_listed(ran: Ran) -> None:
    log = ran.sheet("查询记录")
    rows = {(r["查询"], r["平台"], r["页码"]): r for r in log.iter_rows(named=True)}
    walled = rows[(Q2, "微博", "1")]
    assert (walled["状态"], walled["状态代码"], walled["请求次数"], walled["被拦截次数"]) == (
        "被拦截",
        "walled",
        "2",
        "2",
    )
    assert "被平台拦截" in walled["说明"]
    assert (ran.out / walled["证据"] / "review-reason.txt").is_file()
    for platform in ("微信", "抖音"):
        retried = rows[(Q2, platform, "1")]
        assert (retried["状态代码"], retried["请求次数"], retried["被拦截次数"]) == ("done", "2", "1")


def test_an_empty_query_is_confirmed_by_a_second_request(ran: Ran) -> None:
    log = ran.sheet("查询记录").filter(pl.col("查询") == Q3)
    assert log["状态代码"].to_list() == ["empty"] * 3 and log["请求次数"].to_list() == ["2"] * 3


def test_paging_reads_every_page_up_to_the_limit(ran: Ran) -> None:
    log = ran.sheet("查询记录").filter(pl.col("查询") == Q4)
    for platform in ("微博", "微信", "抖音"):
        mine = log.filter(pl.col("平台") == platform)
        assert mine["页码"].to_list() == ["1", "2", "3"] and mine["结果数"].to_list() == ["10", "10", "3"]


def test_every_page_keeps_its_raw_response(ran: Ran) -> None:
    log = ran.sheet("查询记录")
    for folder in log["证据"]:
        index = json.loads((ran.out / folder / "index.json").read_text(encoding="utf-8"))
        assert index["responses"] and all(
            (ran.out / folder / r["file"]).is_file() for r in index["responses"]
        )
    assert str(log["证据"][0]).startswith("evidence/discovery/")


def test_candidate_rows_copy_into_a_ledger(ran: Ran, tmp_path: Path) -> None:
    sheet = ran.sheet("疑似未备案")
    headers = list(sheet.columns[:8])
    assert headers == ["地区", "主办单位", "账号名称", "平台", "账号类型", "账号ID", "主页地址", "级别"]
    rows = [[v or "" for v in row[:8]] for row in sheet.iter_rows()]
    copied = read_ledger(write_csv(headers, rows, tmp_path / "next_ledger.csv"))
    assert copied.ok and len(copied.items) == len(rows) == 5
    assert {a.platform for a in copied.items} == set(PLATFORMS)
