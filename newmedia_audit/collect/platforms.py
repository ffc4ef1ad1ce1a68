"""The four collectors in one closed dict, and the last-try convention.

Last try: an empty Sogou result page and an empty Toutiao feed are
transient (platforms.md: both platforms serve them when throttling or now
and then), so ``parse`` raises TransientError for them. The fetch layer
retries; when its last try still fails with TransientError it calls
``conclude_after_retries`` on that try's responses, which turns those two
cases into their conclusion (wechat: ``not_found``; toutiao:
``confirmed_empty`` when the page shows the profile) and re-raises every
other fault unchanged (5xx, truncated JSON, walls), so the account ends as
``error``/``blocked`` and goes to review.
"""

from __future__ import annotations

from ..models import Observation, Platform
from .base import Collector, Fetched
from .douyin import DouyinCollector
from .toutiao import ToutiaoCollector
from .wechat import WechatCollector
from .weibo import WeiboCollector

COLLECTORS: dict[Platform, Collector] = {
    Platform.wechat: WechatCollector(),
    Platform.weibo: WeiboCollector(),
    Platform.douyin: DouyinCollector(),
    Platform.toutiao: ToutiaoCollector(),
}


def collector_for(platform: str) -> Collector:
    """The collector of a platform code (``weibo``, ...).

    Raises:
        KeyError: the platform is not one of the four the tool can visit
            (``other:...`` accounts are never visited).
    """
    try:
        return COLLECTORS[Platform(platform)]
    except ValueError:
        raise KeyError(f"no collector for platform {platform!r}") from None


def conclude_after_retries(platform: str, account_id: str, responses: dict[str, Fetched]) -> Observation:
    """Parse the last try's responses, concluding what retrying could not change.

    Call it only on the last try, after ``parse`` raised TransientError.

    Returns:
        The observation (wechat with no matching result: ``not_found``;
        toutiao with an empty feed and a page showing the profile: ``ok`` and
        ``confirmed_empty``; anything parse would accept: as parse returns it).

    Raises:
        WallError, TransientError: any other fault, exactly as ``parse``.
    """
    collector = collector_for(platform)
    # Every collector in COLLECTORS accepts the keyword; the Collector protocol
    # in base.py stays as it is for other implementations.
    return collector.parse(account_id, responses, final=True)  # type: ignore[call-arg]
