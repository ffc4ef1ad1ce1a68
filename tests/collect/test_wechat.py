"""WeChat parsers (no browser): Sogou account-search pages shaped as platforms.md says,
and the real captures in tests/fixtures/real/wechat/ (account pages, article pages,
expired and walled pages, Sogou's antispider page), read unchanged."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.platforms import collector_for, conclude_after_retries
from newmedia_audit.collect.wechat import (
    WechatCollector,
    parse_article,
    parse_results,
    read_account_page,
    sogou_link_target,
)
from newmedia_audit.errors import CollectError, TransientError, UnrecognizedError, WallError
from newmedia_audit.models import Observation, Status
from newmedia_audit.synth.templates import MpMessage, mp_profile_page
from newmedia_audit.timeparse import SHANGHAI

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "wechat"

WXID = "xnfb2014"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
wechat = WechatCollector()
URL = wechat.page_url(WXID)
JUNE_19 = 1655640000  # 2022-06-19T20:00:00+08:00


PROFILE = "http://mp.weixin.qq.com/profile?src=3&timestamp=1500903762&ver=1&signature=4SIc*XV37-PK=="
# The certification label as real pages write it (platforms.md, real).
AUTHNAME = "<script>document.write(authname('2'))</script>认证："


def result(
    name: str,
    wxid: str,
    subject: str | None = "咸宁市人民政府新闻办公室",
    title: str | None = "咸宁召开防汛工作会议",
    epoch: int = JUNE_19,
    *,
    link: str = "/link?url=abc&amp;type=1",
    image_link: str = "",
    label: str = "微信认证：",
) -> str:
    image = f"<div class='img-box'><a target='_blank' href='{image_link}'><img src='x.png'></a></div>"
    parts = [
        "<li id='sogou_vr_11002301_box_0'><div class='gzh-box2'>",
        image if image_link else "",
        "<div class='txt-box'>",
        f"<p class='tit'><a target='_blank' href='{link}'><em><!--red_beg-->{name}<!--red_end--></em></a></p>"
        if link
        else f"<p class='tit'>{name}</p>",
        f"<p class='info'>微信号：<label name='em_weixinhao'>{wxid}</label></p>",
        "</div></div>",
        "<dl><dt>功能介绍：</dt><dd>发布权威信息</dd></dl>",
    ]
    if subject is not None:
        parts.append(f"<dl><dt>{label}</dt><dd><i class='identify'></i>{subject}</dd></dl>")
    if title is not None:
        parts.append(
            "<dl><dt>最近文章：</dt><dd><a target='_blank' uigs='account_article_0' href='/link?url=art'>"
            f"{title}</a><span><script>document.write(timeConvert('{epoch}'))</script></span></dd></dl>"
        )
    parts.append("</li>")
    return "".join(parts)


def search_page(*results: str) -> str:
    return (
        "<html><head><title>搜狗微信搜索</title></head><body><div class='news-box'>"
        f"<ul class='news-list2'>{''.join(results)}</ul></div></body></html>"
    )


EMPTY_PAGE = (
    "<html><head><title>搜狗微信搜索</title></head><body>"
    "<div class='no-sosuo'>暂无与“xnfb2014”相关的官方认证订阅号。</div></body></html>"
)


def fetched(body: str, status: int = 200, url: str = URL, redirects: tuple[str, ...] = ()) -> Fetched:
    return Fetched(url, status, {"content-type": "text/html"}, body.encode(), RECEIVED, redirects)


def parse(body: str, final: bool = False, **kw: object) -> Observation:
    return wechat.parse(WXID, {"page": fetched(body, **kw)}, final=final)  # type: ignore[arg-type]


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


def mp(body: bytes | str, url: str = PROFILE, status: int = 200, redirects: tuple[str, ...] = ()) -> Fetched:
    data = body.encode() if isinstance(body, str) else body
    return Fetched(url, status, {"content-type": "text/html"}, data, RECEIVED, redirects)


def test_the_search_url_is_the_only_role() -> None:
    assert URL == f"https://weixin.sogou.com/weixin?type=1&query={WXID}"
    assert wechat.api_urls(WXID) == {"page": URL}
    assert wechat.required_roles() == ("page",)
    assert wechat.role_of(URL + "&ie=utf8&s_from=input") == "page"
    assert wechat.role_of("https://weixin.sogou.com/weixin?type=2&query=x") is None
    assert wechat.role_of("https://weixin.sogou.com/antispider/?from=x") is None
    assert collector_for("wechat") is not None


def test_found_account_gives_name_subject_and_latest_article() -> None:
    obs = parse(search_page(result("咸宁发布", WXID)))
    assert obs.status is Status.ok
    assert obs.live_name == "咸宁发布"
    assert obs.subject == "咸宁市人民政府新闻办公室"
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert obs.posts[0].text == "咸宁召开防汛工作会议"
    assert obs.posts[0].link == "https://weixin.sogou.com/link?url=art"
    assert not obs.confirmed_empty


def test_result_is_matched_on_wechat_id_not_on_name_or_position() -> None:
    page = search_page(
        result("咸宁发布", "xianning_fake", subject="某公司", epoch=1600000000),
        result("咸宁发布 ", "XNFB2014", epoch=JUNE_19),
    )
    obs = parse(page)
    assert obs.subject == "咸宁市人民政府新闻办公室"
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"


def test_a_result_without_latest_article_and_no_account_page_is_not_never_updated() -> None:
    """Rule 2: real results omit 最近文章 for accounts that post; the missing block proves nothing."""
    with pytest.raises(TransientError, match="搜狗结果未显示最近文章") as info:
        parse(search_page(result("咸宁发布", WXID, title=None)), final=True)
    assert not isinstance(info.value, UnrecognizedError)


def test_a_result_without_latest_article_and_without_any_link_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError, match="也没有账号主页链接"):
        parse(search_page(result("咸宁发布", WXID, title=None, link="")), final=True)


def test_certification_label_written_by_a_script_gives_the_subject() -> None:
    """Real pages write 微信 with authname('2'); the HTML only holds 认证：."""
    assert parse(search_page(result("咸宁发布", WXID, label=AUTHNAME))).subject == "咸宁市人民政府新闻办公室"


def test_highlight_markup_is_not_part_of_the_name() -> None:
    found, (only,) = parse_results(search_page(result("咸宁发布", WXID)))
    assert found and only.name == "咸宁发布"


# -- the account page a result without 最近文章 links to -----------------------------------


def test_follow_up_is_the_account_page_link_of_a_result_without_latest_article() -> None:
    page = fetched(search_page(result("别的发布", "other", title=None), result("咸宁发布", WXID, title=None)))
    assert wechat.follow_ups(WXID, {"page": page}) == {
        "profile": "https://weixin.sogou.com/link?url=abc&type=1"
    }


def test_the_direct_account_page_link_and_the_image_link_are_followed() -> None:
    direct = result("咸宁发布", WXID, title=None, link=PROFILE.replace("&", "&amp;"))
    assert wechat.follow_ups(WXID, {"page": fetched(search_page(direct))}) == {"profile": PROFILE}
    image_only = result("咸宁发布", WXID, title=None, link="", image_link="/link?url=img")
    assert wechat.follow_ups(WXID, {"page": fetched(search_page(image_only))}) == {
        "profile": "https://weixin.sogou.com/link?url=img"
    }


def test_no_follow_up_for_a_result_with_latest_article_or_a_page_without_the_account() -> None:
    assert wechat.follow_ups(WXID, {"page": fetched(search_page(result("咸宁发布", WXID)))}) == {}
    assert wechat.follow_ups(WXID, {"page": fetched(search_page(result("x", "other", title=None)))}) == {}
    assert wechat.follow_ups(WXID, {"page": fetched(EMPTY_PAGE)}) == {}
    assert wechat.follow_ups(WXID, {}) == {}


def test_a_live_sogou_link_page_is_followed_to_the_url_its_script_builds() -> None:
    script = (
        "<meta content='always' name='referrer'><script>var url = '';"
        "url += 'http://mp.w';url += 'eixin.qq.co';url += 'm/profile?s';url += 'rc=3&timest';"
        "url += 'amp=1555573';url += '349&ver=1&s';url += 'ignature=aJ@';url += 'tp*X-Q==';"
        'url.replace("@", "");window.location.replace(url)</script></html>'
    )
    target = "http://mp.weixin.qq.com/profile?src=3&timestamp=1555573349&ver=1&signature=aJtp*X-Q=="
    assert sogou_link_target(script) == target
    link = mp(script, url="https://weixin.sogou.com/link?url=abc")
    page = fetched(search_page(result("咸宁发布", WXID, title=None)))
    assert wechat.follow_ups(WXID, {"page": page, "profile": link}) == {"profile": target}
    with pytest.raises(TransientError, match="跳转未完成"):
        wechat.parse(WXID, {"page": page, "profile": link})


def observe_with_account_page(account_id: str, name: str, profile: Fetched) -> Observation:
    page = fetched(search_page(result(name, account_id, title=None, link=PROFILE)))
    return wechat.parse(account_id, {"page": page, "profile": profile}, final=True)


def test_real_account_page_messages_give_the_latest_time_and_posts() -> None:
    obs = observe_with_account_page("bitsea", "槽边往事", mp(real("chyroc-mp-profile-history-bitsea.html")))
    assert obs.status is Status.ok and not obs.confirmed_empty
    assert obs.latest_post_at is not None
    assert obs.latest_post_at.isoformat() == "2017-07-24T13:04:46+08:00"  # comm_msg_info.datetime 1500872686
    assert len(obs.posts) == 10
    assert obs.posts[0].text == "帝都深处好修行"
    assert obs.posts[0].link.startswith(
        "https://mp.weixin.qq.com/s?timestamp=1500903767&src=3&ver=1&signature="
    )


def test_real_account_page_of_2018_gives_its_latest_message() -> None:
    obs = observe_with_account_page(
        "idxgh2013", "大象公会", mp(real("weextract-mp-profile-history-2018.html"))
    )
    assert obs.latest_post_at is not None
    assert obs.latest_post_at.isoformat() == "2018-08-24T21:59:07+08:00"  # 1535119147
    assert obs.posts[0].text == "袁隆平神话｜大象公会"


def test_an_account_page_with_an_empty_message_list_is_never_updated() -> None:
    body = mp_profile_page(WXID, "咸宁发布", "咸宁市人民政府新闻办公室", [])
    obs = observe_with_account_page(WXID, "咸宁发布", mp(body))
    assert obs.status is Status.ok and obs.confirmed_empty
    assert obs.posts == [] and obs.latest_post_at is None


def test_a_synthetic_account_page_reads_like_the_real_one() -> None:
    body = mp_profile_page(
        WXID, "咸宁发布", "单位", [MpMessage(7, JUNE_19, "防汛</script>通知", "/s?a=1&b=2")]
    )
    (post,) = read_account_page(mp(body), WXID).posts
    assert (post.text, post.link) == ("防汛</script>通知", "https://mp.weixin.qq.com/s?a=1&b=2")
    assert post.published_at is not None and post.published_at.isoformat() == "2022-06-19T20:00:00+08:00"


def test_an_account_page_of_another_account_proves_nothing() -> None:
    """Rule 1: the page names its account (var name, 微信号); bitsea's page says nothing of idxgh2013."""
    with pytest.raises(UnrecognizedError, match="属于其他账号"):
        observe_with_account_page("idxgh2013", "大象公会", mp(real("chyroc-mp-profile-history-bitsea.html")))


