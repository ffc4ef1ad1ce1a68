"""Build the seed-001 demo inputs: ledger, registry, websites, replay corpus, previous sweep.

Pure construction (``demo_accounts``, ``demo_filings``, ``demo_scenarios``)
plus one writer, ``build_demo``. No clock, no randomness: every run writes the
same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from ..models import VERDICTS_CSV_COLUMNS, Account, Filing, Platform
from ..synth import ids
from ..synth.corpus import make_posts, write_corpus
from ..synth.platforms import CST, Decoy, Flaky, Scenario, State, SynthPost, page_url
from ..synth.tables import write_csv, write_ledger, write_registry
from . import accounts as defs
from .accounts import DemoAccount, Situation

Key = tuple[str, str, str]  # (district, name, account_type)

DISTRICT_CODES: dict[str, str] = {
    "市直": "421200",
    "咸安区": "421202",
    "嘉鱼县": "421221",
    "通城县": "421222",
    "崇阳县": "421223",
    "通山县": "421224",
    "赤壁市": "421281",
}
WECHAT_PREFIX: dict[str, str] = {"市直": "xn", **{d: v[1] for d, v in defs.COUNTIES.items()}}
CAPTURE_START = datetime.combine(defs.AS_OF, time(9, 0), CST)
VERDICT_COLUMNS = VERDICTS_CSV_COLUMNS


@dataclass(frozen=True)
class DemoPaths:
    """Where ``build_demo`` wrote the demo inputs."""

    out_dir: Path
    ledger: Path  # ledger.csv
    registry: Path  # registry.csv
    websites: Path  # websites.csv
    corpus: Path  # corpus.har
    previous: Path  # previous/ (results.json, verdicts.csv)
    as_of: date


def key_of(account: DemoAccount) -> Key:
    return (account.district, account.name, account.account_type)


def _county_passing(district: str, count: int) -> list[DemoAccount]:
    short, _, towns = defs.COUNTIES[district]
    prefix = district
    templates = [(u.format(P=prefix), n.format(S=short), t) for u, n, t in defs.COUNTY_TEMPLATES]
    town_rows = [
        (f"{town}人民政府", f"{town.removesuffix('镇').removesuffix('乡')}发布", "微信订阅号")
        for town in towns
    ]
    ordered = templates[:8] + town_rows[:2] + templates[8:] + town_rows[2:]
    failing = {(a.name, a.platform) for a in defs.FAILING if a.district == district}
    rows = [r for r in ordered if (r[1], defs.TYPE_PLATFORM[r[2]]) not in failing]
    if len(rows) < count:
        raise ValueError(f"not enough demo account templates for {district}")
    return [DemoAccount(district, unit, name, kind) for unit, name, kind in rows[:count]]


def _unused_towns(district: str, count: int) -> list[tuple[str, str, str]]:
    """County town accounts not in the current ledger (checked in the previous sweep only)."""
    short, _, towns = defs.COUNTIES[district]
    used = {a.name for a in _county_passing(district, count)}
    rows = [
        (f"{town}人民政府", f"{town.removesuffix('镇').removesuffix('乡')}发布", "微信订阅号")
        for town in towns
    ]
    return [r for r in rows if r[1] not in used]


def demo_definitions() -> list[DemoAccount]:
    """All demo accounts in ledger order: by district, failing accounts first (seed table order)."""
    result: list[DemoAccount] = []
    for district, total in defs.DISTRICT_COUNTS.items():
        failing = [a for a in defs.FAILING if a.district == district]
        passing_count = total - len(failing)
        if district == "市直":
            passing = [DemoAccount(district, u, n, t) for u, n, t in defs.CITY_PASSING]
            if len(passing) != passing_count:
                raise ValueError(f"市直 passing accounts: {len(passing)} defined, {passing_count} needed")
        else:
            passing = _county_passing(district, passing_count)
        result.extend(failing)
        for account in passing:
            variant = defs.FILED_VARIANTS.get(key_of(account))
            result.append(replace(account, filed_name=variant) if variant else account)
    _check_keys(result)
    return result


def _check_keys(definitions: list[DemoAccount]) -> None:
    """Every special case named in accounts.py must name a ledger account."""
    known = {key_of(a) for a in definitions}
    named = (
        set(defs.FILED_VARIANTS)
        | defs.FILED_WITHOUT_ID
        | defs.FLAKY_503
        | defs.FLAKY_EMPTY_FEED
        | set(defs.DECOYS)
        | set(defs.PREVIOUS_FIXED)
        | {defs.CANCELLED_FILING, defs.PREVIOUS_UNRECTIFIED}
    )
    unknown = sorted(named - known)
    if unknown:
        raise ValueError(f"demo definitions name accounts not in the ledger: {unknown}")


def account_id_of(account: DemoAccount) -> str:
    if account.wechat_id:
        return account.wechat_id
    seed_key = f"demo001|{account.district}|{account.unit}|{account.name}|{account.account_type}"
    return ids.account_id(account.platform, seed_key, WECHAT_PREFIX[account.district])


def to_account(account: DemoAccount) -> Account:
    """The ledger row of a demo account."""
    account_id = account_id_of(account)
    url = "" if account.platform is Platform.wechat else page_url(account.platform, account_id)
    return Account(
        district=account.district,
        unit=account.unit,
        name=account.name,
        platform=account.platform.value,
        account_type=account.account_type,
        account_id=account_id,
        url=url,
    )


def demo_accounts() -> list[Account]:
    """The demo ledger."""
    return [to_account(a) for a in demo_definitions()]


def _filing(
    index: int, district: str, unit: str, name: str, platform: Platform, account_id: str, status: str
) -> Filing:
    return Filing(
        filing_no=f"鄂备{DISTRICT_CODES[district]}{index + 1:04d}",
        name=name,
        platform=platform.value,
        account_id=account_id,
        unit=unit,
        district=district,
        status=status,
        filed_on=date(2019, 3, 1) + timedelta(days=(index * 11) % 900),
    )


def demo_filings() -> list[Filing]:
    """The demo registry: every filed account (some with form variants of the name),
    the name mismatch, a cancelled filing and filings with no ledger account."""
    filings: list[Filing] = []
    for index, account in enumerate(demo_definitions()):
        if not account.filed:
            continue
        account_id = "" if key_of(account) in defs.FILED_WITHOUT_ID else account_id_of(account)
        name = account.filed_name or account.name
        filings.append(
            _filing(index, account.district, account.unit, name, account.platform, account_id, "已备案")
        )
    base = len(filings) + 1000
    for offset, (district, unit, name, kind) in enumerate(defs.EXTRA_FILINGS):
        extra = DemoAccount(district, unit, name, kind)
        filings.append(
            _filing(base + offset, district, unit, name, extra.platform, account_id_of(extra), "已备案")
        )
    cancelled = next(a for a in defs.FAILING if key_of(a) == defs.CANCELLED_FILING)
    filings.append(
        _filing(
            base + 50,
            cancelled.district,
            cancelled.unit,
            cancelled.name,
            cancelled.platform,
            account_id_of(cancelled),
            "已注销",
        )
    )
    return filings


def _scenario(index: int, account: DemoAccount) -> Scenario:
    platform = account.platform
    key = key_of(account)
    received = CAPTURE_START + timedelta(seconds=40 * index)
    state = State.ok
    posts: tuple[SynthPost, ...] = ()
    if account.situation is Situation.never:
        state = State.empty
    elif account.situation is Situation.stale:
        assert account.last_post is not None
        posts = make_posts(platform, account.name, account.unit, account.last_post, index, count=2)
    else:
        hours = 20 + index % 50 if account.situation is Situation.serious else 2 + (index * 7) % 190
        posts = make_posts(
            platform,
            account.name,
            account.unit,
            received - timedelta(hours=hours, minutes=(index * 13) % 60),
            index,
            count=3 + index % 3,
            pinned_old=platform in (Platform.weibo, Platform.douyin) and index % 4 == 0,
            repost=index % 3 == 1,
            relative=index % 2 == 0,
            latest_title=account.title,
        )
    flaky = Flaky.none
    if key in defs.FLAKY_503:
        flaky = Flaky.http_503
    elif key in defs.FLAKY_EMPTY_FEED:
        flaky = Flaky.empty_feed
    decoys: tuple[Decoy, ...] = ()
    if key in defs.DECOYS:
        decoy_name, decoy_id = defs.DECOYS[key]
        decoys = (
            Decoy(decoy_name, decoy_id, f"{decoy_name}：五一假期服务安排", received - timedelta(hours=6)),
        )
    return Scenario(
        platform=platform,
        account_id=account_id_of(account),
        live_name=account.name,
        received_at=received,
        subject=account.unit,
        state=state,
        posts=posts,
        flaky=flaky,
        decoys=decoys,
    )


def demo_scenarios() -> list[Scenario]:
    """What each demo account's platform shows, in ledger order."""
    return [_scenario(i, a) for i, a in enumerate(demo_definitions())]


