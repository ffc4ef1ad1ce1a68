"""Deterministic, plausible platform account ids derived from a text key."""

from __future__ import annotations

import base64
import hashlib

from ..models import Platform

_LETTERS = "abcdefghjkmnpqrstwxyz"


def _digest(key: str, salt: str) -> bytes:
    return hashlib.sha512(f"{salt}|{key}".encode()).digest()


def wechat_id(key: str, prefix: str = "xn") -> str:
    """A 微信号: starts with a letter, 6-20 of [a-z0-9_-]."""
    raw = _digest(key, "wechat")
    letters = "".join(_LETTERS[b % len(_LETTERS)] for b in raw[:4])
    digits = f"{int.from_bytes(raw[4:6], 'big') % 100:02d}"
    return f"{prefix}{letters}{digits}"


def weibo_uid(key: str) -> str:
    """A numeric weibo uid of 10 digits."""
    value = int.from_bytes(_digest(key, "weibo")[:8], "big")
    return str(5_000_000_000 + value % 2_999_999_999)


def _bytedance_token(key: str, salt: str) -> str:
    body = base64.urlsafe_b64encode(_digest(key, salt)).decode("ascii").rstrip("=")
    return "MS4wLjABAAAA" + body[:64]


def douyin_sec_uid(key: str) -> str:
    """A douyin sec_uid: ``MS4wLjABAAAA`` + 64 base64url characters."""
    return _bytedance_token(key, "douyin")


def toutiao_token(key: str) -> str:
    """A toutiao user token (same ByteDance form as sec_uid)."""
    return _bytedance_token(key, "toutiao")


def account_id(platform: Platform, key: str, wechat_prefix: str = "xn") -> str:
    """The id of ``platform`` for ``key``."""
    if platform is Platform.wechat:
        return wechat_id(key, wechat_prefix)
    if platform is Platform.weibo:
        return weibo_uid(key)
    if platform is Platform.douyin:
        return douyin_sec_uid(key)
    return toutiao_token(key)