@pytest.mark.parametrize("capture", ["chyroc-mp-article-expired.html", "weextract-mp-link-expired.html"])
def test_an_expired_account_page_link_leaves_the_account_in_review(capture: str) -> None:
    with pytest.raises(TransientError) as info:
        observe_with_account_page(WXID, "咸宁发布", mp(real(capture)))
    assert str(info.value) == "搜狗结果未显示最近文章，账号主页链接已过期"
    assert not isinstance(info.value, UnrecognizedError)


def test_a_walled_account_page_is_a_wall() -> None:
    with pytest.raises(WallError, match="搜狗结果未显示最近文章，账号主页要求验证"):
        observe_with_account_page(WXID, "咸宁发布", mp(real("weextract-mp-quota-limit-verify.html")))


def test_an_account_page_link_redirected_to_antispider_is_a_wall() -> None:
    wall = mp(
        real("chyroc-sogou-search-gzh-error.html"),
        url="https://weixin.sogou.com/antispider/?from=%2Flink",
        redirects=("https://weixin.sogou.com/link?url=abc",),
    )
    with pytest.raises(WallError, match="反爬"):
        observe_with_account_page(WXID, "咸宁发布", wall)


def test_an_account_page_with_no_known_marker_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError, match="账号主页无法识别"):
        observe_with_account_page(WXID, "咸宁发布", mp(real("weextract-mp-article-2020-12.html")))
    with pytest.raises(UnrecognizedError, match="msgList"):
        observe_with_account_page(
            WXID, "咸宁发布", mp("<html><script>var msgList = {list: [};</script></html>")
        )


