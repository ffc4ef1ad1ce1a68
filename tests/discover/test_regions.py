"""Regions: short names, where a certified subject or an account name places an account, queries."""

from __future__ import annotations

import pytest

from newmedia_audit.discover.regions import (
    Region,
    build_queries,
    make_regions,
    place_name,
    place_subject,
    short_form,
)


@pytest.mark.parametrize(
    ("name", "short"),
    [("咸宁市", "咸宁"), ("嘉鱼县", "嘉鱼"), ("咸安区", "咸安"), ("恩施土家族苗族自治州", "恩施土家族苗族"),
     ("咸宁高新区", "咸宁高新区"), ("沙市", "沙市")],
)  # fmt: skip
def test_short_form_drops_the_suffix_unless_too_short(name: str, short: str) -> None:
    assert short_form(name) == short


def test_regions_take_the_ledger_label_and_the_city_is_city_level(regions: list[Region]) -> None:
    assert [(r.name, r.district) for r in regions] == [
        ("东川市", "市直"), ("东湖区", "东湖区"), ("西山县", "西山县"), ("南河县", "南河县"), ("北岭市", "北岭市"),
    ]  # fmt: skip
    assert make_regions(["市直", " ", "东川市", "东川市"], []) == [Region("东川市", "东川", "市直")]


def test_queries_join_each_short_name_with_each_keyword(regions: list[Region]) -> None:
    queries = build_queries(regions[:2], ["公安", "发布"])
    assert queries == ["东川公安", "东川发布", "东湖公安", "东湖发布"]


@pytest.mark.parametrize(
    ("subject", "region"),
    [
        ("东川市公安局", "东川市"),
        ("湖北省东川市公安局东湖分局", "东湖区"),  # a district named after the city is more precise
        ("中共西山县委宣传部", "西山县"),
        ("国家税务总局东川市税务局", "东川市"),
        ("共青团北岭市委员会", "北岭市"),
        ("东川高新区管委会", "东川市"),
        ("西山公安局", "西山县"),  # the short name, as some certifications write it
    ],
)
def test_subjects_of_the_region(subject: str, region: str, regions: list[Region]) -> None:
    placed = place_subject(subject, regions)
    assert placed.region is not None and placed.region.name == region


@pytest.mark.parametrize(
    ("subject", "other"),
    [
        ("武汉市公安局", "武汉市"),
        ("昆明市西山区公安分局", "昆明市"),
        ("西山区人民政府", "西山区"),  # the same short name with another suffix is another place
        ("东川区公安分局", "东川区"),
        ("湖北省公安厅", "湖北省"),  # a provincial body
    ],
)
def test_subjects_of_other_places(subject: str, other: str, regions: list[Region]) -> None:
    placed = place_subject(subject, regions)
    assert placed.region is None and placed.other == other


def test_a_subject_without_a_place_leaves_the_name_to_decide(regions: list[Region]) -> None:
    assert place_subject("公安局交通警察大队", regions).region is None
    assert place_subject("公安局交通警察大队", regions).other == ""
    placed = place_name("平安西山", regions)
    assert placed.region is not None and placed.region.name == "西山县"
    assert place_name("西山区公安", regions).other == "西山区"
    assert place_name("武汉公安", regions).region is None


def test_without_region_options_the_city_setting_and_the_ledger_districts_are_searched() -> None:
    from newmedia_audit.discover.command import choose_regions
    from newmedia_audit.models import Account
    from newmedia_audit.settings import Settings

    settings = Settings(city="东川市")
    settings.discovery.regions = ["东川高新区"]
    accounts = [
        Account(district=d, unit="u", name="n", platform="weibo", account_id="1") for d in ("市直", "西山县")
    ]
    chosen = choose_regions([], settings, accounts)
    assert [(r.name, r.district) for r in chosen] == [
        ("东川高新区", "市直"),
        ("东川市", "市直"),
        ("西山县", "西山县"),
    ]
    assert [r.name for r in choose_regions(["北岭市"], settings, accounts)] == ["北岭市"]
