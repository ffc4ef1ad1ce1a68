"""Platform aliases: every supported alias, the known other platforms, unknown names."""

from __future__ import annotations

import pytest

from newmedia_audit.inputs.platforms import account_type_of, platform_code

SUPPORTED = [
    ("微信", "wechat"),
    ("微信公众号", "wechat"),
    ("微信订阅号", "wechat"),
    ("微信服务号", "wechat"),
    ("wechat", "wechat"),
    ("WeChat", "wechat"),
    ("微博", "weibo"),
    ("新浪微博", "weibo"),
    ("weibo", "weibo"),
    ("抖音", "douyin"),
    ("抖音短视频", "douyin"),
    ("douyin", "douyin"),
    ("今日头条", "toutiao"),
    ("头条号", "toutiao"),
    ("头条", "toutiao"),
    ("toutiao", "toutiao"),
]


@pytest.mark.parametrize(("written", "code"), SUPPORTED)
def test_every_supported_alias_maps_to_its_code(written: str, code: str) -> None:
    assert platform_code(written) == code


@pytest.mark.parametrize(("written", "code"), SUPPORTED)
def test_aliases_ignore_case_width_and_whitespace(written: str, code: str) -> None:
    spaced = " ".join(written.upper())
    assert platform_code(f"  {spaced}\u3000") == code


def test_fullwidth_letters_are_read_as_ascii() -> None:
    assert platform_code("ＷＥＩＢＯ") == "weibo"


def test_bracketed_remark_is_ignored_when_the_whole_text_is_unknown() -> None:
    assert platform_code("微信公众号（订阅号）") == "wechat"


@pytest.mark.parametrize(
    "written",
    [
        "微信视频号",
        "视频号",
        "快手",
        "百家号",
        "企鹅号",
        "大鱼号",
        "小红书",
        "哔哩哔哩",
        "B站",
        "政务APP",
        "APP",
        "小程序",
        "网易号",
        "人民号",
        "澎湃号",
    ],
)
def test_known_unsupported_platforms_become_other_with_the_name_as_written(written: str) -> None:
    assert platform_code(f" {written} ") == f"other:{written}"


def test_video_channel_is_not_taken_for_wechat() -> None:
    assert platform_code("微信视频号") == "other:微信视频号"


@pytest.mark.parametrize("written", ["", "  ", "飞信", "微信群", "weibo2", "其他"])
def test_unknown_platforms_give_none(written: str) -> None:
    assert platform_code(written) is None


def test_account_type_keeps_the_specific_kind_only() -> None:
    assert account_type_of("微信订阅号", "wechat") == "微信订阅号"
    assert account_type_of("新浪微博", "weibo") == "新浪微博"
    assert account_type_of("微信", "wechat") == ""
    assert account_type_of("douyin", "douyin") == ""
    assert account_type_of("快手", "other:快手") == ""
