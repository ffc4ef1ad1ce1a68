"""A small finished sweep on disk (store, evidence, reports), built without a browser.

Nine accounts covering every list of the review page: a pass, two wording hits
(one carrying a <script> in its post), a wall and an error (待复核), an
unsupported platform (待复核, no id), a gone account, a silent one failing
again since the previous sweep, and an unfiled one. The reports come from the
same code as ``newmedia-audit report``.
"""

from __future__ import annotations

import argparse
import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from newmedia_audit import pipeline
from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.evidence import write_evidence
from newmedia_audit.models import Account, Filing, Observation, Post, Status
from newmedia_audit.store import Store

CST = timezone(timedelta(hours=8))
AS_OF = date(2022, 6, 20)
SCRIPT = "<script>window.__pwned=1</script>"
EVIL_NAME = '<img src=x onerror="window.__pwned=2">文化咸宁'
# The smallest well-formed JPEG (1x1): a screenshot the page can show inline.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
    "////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)


def _acc(district: str, unit: str, name: str, platform: str, aid: str) -> Account:
    return Account(district=district, unit=unit, name=name, platform=platform, account_id=aid)


PASS = _acc("市直", "咸宁市人民政府", "咸宁发布", "weibo", "1001")
HIT_STATE = _acc("市直", "咸宁市文化和旅游局", "文化咸宁", "wechat", "whxn")
HIT_GOV = _acc("咸安区", "咸安区人民政府", "咸安发布", "douyin", "MS4xa")
BLOCKED = _acc("咸安区", "咸安区教育局", "咸安教育", "wechat", "xajy")
UNSUPPORTED = _acc("市直", "咸宁市人民政府", "咸宁发布视频号", "other:微信视频号", "")
GONE = _acc("嘉鱼县", "嘉鱼县文化和旅游局", "嘉鱼旅游", "toutiao", "tt9")
SILENT = _acc("嘉鱼县", "嘉鱼县卫健局", "嘉鱼卫健", "weibo", "1007")
ERROR = _acc("嘉鱼县", "嘉鱼县人民政府", "嘉鱼发布", "wechat", "jyfb")
UNFILED = _acc("市直", "咸宁市公安局", "咸宁交警", "weibo", "1009")
ACCOUNTS = [PASS, HIT_STATE, HIT_GOV, BLOCKED, UNSUPPORTED, GONE, SILENT, ERROR, UNFILED]


@dataclass
class Sweep:
    out: Path
    previous: Path


def _at(day: int, month: int = 6, hour: int = 10) -> datetime:
    return datetime(2022, month, day, hour, tzinfo=CST)


def _post(pid: str, when: datetime, text: str) -> Post:
    return Post(id=pid, published_at=when, text=text, link=f"https://m.weibo.cn/status/{pid}")


# With ``more_hits``: a second wording hit of HIT_GOV, in another post.
MORE_HITS_POST = ("h3", "咸安区积极融入一带一路战略。")


def _observations(more_hits: bool = False) -> dict[str, Observation]:
    def seen(a: Account, posts: list[Post], **extra: object) -> Observation:
        return Observation(
            platform=a.platform,
            account_id=a.account_id,
            status=Status.ok,
            live_name=str(extra.pop("live_name", a.name)),
            posts=posts,
            latest_post_at=max(p.published_at for p in posts if p.published_at) if posts else None,
            fetched_at=_at(20, hour=12),
            **extra,  # type: ignore[arg-type]
        )

    def unseen(a: Account, status: Status, detail: str = "", failure: str = "") -> Observation:
        return Observation(
            platform=a.platform,
            account_id=a.account_id,
            status=status,
            detail=detail,
            failure=failure,
            fetched_at=_at(20, hour=12),
        )

    return {
        PASS.key: seen(PASS, [_post("p1", _at(19), "咸宁市召开防汛工作会议")], subject="咸宁市人民政府"),
        HIT_STATE.key: seen(
            HIT_STATE,
            [_post("h1", _at(18), f"热烈庆祝中华人民共合国成立{SCRIPT}周年。下一句。")],
            live_name=EVIL_NAME,
        ),
        HIT_GOV.key: seen(
            HIT_GOV,
            [_post("h2", _at(17), "咸安区攻府召开常务会议。")]
            + ([_post(MORE_HITS_POST[0], _at(16), MORE_HITS_POST[1])] if more_hits else []),
        ),
        BLOCKED.key: unseen(BLOCKED, Status.blocked, "搜狗验证码拦截", "wall"),
        GONE.key: unseen(GONE, Status.not_found, "用户不存在"),
        SILENT.key: seen(SILENT, [_post("s1", _at(25, month=1), "春节值班安排")]),
        ERROR.key: unseen(ERROR, Status.error, "连接超时", "fault"),
        UNFILED.key: seen(UNFILED, [_post("u1", _at(19), "交通提示")]),
    }


def _filings() -> list[Filing]:
    return [
        Filing(filing_no=f"HB-{i:03d}", name=a.name, platform=a.platform, account_id=a.account_id)
        for i, a in enumerate(ACCOUNTS)
        if a is not UNFILED
    ]


def _previous(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    header = "district,unit,platform,account_type,name,account_id,status,live_name,last_post_at,verdict,primary_reason,reasons,evidence"
    rows = [
        "嘉鱼县,嘉鱼县卫健局,weibo,,嘉鱼卫健,1007,ok,嘉鱼卫健,,fail,not_updated,not_updated,",
        "咸安区,咸安区教育局,wechat,,咸安教育,xajy,ok,咸安教育,,pass,,,",
    ]
    (folder / "verdicts.csv").write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


def _evidence(out: Path, observations: dict[str, Observation]) -> None:
    for account in ACCOUNTS:
        if not account.account_id or account.key not in observations:
            continue
        fetched = Fetched(
            url=f"https://example.invalid/{account.account_id}",
            status=200,
            headers={"content-type": "text/html"},
            body=f"<html><body><script>alert(1)</script>{account.name}</body></html>".encode(),
            received_at=_at(20, hour=12),
        )
        paths = write_evidence(out, account.platform, account.account_id, {"profile": fetched}, JPEG)
        old = observations[account.key]
        observations[account.key] = old.model_copy(update={"evidence": paths})


def report(out: Path, overrides: Path | None = None) -> None:
    """Re-assess and rewrite every report, as ``newmedia-audit report OUT [--overrides F]`` does."""
    args = argparse.Namespace(dir=out, overrides=overrides, config=None, previous=None)
    assert pipeline.report_command(args) == 0


def build_sweep(root: Path, *, base_overrides: Path | None = None, more_hits: bool = False) -> Sweep:
    """A finished sweep in ``root/out`` with its previous sweep in ``root/previous``.

    With ``more_hits`` HIT_GOV has two wording hits (攻府 in post h2, 一带一路战略 in h3).
    """
    out = root / "out"
    previous = _previous(root / "previous")
    observations = _observations(more_hits)
    _evidence(out, observations)
    store = Store(out / pipeline.STATE_FILE)
    try:
        store.upsert_accounts(ACCOUNTS)
        for account in ACCOUNTS:
            if account.key in observations:
                visit = store.begin_visit(account)
                store.finish_visit(visit, account, observations[account.key])
        pipeline._save_inputs(
            store,
            pipeline.Inputs(accounts=ACCOUNTS, filings=_filings()),
            AS_OF,
            {"previous": str(previous), "overrides": str(base_overrides) if base_overrides else None},
        )
    finally:
        store.close()
    report(out)
    return Sweep(out=out, previous=previous)
