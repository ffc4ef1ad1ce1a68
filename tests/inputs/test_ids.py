"""Account ids from profile URLs and explicit 账号ID cells."""

from __future__ import annotations

import pytest

from newmedia_audit.inputs.ids import IdError, account_id_from_url, clean_account_id, resolve_account_id

SEC = "MS4wLjABAAAAabcDEF_123-xyz"
TOKEN = "MS4wLjABAAAAtokenTOKEN_9-8"


@pytest.mark.parametrize(
    ("platform", "url", "expected"),
    [
        ("weibo", "https://m.weibo.cn/u/1234567890", "1234567890"),
        ("weibo", "https://m.weibo.cn/u/1234567890?uid=1234567890&luicode=10000011", "1234567890"),
        ("weibo", "https://m.weibo.cn/profile/2011000001", "2011000001"),
        ("weibo", "https://weibo.com/u/1234567890", "1234567890"),
        ("weibo", "https://www.weibo.com/u/1234567890/home", "1234567890"),
        ("weibo", "https://weibo.com/1234567890", "1234567890"),
        ("weibo", "weibo.com/1234567890?refer_flag=1001030103_", "1234567890"),
        ("weibo", "http://weibo.com/p/1005051234567890/home", "1234567890"),
        ("douyin", f"https://www.douyin.com/user/{SEC}", SEC),
        ("douyin", f"https://www.douyin.com/user/{SEC}?from_tab_name=main&vid=7", SEC),
        ("douyin", f"douyin.com/user/{SEC}", SEC),
        ("toutiao", f"https://www.toutiao.com/c/user/token/{TOKEN}/", TOKEN),
        ("toutiao", f"https://www.toutiao.com/c/user/token/{TOKEN}/?source=profile&log_from=1", TOKEN),
        ("toutiao", f"https://toutiao.com/c/user/token/{TOKEN}", TOKEN),
    ],
)
def test_profile_urls_give_the_account_id(platform: str, url: str, expected: str) -> None:
    assert account_id_from_url(platform, url) == expected


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("weibo", "https://weibo.com/xianningjiaojing"),  # a custom domain names no uid
        ("weibo", f"https://www.douyin.com/user/{SEC}"),
        ("weibo", "https://m.weibo.cn/u/abc"),
        ("douyin", "https://m.weibo.cn/u/1234567890"),
        ("douyin", "https://www.douyin.com/user/self"),
        ("douyin", "https://www.douyin.com/video/7100000000000000000"),
        ("douyin", "https://v.douyin.com/iJpXyz/"),
        ("toutiao", "https://www.toutiao.com/c/user/123456/"),
        ("toutiao", "https://www.toutiao.com/article/7100000000000000000/"),
        ("wechat", "https://mp.weixin.qq.com/s/abcdef"),
        ("weibo", "not a url at all"),
    ],
)
def test_a_url_that_does_not_fit_its_platform_is_refused(platform: str, url: str) -> None:
    with pytest.raises(IdError) as caught:
        account_id_from_url(platform, url)
    assert caught.value.field == "url"
    assert caught.value.message  # Chinese sentence for the officer


def test_wechat_has_no_url_form_and_says_what_to_fill_in() -> None:
    with pytest.raises(IdError, match="微信号"):
        account_id_from_url("wechat", "https://mp.weixin.qq.com/s/abc")


def test_explicit_id_wins_over_the_url() -> None:
    assert resolve_account_id("weibo", "2222222222", "https://m.weibo.cn/u/1111111111") == "2222222222"


def test_url_is_used_when_no_id_is_given() -> None:
    assert resolve_account_id("douyin", "", f"https://www.douyin.com/user/{SEC}") == SEC


@pytest.mark.parametrize("wechat_id", ["xianningfabu", "gh_0a1b2c3d4e5f", "xn-fabu_2"])
def test_wechat_ids_are_the_wechat_id_or_the_gh_original_id(wechat_id: str) -> None:
    assert resolve_account_id("wechat", wechat_id, "") == wechat_id


def test_neither_id_nor_url_is_refused() -> None:
    with pytest.raises(IdError) as caught:
        resolve_account_id("weibo", "", "")
    assert caught.value.field == "both"


def test_a_spreadsheet_float_uid_is_read_as_the_integer() -> None:
    assert clean_account_id("weibo", "1234567890.0") == "1234567890"


@pytest.mark.parametrize("bad", ["1.23457E+09", "咸宁发布", "12 34"])
def test_weibo_ids_must_be_numeric(bad: str) -> None:
    with pytest.raises(IdError) as caught:
        clean_account_id("weibo", bad)
    assert caught.value.field == "account_id"


def test_wechat_id_with_chinese_is_refused() -> None:
    with pytest.raises(IdError):
        clean_account_id("wechat", "咸宁发布")


def test_a_url_in_the_id_column_is_read_as_a_url() -> None:
    assert clean_account_id("weibo", "https://m.weibo.cn/u/1234567890") == "1234567890"


def test_a_bare_id_in_the_url_column_is_taken_as_the_id() -> None:
    assert resolve_account_id("weibo", "", "1234567890") == "1234567890"
    assert resolve_account_id("wechat", "", "xianningfabu") == "xianningfabu"
