"""Douyin parser on hand-built web API responses (no browser), and on the real
captures in tests/fixtures/real/douyin/."""

from __future__ import annotations

import ast
import asyncio
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.douyin import DouyinCollector
from newmedia_audit.collect.fetch import HttpxFetcher
from newmedia_audit.collect.replay import HarCorpus, ReplayTransport
from newmedia_audit.errors import CollectError, TransientError, UnrecognizedError, WallError
from newmedia_audit.models import Status
from newmedia_audit.timeparse import SHANGHAI

SEC = "MS4wLjABAAAAx9-Ab_cDeF"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
douyin = DouyinCollector()
URLS = douyin.api_urls(SEC)
JUNE_19 = 1655640000  # 2022-06-19T20:00:00+08:00
JUNE_10 = 1654819200  # 2022-06-10T08:00:00+08:00
OLD = 1600000000  # 2020-09-13T20:26:40+08:00
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "douyin"


def fetched(role: str, body: Any, status: int = 200) -> Fetched:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return Fetched(URLS[role], status, {"content-type": "application/json"}, raw, RECEIVED)


def profile(**user: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "nickname": "咸宁发布",
        "unique_id": "xnfb",
        "aweme_count": 3,
        "enterprise_verify_reason": "",
        "custom_verify": "咸宁市人民政府新闻办公室官方账号",
        "special_state_info": {"special_state": 0},
        "user_deleted": False,
    }
    info.update(user)
    return {"status_code": 0, "user": info}


def video(aweme_id: str, create_time: int, **extra: Any) -> dict[str, Any]:
    return {"aweme_id": aweme_id, "desc": f"视频{aweme_id}", "create_time": create_time, **extra}


def feed(*items: dict[str, Any]) -> dict[str, Any]:
    return {"status_code": 0, "aweme_list": list(items), "has_more": 0, "max_cursor": 0}


def parse(profile_body: Any, posts_body: Any = None) -> Any:
    responses = {"profile": fetched("profile", profile_body)}
    if posts_body is not None:
        responses["posts"] = fetched("posts", posts_body)
    return douyin.parse(SEC, responses)


def test_urls_are_exactly_the_platform_endpoints() -> None:
    assert douyin.page_url(SEC) == f"https://www.douyin.com/user/{SEC}"
    assert URLS == {
        "profile": f"https://www.douyin.com/aweme/v1/web/user/profile/other/?sec_user_id={SEC}",
        "posts": f"https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={SEC}&max_cursor=0&count=18",
    }
    assert douyin.required_roles() == ("profile", "posts")


def test_role_of_captures_the_signed_calls_the_page_makes() -> None:
    signed = "&device_platform=webapp&aid=6383&msToken=abc&a_bogus=xyz"
    assert douyin.role_of(URLS["profile"] + signed) == "profile"
    assert douyin.role_of(URLS["posts"] + signed) == "posts"
    assert (
        douyin.role_of(f"https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={SEC}&max_cursor=99")
        is None
    )
    assert douyin.role_of(f"https://www.douyin.com/user/{SEC}?vid=1") == "page"
    assert douyin.role_of("https://www.douyin.com/aweme/v1/web/comment/list/") is None


def test_pinned_old_video_first_does_not_hide_newer_videos() -> None:
    obs = parse(profile(), feed(video("1", OLD, is_top=1), video("2", JUNE_19), video("3", JUNE_10)))
    assert obs.status is Status.ok
    assert [p.pinned for p in obs.posts] == [True, False, False]
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert obs.posts[1].link == "https://www.douyin.com/video/2"
    assert obs.posts[1].text == "视频2"


def test_names_subject_and_count() -> None:
    obs = parse(profile(), feed(video("1", JUNE_10)))
    assert obs.live_name == "咸宁发布"
    assert obs.subject == "咸宁市人民政府新闻办公室官方账号"
    assert obs.post_count == 3


def test_enterprise_verify_reason_wins_over_custom_verify() -> None:
    obs = parse(profile(enterprise_verify_reason="咸宁市文化和旅游局"), feed(video("1", JUNE_10)))
    assert obs.subject == "咸宁市文化和旅游局"


def test_create_time_in_milliseconds_is_read_by_magnitude() -> None:
    obs = parse(profile(), feed(video("1", JUNE_19 * 1000)))
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"


def test_private_account_is_private_without_needing_posts() -> None:
    state = {"special_state": 4, "title": "私密账号", "content": "关注后才能看TA的作品"}
    obs = parse(profile(special_state_info=state))
    assert obs.status is Status.private
    assert obs.live_name == "咸宁发布"
    assert "私密账号" in obs.detail


