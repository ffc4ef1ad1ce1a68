"""HTML bodies of the synthetic profile pages, kept in one place.

Each page imitates what the parsers look for (platforms.md): the page shells
fetch the platform's JSON with inline ``fetch()`` calls, as the real pages do;
Toutiao's page shows the profile; Sogou's result page carries the account
search results. Adjust markers here only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Script that fetches the JSON URLs (in parallel, as the real pages do) and writes a short summary into #app,
# so a screenshot shows something. The URLs are absolute, same origin.
_FETCH_SCRIPT = """<script>
(function () {{
  var urls = {urls};
  var app = document.getElementById("app");
  Promise.all(urls.map(function (url) {{
    return fetch(url, {{credentials: "include"}}).then(function (r) {{ return r.text(); }})
      .then(function (t) {{ var p = document.createElement("pre"); p.textContent = t.slice(0, 400); app.appendChild(p); }})
      .catch(function (e) {{ app.setAttribute("data-error", String(e)); }});
  }})).then(function () {{ document.body.setAttribute("data-loaded", "1"); }});
}})();
</script>"""


def fetch_script(urls: Sequence[str]) -> str:
    """Inline script fetching ``urls``."""
    return _FETCH_SCRIPT.format(urls=json.dumps(list(urls)))


def weibo_page(uid: str, urls: Sequence[str]) -> str:
    """m.weibo.cn/u/{uid}: the SPA shell; the profile comes from the two getIndex calls."""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>微博</title></head><body><div id="app" data-uid="{escape(uid)}"></div>'
        f"{fetch_script(urls)}</body></html>"
    )


def weibo_visitor_page() -> str:
    """Sina's visitor wall (a wall, not a fact about the account)."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sina Visitor System</title></head>'
        '<body><div id="message">Sina Visitor System</div>'
        "<script>/* visitor verification */</script></body></html>"
    )


def douyin_page(nickname: str, urls: Sequence[str]) -> str:
    """www.douyin.com/user/{sec_uid}: shell that loads profile and posts JSON."""
    title = f"{escape(nickname)}的抖音 - 抖音" if nickname else "抖音"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{title}</title></head><body><div id="app"></div>'
        f"{fetch_script(urls)}</body></html>"
    )


def douyin_captcha_page() -> str:
    """Douyin's captcha interstitial (a wall)."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>验证码中间页</title></head>'
        '<body><div id="captcha_container">请完成下列验证后继续</div></body></html>'
    )


# Toutiao page markers (the parser reads these).
TOUTIAO_TITLE = "{name}的头条主页 - 今日头条(www.toutiao.com)"
TOUTIAO_GONE_TITLE = "今日头条"


def toutiao_page(name: str, subject: str, urls: Sequence[str]) -> str:
    """www.toutiao.com/c/user/token/{token}/: shows the profile, fetches the feed."""
    title = escape(TOUTIAO_TITLE.format(name=name))
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>"
        '<div class="profile-info-wrapper"><div class="user-info">'
        f'<h1 class="name">{escape(name)}</h1>'
        f'<p class="verified-content">头条认证：{escape(subject)}</p>'
        '</div></div><div id="app"></div>'
        f"{fetch_script(urls)}</body></html>"
    )


def toutiao_gone_page(message: str) -> str:
    """The page of a deleted or cancelled Toutiao user (message: 用户不存在 / 该用户已注销)."""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{TOUTIAO_GONE_TITLE}</title></head><body>"
        f'<div class="error-page"><p class="error-text">{escape(message)}</p></div></body></html>'
    )


@dataclass(frozen=True)
class SogouResult:
    """One ``ul.news-list2 > li`` of Sogou's account search."""

    name: str
    wechat_id: str
    subject: str = ""
    intro: str = ""
    article_title: str = ""  # empty: no 最近文章 block
    article_epoch: int | None = None
    # The name and image links to the account page ("": a placeholder link):
    # the page itself or Sogou's /link?url=… redirect (platforms.md).
    account_link: str = ""
    # The certification label written by a script, as real pages do
    # (``authname('2')`` then 认证：); False writes the label out (微信认证：).
    auth_script: bool = False
    highlight: bool = False  # the name wrapped in Sogou's highlight markup


_SOGOU_HEAD = (
    '<!DOCTYPE html><html><head><meta charset="utf-8">'
    "<title>{query}的相关微信公众号 – 搜狗微信搜索</title>"
    "<script>function timeConvert(t){{var d=new Date(parseInt(t,10)*1000);"
    "return d.getFullYear()+'-'+(d.getMonth()+1)+'-'+d.getDate();}}"
    "function authname(t){{return t=='2'?'微信':'';}}</script>"
    "</head><body>"
)
# The certification label of real pages (platforms.md): the text 微信认证 is not in the HTML.
AUTH_SCRIPT_LABEL = "<script>document.write(authname('2'))</script>认证："


