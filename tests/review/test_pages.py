"""The lists and the account page over a real server: counts, filters, search, paging, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from .server import serving
from .sweep import (
    BLOCKED,
    ERROR,
    GONE,
    HIT_GOV,
    HIT_STATE,
    SILENT,
    UNFILED,
    UNSUPPORTED,
    Sweep,
    report,
)


def keys(html: str) -> list[str]:
    """The accounts a list page shows, in order (one per row; hits repeat their account)."""
    return [k.replace("&#34;", '"') for k in re.findall(r'<tr data-key="([^"]*)"', html)]


def get(base: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(base + path, params=params, timeout=10)


def test_each_list_shows_its_accounts_in_ledger_order_with_counts(site: str) -> None:
    assert keys(get(site, "/list/review").text) == [BLOCKED.key, UNSUPPORTED.key, ERROR.key]
    assert keys(get(site, "/list/fail").text) == [
        HIT_STATE.key,
        HIT_GOV.key,
        GONE.key,
        SILENT.key,
        UNFILED.key,
    ]
    assert keys(get(site, "/list/hits").text) == [HIT_STATE.key, HIT_GOV.key]
    home = get(site, "/").text
    for name, n in (("review", 3), ("fail", 5), ("hits", 2)):
        assert re.search(rf'id="tab-{name}"[^>]*>[^<]*<span class="count">{n}</span>', home)


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/list/fail", {"district": "嘉鱼县"}, [GONE, SILENT]),
        ("/list/fail", {"platform": "weibo"}, [SILENT, UNFILED]),
        ("/list/fail", {"reason": "unreachable"}, [GONE]),
        ("/list/fail", {"reason": "name_mismatch"}, [HIT_STATE]),
        ("/list/fail", {"district": "市直", "platform": "weibo"}, [UNFILED]),
        ("/list/fail", {"q": "交警"}, [UNFILED]),
        ("/list/fail", {"q": "TT9"}, [GONE]),  # account ids, any case
        ("/list/review", {"reason": "blocked"}, [BLOCKED]),
        ("/list/review", {"platform": "other:微信视频号"}, [UNSUPPORTED]),
        ("/list/hits", {"q": "共合国"}, [HIT_STATE]),
        ("/list/hits", {"reason": "机构名称错写"}, [HIT_GOV]),
        ("/list/hits", {"district": "咸安区"}, [HIT_GOV]),
        ("/list/fail", {"q": "%"}, []),  # no pattern characters
    ],
)
def test_filters_and_search_narrow_a_list(
    site: str, path: str, params: dict[str, str], expected: list
) -> None:
    page = get(site, path, **params)
    assert page.status_code == 200
    assert keys(page.text) == [a.key for a in expected]
    assert f"共 {len(expected)} 条" in page.text


def test_filter_choices_come_from_the_list(site: str) -> None:
    page = get(site, "/list/review").text
    assert '<option value="咸安区"' in page and '<option value="嘉鱼县"' in page
    assert '<option value="blocked"' in page and '<option value="error"' in page
    assert '<option value="unreachable"' not in page


def test_paging_is_done_on_the_server_and_keeps_the_filters(sweep: Sweep) -> None:
    with serving(sweep.out, page_size=2) as site:
        first = get(site, "/list/fail")
        assert keys(first.text) == [HIT_STATE.key, HIT_GOV.key]
        assert "第 1 / 3 页" in first.text
        second = get(site, "/list/fail", page="2")
        assert keys(second.text) == [GONE.key, SILENT.key]
        last = get(site, "/list/fail", page="99")  # clamped to the last page
        assert keys(last.text) == [UNFILED.key] and "第 3 / 3 页" in last.text
        filtered = get(site, "/list/fail", platform="weibo", q="嘉鱼")
        assert keys(filtered.text) == [SILENT.key]
        wide = get(site, "/list/review", state="open")
        assert 'href="?state=open&amp;page=2"' in wide.text
        assert get(site, "/list/fail", page="x").status_code == 200


def test_account_page_shows_ledger_visit_verdict_evidence_and_previous(site: str) -> None:
    page = get(site, "/account", key=BLOCKED.key).text
    assert "咸安区教育局" in page and "xajy" in page
    assert "访问受阻（登录/验证）" in page and "搜狗验证码拦截" in page
    assert re.search(r'id="previous">合格<', page)
    shot = re.search(r'<img src="(/evidence/wechat/[^"]+/screenshot\.jpg)"', page)
    assert shot is not None
    assert re.search(r'href="/evidence/wechat/[^"]+/profile\.html" download', page)
    for label in ("结论", "原因", "备注", "审核人", "保存"):
        assert label in page
    assert all(f">{o}</option>" in page for o in ("合格", "不合格", "待复核"))

    silent = get(site, "/account", key=SILENT.key).text
    assert "上期通报未整改" in silent and "春节值班安排" in silent


def test_platform_text_is_escaped_and_hits_are_highlighted(site: str) -> None:
    page = get(site, "/account", key=HIT_STATE.key).text
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "<mark>中华人民共合国</mark>" in page
    assert 'href="https://m.weibo.cn/status/h1"' in page
    hits = get(site, "/list/hits").text
    assert "<script>window" not in hits and "<mark>攻府</mark>" in hits
    assert page.count("<script>") == 1  # the page's own


def test_pages_carry_a_strict_content_security_policy(site: str) -> None:
    response = get(site, "/list/review")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r'(src|href)="(https?:)?//', response.text)


def test_unknown_account_or_list_is_404(site: str) -> None:
    assert get(site, "/account", key="weibo|nobody").status_code == 404
    assert get(site, "/account").status_code == 404
    assert get(site, "/list/everything").status_code == 404


def test_reports_rewritten_outside_the_page_show_up_in_its_lists(sweep: Sweep, site: str) -> None:
    assert len(keys(get(site, "/list/review").text)) == 3
    overrides = sweep.out.parent / "by-hand.csv"
    overrides.write_text("platform,account_id,verdict,reason,note\nwechat,xajy,pass,,\n", encoding="utf-8")
    report(sweep.out, overrides)
    assert keys(get(site, "/list/review").text) == [UNSUPPORTED.key, ERROR.key]


def test_a_foreign_host_name_is_refused_without_a_password(site: str) -> None:
    response = httpx.get(site + "/", headers={"Host": "attacker.example:80"})
    assert response.status_code == 403


def test_the_page_needs_a_finished_sweep(tmp_path: Path) -> None:
    from newmedia_audit.errors import InputError
    from newmedia_audit.review.state import Review, ReviewOptions

    with pytest.raises(InputError, match="state.sqlite"):
        Review(ReviewOptions(out_dir=tmp_path))


def test_the_page_works_when_results_json_is_gone(sweep: Sweep) -> None:
    (sweep.out / "results.json").unlink()
    with serving(sweep.out) as site:
        assert len(keys(get(site, "/list/review").text)) == 3
        assert "尚无 results.json" in get(site, "/").text