def test_special_state_1_is_banned() -> None:
    state = {"special_state": 1, "title": "账号已封禁", "content": ""}
    assert parse(profile(special_state_info=state)).status is Status.banned


def test_user_deleted_is_not_found() -> None:
    obs = parse(profile(user_deleted=True, nickname="账号已注销"))
    assert obs.status is Status.not_found
    assert obs.live_name == ""  # the placeholder nickname is not the account's name


def test_empty_list_with_zero_count_is_confirmed_empty() -> None:
    obs = parse(profile(aweme_count=0), {"status_code": 0, "aweme_list": None, "has_more": 0})
    assert obs.status is Status.ok
    assert obs.confirmed_empty
    assert obs.latest_post_at is None


def test_empty_list_while_the_profile_counts_videos_is_risk_control_never_no_posts() -> None:
    with pytest.raises(WallError, match="抖音作品列表为空（疑似风控）"):
        parse(profile(aweme_count=12), feed())
    with pytest.raises(WallError, match="疑似风控"):  # the real risk-control answer: has_more 1
        parse(profile(aweme_count=12), {"status_code": 0, "has_more": 1, "aweme_list": []})


def test_empty_list_next_to_a_profile_without_a_count_is_not_no_posts() -> None:
    body = profile()
    del body["user"]["aweme_count"]
    with pytest.raises(TransientError, match="未显示作品数"):
        parse(body, feed())


def test_captcha_page_is_a_wall() -> None:
    page = "<html><head><title>验证码中间页</title></head><body></body></html>".encode()
    with pytest.raises(WallError):
        douyin.parse(SEC, {"profile": fetched("profile", page), "posts": fetched("posts", feed())})


@pytest.mark.parametrize("role", ["profile", "posts"])
def test_empty_body_is_a_wall(role: str) -> None:
    responses = {
        "profile": fetched("profile", profile()),
        "posts": fetched("posts", feed(video("1", JUNE_10))),
    }
    responses[role] = fetched(role, b"")
    with pytest.raises(WallError):
        douyin.parse(SEC, responses)


def test_nonzero_status_code_without_user_is_a_wall() -> None:
    with pytest.raises(WallError):
        parse({"status_code": 2053, "status_msg": "请求太频繁"}, feed())


def test_nonzero_status_code_on_the_post_list_is_a_wall() -> None:
    with pytest.raises(WallError):
        parse(profile(), {"status_code": 8, "aweme_list": None})


@pytest.mark.parametrize("status", [403, 418, 429, 432])
def test_refusing_http_status_is_a_wall(status: int) -> None:
    with pytest.raises(WallError):
        douyin.parse(
            SEC, {"profile": fetched("profile", b"x", status=status), "posts": fetched("posts", feed())}
        )


def test_server_error_and_truncated_json_are_transient() -> None:
    with pytest.raises(TransientError):
        douyin.parse(SEC, {"profile": fetched("profile", b"", status=503)})
    with pytest.raises(TransientError):
        douyin.parse(SEC, {"profile": fetched("profile", b'{"status_code":0,"user":{"nick')})


# --- the profile alone decides private, banned and gone ---------------------------------

# A private account as the platform shows it (platforms.md, real): status 0, secret 1,
# special_state 4 私密账号, its counts shown as 0 (hidden, not zero).
PRIVATE = {
    "secret": 1,
    "aweme_count": 0,
    "follower_count": 0,
    "special_state_info": {
        "special_state": 4,
        "title": "私密账号",
        "content": "关注帐号后才能查看作品和喜欢",
    },
}


def _entry(url: str, status: int, body: bytes) -> dict[str, Any]:
    return {
        "startedDateTime": RECEIVED.isoformat(),
        "time": 1,
        "request": {"method": "GET", "url": url, "headers": [], "queryString": []},
        "response": {
            "status": status,
            "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"text": body.decode(), "mimeType": "application/json"},
            "redirectURL": "",
        },
    }


def httpx_visit(entries: list[dict[str, Any]]) -> dict[str, Fetched]:
    """The httpx fetch path over a replay corpus of these entries."""

    async def go() -> dict[str, Fetched]:
        corpus = HarCorpus.from_document({"log": {"entries": entries}})
        async with httpx.AsyncClient(transport=ReplayTransport(corpus)) as client:
            return await HttpxFetcher(client).fetch(douyin, SEC)

    return asyncio.run(go())