@pytest.mark.parametrize("status", [403, 429])
def test_an_account_page_refused_by_status_is_a_wall(status: int) -> None:
    with pytest.raises(WallError):
        observe_with_account_page(WXID, "咸宁发布", mp("", status=status))


def test_missing_subject_is_empty_not_an_error() -> None:
    assert parse(search_page(result("咸宁发布", WXID, subject=None))).subject == ""


def test_empty_result_page_is_transient_before_the_last_try() -> None:
    with pytest.raises(TransientError):
        parse(EMPTY_PAGE)


def test_empty_result_page_is_not_found_on_the_last_try() -> None:
    obs = parse(EMPTY_PAGE, final=True)
    assert obs.status is Status.not_found


def test_results_without_the_wechat_id_are_not_found_only_on_the_last_try() -> None:
    page = search_page(result("咸宁发布", "someone_else"))
    with pytest.raises(TransientError):
        parse(page)
    assert conclude_after_retries("wechat", WXID, {"page": fetched(page)}).status is Status.not_found


def test_antispider_redirect_is_a_wall() -> None:
    with pytest.raises(WallError):
        parse(
            "<html><body>请输入验证码</body></html>",
            url="https://weixin.sogou.com/antispider/?from=%2fweixin%3Ftype%3d1",
            redirects=(URL,),
        )


