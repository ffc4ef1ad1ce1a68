"""Certification: the platform's own certification decides, never the name."""

from __future__ import annotations

import pytest

from newmedia_audit.discover.certify import Kind, body_of, certify
from newmedia_audit.discover.hits import SearchHit
from newmedia_audit.discover.lists import OrganLists


def weibo(cert: str, vtype: int | None) -> SearchHit:
    return SearchHit("weibo", "1", "东川公安", certification=cert, cert_source="verified_reason",
                     verified=vtype is not None, verified_type=vtype)  # fmt: skip


def douyin(cert: str, field: str) -> SearchHit:
    return SearchHit("douyin", "MS4wLjABAAAAx", "东川公安", certification=cert, cert_source=field)


def wechat(subject: str) -> SearchHit:
    return SearchHit(
        "wechat", "dcx", "东川公安", certification=subject, cert_source="wechat" if subject else ""
    )


@pytest.mark.parametrize(
    ("hit", "kind"),
    [
        (weibo("东川市公安局官方微博", 1), Kind.government),
        (weibo("共青团东川市委员会", 7), Kind.government),  # an organisation type naming a government body
        (weibo("东川市公安局民警", 0), Kind.personal),
        (weibo("东川市融媒体中心官方微博", 3), Kind.media),  # media certification, not a government one
        (weibo("东川公安科技有限公司", 2), Kind.company),
        (weibo("", None), Kind.none),
        (douyin("东川市公安局官方账号", "enterprise_verify_reason"), Kind.government),
        (douyin("东川市广播电视台", "enterprise_verify_reason"), Kind.media),
        (douyin("东川市公安局民警", "custom_verify"), Kind.personal),
        (douyin("东川教育博主", "custom_verify"), Kind.personal),
        (douyin("东川市公安局官方抖音号", "custom_verify"), Kind.government),
        (wechat("东川市人民政府办公室"), Kind.government),
        (wechat("东川日报社"), Kind.media),
        (wechat("东川市第一中学"), Kind.institution),
        (wechat("东川市城市建设投资集团有限公司"), Kind.company),
        (wechat("东川市某某研究所"), Kind.other),
        (wechat(""), Kind.none),
    ],
)
def test_certifications(hit: SearchHit, kind: Kind, lists: OrganLists) -> None:
    found = certify(hit, lists)
    assert found.kind is kind
    assert found.why  # every verdict says why


def test_body_drops_the_account_tails() -> None:
    assert body_of("东川市公安局官方微博\u3000") == "东川市公安局"
    assert body_of("东川市人民法院官方账号") == "东川市人民法院"
    assert body_of("东川市教育局") == "东川市教育局"