@pytest.mark.parametrize(
    "posts",
    [None, (503, b"<html>503</html>"), (200, b'{"status_code":0,"aweme_list":[]')],
    ids=["no-answer", "http-503", "truncated"],
)
def test_a_private_account_ends_private_when_the_posts_call_got_no_answer(
    posts: tuple[int, bytes] | None,
) -> None:
    entries = [_entry(URLS["profile"], 200, json.dumps(profile(**PRIVATE), ensure_ascii=False).encode())]
    if posts is not None:
        entries.append(_entry(URLS["posts"], *posts))
    responses = httpx_visit(entries)
    obs = douyin.parse(SEC, responses)
    assert obs.status is Status.private
    assert "私密账号" in obs.detail
    assert obs.post_count is None  # shown as 0: hidden, not zero


@pytest.mark.parametrize(
    "user",
    [
        PRIVATE,
        {"secret": 1},
        {"special_state_info": {"special_state": 1, "title": "账号已封禁", "content": ""}},
        {"user_deleted": True, "nickname": "账号已注销"},
        {"user_canceled": True},
    ],
    ids=["private", "secret-only", "banned", "deleted", "cancelled"],
)
def test_decisive_profiles(user: dict[str, Any]) -> None:
    assert douyin.decisive({"profile": fetched("profile", profile(**user))})
    assert douyin.parse(SEC, {"profile": fetched("profile", profile(**user))}).status is not Status.ok


def test_user_canceled_is_not_found() -> None:
    assert parse(profile(user_canceled=True)).status is Status.not_found


@pytest.mark.parametrize(
    "responses",
    [
        {},
        {"profile": fetched("profile", profile())},
        {"profile": fetched("profile", b"")},
        {"profile": fetched("profile", "<html><title>验证码中间页</title></html>".encode())},
        {"profile": fetched("profile", profile(**PRIVATE), status=403)},
        {"profile": fetched("profile", {"status_code": 0})},
    ],
    ids=["nothing", "public", "empty-body", "html", "wall-status", "no-user"],
)
def test_nothing_else_decides_without_the_posts(responses: dict[str, Fetched]) -> None:
    assert not douyin.decisive(responses)


# --- rule 1: whose video is it ---------------------------------------------------------

OTHER_SEC = "MS4wLjABAAAAsomebodyElse"


def test_a_fresh_video_of_another_account_mixed_in_does_not_make_the_account_fresh() -> None:
    theirs = video("9", JUNE_19, author={"sec_uid": OTHER_SEC, "uid": "42"})
    mine = video("1", OLD, author={"sec_uid": SEC, "uid": "7"})
    obs = parse(profile(uid="7"), feed(theirs, mine))
    assert [p.id for p in obs.posts] == ["1"]
    assert obs.latest_post_at.isoformat() == "2020-09-13T20:26:40+08:00"


def test_the_profile_uid_identifies_items_naming_only_a_uid() -> None:
    theirs = video("9", JUNE_19, author_user_id=42)
    mine = video("1", JUNE_10, author={"uid": "7"})
    obs = parse(profile(uid="7"), feed(theirs, mine))
    assert [p.id for p in obs.posts] == ["1"]


def test_a_list_of_other_accounts_videos_only_proves_nothing() -> None:
    theirs = video("9", JUNE_19, author={"sec_uid": OTHER_SEC})
    with pytest.raises(UnrecognizedError, match="抖音作品列表只有其他账号的作品"):
        parse(profile(aweme_count=0), feed(theirs))


@pytest.mark.parametrize(
    "body",
    [{"status_code": 0, "has_more": 0}, {"status_code": 0, "aweme_list": {"a": 1}}, [1, 2]],
    ids=["no-list", "list-not-a-list", "not-an-object"],
)
def test_a_post_list_without_the_known_keys_is_unrecognized(body: Any) -> None:
    with pytest.raises(UnrecognizedError):
        parse(profile(), body)


def test_a_profile_without_user_and_status_0_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError, match="账号资料无法识别"):
        parse({"status_code": 0, "status_msg": ""}, feed())


# --- real captures ---------------------------------------------------------------------


def _real_post_head() -> dict[str, Any]:
    """The real aweme/post answer of 2024-03-15 (zyronon/douyin), rebuilt from its verbatim
    parts: the head (every line before the collector's [TRUNCATED…] note, cut after the
    author's last complete field ``"is_cf": 0,``) closed with ``}}]}``, and the author
    fields quoted after the note (same first aweme) merged into that author."""
    text = (REAL / "zyronon-aweme-post-2024-03.HEAD-TRUNCATED.json.txt").read_text("utf-8")
    head, _, tail = text.partition("[TRUNCATED HERE BY COLLECTOR")
    head = head.rstrip().removesuffix(",") + "}}]}"
    data = json.loads(head)
    fragment = "{" + tail.split("\n", 1)[1].strip().removesuffix(",") + "}"
    data["aweme_list"][0]["author"].update(json.loads(fragment))
    return data


