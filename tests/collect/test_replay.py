"""The replay router: matching, order, redirects, misses, malformed files, recording."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import httpx
import pytest

from newmedia_audit.collect.record import HarRecorder
from newmedia_audit.collect.replay import HarCorpus, ReplayTransport, request_key
from newmedia_audit.errors import ReplayError

from .conftest import T0, entry

WEIBO = "https://m.weibo.cn/api/container/getIndex?type=uid&value=123&containerid={}"
DOUYIN = "https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={}&max_cursor=0&a_bogus={}&msToken={}"
SOGOU = "https://weixin.sogou.com/weixin?type={}&query={}&ie=utf8&_sug_={}"


def corpus_of(*entries: dict) -> HarCorpus:
    return HarCorpus.from_document({"log": {"entries": list(entries)}})


def test_weibo_containerid_tells_profile_from_posts_and_other_params_are_ignored() -> None:
    corpus = corpus_of(
        entry(WEIBO.format("1005051"), {"role": "profile"}),
        entry(WEIBO.format("1076031"), {"role": "posts"}),
    )
    profile = corpus.serve("GET", WEIBO.format("1005051") + "&since_id=99&_t=1")
    posts = corpus.serve("GET", "https://m.weibo.cn/api/container/getIndex?containerid=1076031&value=999")
    assert json.loads(profile.body) == {"role": "profile"}
    assert json.loads(posts.body) == {"role": "posts"}


def test_douyin_signatures_are_ignored_but_sec_user_id_identifies() -> None:
    corpus = corpus_of(entry(DOUYIN.format("MS4A", "sig1", "tok1"), {"who": "A"}))
    assert json.loads(corpus.serve("GET", DOUYIN.format("MS4A", "other", "x")).body) == {"who": "A"}
    with pytest.raises(ReplayError):
        corpus.serve("GET", DOUYIN.format("MS4B", "sig1", "tok1"))


def test_sogou_type_and_query_identify_a_search() -> None:
    corpus = corpus_of(entry(SOGOU.format(1, "gzabc", 1), "<html>account</html>"))
    assert corpus.serve("GET", SOGOU.format(1, "gzabc", 777)).text() == "<html>account</html>"
    with pytest.raises(ReplayError):
        corpus.serve("GET", SOGOU.format(2, "gzabc", 1))  # article search, not account search
    with pytest.raises(ReplayError):
        corpus.serve("GET", SOGOU.format(1, "gzother", 1))


PROFILE = "http://mp.weixin.qq.com/profile?src=3&timestamp=1500903762&ver=1&signature={}"


def test_an_entry_for_exactly_the_requested_url_is_served_before_the_key_match() -> None:
    corpus = corpus_of(
        entry(PROFILE.format("sigA*x=="), "<html>account A</html>"),
        entry(PROFILE.format("sigB-y=="), "<html>account B</html>"),
    )
    assert corpus.serve("GET", PROFILE.format("sigB-y==")).text() == "<html>account B</html>"
    assert corpus.serve("GET", PROFILE.format("sigA*x==")).text() == "<html>account A</html>"
    assert corpus.serve("GET", PROFILE.format("sigB-y==")).text() == "<html>account B</html>"
    # A link nobody recorded falls back to the key (host and path here): file order.
    assert corpus.serve("GET", PROFILE.format("other")).text() == "<html>account A</html>"


def test_the_exact_match_ignores_how_the_url_is_escaped() -> None:
    corpus = corpus_of(entry(PROFILE.format("ab*cd=="), "first"), entry(PROFILE.format("zz*zz=="), "second"))
    assert corpus.serve("GET", PROFILE.format("zz%2Azz%3D%3D")).text() == "second"
    assert corpus.serve("GET", PROFILE.format("zz*zz==").replace("mp.weixin", "MP.weixin")).text() == "second"


def test_sogou_link_redirects_resolve_to_their_own_account_pages() -> None:
    link = "https://weixin.sogou.com/link?url={}&type=1&query=x&k=13&h=h"
    corpus = corpus_of(
        entry(link.format("dn9a_AAA"), "", status=302, redirect=PROFILE.format("A")),
        entry(link.format("dn9a_BBB"), "", status=302, redirect=PROFILE.format("B")),
        entry(PROFILE.format("A"), "page A"),
        entry(PROFILE.format("B"), "page B"),
    )
    fetched = corpus.serve("GET", link.format("dn9a_BBB"))
    assert (fetched.text(), fetched.url, fetched.redirects) == (
        "page B",
        PROFILE.format("B"),
        (link.format("dn9a_BBB"),),
    )
    assert corpus.serve("GET", link.format("dn9a_AAA")).text() == "page A"


def test_exact_entries_are_served_in_file_order_and_the_last_repeats() -> None:
    url = PROFILE.format("A")
    corpus = corpus_of(entry(url, "", status=503), entry(PROFILE.format("B"), "B"), entry(url, "A"))
    assert [corpus.serve("GET", url).status for _ in range(3)] == [503, 200, 200]
    assert corpus.serve("GET", url).text() == "A"


def test_peek_shows_the_entry_the_next_request_gets_without_serving_it() -> None:
    corpus = corpus_of(
        entry(PROFILE.format("A"), "A"), entry(PROFILE.format("B"), "B1"), entry(PROFILE.format("B"), "B2")
    )
    peeked = corpus.peek("GET", PROFILE.format("B"))
    assert peeked is not None and peeked.body == b"B1"
    assert corpus.serve("GET", PROFILE.format("B")).text() == "B1"
    peeked = corpus.peek("GET", PROFILE.format("B"))
    assert peeked is not None and peeked.body == b"B2"
    assert corpus.peek("GET", "https://elsewhere.test/") is None


def test_a_missing_page_or_offset_reads_as_the_first_page() -> None:
    search = "https://weixin.sogou.com/weixin?type=1&query=gzabc"
    corpus = corpus_of(entry(search + "&page=1", "page one"), entry(search + "&page=2", "page two"))
    assert corpus.serve("GET", search + "&ie=utf8").text() == "page one"
    assert corpus.serve("GET", search + "&page=2&ie=utf8").text() == "page two"
    assert request_key(
        "GET", "https://www.douyin.com/aweme/v1/web/discover/search/?keyword=x"
    ) == request_key(
        "GET", "https://www.douyin.com/aweme/v1/web/discover/search/?keyword=x&offset=0&a_bogus=1"
    )
    assert request_key(
        "GET", "https://m.weibo.cn/api/container/getIndex?containerid=1&page=2"
    ) != request_key("GET", "https://m.weibo.cn/api/container/getIndex?containerid=1")


def test_toutiao_token_identifies_and_unknown_hosts_ignore_the_query() -> None:
    key = request_key(
        "get", "https://www.toutiao.com/api/pc/list/feed?token=T1&max_behot_time=5&_signature=x"
    )
    assert key == ("GET", "www.toutiao.com", "/api/pc/list/feed", (("token", "T1"),))
    assert request_key("GET", "https://example.org/a?x=1") == request_key("GET", "https://example.org/a?y=2")


def test_method_and_path_are_part_of_the_key() -> None:
    corpus = corpus_of(entry("https://fake.test/a", "get"))
    with pytest.raises(ReplayError):
        corpus.serve("POST", "https://fake.test/a")
    with pytest.raises(ReplayError):
        corpus.serve("GET", "https://fake.test/b")


def test_same_key_is_served_in_file_order_and_the_last_repeats() -> None:
    url = "https://fake.test/api/posts/1"
    corpus = corpus_of(entry(url, "", status=503), entry(url, "captcha"), entry(url, "data"))
    seen = [(f.status, f.text()) for f in (corpus.serve("GET", url) for _ in range(5))]
    assert seen == [(503, ""), (200, "captcha"), (200, "data"), (200, "data"), (200, "data")]


def test_per_key_cursors_are_independent() -> None:
    a, b = "https://fake.test/a", "https://fake.test/b"
    corpus = corpus_of(entry(a, "a1"), entry(b, "b1"), entry(a, "a2"))
    assert corpus.serve("GET", b).text() == "b1"
    assert corpus.serve("GET", a).text() == "a1"
    assert corpus.serve("GET", a).text() == "a2"


def test_cursor_hands_each_entry_out_once_across_threads() -> None:
    url = "https://fake.test/a"
    corpus = corpus_of(*[entry(url, str(i)) for i in range(200)])
    got: list[str] = []
    lock = threading.Lock()

    def pull() -> None:
        for _ in range(25):
            text = corpus.serve("GET", url).text()
            with lock:
                got.append(text)

    threads = [threading.Thread(target=pull) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got, key=int) == [str(i) for i in range(200)]


def test_started_date_time_is_the_received_time() -> None:
    corpus = corpus_of(entry("https://fake.test/a", "x", started=T0))
    assert corpus.serve("GET", "https://fake.test/a").received_at == T0


def test_redirect_to_antispider_is_followed_inside_the_corpus_and_the_chain_kept() -> None:
    search = SOGOU.format(1, "gzabc", 1)
    wall = "https://weixin.sogou.com/antispider/?from=%2Fweixin"
    corpus = corpus_of(
        entry(search, "", status=302, redirect="/antispider/?from=%2Fweixin"),
        entry(wall, "<title>antispider</title>"),
    )
    fetched = corpus.serve("GET", search)
    assert fetched.url == wall
    assert fetched.status == 200
    assert fetched.redirects == (search,)
    assert "antispider" in fetched.text()


def test_redirect_whose_target_is_missing_fails() -> None:
    corpus = corpus_of(entry("https://fake.test/a", "", status=301, redirect="https://elsewhere.test/"))
    with pytest.raises(ReplayError, match="elsewhere.test"):
        corpus.serve("GET", "https://fake.test/a")


def test_a_miss_is_a_replay_error_and_a_network_error_for_httpx() -> None:
    corpus = corpus_of(entry("https://fake.test/a", "x"))
    with pytest.raises(ReplayError, match="fake.test/b"):
        corpus.serve("GET", "https://fake.test/b")
    with httpx.Client(transport=ReplayTransport(corpus)) as client:
        with pytest.raises(httpx.ConnectError):
            client.get("https://fake.test/b")
        response = client.get("https://fake.test/a")
    assert response.text == "x"
    assert response.extensions["received_at"] == T0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "JSON"),
        ('{"entries": []}', "log"),
        ('{"log": {"entries": {}}}', "entries"),
        ('{"log": {"entries": [{"request": {"url": "https://x.test/"}}]}}', "第 1 条"),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "https://x.test/"},'
            ' "response": {"status": 200}, "startedDateTime": "yesterday"}]}}',
            "startedDateTime",
        ),
    ],
)
def test_malformed_har_names_the_file_and_the_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(content, "utf-8")
    with pytest.raises(ReplayError) as info:
        HarCorpus.load([path])
    assert "bad.har" in str(info.value)
    assert reason in str(info.value)


def test_missing_har_file_is_a_replay_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="nothere.har"):
        HarCorpus.load([tmp_path / "nothere.har"])


def test_recorded_traffic_replays_and_keeps_no_secrets(tmp_path: Path) -> None:
    source = corpus_of(
        entry("https://fake.test/a", {"v": 1}, headers={"set-cookie": "SUB=planted-secret", "x-ok": "1"}),
    )
    out = tmp_path / "rec.har"
    recorder = HarRecorder(out, flush_every=1)

    async def go() -> None:
        transport = recorder.transport(ReplayTransport(source))
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get("https://fake.test/a", headers={"cookie": "SUB=planted-secret"})

    asyncio.run(go())
    recorder.close()
    text = out.read_text("utf-8")
    assert "planted-secret" not in text
    replayed = HarCorpus.load([out]).serve("GET", "https://fake.test/a")
    assert json.loads(replayed.body) == {"v": 1}
    assert replayed.headers["x-ok"] == "1"
