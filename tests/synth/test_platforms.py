"""Platform response builders: the exact requests of platforms.md and each state's body."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from newmedia_audit.models import Platform
from newmedia_audit.synth.platforms import (
    Decoy,
    Flaky,
    Scenario,
    State,
    SynthPost,
    build_entries,
    weibo_relative_time,
    weibo_time,
)

CST = timezone(timedelta(hours=8))
NOW = datetime(2022, 5, 10, 10, 0, tzinfo=CST)
UID = "5123456789"
SEC = "MS4wLjABAAAAabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV"
TOKEN = "MS4wLjABAAAAtoken0123456789"


def _post(i: int, days: float, **kw: object) -> SynthPost:
    return SynthPost(id=str(1000 + i), published_at=NOW - timedelta(days=days), text=f"第{i}条", **kw)


def _scenario(platform: Platform, account_id: str, **kw: object) -> Scenario:
    return Scenario(
        platform=platform,
        account_id=account_id,
        live_name="测试发布",
        received_at=NOW,
        subject="测试市人民政府办公室",
        **kw,
    )


def _body(entry: dict) -> str:
    return entry["response"]["content"]["text"]


def _mime(entry: dict) -> str:
    return entry["response"]["content"]["mimeType"]


def test_weibo_ok_serves_page_profile_and_posts_with_pinned_first() -> None:
    posts = (_post(1, 1), _post(2, 500, pinned=True), _post(3, 3, repost=True))
    entries = build_entries(_scenario(Platform.weibo, UID, posts=posts))
    urls = [e["request"]["url"] for e in entries]
    assert urls == [
        f"https://m.weibo.cn/u/{UID}",
        f"https://m.weibo.cn/api/container/getIndex?type=uid&value={UID}&containerid=100505{UID}",
        f"https://m.weibo.cn/api/container/getIndex?type=uid&value={UID}&containerid=107603{UID}",
    ]
    page = _body(entries[0])
    assert _mime(entries[0]) == "text/html; charset=utf-8"
    assert "fetch(" in page and f"containerid=100505{UID}" in page and f"containerid=107603{UID}" in page
    user = json.loads(_body(entries[1]))["data"]["userInfo"]
    assert user["screen_name"] == "测试发布" and user["verified_type"] == 1 and user["statuses_count"] > 0
    cards = json.loads(_body(entries[2]))["data"]["cards"]
    assert cards[0]["mblog"]["isTop"] == 1 and cards[0]["mblog"]["title"]["text"] == "置顶"
    repost = next(c["mblog"] for c in cards if "retweeted_status" in c["mblog"])
    assert repost["created_at"] == weibo_time(NOW - timedelta(days=3))
    assert repost["retweeted_status"]["created_at"] != repost["created_at"]
    assert _mime(entries[2]).startswith("application/json")


def test_weibo_time_is_the_rfc2822_like_form() -> None:
    assert weibo_time(datetime(2021, 2, 23, 12, 28, 47, tzinfo=CST)) == "Tue Feb 23 12:28:47 +0800 2021"


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=20), "刚刚"),
        (timedelta(minutes=5, seconds=30), "5分钟前"),
        (timedelta(hours=3), "3小时前"),
        (timedelta(hours=12, minutes=40), "昨天 21:20"),
        (timedelta(days=5), "05-05"),
        (timedelta(days=400), "2021-04-05"),
    ],
)
def test_weibo_relative_time_is_anchored_to_received_at(ago: timedelta, text: str) -> None:
    assert weibo_relative_time(NOW - ago, NOW) == text


def test_weibo_gone_and_empty_and_walls() -> None:
    gone = build_entries(_scenario(Platform.weibo, UID, state=State.not_found))
    assert json.loads(_body(gone[1])) == {"ok": 0, "msg": "用户不存在"}
    empty = build_entries(_scenario(Platform.weibo, UID, state=State.empty))
    assert json.loads(_body(empty[1]))["data"]["userInfo"]["statuses_count"] == 0
    assert json.loads(_body(empty[2]))["msg"] == "这里还没有内容"
    login = build_entries(_scenario(Platform.weibo, UID, state=State.wall_login))
    assert json.loads(_body(login[1]))["ok"] == -100
    assert [
        e["response"]["status"] for e in build_entries(_scenario(Platform.weibo, UID, state=State.wall_432))
    ][1:] == [432, 432]
    visitor = build_entries(_scenario(Platform.weibo, UID, state=State.wall_visitor))
    assert all("<title>Sina Visitor System</title>" in _body(e) for e in visitor)


def test_flaky_503_comes_before_the_real_response_of_the_same_url() -> None:
    entries = build_entries(_scenario(Platform.weibo, UID, posts=(_post(1, 1),), flaky=Flaky.http_503))
    posts_url = entries[-1]["request"]["url"]
    same = [e for e in entries if e["request"]["url"] == posts_url]
    assert [e["response"]["status"] for e in same] == [503, 200]


def test_douyin_requests_and_states() -> None:
    posts = (_post(1, 2), _post(2, 300, pinned=True))
    entries = build_entries(_scenario(Platform.douyin, SEC, posts=posts))
    urls = [e["request"]["url"] for e in entries]
    assert urls[0] == f"https://www.douyin.com/user/{SEC}"
    assert urls[1].startswith(f"https://www.douyin.com/aweme/v1/web/user/profile/other/?sec_user_id={SEC}&")
    assert (
        urls[2]
        == f"https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={SEC}&max_cursor=0&count=18&aid=6383"
    )
    user = json.loads(_body(entries[1]))["user"]
    assert {
        "nickname",
        "unique_id",
        "aweme_count",
        "enterprise_verify_reason",
        "custom_verify",
        "special_state_info",
        "user_deleted",
    } <= set(user)
    awemes = json.loads(_body(entries[2]))["aweme_list"]
    assert awemes[0]["is_top"] == 1
    assert awemes[1]["create_time"] == int((NOW - timedelta(days=2)).timestamp())
    private = json.loads(_body(build_entries(_scenario(Platform.douyin, SEC, state=State.private))[1]))[
        "user"
    ]
    assert private["special_state_info"]["special_state"] == 4
    assert private["secret"] == 1 and private["aweme_count"] == 0  # counts hidden, shown as 0 (real)
    banned = json.loads(_body(build_entries(_scenario(Platform.douyin, SEC, state=State.banned))[1]))["user"]
    assert banned["special_state_info"]["special_state"] == 1
    deleted = json.loads(_body(build_entries(_scenario(Platform.douyin, SEC, state=State.not_found))[1]))[
        "user"
    ]
    assert deleted["user_deleted"] is True
    captcha = build_entries(_scenario(Platform.douyin, SEC, state=State.wall_captcha))
    assert "<title>验证码中间页</title>" in _body(captcha[0])


def test_toutiao_page_shows_profile_and_feed_has_behot_newer_than_publish() -> None:
    entries = build_entries(_scenario(Platform.toutiao, TOKEN, posts=(_post(1, 1), _post(2, 4))))
    assert entries[0]["request"]["url"] == f"https://www.toutiao.com/c/user/token/{TOKEN}/"
    assert "<title>测试发布的头条主页 - 今日头条(www.toutiao.com)</title>" in _body(entries[0])
    assert entries[1]["request"]["url"] == (
        "https://www.toutiao.com/api/pc/list/user/feed"
        f"?category=profile_all&token={TOKEN}&max_behot_time=0&aid=24&app_name=toutiao_web"
    )
    items = json.loads(_body(entries[1]))["data"]
    assert items[0]["behot_time"] > items[0]["publish_time"]
    assert items[0]["user_info"]["name"] == "测试发布"


def test_toutiao_gone_and_empty_feed_then_data() -> None:
    gone = build_entries(_scenario(Platform.toutiao, TOKEN, state=State.not_found))
    assert "用户不存在" in _body(gone[0])
    flaky = build_entries(_scenario(Platform.toutiao, TOKEN, posts=(_post(1, 1),), flaky=Flaky.empty_feed))
    feeds = [json.loads(_body(e))["data"] for e in flaky[1:]]
    assert feeds[0] == [] and len(feeds[1]) == 1


def test_empty_feed_fault_is_refused_outside_toutiao() -> None:
    with pytest.raises(ValueError):
        _scenario(Platform.weibo, UID, flaky=Flaky.empty_feed)


def test_wechat_result_with_decoy_first_and_latest_article_epoch() -> None:
    decoy = Decoy("测试发布厅", "csfbt", "别的文章", NOW - timedelta(hours=1))
    entries = build_entries(
        _scenario(Platform.wechat, "csfb2014", posts=(_post(1, 3), _post(2, 9)), decoys=(decoy,))
    )
    (entry,) = entries
    assert entry["request"]["url"] == "https://weixin.sogou.com/weixin?type=1&query=csfb2014"
    page = _body(entry)
    ids = re.findall(r'<label name="em_weixinhao">([^<]+)</label>', page)
    assert ids == ["csfbt", "csfb2014"]
    epochs = re.findall(r"timeConvert\('(\d+)'\)", page)
    assert epochs[1] == str(int((NOW - timedelta(days=3)).timestamp()))
    assert "微信认证：" in page and '<ul class="news-list2">' in page


def test_wechat_never_updated_not_found_and_antispider() -> None:
    never = _body(build_entries(_scenario(Platform.wechat, "csfb2014", state=State.empty))[0])
    assert "csfb2014" in never and "timeConvert('" not in never
    missing = build_entries(_scenario(Platform.wechat, "csfb2014", state=State.not_found))
    assert (
        len(missing) == 2 and _body(missing[0]) == _body(missing[1]) and "news-list2" not in _body(missing[0])
    )
    wall = build_entries(_scenario(Platform.wechat, "csfb2014", state=State.wall_antispider))
    assert wall[0]["response"]["status"] == 302
    assert wall[0]["response"]["redirectURL"].startswith("https://weixin.sogou.com/antispider/?from=")
    assert wall[1]["request"]["url"] == wall[0]["response"]["redirectURL"]


def test_states_a_platform_cannot_show_are_refused() -> None:
    with pytest.raises(ValueError):
        _scenario(Platform.wechat, "csfb2014", state=State.wall_captcha)