# --- previous sweep -------------------------------------------------------------------


def _rate(passed: int, decided: int) -> float:
    if decided == 0:
        return 0.0
    value = Decimal(passed * 100) / Decimal(decided)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def previous_rows() -> list[dict[str, str]]:
    """verdicts.csv rows of the previous sweep (2022 Q1)."""
    current_failing = {key_of(a) for a in defs.FAILING}
    anchor = datetime.combine(defs.PREVIOUS_AS_OF, time(8, 0), CST)
    rows: list[dict[str, str]] = []

    def add(
        account: DemoAccount, status: str, last: datetime | None, verdict: str, reasons: list[str]
    ) -> None:
        account_id = account_id_of(account)
        rows.append(
            {
                "district": account.district,
                "unit": account.unit,
                "platform": account.platform.value,
                "account_type": account.account_type,
                "name": account.name,
                "account_id": account_id,
                "status": status,
                "live_name": account.name if status == "ok" else "",
                "last_post_at": _iso(last),
                "verdict": verdict,
                "primary_reason": reasons[0] if reasons else "",
                "reasons": ";".join(reasons),
                "evidence": f"evidence/{account.platform.value}/{account_id}/",
            }
        )

    for index, account in enumerate(demo_definitions()):
        key = key_of(account)
        fresh = anchor - timedelta(days=index % 9, hours=index % 7)
        if key == defs.PREVIOUS_UNRECTIFIED:
            add(account, "ok", account.last_post, "fail", ["not_updated", "unregistered"])
        elif key in current_failing:
            continue  # not in the previous sample
        elif key in defs.PREVIOUS_FIXED:
            reason = defs.PREVIOUS_FIXED[key]
            last = anchor - timedelta(days=75 + index % 20) if reason == "not_updated" else fresh
            add(account, "ok", last, "fail", [reason])
        else:
            add(account, "ok", fresh, "pass", [])
    for district, unit, name, kind, reason, status in defs.PREVIOUS_CLOSED:
        add(DemoAccount(district, unit, name, kind), status, None, "fail", [reason])
    missing = defs.PREVIOUS_CHECKED - len(rows)
    extra: list[DemoAccount] = []
    for district, total in defs.DISTRICT_COUNTS.items():
        if district in defs.COUNTIES:
            passing = total - sum(1 for a in defs.FAILING if a.district == district)
            extra += [DemoAccount(district, u, n, t) for u, n, t in _unused_towns(district, passing)]
    if len(extra) < missing:
        raise ValueError("not enough previous-only accounts")
    for index, account in enumerate(extra[:missing]):
        add(account, "ok", anchor - timedelta(days=1 + index % 10), "pass", [])
    order = list(defs.DISTRICT_COUNTS)
    rows.sort(key=lambda r: order.index(r["district"]))
    failed = sum(1 for r in rows if r["verdict"] == "fail")
    if (len(rows), failed) != (defs.PREVIOUS_CHECKED, defs.PREVIOUS_FAILED):
        raise ValueError(f"previous sweep: {len(rows)} checked, {failed} failed")
    return rows