def test_antispider_in_the_redirect_chain_is_a_wall_even_on_the_last_try() -> None:
    chain = (URL, "https://weixin.sogou.com/antispider/?from=x")
    with pytest.raises(WallError):
        parse(EMPTY_PAGE, final=True, url="https://weixin.sogou.com/weixin?type=1&query=x", redirects=chain)


def test_verification_code_page_is_a_wall() -> None:
    page = "<html><head><title>搜狗搜索</title></head><body><p>用户您好，请输入验证码</p><input id='seccodeInput'></body></html>"
    with pytest.raises(WallError):
        parse(page, final=True)


def test_an_article_title_about_verification_codes_is_not_a_wall() -> None:
    page = search_page(result("咸宁发布", WXID, title="千万不要把验证码告诉别人"))
    assert parse(page).status is Status.ok


def test_sogou_throttling_form_without_the_word_captcha_is_a_wall() -> None:
    page = (
        "<html><head><title>搜狗搜索</title></head><body><p>用户您好，您的访问过于频繁，需要您协助验证。</p>"
        "<form id='seccodeForm'><input id='seccodeInput'></form></body></html>"
    )
    with pytest.raises(WallError):
        parse(page, final=True)


def test_real_antispider_page_is_a_wall_at_the_search_url_and_after_the_redirect() -> None:
    body = real("chyroc-sogou-search-gzh-error.html").decode()
    with pytest.raises(WallError):
        parse(body, final=True)
    with pytest.raises(WallError):
        parse(body, url="https://weixin.sogou.com/antispider/?from=%2Fweixin", redirects=(URL,))


