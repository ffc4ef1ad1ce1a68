"""The seed-001 demo inputs: ledger, registry, websites, previous sweep, determinism."""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from pathlib import Path

import opencc
import pytest

from newmedia_audit.demo import DemoPaths, build_demo

_T2S = opencc.OpenCC("t2s")


def same_name(a: str, b: str) -> bool:
    """domain.md's normalization (NFKC, traditional to simplified, no whitespace or zero-width)."""

    def norm(text: str) -> str:
        text = _T2S.convert(unicodedata.normalize("NFKC", text))
        return "".join(c for c in text if not c.isspace() and c not in "\u200b\u200c\u200d\ufeff")

    return norm(a) == norm(b)


# The seed's 附件2 table: (district, name, unit, type).
SEED_FAILING = [
    ("市直", "咸宁高新招商网", "咸宁高新区管委会", "微信服务号"),
    ("市直", "咸宁就业驿站", "咸宁市人力资源和社会保障局", "微信服务号"),
    ("市直", "咸宁交投集团", "咸宁市交通运输局", "微信订阅号"),
    ("市直", "咸宁市医疗保障局", "咸宁市医疗保障局", "微信订阅号"),
    ("市直", "温泉公安", "咸宁市公安局", "微信订阅号"),
    ("市直", "咸宁交警", "咸宁市公安局", "微信服务号"),
    ("市直", "咸宁禁毒宣传", "咸宁市公安局", "微信订阅号"),
    ("市直", "咸宁食药监", "咸宁市市场监督管理局", "微信订阅号"),
    ("市直", "咸宁城市绿色货运配送平台", "咸宁市交通运输局", "微信服务号"),
    ("市直", "湖北咸宁交警", "咸宁市公安局", "新浪微博"),
    ("市直", "健康咸宁", "咸宁市疾病预防控制中心", "抖音短视频"),
    ("市直", "健康咸宁", "咸宁市疾控中心", "微信订阅号"),
    ("市直", "文化咸宁", "咸宁市文化和旅游局", "微信订阅号"),
    ("市直", "咸宁住建", "咸宁市住房和城乡建设局", "微信服务号"),
    ("市直", "咸宁市退役军人事务局", "咸宁市退役军人事务局", "微信订阅号"),
    ("市直", "咸宁市生态环境局", "咸宁市生态环境局", "微信订阅号"),
    ("市直", "咸宁市教育科学研究院", "咸宁市教育科学研究院", "微信订阅号"),
    ("嘉鱼县", "嘉鱼疾控", "嘉鱼县疾病预防控制中心", "微信订阅号"),
    ("嘉鱼县", "嘉鱼旅游", "嘉鱼县文化和旅游局", "今日头条"),
    ("崇阳县", "崇阳县退役军人事务局", "崇阳县退役军人事务局", "微信订阅号"),
    ("崇阳县", "平安青山绿色", "崇阳县青山镇人民政府", "微信订阅号"),
]
# Every account the table marks 未备案 (9 as primary reason, 6 more behind never/not updated).
SEED_UNFILED = {
    ("市直", "咸宁高新招商网", "微信服务号"),
    ("市直", "咸宁交投集团", "微信订阅号"),
    ("市直", "咸宁市医疗保障局", "微信订阅号"),
    ("市直", "温泉公安", "微信订阅号"),
    ("市直", "咸宁交警", "微信服务号"),
    ("市直", "咸宁禁毒宣传", "微信订阅号"),
    ("市直", "咸宁食药监", "微信订阅号"),
    ("市直", "咸宁城市绿色货运配送平台", "微信服务号"),
    ("市直", "湖北咸宁交警", "新浪微博"),
    ("市直", "健康咸宁", "抖音短视频"),
    ("市直", "健康咸宁", "微信订阅号"),
    ("市直", "咸宁市教育科学研究院", "微信订阅号"),
    ("嘉鱼县", "嘉鱼疾控", "微信订阅号"),
    ("嘉鱼县", "嘉鱼旅游", "今日头条"),
    ("崇阳县", "平安青山绿色", "微信订阅号"),
}
SEED_UNFILED_PRIMARY = 9


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoPaths:
    return build_demo(tmp_path_factory.mktemp("demo"))


def test_building_twice_gives_identical_bytes(demo: DemoPaths, tmp_path: Path) -> None:
    again = build_demo(tmp_path)
    for name in ("ledger", "registry", "websites", "corpus"):
        assert getattr(demo, name).read_bytes() == getattr(again, name).read_bytes(), name
    for name in ("results.json", "verdicts.csv"):
        assert (demo.previous / name).read_bytes() == (again.previous / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "corpus.har",
        "ledger.csv",
        "previous",
        "registry.csv",
        "websites.csv",
    ]


def test_ledger_has_214_accounts_by_district_in_seed_order(demo: DemoPaths) -> None:
    rows = _rows(demo.ledger)
    assert len(rows) == 214
    counts = Counter(r["地区"] for r in rows)
    assert counts == {
        "市直": 67,
        "咸安区": 31,
        "嘉鱼县": 14,
        "赤壁市": 30,
        "通城县": 21,
        "崇阳县": 36,
        "通山县": 15,
    }
    assert list(dict.fromkeys(r["地区"] for r in rows)) == [
        "市直",
        "咸安区",
        "嘉鱼县",
        "赤壁市",
        "通城县",
        "崇阳县",
        "通山县",
    ]
    assert {r["平台"] for r in rows} == {"微信", "微博", "抖音", "今日头条"}
    assert len({(r["平台"], r["账号ID"]) for r in rows}) == 214
    assert all(r["账号ID"] for r in rows)


