"""Toutiao parser on a hand-built user page and user feed (no browser), and on
the one real capture there is (tests/fixtures/real/toutiao/)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.platforms import conclude_after_retries
from newmedia_audit.collect.toutiao import ToutiaoCollector, read_page
from newmedia_audit.errors import TransientError, UnrecognizedError, WallError
from newmedia_audit.models import Status
from newmedia_audit.timeparse import SHANGHAI

TOKEN = "MS4wLjABAAAAtoutiaoToken"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
toutiao = ToutiaoCollector()
URLS = toutiao.api_urls(TOKEN)
JUNE_19 = 1655640000  # 2022-06-19T20:00:00+08:00
JUNE_10 = 1654819200  # 2022-06-10T08:00:00+08:00
OLD = 1600000000
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "toutiao"


def fetched(role: str, body: Any, status: int = 200) -> Fetched:
    if isinstance(body, str):
        raw = body.encode()
    elif isinstance(body, bytes):
        raw = body
    else:
        raw = json.dumps(body, ensure_ascii=False).encode()
    return Fetched(URLS[role], status, {}, raw, RECEIVED)


def page(name: str = "咸宁发布", blob: dict[str, Any] | None = None, encode: bool = False) -> str:
    script = ""
    if blob is not None:
        text = json.dumps(blob, ensure_ascii=False)
        script = (
            f'<script id="RENDER_DATA" type="application/json">{quote(text) if encode else text}</script>'
        )
    return (
        f"<!DOCTYPE html><html><head><title>{name}的头条主页 - 今日头条(www.toutiao.com)</title>"
        f"{script}</head><body><div id='root'></div></body></html>"
    )


def item(item_id: str, publish: int, behot: int | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "title": f"文章{item_id}",
        "publish_time": publish,
        "behot_time": behot or publish,
        "user_info": {"name": "咸宁发布", "user_id": "5", "verified_content": "咸宁市人民政府新闻办公室"},
        **extra,
    }


def feed(*items: dict[str, Any]) -> dict[str, Any]:
    return {"message": "success", "has_more": False, "data": list(items)}


def parse(page_body: Any, feed_body: Any = None, final: bool = False) -> Any:
    responses = {"page": fetched("page", page_body)}
    if feed_body is not None:
        responses["posts"] = fetched("posts", feed_body)
    return toutiao.parse(TOKEN, responses, final=final)


def test_urls_are_exactly_the_platform_endpoints() -> None:
    assert toutiao.page_url(TOKEN) == f"https://www.toutiao.com/c/user/token/{TOKEN}/"
    assert URLS == {
        "page": f"https://www.toutiao.com/c/user/token/{TOKEN}/",
        "posts": (
            f"https://www.toutiao.com/api/pc/list/user/feed?category=profile_all&token={TOKEN}&max_behot_time=0"
        ),
    }
    assert toutiao.required_roles() == ("page", "posts")


def test_role_of_takes_only_the_first_page_of_the_user_feed() -> None:
    signed = f"https://www.toutiao.com/api/pc/list/user/feed?category=profile_all&token={TOKEN}"
    assert toutiao.role_of(signed + "&max_behot_time=0&aid=24&app_name=toutiao_web&_signature=x") == "posts"
    assert toutiao.role_of(URLS["posts"].replace("max_behot_time=0", "max_behot_time=1655000000")) is None
    assert toutiao.role_of(URLS["page"] + "?source=x") == "page"
    assert toutiao.role_of("https://www.toutiao.com/article/1/") is None


@pytest.mark.parametrize(
    "category", ["profile_all", "pc_profile_article", "pc_profile_ugc", "pc_profile_video"]
)
def test_role_of_reads_every_tab_of_the_user_feed(category: str) -> None:
    url = f"https://www.toutiao.com/api/pc/list/user/feed?category={category}&token={TOKEN}&max_behot_time=0"
    assert toutiao.role_of(url) == "posts"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.toutiao.com/api/pc/list/feed?category=profile_all&token={TOKEN}&max_behot_time=0",
        f"https://www.toutiao.com/api/pc/list/feed?category=pc_profile_recommend&token={TOKEN}",
        f"https://www.toutiao.com/api/pc/list/user/feed?category=pc_profile_recommend&token={TOKEN}",
        f"https://www.toutiao.com/api/pc/list/user/feed?category=pc_feed_focus&token={TOKEN}",
    ],
    ids=["home-feed-profile_all", "home-feed-recommend", "user-feed-recommend", "other-category"],
)
def test_the_recommendation_feed_is_never_read(url: str) -> None:
    """/api/pc/list/feed is the home and recommendation feed: other users' posts (platforms.md)."""
    assert toutiao.role_of(url) is None
    assert "/api/pc/list/feed" not in "".join(toutiao.api_urls(TOKEN).values())


