"""The replay router tells search requests apart by their query and page (design.md, Replay)."""

from __future__ import annotations

from newmedia_audit.collect.replay import HarCorpus
from newmedia_audit.discover import douyin, sogou, weibo
from newmedia_audit.synth.discovery import douyin_search_url, sogou_search_url, weibo_search_url
from newmedia_audit.synth.har import har_entry

from .conftest import T0


def corpus(*pairs: tuple[str, str]) -> HarCorpus:
    return HarCorpus.from_document(
        {"log": {"entries": [har_entry(url, T0, body=body) for url, body in pairs]}}
    )


def test_weibo_search_is_told_apart_by_query_and_page_and_a_missing_page_is_the_first() -> None:
    served = corpus(
        (weibo_search_url("东川公安", 1) + "&page=1", "公安1"),
        (weibo_search_url("东川公安", 2), "公安2"),
        (weibo_search_url("东川交警", 1), "交警1"),
    )
    assert served.serve("GET", weibo.search_url("东川公安", 1)).text() == "公安1"
    assert served.serve("GET", weibo.search_url("东川公安", 2)).text() == "公安2"
    assert served.serve("GET", weibo.search_url("东川交警", 1)).text() == "交警1"


def test_weibo_q_written_beside_the_containerid_identifies_too() -> None:
    base = "https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D3&page_type=searchall"
    served = corpus((base + "&q=东川公安", "公安"), (base + "&q=东川交警", "交警"))
    assert served.serve("GET", base + "&q=%E4%B8%9C%E5%B7%9D%E4%BA%A4%E8%AD%A6&luicode=1").text() == "交警"


def test_sogou_and_douyin_searches_by_query_and_page() -> None:
    served = corpus(
        (sogou_search_url("东川公安", 1), "s1"),
        (sogou_search_url("东川公安", 2), "s2"),
        (douyin_search_url("东川公安", 1), "d1"),
        (douyin_search_url("东川公安", 2), "d2"),
    )
    assert served.serve("GET", sogou.search_url("东川公安", 2)).text() == "s2"
    assert served.serve("GET", sogou.search_url("东川公安", 1)).text() == "s1"
    assert served.serve("GET", douyin.search_url("东川公安", 2)).text() == "d2"
    assert served.serve("GET", douyin.search_url("东川公安", 1)).text() == "d1"