@pytest.mark.parametrize(
    "body",
    [
        "<html><head><title>搜狗</title></head><body><div class='main'>全新改版，敬请期待</div></body></html>",
        real("weextract-mp-article-2020-12.html").decode(),
    ],
    ids=["changed-sogou-page", "a-different-page"],
)
def test_a_sogou_page_with_no_known_marker_is_unrecognized_on_every_try(body: str) -> None:
    for final in (False, True):
        with pytest.raises(UnrecognizedError, match="搜狗页面无法识别"):
            parse(body, final=final)


def test_an_empty_or_cut_off_sogou_page_is_a_fault_not_unrecognized() -> None:
    for body in ("", "<html><head><title>搜狗微信搜索</title></head><body><div class='news-box'>"):
        with pytest.raises(TransientError) as info:
            parse(body, final=True)
        assert not isinstance(info.value, UnrecognizedError)


@pytest.mark.parametrize("status", [403, 429])
def test_refusing_http_status_is_a_wall(status: int) -> None:
    with pytest.raises(WallError):
        parse(EMPTY_PAGE, status=status)


def test_server_error_is_transient_even_on_the_last_try() -> None:
    with pytest.raises(TransientError):
        parse("", status=502, final=True)


def test_results_are_parsed_from_unclosed_markup() -> None:
    page = search_page(result("咸宁发布", WXID)).replace("</li>", "").replace("</ul>", "")
    found, results = parse_results(page)
    assert found and results[0].wechat_id == WXID and results[0].name == "咸宁发布"


def article(body: str) -> Fetched:
    return article_of(body.encode())


def article_of(body: bytes) -> Fetched:
    return Fetched("https://mp.weixin.qq.com/s/abc", 200, {}, body, RECEIVED)


def test_article_page_gives_its_publish_time_and_title() -> None:
    page = (
        '<html><head><meta property="og:title" content="防汛通知"></head><body>'
        '<script>var ct = "1655640000";</script></body></html>'
    )
    view = parse_article(article(page))
    assert view.status is Status.ok
    assert view.post.published_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert view.post.text == "防汛通知"


@pytest.mark.parametrize(
    ("capture", "epoch", "title"),
    [
        ("weextract-mp-article-post-2018.html", 1529491955, "重磅 | 微信订阅号全新改版上线！"),  # var ct="…"
        ("weextract-mp-article-video-createtime-20190624002.html", 1558073716, "半月谈《基层说》"),
        ("weextract-mp-article-imagetype-2018.html", 1534259178, "分享图片"),
        ("chyroc-mp-article-iframe.html", 1521515999, "【视频】石榴花开"),
        ("weextract-mp-article-20190624.html", 1561299713, "中国知识产权，拿什么“服务”你？"),
        ("weextract-mp-article-2020-12.html", 1608818529, "两家大行行长空缺"),
    ],
)
def test_real_article_pages_give_their_publish_time(capture: str, epoch: int, title: str) -> None:
    """Video and image posts have no var ct but create_time = "…"*1."""
    view = parse_article(article_of(real(capture)))
    assert view.status is Status.ok and view.post is not None
    assert view.post.published_at == datetime.fromtimestamp(epoch, SHANGHAI)
    assert view.post.text == title
    assert view.user_name.startswith("gh_")


def test_article_time_without_spaces_around_the_equals_sign() -> None:
    view = parse_article(
        article('<html><body><div id="js_content">x</div><script>var ct="1655640000";</script>')
    )
    assert view.post is not None and view.post.id == "1655640000"


@pytest.mark.parametrize(
    ("marker", "status"),
    [
        ("该公众号已迁移", Status.not_found),
        ("此帐号已被屏蔽, 内容无法查看", Status.banned),
        ("此帐号已自主注销，内容无法查看", Status.not_found),
        ("此帐号处于帐号迁移流程中", Status.not_found),
        ("此帐号被投诉且经审核涉嫌侵权。此帐号已注销，内容无法查看。", Status.banned),
    ],
)
def test_article_page_gone_markers(marker: str, status: Status) -> None:
    view = parse_article(article(f"<html><body><div class='weui-msg'><h2>{marker}</h2></div></body></html>"))
    assert view.status is status


