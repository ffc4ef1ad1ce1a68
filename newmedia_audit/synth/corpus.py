"""Corpora from scenarios, and a synthetic province for benchmarks (issue 8).

``write_corpus`` turns scenarios into one HAR file; ``generate`` invents N
accounts over the four platforms with a realistic mix of states and writes
ledger, registry and corpus. Everything is a function of the arguments: the
same call writes the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..models import Account, Filing, Platform
from . import ids, texts
from .har import write_har
from .platforms import CST, Flaky, Scenario, State, SynthPost, build_entries, page_url
from .tables import write_ledger, write_registry


def write_corpus(scenarios: Iterable[Scenario], har_path: Path, comment: str = "") -> Path:
    """Write the HAR corpus serving every scenario, in the given order."""

    def entries() -> Iterator[dict]:
        for scenario in scenarios:
            yield from build_entries(scenario)

    return write_har(entries(), Path(har_path), comment)


def make_posts(
    platform: Platform,
    name: str,
    unit: str,
    latest_at: datetime,
    index: int,
    *,
    count: int = 4,
    pinned_old: bool = False,
    repost: bool = False,
    relative: bool = False,
    latest_title: str = "",
) -> tuple[SynthPost, ...]:
    """Posts whose newest is published at ``latest_at``, older ones days apart.

    ``pinned_old`` adds a pinned post far older than the rest (listed first by
    the platform), ``repost`` makes the newest weibo a repost, ``relative``
    renders weibo times as relative text, ``latest_title`` replaces the newest
    post's benign title.
    """
    base = int(ids.weibo_uid(f"{platform}|{name}|{index}")) * 10
    posts: list[SynthPost] = []
    for k in range(count):
        at = latest_at - timedelta(days=3 * k, hours=5 * k, minutes=7 * k)
        text = latest_title if (k == 0 and latest_title) else texts.title(index + k, name, unit)
        is_repost = repost and k == 0 and platform is Platform.weibo
        posts.append(
            SynthPost(
                id=str(base + k),
                published_at=at,
                text=text,
                repost=is_repost,
                original_at=at - timedelta(days=1, hours=3) if is_repost else None,
                relative=relative and platform is Platform.weibo,
            )
        )
    if pinned_old:
        posts.insert(
            0,
            SynthPost(
                id=str(base + 99),
                published_at=latest_at - timedelta(days=400 + index % 200),
                text=texts.old_title(index, name),
                pinned=True,
            ),
        )
    return tuple(posts)


# --- synthetic province (issue 8) ------------------------------------------------------

_DISTRICTS = (
    ("市直", "东川"),
    ("东湖区", "东湖"),
    ("西山县", "西山"),
    ("南河县", "南河"),
    ("北岭市", "北岭"),
)
_TOPICS = (
    ("人民政府办公室", "发布"),
    ("公安局", "公安"),
    ("教育局", "教育"),
    ("卫生健康委员会", "卫健"),
    ("市场监督管理局", "市场监管"),
    ("人力资源和社会保障局", "人社"),
    ("交通运输局", "交通"),
    ("文化和旅游局", "文旅"),
    ("应急管理局", "应急"),
    ("民政局", "民政"),
    ("司法局", "司法"),
    ("农业农村局", "农业农村"),
)
_PLATFORM_WEIGHTS = (
    (Platform.wechat, 45),
    (Platform.weibo, 20),
    (Platform.douyin, 20),
    (Platform.toutiao, 15),
)
_TYPES = {
    Platform.wechat: "微信订阅号",
    Platform.weibo: "新浪微博",
    Platform.douyin: "抖音短视频",
    Platform.toutiao: "今日头条",
}
# (state, flaky, stale, weight): stale means ok but silent for months.
_MIX: tuple[tuple[State, Flaky, bool, int], ...] = (
    (State.ok, Flaky.none, False, 820),
    (State.ok, Flaky.none, True, 60),
    (State.ok, Flaky.http_503, False, 25),
    (State.ok, Flaky.empty_feed, False, 10),
    (State.empty, Flaky.none, False, 30),
    (State.not_found, Flaky.none, False, 20),
    (State.banned, Flaky.none, False, 5),
    (State.private, Flaky.none, False, 5),
    (State.wall_418, Flaky.none, False, 5),
    (State.wall_captcha, Flaky.none, False, 5),
    (State.wall_antispider, Flaky.none, False, 5),
)


def _pick(rng: random.Random, platform: Platform) -> tuple[State, Flaky, bool]:
    from .platforms import SUPPORTED_STATES

    options = [
        m
        for m in _MIX
        if m[0] in SUPPORTED_STATES[platform]
        and (m[1] is not Flaky.empty_feed or platform is Platform.toutiao)
    ]
    state, flaky, stale, _ = rng.choices(options, weights=[m[3] for m in options])[0]
    return state, flaky, stale


def synthetic_accounts(n: int, seed: int, as_of: date) -> tuple[list[Account], list[Filing], list[Scenario]]:
    """N invented accounts with their filings and scenarios (pure, deterministic)."""
    rng = random.Random(seed)
    accounts: list[Account] = []
    filings: list[Filing] = []
    scenarios: list[Scenario] = []
    start = datetime.combine(as_of, time(9, 0), CST)
    platforms = [p for p, _ in _PLATFORM_WEIGHTS]
    weights = [w for _, w in _PLATFORM_WEIGHTS]
    for i in range(n):
        platform = rng.choices(platforms, weights=weights)[0]
        district, short = _DISTRICTS[i % len(_DISTRICTS)]
        topic_unit, topic_name = _TOPICS[rng.randrange(len(_TOPICS))]
        unit = f"{short}{'市' if district == '市直' else ''}{topic_unit}"
        name = f"{short}{topic_name}{i:05d}"
        account_id = ids.account_id(platform, f"gen|{seed}|{i}", wechat_prefix="gz")
        state, flaky, stale = _pick(rng, platform)
        received = start + timedelta(seconds=3 * i)
        posts: tuple[SynthPost, ...] = ()
        if state is State.ok:
            age = timedelta(days=rng.randint(20, 700)) if stale else timedelta(hours=rng.randint(1, 300))
            posts = make_posts(
                platform,
                name,
                unit,
                received - age,
                i,
                count=rng.randint(1, 6),
                pinned_old=rng.random() < 0.15 and platform is not Platform.wechat,
                repost=rng.random() < 0.2,
                relative=rng.random() < 0.3,
            )
        scenarios.append(
            Scenario(
                platform=platform,
                account_id=account_id,
                live_name=name,
                received_at=received,
                subject=unit,
                state=state,
                posts=posts,
                flaky=flaky,
            )
        )
        accounts.append(
            Account(
                district=district,
                unit=unit,
                name=name,
                platform=platform.value,
                account_type=_TYPES[platform],
                account_id=account_id,
                url=page_url(platform, account_id) if platform is not Platform.wechat else "",
            )
        )
        roll = rng.random()
        if roll < 0.05:
            continue  # unfiled
        filed_name = name + "（原）" if roll < 0.07 else name  # a real name difference
        filings.append(
            Filing(
                filing_no=f"SYN{seed:04d}{i:07d}",
                name=filed_name,
                platform=platform.value,
                account_id=account_id,
                unit=unit,
                district=district,
                status="已备案",
                filed_on=as_of - timedelta(days=30 + rng.randint(0, 900)),
            )
        )
    return accounts, filings, scenarios


def generate(n: int, seed: int, out_dir: Path, as_of: date = date(2022, 6, 20)) -> tuple[Path, Path, Path]:
    """Write ``ledger.csv``, ``registry.csv`` and ``corpus.har`` for N synthetic accounts.

    Returns the three paths in that order.
    """
    out = Path(out_dir)
    accounts, filings, scenarios = synthetic_accounts(n, seed, as_of)
    ledger = write_ledger(accounts, out / "ledger.csv")
    registry = write_registry(filings, out / "registry.csv")
    corpus = write_corpus(scenarios, out / "corpus.har", comment=f"synthetic: n={n} seed={seed}")
    return ledger, registry, corpus