def test_role_of_reads_the_older_feed_form_quoted_in_a_real_capture() -> None:
    """The endpoint URL quoted in the real capture's header (RSSHub issue 7649), verbatim."""
    header = (REAL / "issue-RSSHub-7649-profile_all-devtools-TRUNCATED.txt").read_text("utf-8")
    url = re.search(r"https://www\.toutiao\.com/api/pc/feed/\S+", header).group(0)
    assert toutiao.role_of(url) == "posts"
    assert toutiao.role_of(url.replace("max_behot_time=0", "max_behot_time=1622851200")) is None
    assert toutiao.role_of(url.replace("visit_user_token=", "other_token=")) is None


def test_publish_time_counts_not_the_newer_behot_time() -> None:
    obs = parse(page(), feed(item("7", JUNE_10, behot=JUNE_19)))
    assert obs.latest_post_at.isoformat() == "2022-06-10T08:00:00+08:00"


def test_pinned_old_article_first_does_not_hide_newer_ones() -> None:
    obs = parse(page(), feed(item("1", OLD, is_top=True), item("2", JUNE_19), item("3", JUNE_10)))
    assert obs.status is Status.ok
    assert [p.pinned for p in obs.posts] == [True, False, False]
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert obs.posts[1].link == "https://www.toutiao.com/article/2/"
    assert obs.posts[1].text == "文章2"


def test_name_and_subject_come_from_the_feed_user_info() -> None:
    """The page's blob names the same user id under an older name: the feed's name is the live one."""
    blob = {"data": {"profileUserInfo": {"name": "旧名字", "userId": "5"}}}
    obs = parse(page(name="旧名字", blob=blob), feed(item("1", JUNE_10)))
    assert obs.live_name == "咸宁发布"
    assert obs.subject == "咸宁市人民政府新闻办公室"


def test_name_subject_and_count_from_the_page_blob_when_the_feed_has_none() -> None:
    blob = {
        "data": {
            "profileUserInfo": {
                "name": "咸宁发布",
                "user_id": "5",
                "verified_content": "咸宁市政府",
                "publish_count": 0,
            }
        }
    }
    obs = parse(page(name="标题名", blob=blob), feed(), final=True)
    assert obs.live_name == "咸宁发布"
    assert obs.subject == "咸宁市政府"
    assert obs.post_count == 0


def test_percent_encoded_render_data_is_read() -> None:
    blob = {"profile": {"name": "咸宁发布", "avatar_url": "x", "verified_content": "咸宁市政府"}}
    profile = read_page(fetched("page", page(name="x", blob=blob, encode=True)))
    assert profile.name == "咸宁发布"
    assert profile.subject == "咸宁市政府"
    assert profile.shown


def test_title_alone_shows_the_profile() -> None:
    profile = read_page(fetched("page", page(name="咸宁发布")))
    assert profile.name == "咸宁发布" and profile.shown


def test_empty_feed_for_a_shown_profile_is_transient_before_the_last_try() -> None:
    with pytest.raises(TransientError):
        parse(page(), feed())


def test_empty_feed_for_a_shown_profile_is_confirmed_empty_on_the_last_try() -> None:
    obs = parse(page(), feed(), final=True)
    assert obs.status is Status.ok
    assert obs.confirmed_empty
    assert obs.live_name == "咸宁发布"


def test_conclude_after_retries_confirms_the_empty_feed() -> None:
    responses = {"page": fetched("page", page()), "posts": fetched("posts", feed())}
    with pytest.raises(TransientError):
        toutiao.parse(TOKEN, responses)
    assert conclude_after_retries("toutiao", TOKEN, responses).confirmed_empty


def test_empty_feed_without_a_shown_profile_stays_transient_even_at_the_end() -> None:
    shell = "<html><head><title>今日头条</title></head><body></body></html>"
    with pytest.raises(TransientError):
        parse(shell, feed(), final=True)


