"""The seed-001 demo corpus: each account's situation is true on its platform.

Checked two ways: by reading the HAR's bodies directly, and by replaying the
corpus (a minimal matcher with design.md's exact-URL-first rule, identifying
parameters and redirects) through the platform collectors' pure parsers, with
the follow-up pages they ask for.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.fetch import follow_ups
from newmedia_audit.collect.platforms import collector_for
from newmedia_audit.demo import build_demo, demo_accounts
from newmedia_audit.errors import TransientError
from newmedia_audit.models import Account, Observation, Status
from newmedia_audit.synth.har import read_har

CST = timezone(timedelta(hours=8))
AS_OF = date(2022, 5, 10)
WRONG_FORMS = ("中华人民共合国", "共合国", "攻府", "政腐", "一带一路战略")
SERIOUS = {"文化咸宁", "咸宁市退役军人事务局", "咸宁市生态环境局", "崇阳县退役军人事务局"}
NEVER = {"咸宁高新招商网", "温泉公安", "咸宁食药监", "咸宁城市绿色货运配送平台", "平安青山绿色"}
STALE = {"咸宁就业驿站": date(2022, 1, 25), "咸宁禁毒宣传": date(2016, 1, 11)}
IDENTIFYING = {
    "m.weibo.cn": ("containerid",),
    "www.douyin.com": ("sec_user_id",),
    "www.toutiao.com": ("token",),
    "weixin.sogou.com": ("type", "query"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    return read_har(build_demo(tmp_path_factory.mktemp("demo")).corpus)


@pytest.fixture(scope="module")
def accounts() -> list[Account]:
    return demo_accounts()


def _wechat(accounts: list[Account], name: str) -> Account:
    return next(a for a in accounts if a.name == name and a.platform == "wechat")


def _sogou_page(corpus: list[dict], wechat_id: str) -> str:
    url = f"https://weixin.sogou.com/weixin?type=1&query={wechat_id}"
    return next(
        e["response"]["content"]["text"]
        for e in corpus
        if e["request"]["url"] == url and e["response"]["status"] == 200
    )


def _result_of(page: str, wechat_id: str) -> str:
    """The <li> of the result whose 微信号 is ``wechat_id``."""
    items = re.findall(r"<li .*?</li>", page)
    return next(li for li in items if f'<label name="em_weixinhao">{wechat_id}</label>' in li)


def _epoch_date(li: str) -> date | None:
    match = re.search(r"timeConvert\('(\d+)'\)", li)
    return datetime.fromtimestamp(int(match.group(1)), CST).date() if match else None


def test_every_entry_is_a_request_of_platforms_md_served_with_the_right_type(corpus: list[dict]) -> None:
    patterns = (
        r"https://m\.weibo\.cn/u/\d+",
        r"https://m\.weibo\.cn/api/container/getIndex\?type=uid&value=(\d+)&containerid=10(0505|7603)\1",
        r"https://www\.douyin\.com/user/MS4wLjABAAAA[\w-]+",
        r"https://www\.douyin\.com/aweme/v1/web/user/profile/other/\?sec_user_id=MS4wLjABAAAA[\w-]+&device_platform=webapp&aid=6383",
        r"https://www\.douyin\.com/aweme/v1/web/aweme/post/\?sec_user_id=MS4wLjABAAAA[\w-]+&max_cursor=0&count=18&aid=6383",
        r"https://www\.toutiao\.com/c/user/token/MS4wLjABAAAA[\w-]+/",
        # The toutiao user feed (/api/pc/list/feed in corpora made before issue 15).
        r"https://www\.toutiao\.com/api/pc/list/user/feed\?category=profile_all&token=MS4wLjABAAAA[\w-]+"
        r"&max_behot_time=0&aid=24(&app_name=toutiao_web)?",
        r"https://weixin\.sogou\.com/weixin\?type=1&query=[\w-]+",
        # A never-updated account's result links to its account page, directly or via /link.
        r"https://weixin\.sogou\.com/link\?url=[\w-]+&type=1&query=[\w-]+",
        r"http://mp\.weixin\.qq\.com/profile\?src=3&timestamp=\d+&ver=1&signature=[\w*=-]+",
    )
    for entry in corpus:
        url = entry["request"]["url"]
        assert any(re.fullmatch(p, url) for p in patterns), url
        mime = entry["response"]["content"]["mimeType"]
        if entry["response"]["status"] == 200:
            is_json = "/api/" in url or "/aweme/" in url
            assert mime == ("application/json; charset=utf-8" if is_json else "text/html; charset=utf-8"), url
        assert entry["startedDateTime"].endswith("+08:00")


def test_jiuye_yizhan_latest_article_is_2022_01_25_behind_a_fresh_decoy(
    corpus: list[dict], accounts: list[Account]
) -> None:
    account = _wechat(accounts, "咸宁就业驿站")
    page = _sogou_page(corpus, account.account_id)
    first = re.findall(r'<label name="em_weixinhao">([^<]+)</label>', page)[0]
    assert first != account.account_id  # a decoy with a similar name comes first
    assert _epoch_date(_result_of(page, account.account_id)) == date(2022, 1, 25)


def test_jindu_xuanchuan_latest_article_is_2016_01_11(corpus: list[dict], accounts: list[Account]) -> None:
    account = _wechat(accounts, "咸宁禁毒宣传")
    assert _epoch_date(_result_of(_sogou_page(corpus, account.account_id), account.account_id)) == date(
        2016, 1, 11
    )


def test_never_updated_accounts_are_found_without_a_latest_article(
    corpus: list[dict], accounts: list[Account]
) -> None:
    for name in NEVER:
        account = _wechat(accounts, name)
        li = _result_of(_sogou_page(corpus, account.account_id), account.account_id)
        assert name in li and "最近文章" not in li and _epoch_date(li) is None, name


def test_never_updated_accounts_link_to_an_account_page_with_an_empty_message_list(
    corpus: list[dict], accounts: list[Account]
) -> None:
    get = _server(corpus)
    forms = set()
    for name in NEVER:
        account = _wechat(accounts, name)
        li = _result_of(_sogou_page(corpus, account.account_id), account.account_id)
        link = html.unescape(re.search(r'<p class="tit"><a [^>]*href="([^"]+)"', li).group(1))
        forms.add(urlsplit(link).path)
        page = get(urljoin("https://weixin.sogou.com/", link))
        assert urlsplit(page.url).path == "/profile", name
        assert f'var name="{account.account_id}"' in page.text(), name
        assert re.search(r"var msgList = \{\"list\":\[\]\};", page.text()), name
    assert forms == {"/profile", "/link"}  # both forms Sogou hands out


def test_some_results_write_the_certification_label_with_a_script_as_real_pages_do(
    corpus: list[dict], accounts: list[Account]
) -> None:
    pages = [_sogou_page(corpus, a.account_id) for a in accounts if a.platform == "wechat"]
    scripted = sum("<dt><script>document.write(authname('2'))</script>认证：</dt>" in p for p in pages)
    assert 0 < scripted < len(pages)


def test_serious_errors_are_recent_titles_with_a_wrong_form(
    corpus: list[dict], accounts: list[Account]
) -> None:
    for name in SERIOUS:
        account = _wechat(accounts, name)
        li = _result_of(_sogou_page(corpus, account.account_id), account.account_id)
        assert any(form in li for form in WRONG_FORMS), name
        published = _epoch_date(li)
        assert published is not None and AS_OF - timedelta(days=14) <= published <= AS_OF, name


def test_no_other_account_shows_a_wrong_form(corpus: list[dict], accounts: list[Account]) -> None:
    serious_ids = {a.account_id for a in accounts if a.name in SERIOUS and a.platform == "wechat"}
    for entry in corpus:
        text = entry["response"]["content"]["text"]
        if any(form in text for form in WRONG_FORMS):
            query = parse_qs(urlsplit(entry["request"]["url"]).query).get("query", [""])[0]
            assert query in serious_ids, entry["request"]["url"]


def test_transient_faults_and_traps_are_present(corpus: list[dict]) -> None:
    statuses = Counter(e["response"]["status"] for e in corpus)
    assert statuses[503] >= 3
    feeds = [e for e in corpus if re.search(r"/api/pc/list/user/feed", e["request"]["url"])]
    by_url: dict[str, list[int]] = defaultdict(list)
    for entry in feeds:
        by_url[entry["request"]["url"]].append(len(json.loads(entry["response"]["content"]["text"])["data"]))
    assert any(sizes[0] == 0 and sizes[-1] > 0 for sizes in by_url.values())  # empty feed, then data
    cards = [
        c["mblog"]
        for e in corpus
        if "containerid=107603" in e["request"]["url"] and e["response"]["status"] == 200
        for c in json.loads(e["response"]["content"]["text"]).get("data", {}).get("cards", [])
    ]
    assert any(m.get("isTop") == 1 for m in cards)
    assert any("retweeted_status" in m for m in cards)
    assert any(m["created_at"].endswith("小时前") or m["created_at"].startswith("昨天") for m in cards)


# --- replayed through the collectors --------------------------------------------------


def _key(url: str) -> tuple:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    names = IDENTIFYING.get(parts.hostname or "", ())
    return parts.hostname, parts.path, tuple(tuple(query.get(n, [])) for n in names)


def _server(corpus: list[dict]) -> Callable[[str], Fetched]:
    """Serve entries in file order per request, the last repeating (design.md)."""
    queues: dict[tuple, list[dict]] = defaultdict(list)
    for entry in corpus:
        queues[_key(entry["request"]["url"])].append(entry)
    served: Counter[tuple] = Counter()

    exact: dict[str, list[dict]] = defaultdict(list)
    for entry in corpus:
        exact[entry["request"]["url"]].append(entry)

    def one(url: str) -> dict:
        key: tuple = ("exact", url) if url in exact else _key(url)
        entries = exact[url] if url in exact else queues[key]
        assert entries, f"no entry for {url}"
        entry = entries[min(served[key], len(entries) - 1)]
        served[key] += 1
        return entry

    def get(url: str) -> Fetched:
        chain: list[str] = []
        entry = one(url)
        while 300 <= entry["response"]["status"] < 400:
            chain.append(entry["request"]["url"])
            entry = one(urljoin(entry["request"]["url"], entry["response"]["redirectURL"]))
        headers = {h["name"].lower(): h["value"] for h in entry["response"]["headers"]}
        return Fetched(
            url=entry["request"]["url"],
            status=entry["response"]["status"],
            headers=headers,
            body=entry["response"]["content"]["text"].encode("utf-8"),
            received_at=datetime.fromisoformat(entry["startedDateTime"]),
            redirects=tuple(chain),
        )

    return get


def _observe(get: Callable[[str], Fetched], account: Account, tries: int = 3) -> Observation:
    collector = collector_for(account.platform)
    for attempt in range(tries):
        try:
            responses = {role: get(url) for role, url in collector.api_urls(account.account_id).items()}
            for role, url in follow_ups(collector, account.account_id, responses).items():
                responses[role] = get(url)
            return collector.parse(account.account_id, responses, final=attempt == tries - 1)  # type: ignore[call-arg]
        except TransientError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def test_replayed_through_the_parsers_every_account_shows_its_situation(
    corpus: list[dict], accounts: list[Account]
) -> None:
    get = _server(corpus)
    window = (AS_OF - timedelta(days=14), AS_OF)
    for account in accounts:
        observation = _observe(get, account)
        assert observation.status is Status.ok, account.name
        assert observation.live_name == account.name, account.name
        latest = observation.latest_post_at
        if account.platform == "wechat" and account.name in NEVER:
            assert latest is None and observation.confirmed_empty, account.name
        elif account.platform == "wechat" and account.name in STALE:
            assert latest is not None and latest.astimezone(CST).date() == STALE[account.name]
        else:
            assert latest is not None, account.name
            assert window[0] <= latest.astimezone(CST).date() <= window[1], (account.name, latest)
