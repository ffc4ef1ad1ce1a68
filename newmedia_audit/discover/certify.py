"""What a search result's certification says: a government body, or why not (pure).

The platform's own certification decides, never the account's name
(platforms.md, "Search, for discovery"):
- Weibo: ``verified_type`` 1 is a government body; a personal (0, 200, 220)
  or media (3) certification never is; any other verified type counts only
  when its ``verified_reason`` names a government body;
- WeChat (Sogou): the certified subject of the 认证 label;
- Douyin: ``enterprise_verify_reason`` names an organisation;
  ``custom_verify`` is a person's title (民警, 教师 ...), a government body
  only when it names one as its official account (…官方账号).
A subject names a government body when it contains none of the company,
media, institution or personal words of the organ lists, and a government
word or ends with a government suffix (局, 委, 办 ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ..rules.names import normalize_name
from .hits import SearchHit
from .lists import OrganLists

# Tails of certification texts that name the account, not the body.
_TAILS = re.compile(
    r"(?:的)?(?:官方)?(?:微博|微信公众号|公众号|抖音号|抖音账号|抖音帐号|抖音|账号|帐号|政务号|号)$|官方$"
)
_OFFICIAL = re.compile(r"官方|政务号")
WEIBO_GOVERNMENT = 1
WEIBO_PERSONAL = frozenset({0, 200, 220})
WEIBO_MEDIA = 3


class Kind(StrEnum):
    """What a certification makes of an account."""

    government = "government"
    none = "no_certification"
    personal = "personal"
    company = "company"
    media = "media"
    institution = "institution"
    other = "not_government"


KIND_LABELS: dict[Kind, str] = {
    Kind.government: "政府机关",
    Kind.none: "未认证",
    Kind.personal: "个人认证",
    Kind.company: "企业或社会组织",
    Kind.media: "媒体",
    Kind.institution: "学校、医院等单位",
    Kind.other: "非政府机构",
}


@dataclass(frozen=True)
class Certification:
    """The verdict on one result's certification.

    Attributes:
        kind: government, or why not.
        body: the certified body with 官方微博/官方账号 tails removed ("" when none).
        why: one Chinese sentence saying what was read and why it counts.
    """

    kind: Kind
    body: str
    why: str

    @property
    def government(self) -> bool:
        return self.kind is Kind.government


def body_of(text: str) -> str:
    """The certified body: the text without 官方微博 / 官方账号 tails and trailing punctuation."""
    body = normalize_name(text).strip("。，,.;；:：")
    for _ in range(3):
        trimmed = _TAILS.sub("", body).strip("。，,.;；:：")
        if trimmed == body or not trimmed:
            break
        body = trimmed
    return body


def subject_kind(body: str, lists: OrganLists) -> tuple[Kind, str]:
    """What a certified body is, and the word that says so ("" when nothing did)."""
    for kind, words in (
        (Kind.company, lists.companies),
        (Kind.media, lists.media),
        (Kind.institution, lists.institutions),
        (Kind.personal, lists.personal),
    ):
        word = next((w for w in words if w in body), "")
        if word:
            return kind, word
    word = next((w for w in lists.government if w in body), "")
    if word:
        return Kind.government, word
    suffix = next(
        (s for s in sorted(lists.government_suffixes, key=len, reverse=True) if body.endswith(s)), ""
    )
    if suffix:
        return Kind.government, suffix
    return Kind.other, ""


def _by_text(hit: SearchHit, lists: OrganLists, where: str) -> Certification:
    body = body_of(hit.certification)
    kind, word = subject_kind(body, lists)
    if kind is Kind.government:
        return Certification(kind, body, f"{where}「{hit.certification}」是政府机关（含「{word}」）")
    said = f"（含「{word}」）" if word else "（不含政府机关字样）"
    return Certification(
        kind, body, f"{where}「{hit.certification}」是{KIND_LABELS[kind]}{said}，不是政府机关"
    )


def _weibo(hit: SearchHit, lists: OrganLists) -> Certification:
    if not hit.verified:
        return Certification(Kind.none, "", "微博未认证")
    vtype = hit.verified_type
    body = body_of(hit.certification)
    reason = f"「{hit.certification}」" if hit.certification else "（无认证说明）"
    if vtype == WEIBO_GOVERNMENT:
        return Certification(Kind.government, body, f"微博政府认证（verified_type 1）{reason}")
    if vtype in WEIBO_PERSONAL:
        return Certification(Kind.personal, body, f"微博个人认证（verified_type {vtype}）{reason}")
    if vtype == WEIBO_MEDIA:
        return Certification(Kind.media, body, f"微博媒体认证（verified_type 3）{reason}，不是政府认证")
    found = _by_text(hit, lists, f"微博认证（verified_type {vtype}）说明")
    if found.government:
        return Certification(found.kind, found.body, found.why + "，按认证说明计为政府机关")
    return found


def _douyin(hit: SearchHit, lists: OrganLists) -> Certification:
    if hit.cert_source == "enterprise_verify_reason":
        return _by_text(hit, lists, "抖音机构认证")
    # custom_verify is a person's title, unless it names a body's official account.
    body = body_of(hit.certification)
    kind, word = subject_kind(body, lists)
    if kind is Kind.government and _OFFICIAL.search(hit.certification):
        return Certification(kind, body, f"抖音认证「{hit.certification}」为政府机关官方账号（含「{word}」）")
    hint = f"（含「{word}」）" if word else ""
    return Certification(
        Kind.personal, body, f"抖音个人认证「{hit.certification}」{hint}写的是个人身份，不是机构账号"
    )


def certify(hit: SearchHit, lists: OrganLists) -> Certification:
    """The certification of a result (see the module docstring)."""
    if hit.platform == "weibo":
        return _weibo(hit, lists)
    if not hit.certification.strip():
        return Certification(Kind.none, "", "未认证（平台未显示认证主体）")
    if hit.platform == "douyin":
        return _douyin(hit, lists)
    return _by_text(hit, lists, "微信认证主体")