def test_the_21_failing_accounts_are_present_with_units_and_types(demo: DemoPaths) -> None:
    rows = {(r["地区"], r["账号名称"], r["主办单位"], r["账号类型"]) for r in _rows(demo.ledger)}
    for account in SEED_FAILING:
        assert account in rows, account


def test_platform_ids_have_their_platform_form(demo: DemoPaths) -> None:
    for r in _rows(demo.ledger):
        if r["平台"] == "微博":
            assert r["账号ID"].isdigit() and r["主页地址"] == f"https://m.weibo.cn/u/{r['账号ID']}"
        elif r["平台"] == "抖音":
            assert r["账号ID"].startswith("MS4wLjABAAAA")
            assert r["主页地址"] == f"https://www.douyin.com/user/{r['账号ID']}"
        elif r["平台"] == "今日头条":
            assert r["主页地址"] == f"https://www.toutiao.com/c/user/token/{r['账号ID']}/"
        else:
            assert r["账号ID"][0].isalpha() and 6 <= len(r["账号ID"]) <= 20


def test_registry_lacks_exactly_the_unfiled_accounts(demo: DemoPaths) -> None:
    ledger = _rows(demo.ledger)
    filings = [f for f in _rows(demo.registry) if f["状态"] != "已注销"]
    by_id = {(f["平台"], f["账号ID"]) for f in filings if f["账号ID"]}
    by_name = {(f["平台"], f["账号名称"]) for f in filings if not f["账号ID"]}
    unfiled = {
        (r["地区"], r["账号名称"], r["账号类型"])
        for r in ledger
        if (r["平台"], r["账号ID"]) not in by_id and (r["平台"], r["账号名称"]) not in by_name
    }
    assert unfiled == SEED_UNFILED
    assert len(SEED_UNFILED) - 6 == SEED_UNFILED_PRIMARY  # 6 of them fail first for never/not updated


def test_only_zhujian_is_filed_under_another_name(demo: DemoPaths) -> None:
    ledger = {(r["平台"], r["账号ID"]): r["账号名称"] for r in _rows(demo.ledger)}
    filings = [f for f in _rows(demo.registry) if f["账号ID"] and f["状态"] != "已注销"]
    mismatched = [
        (ledger[(f["平台"], f["账号ID"])], f["账号名称"])
        for f in filings
        if (f["平台"], f["账号ID"]) in ledger
        and not same_name(ledger[(f["平台"], f["账号ID"])], f["账号名称"])
    ]
    assert mismatched == [("咸宁住建", "咸宁城建")]
    variants = [
        f
        for f in filings
        if (f["平台"], f["账号ID"]) in ledger and f["账号名称"] != ledger[(f["平台"], f["账号ID"])]
    ]
    assert len(variants) >= 5  # full-width, traditional, whitespace variants that are not mismatches


def test_registry_has_a_cancelled_filing_and_filings_without_ledger_account(demo: DemoPaths) -> None:
    filings = _rows(demo.registry)
    assert [f["账号名称"] for f in filings if f["状态"] == "已注销"] == ["咸宁交投集团"]
    ledger_ids = {(r["平台"], r["账号ID"]) for r in _rows(demo.ledger)}
    assert sum(1 for f in filings if f["账号ID"] and (f["平台"], f["账号ID"]) not in ledger_ids) == 2
    assert len({f["备案编号"] for f in filings}) == len(filings)


def test_websites_table_is_the_seed_table(demo: DemoPaths) -> None:
    rows = _rows(demo.websites)
    assert len(rows) == 40
    scores = [r["得分"] for r in rows]
    assert scores.count("100") == 13
    assert scores.count("一票否决") == 2
    numeric = [float(s) for s in scores if s != "一票否决"]
    assert sum(1 for s in numeric if 90 <= s < 100) == 24
    assert [r["单位名称"] for r in rows if r["得分"] == "88.5"] == ["市教育局"]
    assert Counter(r["地区"] for r in rows)["市直"] == 34


def test_previous_sweep_has_218_checked_12_failed_and_the_narcotics_account_not_updated(
    demo: DemoPaths,
) -> None:
    results = json.loads((demo.previous / "results.json").read_text(encoding="utf-8"))
    assert results["as_of"] == "2022-03-10"
    assert results["new_media"]["checked"] == 218 and results["new_media"]["failed"] == 12
    rows = _rows(demo.previous / "verdicts.csv")
    assert len(rows) == 218
    failed = [r for r in rows if r["verdict"] == "fail"]
    assert len(failed) == 12
    jindu = next(r for r in rows if r["name"] == "咸宁禁毒宣传")
    assert jindu["verdict"] == "fail" and jindu["primary_reason"] == "not_updated"
    assert jindu["last_post_at"].startswith("2016-01-11")
    # No other current failing account failed in the previous sweep (only one is 未整改).
    current_failing = {(d, n, t) for d, n, _, t in SEED_FAILING}
    again = [r for r in failed if (r["district"], r["name"], r["account_type"]) in current_failing]
    assert [r["name"] for r in again] == ["咸宁禁毒宣传"]
