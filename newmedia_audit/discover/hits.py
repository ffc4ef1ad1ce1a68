"""What a search result page gives: the accounts listed and whether more pages follow."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import TransientError


@dataclass(frozen=True)
class SearchHit:
    """One account listed by a platform's search, as the platform shows it.

    Attributes:
        platform: wechat, weibo or douyin.
        account_id: the id a ledger uses (微信号, uid, sec_uid).
        name: the account's name (highlight markup removed).
        certification: the certification text as shown (verified_reason,
            the 认证 subject, enterprise_verify_reason or custom_verify).
        cert_source: which field that text came from (``verified_reason``,
            ``wechat``, ``enterprise_verify_reason``, ``custom_verify``; "" none).
        verified: Weibo's ``verified`` flag (None on other platforms).
        verified_type: Weibo's ``verified_type`` (1 is a government body).
        other_ids: further ids of the same account (Douyin 抖音号 and uid), for
            matching a ledger that wrote one of them.
        description: the account's own introduction.
        followers: followers as a number when shown.
        url: the public page of the account ("" on WeChat: no stable URL).
        query, page: the search that listed it.
        evidence: the folder (relative to --out) holding that result page.
    """

    platform: str
    account_id: str
    name: str
    certification: str = ""
    cert_source: str = ""
    verified: bool | None = None
    verified_type: int | None = None
    other_ids: tuple[str, ...] = ()
    description: str = ""
    followers: int | None = None
    url: str = ""
    query: str = ""
    page: int = 1
    evidence: str = ""


@dataclass(frozen=True)
class SearchPage:
    """One result page read.

    Attributes:
        hits: the accounts, in page order.
        more: the platform says another page follows (and this one was full).
        total: the result count the platform announces, when it does.
    """

    hits: tuple[SearchHit, ...] = field(default=())
    more: bool = False
    total: int | None = None

    @property
    def empty(self) -> bool:
        return not self.hits


class UnconfirmedEmpty(TransientError):
    """A result page with no account that no earlier try confirmed.

    Every platform also serves empty pages when it throttles (Sogou), refuses
    a visitor without cookies (Weibo's 这里还没有内容) or applies risk control
    (Douyin): an empty page counts as "no result" only when the next try
    reads it empty again (the parser's ``confirmed``).
    """
