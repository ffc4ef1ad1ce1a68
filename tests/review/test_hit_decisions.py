"""Each wording hit decided on its own, through the real server: the per-hit forms (CSRF,
refused forms, stale pages), the hits list's per-hit state, the history, overrides.csv's
hit column and the regenerated reports, which cite only the hits that stand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from newmedia_audit.review.decisions import OVERRIDES_FILE
from newmedia_audit.rules.overrides import read_overrides
from newmedia_audit.store import Store

from .forms import decide, form_fields, hidden_fields
from .server import serving
from .sweep import HIT_GOV, Sweep, build_sweep

GOV = "攻府@https://m.weibo.cn/status/h2"  # the first hit (newest post first)
BRI = "一带一路战略@https://m.weibo.cn/status/h3"


@pytest.fixture
def two_hits(tmp_path: Path) -> Sweep:
    return build_sweep(tmp_path, more_hits=True)


@pytest.fixture
def site2(two_hits: Sweep) -> Iterator[str]:
    with serving(two_hits.out) as base:
        yield base


def account_page(client: httpx.Client, site: str) -> str:
    return client.get(f"{site}/account", params={"key": HIT_GOV.key}).text


def states(page: str) -> list[str]:
    """The state cells of the account page's hits table, in order."""
    return re.findall(r'<b class="hit-state" data-state="(\w+)">', page)


def stored(sweep: Sweep) -> list[tuple[str, str, str]]:
    store = Store(sweep.out / "state.sqlite")
    try:
        return [(d.subject, d.value, d.officer) for d in store.decisions()]
    finally:
        store.close()


def regenerate(client: httpx.Client, site: str) -> None:
    home = client.get(site + "/").text
    done = client.post(site + "/regenerate", data=hidden_fields(home, "regenerate-form"))
    assert done.status_code == 303


def cited(out: Path) -> str:
    """What report.xlsx's 新媒体明细 cites as HIT_GOV's wording hits."""
    sheet = openpyxl.load_workbook(out / "report.xlsx", read_only=True)["新媒体明细"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("严重表述错误线索")
    [row] = [r for r in rows if r[2] == HIT_GOV.name]
    return str(row[column] or "")


def test_each_hit_has_its_own_form_and_state(two_hits: Sweep, site2: str) -> None:
    with httpx.Client() as client:
        page = account_page(client, site2)
        assert states(page) == ["pending", "pending"]
        assert hidden_fields(page, "decide-hit-0")["subject"] == f"wording:{GOV}"
        assert hidden_fields(page, "decide-hit-1")["subject"] == f"wording:{BRI}"
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-0", value="confirm", officer="张三").status_code
            == 303
        )
        page = account_page(client, site2)
        assert states(page) == ["confirm", "pending"]
        assert '<b id="wording-state">已确认 1 条，待确认 1 条</b>' in page
        saved = decide(
            client, site2, HIT_GOV.key, "decide-hit-1", value="dismiss", officer="李四", note="非错误"
        )
        assert saved.status_code == 303
        page = account_page(client, site2)
    assert states(page) == ["confirm", "dismiss"]
    # The history says which hit, and what it was.
    assert "确认线索「攻府」（https://m.weibo.cn/status/h2）" in page
    assert "排除线索「一带一路战略」（https://m.weibo.cn/status/h3）" in page
    assert "线索「一带一路战略」（https://m.weibo.cn/status/h3）：待确认" in page
    assert stored(two_hits) == [(f"wording:{GOV}", "confirm", "张三"), (f"wording:{BRI}", "dismiss", "李四")]
    rows = read_overrides(two_hits.out / OVERRIDES_FILE)
    assert [(r.verdict.value, r.reason.value if r.reason else "", r.hit) for r in rows] == [
        ("fail", "serious_error", GOV),
        ("pass", "serious_error", BRI),
    ]
    header = (two_hits.out / OVERRIDES_FILE).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "platform,account_id,verdict,reason,hit,note,officer,decided_at"


def test_the_hits_list_shows_each_hits_own_state_and_filters_by_it(two_hits: Sweep, site2: str) -> None:
    with httpx.Client() as client:
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-1", value="dismiss", officer="李四").status_code
            == 303
        )
        listing = client.get(site2 + "/list/hits").text
        done = client.get(site2 + "/list/hits", params={"state": "done"}).text
        still = client.get(site2 + "/list/hits", params={"state": "open"}).text
    cells = re.findall(r'<td class="hit-state" data-state="(\w+)">(.*?)</td>', listing, re.S)
    assert [s for s, _ in cells] == ["pending", "pending", "dismiss"]  # HIT_STATE's, then HIT_GOV's two
    assert "已排除 · 李四" in cells[2][1]
    assert "一带一路战略" in done and "攻府" not in done
    assert "攻府" in still and "一带一路战略" not in still