def test_a_client_rendered_shell_with_a_feed_is_read_from_the_feed() -> None:
    shell = "<html><head><title>今日头条</title></head><body></body></html>"
    obs = parse(shell, feed(item("1", JUNE_19)))
    assert obs.live_name == "咸宁发布"
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"


@pytest.mark.parametrize("marker", ["用户不存在", "该用户已注销"])
def test_gone_page_is_not_found_without_needing_the_feed(marker: str) -> None:
    gone = f"<html><head><title>今日头条</title></head><body><div class='error'>{marker}</div></body></html>"
    obs = parse(gone)
    assert obs.status is Status.not_found
    assert obs.detail == marker


def test_gone_marker_inside_a_script_is_not_read_as_gone() -> None:
    live = page().replace("</body>", "<script>var msgs={a:'用户不存在'}</script></body>")
    assert parse(live, feed(item("1", JUNE_10))).status is Status.ok


def test_captcha_page_is_a_wall() -> None:
    captcha = "<html><head><title>验证码中间页</title></head><body></body></html>"
    with pytest.raises(WallError):
        parse(captcha, feed())


@pytest.mark.parametrize("status", [403, 418, 429, 432])
def test_refusing_http_status_is_a_wall(status: int) -> None:
    with pytest.raises(WallError):
        toutiao.parse(TOKEN, {"page": fetched("page", "x", status=status), "posts": fetched("posts", feed())})


def test_server_error_truncated_feed_and_error_message_are_transient() -> None:
    with pytest.raises(TransientError):
        toutiao.parse(TOKEN, {"page": fetched("page", "", status=500), "posts": fetched("posts", feed())})
    with pytest.raises(TransientError):
        parse(page(), b'{"message":"success","data":[{"item_')
    with pytest.raises(TransientError):
        parse(page(), {"message": "error", "data": []})


def test_name_and_subject_from_visible_profile_markup() -> None:
    body = (
        "<html><head><title>今日头条</title></head><body><div class='user-info'>"
        "<h1 class='name'>咸宁发布</h1><p class='verified-content'>头条认证：咸宁市政府</p></div></body></html>"
    )
    profile = read_page(fetched("page", body))
    assert (profile.name, profile.subject, profile.shown) == ("咸宁发布", "咸宁市政府", True)
    obs = parse(body, feed(), final=True)
    assert obs.confirmed_empty and obs.subject == "咸宁市政府"


# --- rule 1: whose post is it ----------------------------------------------------------


def other(item_id: str, publish: int) -> dict[str, Any]:
    """A fresh item of another account, as the recommendation feed is full of."""
    return item(item_id, publish) | {
        "user_info": {"name": "别的头条号", "user_id": "99", "verified_content": ""}
    }


def test_a_fresh_post_of_another_account_mixed_in_does_not_make_the_account_fresh() -> None:
    obs = parse(page(), feed(other("9", JUNE_19), item("1", OLD)))
    assert [p.id for p in obs.posts] == ["1"]
    assert obs.latest_post_at.isoformat() == "2020-09-13T20:26:40+08:00"
    assert obs.live_name == "咸宁发布" and obs.subject == "咸宁市人民政府新闻办公室"


def test_a_feed_holding_only_other_accounts_posts_proves_nothing() -> None:
    with pytest.raises(UnrecognizedError, match="头条文章列表只有其他账号的内容"):
        parse(page(), feed(other("9", JUNE_19), other("8", JUNE_10)))
    with pytest.raises(UnrecognizedError):  # not "no posts" on the last try either
        parse(page(), feed(other("9", JUNE_19)), final=True)


def test_the_page_user_id_decides_when_the_page_shows_it() -> None:
    """Same name, another user id: not the account's (names are not unique)."""
    blob = {"data": {"profileUserInfo": {"name": "咸宁发布", "userId": "5", "userAuthInfo": "{}"}}}
    twin = item("9", JUNE_19) | {"user_info": {"name": "咸宁发布", "user_id": "77"}}
    obs = parse(page(blob=blob), feed(twin, item("1", JUNE_10)))
    assert [p.id for p in obs.posts] == ["1"]
    assert read_page(fetched("page", page(blob=blob))).user_id == "5"


