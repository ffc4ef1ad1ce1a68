"""Platform account ids, from an explicit 账号ID cell or a profile URL.

| platform | id            | profile URLs understood |
|----------|---------------|-------------------------|
| weibo    | numeric uid   | m.weibo.cn/u/UID, m.weibo.cn/profile/UID, weibo.com/u/UID, weibo.com/UID, weibo.com/p/100505UID |
| douyin   | sec_uid       | douyin.com/user/SEC_UID (query dropped) |
| toutiao  | user token    | toutiao.com/c/user/token/TOKEN/ |
| wechat   | 微信号 or gh_ | none: WeChat accounts have no profile URL |
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, unquote, urlsplit

_TOKEN = re.compile(r"[A-Za-z0-9_\-.=]+")
_DIGITS = re.compile(r"\d+")
_WECHAT = re.compile(r"[A-Za-z0-9_\-]+")
DOUYIN_SEC_UID_PREFIX = "MS4wLjABAAAA"


class IdError(ValueError):
    """An id or URL that does not name an account of the platform.

    Attributes:
        field: "account_id", "url" or "both" (neither was given).
        message: Simplified Chinese, for the officer.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def _host_path(url: str) -> tuple[str, list[str], dict[str, list[str]]]:
    text = unicodedata.normalize("NFKC", url.strip())
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", [], {}
    segments = [unquote(s) for s in parts.path.split("/") if s]
    return host.removeprefix("www."), segments, parse_qs(parts.query)


def _weibo(host: str, segments: list[str], query: dict[str, list[str]]) -> str | None:
    if host not in {"m.weibo.cn", "weibo.cn", "weibo.com", "m.weibo.com", "passport.weibo.com"}:
        return None
    if len(segments) >= 2 and segments[0] in {"u", "profile"} and _DIGITS.fullmatch(segments[1]):
        return segments[1]
    if len(segments) >= 2 and segments[0] == "p":
        match = re.fullmatch(r"10050[56](\d+)", segments[1])
        if match:
            return match.group(1)
    for value in query.get("containerid", []) + query.get("uid", []) + query.get("value", []):
        match = re.fullmatch(r"(?:100505|107603)?(\d{5,})", value)
        if match:
            return match.group(1)
    if host in {"weibo.com", "m.weibo.com"} and segments and _DIGITS.fullmatch(segments[0]):
        return segments[0]
    return None


def _douyin(host: str, segments: list[str], query: dict[str, list[str]]) -> str | None:
    if host not in {"douyin.com", "m.douyin.com", "iesdouyin.com"}:
        return None
    for i, segment in enumerate(segments[:-1]):
        if segment == "user" and segments[i + 1] != "self" and _TOKEN.fullmatch(segments[i + 1]):
            return segments[i + 1]
    for value in query.get("sec_uid", []) + query.get("sec_user_id", []):
        if _TOKEN.fullmatch(value):
            return value
    return None


def _toutiao(host: str, segments: list[str], query: dict[str, list[str]]) -> str | None:
    if host not in {"toutiao.com", "m.toutiao.com"}:
        return None
    if len(segments) >= 4 and segments[:3] == ["c", "user", "token"] and _TOKEN.fullmatch(segments[3]):
        return segments[3]
    for value in query.get("token", []):
        if _TOKEN.fullmatch(value):
            return value
    return None


_URL_RULES = {"weibo": _weibo, "douyin": _douyin, "toutiao": _toutiao}
_URL_FORMS = {
    "weibo": "https://m.weibo.cn/u/数字UID 或 https://weibo.com/u/数字UID",
    "douyin": "https://www.douyin.com/user/sec_uid",
    "toutiao": "https://www.toutiao.com/c/user/token/TOKEN/",
}


def account_id_from_url(platform: str, url: str) -> str:
    """The account id a profile URL names.

    Raises:
        IdError: the URL does not fit the platform (or the platform has no URLs).
    """
    if platform == "wechat":
        raise IdError("url", "微信公众号没有可识别的主页地址，请在账号ID列填写微信号或原始ID（gh_开头）")
    rule = _URL_RULES.get(platform)
    if rule is None:
        raise IdError("url", f"平台 {platform} 不能从主页地址识别账号")
    host, segments, query = _host_path(url)
    if "v.douyin.com" == host:
        raise IdError(
            "url",
            "抖音短链接无法离线识别，请填写 sec_uid 或 https://www.douyin.com/user/sec_uid 形式的主页地址",
        )
    account_id = rule(host, segments, query)
    if not account_id:
        raise IdError("url", f"主页地址不是该平台的账号主页，应为 {_URL_FORMS[platform]}")
    return account_id


def _looks_like_url(text: str) -> bool:
    return "/" in text or text.lower().startswith(("http", "www."))


def clean_account_id(platform: str, account_id: str) -> str:
    """Validate an explicit 账号ID (a URL in the cell is read as a URL).

    Raises:
        IdError: the id cannot be an id of the platform.
    """
    text = unicodedata.normalize("NFKC", account_id).strip()
    if _looks_like_url(text) and platform in _URL_RULES:
        try:
            return account_id_from_url(platform, text)
        except IdError as exc:
            raise IdError("account_id", exc.message) from exc
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]  # a number that went through a spreadsheet
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        raise IdError("account_id", "账号ID 被表格软件写成了科学计数法，请将该列设为文本后重新填写")
    if platform == "weibo" and not _DIGITS.fullmatch(text):
        raise IdError("account_id", "微博账号ID应为数字 UID")
    if platform == "wechat" and not _WECHAT.fullmatch(text):
        raise IdError("account_id", "微信账号ID应为微信号或原始ID（gh_开头），只含字母、数字、下划线或减号")
    if platform in {"douyin", "toutiao"} and not _TOKEN.fullmatch(text):
        raise IdError("account_id", "账号ID含有不允许的字符")
    return text


def resolve_account_id(platform: str, account_id: str, url: str) -> str:
    """The id of a supported-platform account: the explicit 账号ID wins over the URL.

    A 主页地址 cell holding a bare id (no slash) is taken as the id.

    Raises:
        IdError: neither is given, or the one used does not fit the platform.
    """
    if account_id.strip():
        return clean_account_id(platform, account_id)
    text = url.strip()
    if not text:
        raise IdError("both", "缺少账号ID或主页地址，无法访问该账号")
    if not _looks_like_url(text) and "." not in text:
        try:
            return clean_account_id(platform, text)
        except IdError as exc:
            raise IdError("url", exc.message) from exc
    return account_id_from_url(platform, text)