def previous_results(rows: list[dict[str, str]]) -> dict[str, object]:
    """results.json of the previous sweep, computed from its rows."""

    def block(subset: list[dict[str, str]]) -> dict[str, object]:
        checked = len(subset)
        failed = sum(1 for r in subset if r["verdict"] == "fail")
        review = sum(1 for r in subset if r["verdict"] == "review")
        passed = checked - failed - review
        return {
            "checked": checked,
            "passed": passed,
            "failed": failed,
            "review": review,
            "rate": _rate(passed, checked - review),
        }

    reasons = {
        r: sum(1 for row in rows if row["primary_reason"] == r)
        for r in (
            "serious_error",
            "not_updated",
            "never_updated",
            "unregistered",
            "name_mismatch",
            "unreachable",
        )
    }
    return {
        "as_of": defs.PREVIOUS_AS_OF.isoformat(),
        "generated_at": defs.PREVIOUS_GENERATED_AT,
        "label": defs.PREVIOUS_LABEL,
        "new_media": block(rows),
        "reasons": reasons,
        "districts": [
            {"district": d, "new_media": block([r for r in rows if r["district"] == d])}
            for d in defs.DISTRICT_COUNTS
        ],
        "skipped_rows": [],
    }


def _write_text(path: Path, text: str) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return path


def write_previous(directory: Path) -> Path:
    """Write the previous sweep's results.json and verdicts.csv into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = previous_rows()
    write_csv(VERDICT_COLUMNS, ([r[c] for c in VERDICT_COLUMNS] for r in rows), directory / "verdicts.csv")
    text = json.dumps(previous_results(rows), ensure_ascii=False, indent=2) + "\n"
    _write_text(directory / "results.json", text)
    return directory


def write_websites(path: Path) -> Path:
    """Copy the transcribed seed-001 website table (附件1)."""
    source = resources.files(__package__).joinpath("websites_seed001.csv")
    tmp = path.with_name(path.name + ".tmp")
    with source.open("rb") as src, open(tmp, "wb") as dst:
        dst.write(b"\xef\xbb\xbf")
        shutil.copyfileobj(src, dst)
    os.replace(tmp, path)
    return path


def demo_paths(out_dir: Path) -> DemoPaths:
    """Where the demo inputs live under ``out_dir`` (nothing is written)."""
    out = Path(out_dir)
    return DemoPaths(
        out_dir=out,
        ledger=out / "ledger.csv",
        registry=out / "registry.csv",
        websites=out / "websites.csv",
        corpus=out / "corpus.har",
        previous=out / "previous",
        as_of=defs.AS_OF,
    )


def build_demo(out_dir: Path) -> DemoPaths:
    """Write the seed-001 demo inputs into ``out_dir`` (same bytes every run)."""
    paths = demo_paths(out_dir)
    paths.out_dir.mkdir(parents=True, exist_ok=True)
    write_ledger(demo_accounts(), paths.ledger)
    write_registry(demo_filings(), paths.registry)
    write_websites(paths.websites)
    write_corpus(demo_scenarios(), paths.corpus, comment="newmedia-audit demo: seed 001 (咸宁 2022 Q2)")
    write_previous(paths.previous)
    return paths
