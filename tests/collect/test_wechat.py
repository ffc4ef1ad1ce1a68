"""WeChat parser on hand-built Sogou account-search pages and article pages (no browser)."""

from __future__ import annotations

from datetime import datetime

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.platforms import collector_for, conclude_after_retries
from newmedia_audit.collect.wechat import WechatCollector, parse_article, parse_results
from newmedia_audit.errors import TransientError, WallError
from newmedia_audit.models import Status
from newmedia_audit.timeparse import SHANGHAI

WXID = "xnfb2014"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
wechat = WechatCollector()
URL = wechat.page_url(WXID)
JUNE_19 = 1655640000  # 2022-06-19T20:00:00+08:00


def result(
    name: str,
    wxid: str,
    subject: str | None = "咸宁市人民政府新闻办公室",
    title: str | None = "咸宁召开防汛工作会议",
    epoch: int = JUNE_19,
) -> str:
    parts = [
        "<li id='sogou_vr_11002301_box_0'><div class='gzh-box2'><div class='txt-box'>",
        f"<p class='tit'><a target='_blank' href='/link?url=abc'><em><!--red_beg-->{name}<!--red_end--></em></a></p>",
        f"<p class='info'>微信号：<label name='em_weixinhao'>{wxid}</label></p>",
        "</div></div>",
        "<dl><dt>功能介绍：</dt><dd>发布权威信息</dd></dl>",
    ]
    if subject is not None:
        parts.append(f"<dl><dt>微信认证：</dt><dd><i class='identify'></i>{subject}</dd></dl>")
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


def parse(body: str, final: bool = False, **kw: object) -> object:
    return wechat.parse(WXID, {"page": fetched(body, **kw)}, final=final)  # type: ignore[arg-type]


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


def test_found_account_without_latest_article_is_confirmed_empty() -> None:
    obs = parse(search_page(result("咸宁发布", WXID, title=None)))
    assert obs.status is Status.ok
    assert obs.confirmed_empty
    assert obs.posts == [] and obs.latest_post_at is None


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
    return Fetched("https://mp.weixin.qq.com/s/abc", 200, {}, body.encode(), RECEIVED)


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
    ("marker", "status"),
    [
        ("该公众号已迁移", Status.not_found),
        ("此帐号已被屏蔽", Status.banned),
        ("此帐号已自主注销", Status.not_found),
    ],
)
def test_article_page_gone_markers(marker: str, status: Status) -> None:
    view = parse_article(article(f"<html><body><div class='weui-msg'><h2>{marker}</h2></div></body></html>"))
    assert view.status is status


def test_article_page_without_time_or_marker_is_transient() -> None:
    with pytest.raises(TransientError):
        parse_article(article("<html><body>加载中</body></html>"))