def _sogou_item(index: int, result: SogouResult) -> str:
    link = escape(result.account_link or f"https://weixin.sogou.com/link?type=1&n={index}")
    name = escape(result.name)
    if result.highlight:
        name = f"<em><!--red_beg-->{name}<!--red_end--></em>"
    label = AUTH_SCRIPT_LABEL if result.auth_script else "微信认证："
    parts = [
        f'<li id="sogou_vr_11002301_box_{index}" d="oIWsFt{index:04d}">',
        '<div class="gzh-box2"><div class="img-box">'
        f'<a target="_blank" uigs="account_image_{index}" href="{link}">'
        "<span></span></a></div>",
        '<div class="txt-box">',
        f'<p class="tit"><a target="_blank" uigs="account_name_{index}" href="{link}">{name}</a></p>',
        f'<p class="info">微信号：<label name="em_weixinhao">{escape(result.wechat_id)}</label></p>',
        "</div></div>",
    ]
    if result.intro:
        parts.append(f"<dl><dt>功能介绍：</dt><dd>{escape(result.intro)}</dd></dl>")
    if result.subject:
        parts.append(f'<dl><dt>{label}</dt><dd><i class="identify"></i>{escape(result.subject)}</dd></dl>')
    if result.article_title and result.article_epoch is not None:
        parts.append(
            "<dl><dt>最近文章：</dt><dd>"
            f'<a target="_blank" uigs="account_article_{index}" '
            f'href="https://weixin.sogou.com/link?type=2&amp;n={index}">{escape(result.article_title)}</a>'
            f"<span><script>document.write(timeConvert('{result.article_epoch}'))</script></span>"
            "</dd></dl>"
        )
    parts.append("</li>")
    return "".join(parts)


def sogou_results_page(query: str, results: Sequence[SogouResult]) -> str:
    """weixin.sogou.com/weixin?type=1&query=...: the account search results."""
    head = _SOGOU_HEAD.format(query=escape(query))
    if not results:
        return (
            head + '<div class="no-sosuo"><p>暂无与“<em>'
            f"{escape(query)}</em>”相关的官方认证订阅号。</p></div></body></html>"
        )
    items = "".join(_sogou_item(i, r) for i, r in enumerate(results))
    return head + f'<div class="news-box"><ul class="news-list2">{items}</ul></div></body></html>'


def sogou_antispider_page() -> str:
    """Sogou's antispider verification page (a wall)."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>搜狗搜索</title></head><body>'
        '<div class="content-box"><p class="p2">用户您好，您的访问过于频繁，为确认本次访问为正常用户行为，'
        '需要您协助验证。</p><form name="authform" method="POST" id="seccodeForm">'
        '<img id="seccodeImage" src="util/seccode.php"><input type="text" id="seccodeInput">'
        "</form></div></body></html>"
    )


@dataclass(frozen=True)
class MpMessage:
    """One message of an account page's ``msgList``."""

    id: int
    epoch: int  # comm_msg_info.datetime, epoch seconds
    title: str
    link: str  # content_url as the page writes it (relative ``/s?…``)


def _msg_list(messages: Sequence[MpMessage]) -> str:
    items = [
        {
            "app_msg_ext_info": {
                "author": "",
                "content": "",
                "content_url": escape(m.link, quote=False),
                "copyright_stat": 100,
                "digest": "",
                "is_multi": 0,
                "multi_app_msg_item_list": [],
                "title": m.title,
            },
            "comm_msg_info": {"content": "", "datetime": m.epoch, "id": m.id, "status": 2, "type": 49},
        }
        for m in messages
    ]
    # Inside a <script>: no "</" may end it early.
    return json.dumps({"list": items}, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def mp_profile_page(wechat_id: str, name: str, subject: str, messages: Sequence[MpMessage]) -> str:
    """mp.weixin.qq.com/profile?src=3&…: the account page a Sogou result links to.

    Shaped like the real captures (real-samples/wechat/*profile-history*):
    the account named in ``var name`` and the 微信号 line, its last messages in
    ``var msgList`` (an empty list for an account that never posted).
    """
    account = escape(wechat_id)
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<title>{escape(name)} </title></head><body class="zh_CN ">'
        '<div class="page_profile_info"><div class="profile_info_area">'
        f'<strong class="profile_nickname">{escape(name)}</strong>'
        f'<p class="profile_account">微信号: {account}</p>'
        '<ul class="profile_desc"><li><label class="profile_desc_label">帐号主体</label>'
        f'<div class="profile_desc_value">{escape(subject)}</div></li></ul></div>'
        '<div class="weui_category_title">最近10条群发</div><div class="weui_msg_card_list" id="history"></div>'
        '<div class="msg_card_tips">仅显示最近10条群发</div></div>'
        '<script type="text/javascript">'
        f'var name="{account}"||"{escape(name)}";'
        f"var msgList = {_msg_list(messages)};"
        "</script></body></html>"
    )