def test_the_real_post_list_is_read_for_its_author() -> None:
    data = _real_post_head()
    author = data["aweme_list"][0]["author"]
    sec, aweme_count = author["sec_uid"], author["aweme_count"]
    responses = {
        "profile": Fetched(
            URLS["profile"],
            200,
            {},
            json.dumps(profile(uid=author["uid"], aweme_count=aweme_count)).encode(),
            RECEIVED,
        ),
        "posts": Fetched(URLS["posts"], 200, {}, json.dumps(data, ensure_ascii=False).encode(), RECEIVED),
    }
    obs = douyin.parse(sec, responses)
    assert obs.status is Status.ok
    assert [p.id for p in obs.posts] == ["7331282358999584037"]
    assert obs.latest_post_at.isoformat() == "2024-02-03T16:01:27+08:00"


def test_the_real_post_list_of_another_author_does_not_make_an_account_fresh() -> None:
    data = _real_post_head()
    responses = {
        "profile": fetched("profile", profile(uid="7")),
        "posts": fetched("posts", data),
    }
    with pytest.raises(UnrecognizedError, match="只有其他账号的作品"):
        douyin.parse(SEC, responses)


def _real_processed_items() -> list[dict[str, Any]]:
    """The items of the real processed excerpt (zyronon/douyin user-SUNMENG333.json), rebuilt
    from their verbatim one-line top-level fields (``"key": value,`` at the item's indent);
    nested blocks and the excerpt's '...' cuts are left out."""
    text = (REAL / "zyronon-post-user-SUNMENG333.processed-EXCERPT.txt").read_text("utf-8")
    items: list[dict[str, Any]] = []
    for line in text.splitlines():
        if line == "  {":
            items.append({})
        match = re.fullmatch(r'    "(\w+)": ([^{\[]+?),?', line)
        if match and items:
            items[-1][match.group(1)] = json.loads(match.group(2))
    return items


def test_the_real_pinned_items_are_pinned_and_the_latest_is_their_newest() -> None:
    items = _real_processed_items()
    assert [i["aweme_id"] for i in items] == ["7110263965858549003", "7082600666522324228"]
    assert items[0]["author_user_id"] == 62790495105
    obs = parse(profile(uid="62790495105", aweme_count=2), feed(*items))
    assert [p.pinned for p in obs.posts] == [True, True]
    assert obs.latest_post_at.isoformat() == "2022-06-18T01:35:54+08:00"
    # The first item names its author by author_user_id only: next to another profile's uid it
    # is another account's, and the second (its author cut from the excerpt) is not trusted then.
    with pytest.raises(UnrecognizedError):
        parse(profile(uid="7", aweme_count=2), feed(*items))


def _pasted_empty_lists() -> list[dict[str, Any]]:
    """The two bodies pasted in the issues: a JSON line and a Python dict repr (read
    with ast.literal_eval and re-serialized as JSON)."""
    text = (REAL / "issue-pasted-empty-aweme-list.txt").read_text("utf-8")
    bodies = [line for line in text.splitlines() if line.startswith("{")]
    assert len(bodies) == 2
    return [json.loads(bodies[0]), ast.literal_eval(bodies[1])]


@pytest.mark.parametrize("index", [0, 1], ids=["amemv-crawler-167", "DouYinSign-1"])
def test_the_real_empty_lists_are_risk_control_next_to_a_profile_counting_videos(index: int) -> None:
    body = _pasted_empty_lists()[index]
    with pytest.raises(WallError, match="疑似风控"):
        parse(profile(aweme_count=12), body)
    assert parse(profile(aweme_count=0), body).confirmed_empty
    assert parse(profile(**PRIVATE), body).status is Status.private


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.iterdir() if p.suffix != ".md"))
@pytest.mark.parametrize("role", ["profile", "posts"])
def test_every_real_file_unchanged_in_either_role_is_refused_with_a_reason(name: str, role: str) -> None:
    """Each capture file's raw bytes, as they are (truncated, excerpt or notes around the
    bodies: none is a whole JSON body), in each role: a CollectError with a Chinese reason,
    never a crash and never an observation."""
    responses = {
        "profile": fetched("profile", profile()),
        "posts": fetched("posts", feed(video("1", JUNE_10))),
    }
    responses[role] = fetched(role, (REAL / name).read_bytes())
    with pytest.raises(CollectError) as caught:
        douyin.parse(SEC, responses)
    assert re.search(r"[\u4e00-\u9fff]", str(caught.value)), caught.value