def test_video_items_without_user_info_count_while_no_item_names_another_account() -> None:
    video = {"item_id": "v1", "cell_type": 49, "title": "视频", "publish_time": JUNE_19}
    obs = parse(page(), feed(video, item("1", JUNE_10)))
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert obs.posts[0].link == "https://www.toutiao.com/video/v1/"
    # Once an item names another account, an item without an author is not trusted.
    obs = parse(page(), feed(video, other("9", JUNE_19), item("1", JUNE_10)))
    assert [p.id for p in obs.posts] == ["1"]


def test_the_author_of_video_and_ugc_items_is_read_from_user() -> None:
    video = {"item_id": "v", "cell_type": 49, "publish_time": JUNE_19, "user": {"info": {"name": "别人"}}}
    ugc = {"item_id": "w", "cell_type": 32, "publish_time": JUNE_19, "user": {"user_id": "9", "name": "别人"}}
    with pytest.raises(UnrecognizedError):
        parse(page(), feed(video, ugc))
    mine = {"item_id": "w", "cell_type": 32, "publish_time": JUNE_19, "user": {"name": "咸宁发布"}}
    assert parse(page(), feed(mine)).posts[0].link == "https://www.toutiao.com/w/w/"


def test_without_a_profile_on_the_page_a_feed_of_several_authors_is_not_read() -> None:
    shell = "<html><head><title>今日头条</title></head><body></body></html>"
    with pytest.raises(UnrecognizedError):
        parse(shell, feed(other("9", JUNE_19), item("1", JUNE_10)))


@pytest.mark.parametrize(
    "body",
    [{"message": "success"}, {"message": "success", "data": {"items": []}}, ["x"]],
    ids=["no-data", "data-not-a-list", "not-an-object"],
)
def test_a_feed_without_its_data_list_is_unrecognized(body: Any) -> None:
    with pytest.raises(UnrecognizedError, match="今日头条文章列表无法识别"):
        parse(page(), body, final=True)


# --- the real capture ------------------------------------------------------------------


def _devtools_rows(text: str) -> dict[str, Any]:
    """The ``key | value`` rows of the DevTools table whose value is a complete JSON
    value, verbatim (``image_list | […]`` and the cut-off last row are left out)."""
    rows: dict[str, Any] = {}
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+) \| (.+)", line)
        if match:
            try:
                rows[match.group(1)] = json.loads(match.group(2))
            except ValueError:
                continue
    return rows


def test_the_real_devtools_item_without_a_publish_time_fails_the_visit_and_is_never_no_posts() -> None:
    """data[0] of a real profile_all answer (RSSHub issue 7649), rebuilt from the table's
    verbatim rows: a cell_type 60 article with no author and no publish_time in what the
    capture kept. Its time is unknown: the visit fails (retried, then review); no date is
    guessed and the account is not "no posts"."""
    rows = _devtools_rows((REAL / "issue-RSSHub-7649-profile_all-devtools-TRUNCATED.txt").read_text("utf-8"))
    assert rows["cell_type"] == 60 and rows["title"] == "15种漂亮的观赏树木，想要个花园把它们全部种起来"
    assert "publish_time" not in rows and "user_info" not in rows
    with pytest.raises(TransientError, match="缺少发布时间"):
        parse(page(), {"message": "success", "data": [rows]}, final=True)


def test_the_real_file_unchanged_in_either_role_is_never_misread() -> None:
    """The capture file's raw bytes, as they are (a DevTools table, not a body). As the
    feed: a CollectError with a Chinese reason. As the page: it shows no profile, so only
    the feed speaks (as for a client-rendered shell), and its empty answer is never
    "no posts"."""
    raw = fetched("posts", (REAL / "issue-RSSHub-7649-profile_all-devtools-TRUNCATED.txt").read_bytes())
    with pytest.raises(UnrecognizedError) as caught:
        toutiao.parse(TOKEN, {"page": fetched("page", page()), "posts": raw}, final=True)
    assert re.search(r"[\u4e00-\u9fff]", str(caught.value)), caught.value
    as_page = Fetched(URLS["page"], 200, {}, raw.body, RECEIVED)
    assert not read_page(as_page).shown
    obs = toutiao.parse(TOKEN, {"page": as_page, "posts": fetched("posts", feed(item("1", JUNE_10)))})
    assert obs.live_name == "咸宁发布" and obs.latest_post_at is not None
    with pytest.raises(TransientError, match="页面也未显示账号资料"):
        toutiao.parse(TOKEN, {"page": as_page, "posts": fetched("posts", feed())}, final=True)
