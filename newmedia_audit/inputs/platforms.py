"""Platform names as ledgers write them -> platform codes.

The four platforms the tool visits get their code (wechat, weibo, douyin,
toutiao). Platforms ledgers list but the tool cannot visit become
``other:<name as written>``. Anything else is unknown (a bad row).
"""

from __future__ import annotations

import re
import unicodedata

SUPPORTED_ALIASES: dict[str, tuple[str, ...]] = {
    "wechat": (
        "微信",
        "微信公众号",
        "微信订阅号",
        "微信服务号",
        "公众号",
        "微信公众平台",
        "wechat",
        "weixin",
    ),
    "weibo": ("微博", "新浪微博", "微博号", "weibo", "sinaweibo"),
    "douyin": ("抖音", "抖音短视频", "抖音号", "douyin"),
    "toutiao": ("今日头条", "头条号", "头条", "今日头条号", "toutiao"),
}

# Real platforms the collectors cannot visit; accepted as other:<name as written>.
OTHER_PLATFORMS: tuple[str, ...] = (
    "微信视频号",
    "视频号",
    "快手",
    "快手号",
    "百家号",
    "百度百家号",
    "企鹅号",
    "大鱼号",
    "小红书",
    "哔哩哔哩",
    "B站",
    "bilibili",
    "政务APP",
    "APP",
    "客户端",
    "移动客户端",
    "小程序",
    "微信小程序",
    "支付宝小程序",
    "网易号",
    "人民号",
    "澎湃号",
    "一点号",
    "搜狐号",
    "新华号",
    "央视频",
    "学习强国",
    "强国号",
    "西瓜视频",
    "知乎",
    "QQ",
    "钉钉",
)

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


_SUPPORTED = {_key(alias): code for code, aliases in SUPPORTED_ALIASES.items() for alias in aliases}
_OTHER = {_key(name) for name in OTHER_PLATFORMS}


def platform_code(text: str) -> str | None:
    """The platform code of a ledger cell, or None when nobody knows the platform.

    Case-, width- and whitespace-insensitive; a bracketed remark is ignored when
    the whole text is not known (微信公众号（订阅号） -> wechat).

    >>> platform_code("新浪微博"), platform_code(" 快手 "), platform_code("飞信")
    ('weibo', 'other:快手', None)
    """
    written = text.strip()
    if not written:
        return None
    for key in (_key(written), _key(_BRACKETS.sub("", unicodedata.normalize("NFKC", written)))):
        if not key:
            continue
        if key in _SUPPORTED:
            return _SUPPORTED[key]
        if key in _OTHER:
            return f"other:{written}"
    return None


def is_other(code: str) -> bool:
    """True for platforms the tool cannot visit (``other:...``)."""
    return code.startswith("other:")


def account_type_of(text: str, code: str) -> str:
    """The account type a platform cell implies: 微信订阅号 stays; 微信, wechat, 快手 give ''."""
    written = text.strip()
    if is_other(code) or written.isascii():
        return ""
    labels = SUPPORTED_ALIASES.get(code, ())
    if labels and _key(written) == _key(labels[0]):
        return ""
    return written