def test_an_article_quoting_a_gone_marker_is_an_article() -> None:
    page = '<html><body><div id="js_content">此帐号处于帐号迁移流程中 是什么意思</div><script>var ct = "1655640000";</script>'
    assert parse_article(article(page)).status is Status.ok


def test_real_expired_and_walled_article_links() -> None:
    with pytest.raises(TransientError, match="链接已过期"):
        parse_article(article_of(real("chyroc-mp-article-expired.html")))
    with pytest.raises(WallError):
        parse_article(article_of(real("weextract-mp-quota-limit-verify.html")))


def test_article_page_without_time_or_marker_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError):
        parse_article(article("<html><body>加载中</body></html>"))


# -- every parser on every real page ---------------------------------------------------------

SOGOU_ANTISPIDER = "chyroc-sogou-search-gzh-error.html"
# What each real page is, read as: the search page, an account page, an article page.
EXPECTED: dict[str, tuple[type | str, type | str, type | str]] = {
    "chyroc-sogou-search-gzh-error.html": (WallError, WallError, WallError),
    "chyroc-mp-profile-history-bitsea.html": (UnrecognizedError, "posts", UnrecognizedError),
    "weextract-mp-profile-history-2018.html": (UnrecognizedError, "other account", UnrecognizedError),
    "chyroc-mp-article-expired.html": (UnrecognizedError, TransientError, TransientError),
    "weextract-mp-link-expired.html": (UnrecognizedError, TransientError, TransientError),
    "weextract-mp-quota-limit-verify.html": (UnrecognizedError, WallError, WallError),
    "chyroc-mp-article-iframe.html": (UnrecognizedError, UnrecognizedError, "article"),
    "weextract-mp-article-post-2018.html": (UnrecognizedError, UnrecognizedError, "article"),
    "weextract-mp-article-20190624.html": (UnrecognizedError, UnrecognizedError, "article"),
    "weextract-mp-article-2020-12.html": (UnrecognizedError, UnrecognizedError, "article"),
    "weextract-mp-article-video-createtime-20190624002.html": (
        UnrecognizedError,
        UnrecognizedError,
        "article",
    ),
    "weextract-mp-article-imagetype-2018.html": (UnrecognizedError, UnrecognizedError, "article"),
}
REAL_PAGES = sorted(p.name for p in REAL.glob("*.html"))


def test_every_real_page_is_listed_with_its_provenance() -> None:
    provenance = (REAL / "PROVENANCE.md").read_text("utf-8")
    assert REAL_PAGES == sorted(EXPECTED)
    assert all(f"| {name} |" in provenance for name in REAL_PAGES)


def outcome(call: object) -> type | str:
    try:
        value = call()  # type: ignore[operator]
    except CollectError as exc:
        if "属于其他账号" in str(exc):
            return "other account"
        return type(exc)
    if isinstance(value, Observation):
        return "observation"
    return "article" if hasattr(value, "user_name") else "posts"


@pytest.mark.parametrize("name", REAL_PAGES)
def test_every_wechat_parser_reads_every_real_page_as_what_it_is(name: str) -> None:
    body = real(name)
    url = URL if name == SOGOU_ANTISPIDER else PROFILE
    page = Fetched(url, 200, {"content-type": "text/html"}, body, RECEIVED)
    as_search, as_account_page, as_article = EXPECTED[name]
    for final in (False, True):
        assert outcome(lambda final=final: wechat.parse("bitsea", {"page": page}, final=final)) is as_search
    assert outcome(lambda: read_account_page(page, "bitsea")) == as_account_page
    assert outcome(lambda: parse_article(page)) == as_article
    assert wechat.follow_ups("bitsea", {"page": page}) == {}  # no search result, nothing to follow
