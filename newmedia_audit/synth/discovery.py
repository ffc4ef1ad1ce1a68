"""Synthetic discovery corpora: a region's search results, planted accounts among many others.

``generate_discovery`` invents a city and its districts, an organ keyword
list, and for every query (region short name + keyword) and platform a
result list shaped as platforms.md's "Search, for discovery" says: Weibo
user-search JSON (card_type 10 users in a card_type 11 group), Sogou's
account-search HTML (``ul.news-list2``, the script-written 认证 label, paging
links), Douyin's search JSON (``user_list`` of ``user_info``), plus the search
pages the browser opens (their scripts fetch the first result page, signed
parameters and all). Result lists run over several pages; empty lists,
walls (Weibo 418 / ``ok:-100``, Sogou's antispider redirect, Douyin
``search_nil_info`` verify_check) and walls that give way on the next try can
be scripted.

Among the results:
- planted government accounts of the region that the ledger lacks: the
  truth (``unfiled``, or ``filed_not_in_ledger`` when the registry has them
  by id, by name without id, or by name with another id);
- the region's government accounts already in the ledger (by id, by the
  抖音号, or, on WeChat, by name with a gh_ id in the ledger);
- look-alikes without certification, personal certifications naming a
  government body (民警, 博主), companies, media, schools and hospitals,
  government accounts of other places (武汉市…, a 西山区 where the region has
  西山县, the province), and uncertified fillers.
Everything is a function of the arguments: the same call writes the same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..models import Account, Filing
from . import ids, templates
from .har import HTML, JSON, har_entry, write_har
from .tables import write_ledger, write_registry

CST = timezone(timedelta(hours=8))
RECEIVED_AT = datetime(2022, 6, 20, 10, 0, tzinfo=CST)
DEFAULT_CITY = "东川市"
DEFAULT_DISTRICTS = ("东湖区", "西山县", "南河县", "北岭市")
DEFAULT_KEYWORDS = ("发布", "公安", "交警", "法院", "教育", "卫健", "融媒", "共青团")
PLATFORMS = ("weibo", "wechat", "douyin")
PAGE_SIZE = 10
CITY_LEVEL = "市直"

# keyword -> (certified body, account names); {r} region, {s} its short name, {c} the city.
ORGANS: dict[str, tuple[str, tuple[str, ...]]] = {
    "发布": ("{r}人民政府新闻办公室", ("{s}发布", "微{s}")),
    "公安": ("{r}公安局", ("{s}公安", "平安{s}")),
    "交警": ("{r}公安局交通警察大队", ("{s}交警",)),
    "消防": ("{r}消防救援大队", ("{s}消防",)),
    "法院": ("{r}人民法院", ("{s}法院", "{s}法院在线")),
    "检察": ("{r}人民检察院", ("{s}检察",)),
    "教育": ("{r}教育局", ("{s}教育", "{s}教育发布")),
    "卫健": ("{r}卫生健康局", ("{s}卫健", "健康{s}")),
    "市场监管": ("{r}市场监督管理局", ("{s}市场监管",)),
    "税务": ("国家税务总局{r}税务局", ("{s}税务",)),
    "人社": ("{r}人力资源和社会保障局", ("{s}人社",)),
    "医保": ("{r}医疗保障局", ("{s}医保",)),
    "民政": ("{r}民政局", ("{s}民政",)),
    "应急": ("{r}应急管理局", ("{s}应急",)),
    "文旅": ("{r}文化和旅游局", ("{s}文旅", "游{s}")),
    "融媒": ("{r}融媒体中心", ("{s}融媒", "云上{s}")),
    "政务": ("{r}政务服务和大数据管理局", ("{s}政务服务",)),
    "共青团": ("共青团{r}委员会", ("青春{s}", "{s}共青团")),
    "妇联": ("{r}妇女联合会", ("{s}妇联",)),
}
OTHER_PLACES = (("武汉市", "武汉"), ("黄石市", "黄石"), ("孝感市", "孝感"), ("荆州市", "荆州"))
PROVINCE = "湖北省"


class Role(StrEnum):
    """What a result is, and so what discovery should make of it."""

    unfiled = "unfiled"  # planted: a candidate, not in the registry
    filed = "filed_not_in_ledger"  # planted: a candidate the registry has
    ledger = "ledger"  # the ledger has it (by id or 抖音号)
    ledger_name = "ledger_name"  # the ledger has it by name, with another id (WeChat gh_)
    lookalike = "lookalike"  # region and organ in the name, no certification
    personal = "personal"  # a personal certification naming a government body
    company = "company"
    media = "media"
    institution = "institution"
    other_region = "other_region"  # a government account of another place
    filler = "filler"  # uncertified, unrelated


PLANTED = frozenset({Role.unfiled, Role.filed})


@dataclass(frozen=True)
class SynthResult:
    """One account a search lists, with everything the three platforms show of it."""

    platform: str
    account_id: str
    name: str
    role: Role
    cert: str = ""  # verified_reason / 认证 subject / enterprise_verify_reason or custom_verify
    verified_type: int | None = None  # Weibo (None: not verified)
    custom: bool = False  # Douyin: the certification is custom_verify
    unique_id: str = ""  # Douyin 抖音号
    uid: str = ""  # Douyin numeric uid
    region: str = ""  # the office's region (planted and ledger accounts)
    district: str = ""
    body: str = ""  # the certified body
    followers: int = 0


@dataclass
class DiscoveryCorpus:
    """A generated corpus and its truth."""

    folder: Path
    ledger: Path
    registry: Path
    har: Path
    keywords_file: Path  # the keywords, one a line (``[discovery] keywords_file``)
    city: str
    districts: list[str]
    keywords: list[str]
    queries: list[str]
    planted: list[SynthResult]
    results: int  # results listed over every query, platform and page
    accounts: int  # distinct accounts listed
    walled: list[tuple[str, str]] = field(default_factory=list)  # (platform, query) always walled
    walled_once: list[tuple[str, str]] = field(default_factory=list)

    def expected(self) -> dict[tuple[str, str], str]:
        """(platform, account id) -> the kind discovery should give it."""
        return {(r.platform, r.account_id): str(r.role) for r in self.planted}


def short_name(name: str) -> str:
    """东川市 -> 东川 (the form account names and queries use)."""
    return name[:-1] if name[-1:] in "市县区" and len(name) > 2 else name


def query_of(region: str, keyword: str) -> str:
    return f"{short_name(region)}{keyword}"


# --- URLs ----------------------------------------------------------------------------


def weibo_containerid(query: str) -> str:
    return f"100103type=3&q={query}"


def weibo_search_url(query: str, page: int) -> str:
    """The getIndex call of a result page, with the volatile parameters the site adds."""
    url = f"https://m.weibo.cn/api/container/getIndex?containerid={quote(weibo_containerid(query), safe='')}"
    url += "&page_type=searchall"
    return url + (f"&page={page}" if page > 1 else "") + "&luicode=10000011&lfid=100103"


def weibo_search_page(query: str) -> str:
    return f"https://m.weibo.cn/search?containerid={quote(weibo_containerid(query), safe='')}"


def sogou_search_url(query: str, page: int) -> str:
    url = f"https://weixin.sogou.com/weixin?type=1&query={quote(query, safe='')}&ie=utf8&s_from=input"
    return url + (f"&page={page}" if page > 1 else "")


def sogou_antispider(query: str) -> str:
    origin = quote(f"/weixin?type=1&query={quote(query, safe='')}", safe="")
    return f"https://weixin.sogou.com/antispider/?from={origin}"


def douyin_search_url(query: str, page: int) -> str:
    """The signed call the search page makes (the router ignores the signatures)."""
    return (
        "https://www.douyin.com/aweme/v1/web/discover/search/?device_platform=webapp&aid=6383"
        f"&search_channel=aweme_user_web&keyword={quote(query, safe='')}&offset={(page - 1) * PAGE_SIZE}"
        "&count=10&msToken=synthetic&a_bogus=synthetic"
    )


def douyin_search_page(query: str) -> str:
    return f"https://www.douyin.com/search/{quote(query, safe='')}?type=user"


# --- bodies ----------------------------------------------------------------------------


def _weibo_user(r: SynthResult) -> dict[str, Any]:
    verified = r.verified_type is not None
    reason = r.cert + ("\u3000" if int(r.account_id) % 3 == 0 else "") if verified else ""
    followers: int | str = r.followers if r.followers < 10_000 else f"{r.followers / 10_000:.1f}万"
    return {
        "id": int(r.account_id),
        "screen_name": r.name,
        "verified": verified,
        "verified_type": r.verified_type if verified else -1,
        "verified_reason": reason,
        "description": f"{r.name}的微博",
        "followers_count": followers,
        "gender": "m",
    }


def _weibo_page(results: Sequence[SynthResult], query: str, page: int, more: bool, total: int) -> str:
    info: dict[str, Any] = {"containerid": weibo_containerid(query), "v_p": 42, "total": total}
    if more:
        info["page"] = page + 1
    group = [
        {"card_type": 10, "user": _weibo_user(r), "desc1": r.cert, "desc2": f"粉丝：{r.followers}"}
        for r in results
    ]
    cards = [{"card_type": 11, "card_group": group, "show_type": 1}]
    return json.dumps({"ok": 1, "data": {"cardlistInfo": info, "cards": cards}}, ensure_ascii=False)


WEIBO_EMPTY = json.dumps({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}, ensure_ascii=False)


def _sogou_page(results: Sequence[SynthResult], query: str, page: int, more: bool, total: int) -> str:
    items = [
        templates.SogouResult(
            name=r.name,
            wechat_id=r.account_id,
            subject=r.cert,
            intro=f"{r.name}，欢迎关注。",
            auth_script=int(ids.weibo_uid(r.account_id)) % 2 == 0,
            highlight=query[:2] in r.name,
        )
        for r in results
    ]
    body = templates.sogou_results_page(query, items)
    pager = f'<div class="mun">找到约{total}条结果</div><div id="pagebar_container" class="p-fy">'
    pager += f"<span>{page}</span>"
    if more:
        link = f"?query={quote(query, safe='')}&amp;type=1&amp;page={page + 1}&amp;ie=utf8"
        pager += f'<a id="sogou_page_{page + 1}" href="{link}">{page + 1}</a>'
        pager += f'<a id="sogou_next" href="{link}" class="np">下一页</a>'
    return body.replace("</body>", pager + "</div></body>")


def _douyin_user(r: SynthResult) -> dict[str, Any]:
    return {
        "user_info": {
            "uid": r.uid,
            "sec_uid": r.account_id,
            "nickname": r.name,
            "unique_id": r.unique_id,
            "signature": f"{r.name}官方抖音" if r.cert else "记录生活",
            "custom_verify": r.cert if r.custom else "",
            "enterprise_verify_reason": "" if r.custom else r.cert,
            "follower_count": r.followers,
            "aweme_count": 0,
        },
        "items": [],
    }


def _douyin_page(results: Sequence[SynthResult], query: str, page: int, more: bool, total: int) -> str:
    return json.dumps(
        {
            "status_code": 0,
            "user_list": [_douyin_user(r) for r in results],
            "cursor": page * PAGE_SIZE,
            "has_more": 1 if more else 0,
            "type": 1,
            "extra": {"now": int(RECEIVED_AT.timestamp() * 1000)},
        },
        ensure_ascii=False,
    )


DOUYIN_EMPTY = json.dumps({"status_code": 0, "user_list": [], "cursor": 0, "has_more": 0})
DOUYIN_WALL = json.dumps(
    {
        "status_code": 0,
        "user_list": [],
        "has_more": 0,
        "search_nil_info": {"search_nil_type": "verify_check", "search_nil_item": "verify_check"},
    }
)


def _shell(title: str, url: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div id="app"></div>{templates.fetch_script([url])}</body></html>'
    )


def list_entries(
    platform: str, query: str, results: Sequence[SynthResult], pages: int, at: datetime, wall: str
) -> list[dict[str, Any]]:
    """The HAR entries of one query on one platform: the browser's search page, every
    result page (a wall first when ``wall`` is "once", only walls when "always")."""
    chunks = [
        list(results[i : i + PAGE_SIZE]) for i in range(0, min(len(results), pages * PAGE_SIZE), PAGE_SIZE)
    ]
    total = len(results)
    entries: list[dict[str, Any]] = []
    if platform == "weibo":
        entries.append(
            har_entry(weibo_search_page(query), at, body=_shell("微博-搜索", weibo_search_url(query, 1)))
        )
    if platform == "douyin":
        entries.append(
            har_entry(
                douyin_search_page(query), at, body=_shell(f"{query} - 抖音搜索", douyin_search_url(query, 1))
            )
        )
    walls = {"once": 1, "always": 1}.get(wall, 0)
    for number, chunk in enumerate(chunks or [[]], start=1):
        more = number < len(chunks)
        url = {"weibo": weibo_search_url, "wechat": sogou_search_url, "douyin": douyin_search_url}[platform](
            query, number
        )
        if number == 1:
            entries += [e for _ in range(walls) for e in _wall(platform, query, url, at)]
            if wall == "always":
                continue
        when = at + timedelta(seconds=number)
        if platform == "weibo":
            body = _weibo_page(chunk, query, number, more, total) if chunk else WEIBO_EMPTY
            entries.append(har_entry(url, when, body=body, mime_type=JSON))
        elif platform == "wechat":
            page_html = (
                _sogou_page(chunk, query, number, more, total)
                if chunk
                else templates.sogou_results_page(query, [])
            )
            entries.append(har_entry(url, when, body=page_html, mime_type=HTML))
        else:
            body = _douyin_page(chunk, query, number, more, total) if chunk else DOUYIN_EMPTY
            entries.append(har_entry(url, when, body=body, mime_type=JSON))
    return entries


def write_lists(
    har_path: Path,
    lists: Mapping[tuple[str, str], Sequence[SynthResult]],
    *,
    pages: int = 3,
    walls: Mapping[tuple[str, str], str] | None = None,
    received_at: datetime = RECEIVED_AT,
) -> Path:
    """A HAR corpus of hand-made result lists: (platform, query) -> results in page order;
    ``walls`` marks lists walled "once" (then the data) or "always"."""
    walls = walls or {}
    entries = [
        e
        for (platform, query), results in lists.items()
        for e in list_entries(platform, query, results, pages, received_at, walls.get((platform, query), ""))
    ]
    return write_har(iter(entries), Path(har_path), "hand-made discovery corpus")


def _wall(platform: str, query: str, url: str, at: datetime) -> list[dict[str, Any]]:
    if platform == "weibo":
        if len(query) % 2:
            return [har_entry(url, at, status=418, body="", mime_type=HTML)]
        body = json.dumps({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"})
        return [har_entry(url, at, body=body, mime_type=JSON)]
    if platform == "wechat":
        target = sogou_antispider(query)
        return [
            har_entry(url, at, status=302, body="", redirect_url=target),
            har_entry(target, at, body=templates.sogou_antispider_page()),
        ]
    return [har_entry(url, at, body=DOUYIN_WALL, mime_type=JSON)]


# --- the region ------------------------------------------------------------------------


@dataclass
class _Builder:
    rng: random.Random
    city: str
    districts: Sequence[str]
    seq: int = 0

    def district_of(self, region: str) -> str:
        return CITY_LEVEL if region == self.city else region

    def ids(self, platform: str, key: str) -> dict[str, str]:
        self.seq += 1
        full = f"{platform}|{key}|{self.seq}"
        if platform == "weibo":
            return {"account_id": ids.weibo_uid(full)}
        if platform == "wechat":
            return {"account_id": ids.wechat_id(full, "dc")}
        return {
            "account_id": ids.douyin_sec_uid(full),
            "unique_id": ids.wechat_id(full, "dy"),
            "uid": ids.weibo_uid(full + "|uid"),
        }

    def body(self, region: str, keyword: str) -> str:
        template = ORGANS[keyword][0]
        if keyword == "公安" and region != self.city and region.endswith("区"):
            # A district's police is a branch of the city's (东川市公安局东湖分局).
            return f"{self.city}公安局{short_name(region)}分局"
        return template.format(r=region, s=short_name(region), c=self.city)

    def official(self, platform: str, region: str, keyword: str, role: Role) -> SynthResult:
        body = self.body(region, keyword)
        names = ORGANS[keyword][1]
        name = self.rng.choice(names).format(s=short_name(region), r=region)
        variant = self.rng.random()
        if platform == "weibo":
            vtype = 7 if variant < 0.15 else 1
            cert = body if vtype == 7 else f"{body}官方微博"
            return SynthResult(
                platform, name=name, role=role, cert=cert, verified_type=vtype, region=region,
                district=self.district_of(region), body=body, followers=self.rng.randint(2_000, 400_000),
                **self.ids(platform, name),
            )  # fmt: skip
        if platform == "douyin":
            custom = variant < 0.15
            cert = f"{body}官方抖音号" if custom else (f"{body}官方账号" if variant < 0.6 else body)
            return SynthResult(
                platform, name=name, role=role, cert=cert, custom=custom, region=region,
                district=self.district_of(region), body=body, followers=self.rng.randint(1_000, 900_000),
                **self.ids(platform, name),
            )  # fmt: skip
        return SynthResult(
            platform, name=name, role=role, cert=body, region=region, district=self.district_of(region),
            body=body, **self.ids(platform, name),
        )  # fmt: skip

    def decoy(self, platform: str, region: str, keyword: str, role: Role) -> SynthResult:
        s = short_name(region)
        body = self.body(region, keyword)
        n = self.rng.randint(1, 99)
        other_city, other_short = self.rng.choice(OTHER_PLACES)
        make: dict[Role, tuple[str, str, int | None, bool]] = {
            # role: (name, certification, weibo verified_type, douyin custom_verify)
            Role.lookalike: (
                self.rng.choice([f"{s}{keyword}资讯", f"{s}{keyword}圈", f"爱{s}{keyword}"]),
                "",
                None,
                False,
            ),
            Role.personal: (
                f"{s}{keyword}{self.rng.choice(['小王', '老李', '阿强'])}",
                self.rng.choice([f"{body}民警", f"{s}{keyword}博主", f"{body}退休干部"]),
                0,
                True,
            ),
            Role.company: (f"{s}{keyword}服务{n}", f"{s}{keyword}科技有限公司", 2, False),
            Role.media: (
                self.rng.choice([f"{s}日报", f"{s}广电"]),
                self.rng.choice([f"{s}日报社", f"{region}广播电视台"]),
                3,
                False,
            ),
            Role.institution: (f"{s}第{n % 9 + 1}中学", f"{region}第{n % 9 + 1}中学", 4, False),
            Role.other_region: self._other(region, keyword, other_city, other_short),
            Role.filler: (
                self.rng.choice([f"{keyword}小助手{n}", f"{s}吃货{n}", f"旅行的{s}{n}"]),
                "",
                None,
                False,
            ),
        }
        name, cert, vtype, custom = make[role]
        if platform == "wechat" and role is Role.personal:
            # WeChat shows no personal certification: such an account looks uncertified.
            cert, role = "", Role.lookalike
        if platform != "weibo":
            vtype = None if not cert else vtype
        else:
            cert = cert if vtype is not None else ""
        return SynthResult(
            platform, name=name, role=role, cert=cert, verified_type=vtype, custom=custom and platform == "douyin",
            followers=self.rng.randint(10, 50_000), **self.ids(platform, name),
        )  # fmt: skip

    def _other(self, region: str, keyword: str, city: str, short: str) -> tuple[str, str, int | None, bool]:
        pick = self.rng.random()
        s = short_name(region)
        if pick < 0.25 and region != self.city:
            # Same short name, another suffix: 西山区 when the region is 西山县.
            twin = s + ("区" if region.endswith(("县", "市")) else "县")
            return f"{twin}{keyword}", ORGANS[keyword][0].format(r=twin, s=s, c=twin) + "官方", 1, False
        if pick < 0.4:
            return (
                f"{PROVINCE[:2]}{keyword}",
                f"{PROVINCE}{ORGANS[keyword][0].format(r='', s='', c='')}",
                1,
                False,
            )
        return f"{short}{keyword}", self.body(city, keyword), 1, False


def generate_discovery(
    folder: Path,
    *,
    seed: int = 7,
    city: str = DEFAULT_CITY,
    districts: Sequence[str] = DEFAULT_DISTRICTS,
    keywords: Sequence[str] = DEFAULT_KEYWORDS,
    planted: int = 36,
    pages: int = 3,
    decoys: tuple[int, int] = (3, 7),
    fillers: tuple[int, int] = (0, 8),
    walled_once: int = 2,
    walled_always: int = 0,
    received_at: datetime = RECEIVED_AT,
) -> DiscoveryCorpus:
    """Write ledger.csv, registry.csv and corpus.har for a synthetic region into ``folder``.

    Args:
        seed: everything random follows it.
        city, districts: the region (the ledger has accounts in each district).
        keywords: organ keywords (``ORGANS`` keys); queries are region short name + keyword.
        planted: planted accounts, spread over the three platforms (2/3 unfiled).
        pages: result pages a run reads at most (results beyond them are not served).
        decoys, fillers: how many of each a result list holds (min, max).
        walled_once: (platform, query) lists whose first request meets a wall.
        walled_always: lists that are walled on every try.
        received_at: the time every response was received.
    """
    unknown = [k for k in keywords if k not in ORGANS]
    if unknown:
        raise ValueError(f"no organ template for keywords {unknown}")
    rng = random.Random(seed)
    build = _Builder(rng, city, districts)
    regions = [city, *districts]
    combos = [(p, r, k) for p in PLATFORMS for r in regions for k in keywords]
    officials: dict[tuple[str, str, str], SynthResult] = {}
    by_platform = {p: [c for c in combos if c[0] == p] for p in PLATFORMS}
    for platform, items in by_platform.items():
        rng.shuffle(items)
        share = planted // len(PLATFORMS) + (1 if PLATFORMS.index(platform) < planted % len(PLATFORMS) else 0)
        for i, combo in enumerate(items):
            if i < share:
                role = Role.unfiled if i % 3 else Role.filed
            elif rng.random() < 0.5:
                role = Role.ledger_name if platform == "wechat" and rng.random() < 0.2 else Role.ledger
            else:
                continue  # this organ has no account on this platform
            officials[combo] = build.official(platform, combo[1], combo[2], role)

    ledger: list[Account] = []
    filings: list[Filing] = []
    for region in districts:  # every district is in the ledger (the default regions come from it)
        token = ids.toutiao_token(f"{region}|toutiao")
        ledger.append(Account(district=region, unit=f"{region}人民政府办公室", name=f"{short_name(region)}发布",
                              platform="toutiao", account_id=token))  # fmt: skip
    for result in officials.values():
        _paperwork(result, rng, ledger, filings)

    results_total = 0
    distinct: set[tuple[str, str]] = set()
    entries: list[dict[str, Any]] = []
    lists = [(p, r, k) for r in regions for k in keywords for p in PLATFORMS]
    walls = rng.sample(range(len(lists)), k=min(len(lists), walled_once + walled_always))
    wall_kind = {i: ("always" if n < walled_always else "once") for n, i in enumerate(walls)}
    walled: list[tuple[str, str]] = []
    walled_first: list[tuple[str, str]] = []
    for index, (platform, region, keyword) in enumerate(lists):
        query = query_of(region, keyword)
        found: list[SynthResult] = []
        official = officials.get((platform, region, keyword))
        related = officials.get((platform, region, _RELATED.get(keyword, "")))
        if official is None and rng.random() < 0.3:
            results = []  # nothing at all on this platform for this query
        else:
            found += [
                build.decoy(platform, region, keyword, rng.choice(_DECOY_ROLES))
                for _ in range(rng.randint(*decoys))
            ]
            found += [
                build.decoy(platform, region, keyword, Role.filler) for _ in range(rng.randint(*fillers))
            ]
            rng.shuffle(found)
            last = pages * PAGE_SIZE - 1  # official accounts stay within the pages a run reads
            if related is not None:
                found.insert(rng.randint(0, min(len(found), last)), related)  # listed by two queries
            if official is not None:
                at = 0 if rng.random() < 0.7 else rng.randint(0, min(len(found), last))
                found.insert(at, official)
            results = found[: pages * PAGE_SIZE]
        kind = wall_kind.get(index, "")
        if kind == "always":
            walled.append((platform, query))
        elif kind == "once":
            walled_first.append((platform, query))
        if kind != "always":
            results_total += len(results)
            distinct.update((r.platform, r.account_id) for r in results)
        entries += list_entries(platform, query, results, pages, received_at, kind)

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    truth = [r for r in officials.values() if r.role in PLANTED]
    return DiscoveryCorpus(
        folder=folder,
        ledger=write_ledger(ledger, folder / "ledger.csv"),
        registry=write_registry(filings, folder / "registry.csv"),
        har=write_har(iter(entries), folder / "corpus.har", "synthetic discovery corpus"),
        keywords_file=_write_keywords(folder / "organ_keywords.txt", keywords),
        city=city,
        districts=list(districts),
        keywords=list(keywords),
        queries=list(dict.fromkeys(query_of(r, k) for r in regions for k in keywords)),
        planted=truth,
        results=results_total,
        accounts=len(distinct),
        walled=walled,
        walled_once=walled_first,
    )


_RELATED = {"交警": "公安", "政务": "发布", "检察": "法院", "融媒": "发布"}
_DECOY_ROLES = (
    Role.lookalike,
    Role.lookalike,
    Role.personal,
    Role.company,
    Role.media,
    Role.institution,
    Role.other_region,
    Role.other_region,
)
_TYPES = {"weibo": "新浪微博", "wechat": "微信公众号", "douyin": "抖音短视频"}


def _paperwork(result: SynthResult, rng: random.Random, ledger: list[Account], filings: list[Filing]) -> None:
    """The ledger row and filing of an official account, as its role says."""
    unit = result.body.removeprefix("国家税务总局").removeprefix("共青团")
    number = f"HB-DC-{len(filings) + 1:04d}"
    if result.role in (Role.ledger, Role.ledger_name):
        ledger_id = result.account_id
        if result.role is Role.ledger_name:
            ledger_id = "gh_" + ids.weibo_uid(result.account_id)[:10] + "ab"
        elif result.platform == "douyin" and rng.random() < 0.2:
            ledger_id = result.unique_id  # the ledger wrote the 抖音号
        ledger.append(
            Account(district=result.district, unit=unit, name=result.name, platform=result.platform,
                    account_type=_TYPES[result.platform], account_id=ledger_id)
        )  # fmt: skip
        filings.append(Filing(filing_no=number, name=result.name, platform=result.platform,
                              account_id=ledger_id, unit=unit, district=result.district, status="正常"))  # fmt: skip
        return
    if result.role is Role.filed:
        pick = rng.random()
        account_id = result.account_id
        if pick < 0.2:
            account_id = ""  # matched by name: the filing has no id
        elif pick < 0.3 and result.platform == "wechat":
            account_id = "gh_" + ids.weibo_uid(result.account_id)[:10] + "cd"  # same name, another id
        filings.append(Filing(filing_no=number, name=result.name, platform=result.platform,
                              account_id=account_id, unit=unit, district=result.district, status="正常"))  # fmt: skip
        return
    if rng.random() < 0.2:  # unfiled, though a cancelled filing exists
        filings.append(Filing(filing_no=number, name=result.name, platform=result.platform,
                              account_id=result.account_id, unit=unit, district=result.district, status="已注销"))  # fmt: skip


def _write_keywords(path: Path, keywords: Sequence[str]) -> Path:
    path.write_text("# 合成语料的查询关键词\n" + "".join(f"{k}\n" for k in keywords), encoding="utf-8")
    return path


def planted_rows(corpus: DiscoveryCorpus) -> Iterator[tuple[str, str, str, str]]:
    """(platform, account id, name, kind) of every planted account (for reading a run's outputs)."""
    for r in corpus.planted:
        yield r.platform, r.account_id, r.name, str(r.role)


def make_result(
    platform: str,
    name: str,
    *,
    cert: str = "",
    verified_type: int | None = None,
    custom: bool = False,
    role: Role = Role.filler,
    key: str = "",
) -> SynthResult:
    """One hand-made result with ids derived from ``key`` (default: platform and name)."""
    full = f"{platform}|{key or name}"
    if platform == "weibo":
        found = {"account_id": ids.weibo_uid(full)}
    elif platform == "wechat":
        found = {"account_id": ids.wechat_id(full, "dc")}
    else:
        found = {
            "account_id": ids.douyin_sec_uid(full),
            "unique_id": ids.wechat_id(full, "dy"),
            "uid": ids.weibo_uid(full + "|uid"),
        }
    if platform == "weibo" and cert and verified_type is None:
        verified_type = 1
    return SynthResult(
        platform, name=name, role=role, cert=cert, verified_type=verified_type, custom=custom, **found
    )