def test_regenerated_reports_cite_only_the_hits_that_stand(two_hits: Sweep, site2: str) -> None:
    assert "攻府" in cited(two_hits.out) and "一带一路战略" in cited(two_hits.out)
    with httpx.Client() as client:
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-1", value="dismiss", officer="李四").status_code
            == 303
        )
        regenerate(client, site2)
        # One hit dismissed, the other undecided: the account still fails for it.
        assert "攻府" in cited(two_hits.out) and "一带一路战略" not in cited(two_hits.out)
        page = account_page(client, site2)
        assert 'id="verdict">不合格' in page and states(page) == ["pending", "dismiss"]

        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-0", value="confirm", officer="张三").status_code
            == 303
        )
        regenerate(client, site2)
        assert "攻府" in cited(two_hits.out) and "一带一路战略" not in cited(two_hits.out)

        # Both dismissed: the account passes, nothing cited.
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-0", value="dismiss", officer="张三").status_code
            == 303
        )
        regenerate(client, site2)
        assert cited(two_hits.out) == ""
        assert 'id="verdict">合格' in account_page(client, site2)

        # 撤销 one hit's decision: it is undecided again, and fails the account again.
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-0", value="pending", officer="张三").status_code
            == 303
        )
        assert states(account_page(client, site2)) == ["pending", "dismiss"]
        regenerate(client, site2)
        assert "攻府" in cited(two_hits.out) and "一带一路战略" not in cited(two_hits.out)


def test_the_account_level_form_still_decides_every_hit(two_hits: Sweep, site2: str) -> None:
    with httpx.Client() as client:
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-1", value="dismiss", officer="李四").status_code
            == 303
        )
        assert (
            decide(client, site2, HIT_GOV.key, "decide-wording", value="confirm", officer="张三").status_code
            == 303
        )
        page = account_page(client, site2)
        assert states(page) == ["confirm", "confirm"]
        assert '<b id="wording-state">已确认</b>' in page
        # A later decision on one hit acts after the account-level one, as in overrides.csv.
        assert (
            decide(client, site2, HIT_GOV.key, "decide-hit-1", value="dismiss", officer="李四").status_code
            == 303
        )
        assert states(account_page(client, site2)) == ["confirm", "dismiss"]
        regenerate(client, site2)
    assert "攻府" in cited(two_hits.out) and "一带一路战略" not in cited(two_hits.out)


def test_a_hit_form_without_the_token_is_refused(two_hits: Sweep, site2: str) -> None:
    with httpx.Client() as client:
        fields = hidden_fields(account_page(client, site2), "decide-hit-0") | {
            "value": "dismiss",
            "officer": "张三",
        }
        assert (
            client.post(f"{site2}/decide", data={k: v for k, v in fields.items() if k != "csrf"}).status_code
            == 403
        )
        assert client.post(f"{site2}/decide", data=fields | {"csrf": "forged"}).status_code == 403
    assert stored(two_hits) == []


def test_a_refused_hit_form_keeps_what_was_typed_beside_that_hit(two_hits: Sweep, site2: str) -> None:
    note = "非错误</textarea><script>window.__pwned=5</script>"
    with httpx.Client() as client:
        typed = form_fields(account_page(client, site2), "decide-hit-1")[0] | {
            "value": "dismiss",
            "officer": " ",
            "note": note,
        }
        refused = client.post(f"{site2}/decide", data=typed)
        assert refused.status_code == 400
        fields, controls, text = form_fields(refused.text, "decide-hit-1")
        assert "请填写审核人" in text and fields["note"] == note and fields["officer"] == " "
        assert controls["officer"]["aria-invalid"] == "true" and "autofocus" in controls["officer"]
        assert '<a href="#decide-hit-1">' in refused.text  # the summary on top leads to it
        assert "<script>window.__pwned=5" not in refused.text
        other, _, other_text = form_fields(refused.text, "decide-hit-0")
        assert other["note"] == "" and "请填写审核人" not in other_text
        assert form_fields(refused.text, "decide-wording")[0]["note"] == ""
        saved = client.post(f"{site2}/decide", data=fields | {"officer": "李四", "value": "dismiss"})
        assert saved.status_code == 303
    assert stored(two_hits) == [(f"wording:{BRI}", "dismiss", "李四")]


def test_a_hit_decided_on_a_stale_page_is_refused_keeping_officer_and_note(
    two_hits: Sweep, site2: str
) -> None:
    with httpx.Client() as first, httpx.Client() as second:
        stale = form_fields(account_page(second, site2), "decide-hit-1")[0]
        assert (
            decide(first, site2, HIT_GOV.key, "decide-hit-0", value="confirm", officer="张三").status_code
            == 303
        )
        refused = second.post(
            f"{site2}/decide", data=stale | {"value": "dismiss", "officer": "李四", "note": "误报"}
        )
        assert refused.status_code == 409
        fields, _, text = form_fields(refused.text, "decide-hit-1")
        assert "已由 张三" in text and fields["officer"] == "李四" and fields["note"] == "误报"
        assert fields["base"] != stale["base"]
        assert second.post(f"{site2}/decide", data=fields | {"value": "dismiss"}).status_code == 303
    assert stored(two_hits) == [(f"wording:{GOV}", "confirm", "张三"), (f"wording:{BRI}", "dismiss", "李四")]


def test_a_hit_the_account_does_not_have_is_refused(two_hits: Sweep, site2: str) -> None:
    with httpx.Client() as client:
        fields = hidden_fields(account_page(client, site2), "decide-hit-0")
        for subject in ("wording:攻府@https://m.weibo.cn/status/other", "wording:"):
            refused = client.post(
                f"{site2}/decide", data=fields | {"subject": subject, "value": "dismiss", "officer": "张三"}
            )
            assert refused.status_code == 400
            assert 'id="error">本账号当前没有这条表述错误线索' in refused.text
    assert stored(two_hits) == []
