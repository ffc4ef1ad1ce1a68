"""Douyin user search through real headless Chromium, replayed.

The search page's own script fetches the first result page (signed
parameters and all, which the router ignores); the second page is asked
from the page context; a query walled once (search_nil_info verify_check)
is requeued and read on its second visit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newmedia_audit.discover.command import run_command
from newmedia_audit.models import Account
from newmedia_audit.synth.discovery import Role, make_result, write_lists

from .conftest import replay_settings, write_inputs

Q1, Q2 = "东川公安", "东川交警"


@pytest.mark.browser
def test_douyin_search_pages_are_read_through_the_browser(tmp_path: Path) -> None:
    planted = make_result("douyin", "平安东川", cert="东川市公安局官方账号", role=Role.unfiled)
    late = make_result("douyin", "东川网警", cert="东川市公安局网络安全保卫支队", role=Role.unfiled)
    known = make_result("douyin", "东川公安", cert="东川市公安局交通警察支队官方账号", role=Role.ledger)
    fillers = [make_result("douyin", f"东川生活{i}") for i in range(9)]
    walled = make_result("douyin", "东川交警", cert="东川市公安局交警支队官方账号", role=Role.unfiled)
    har = write_lists(
        tmp_path / "corpus.har",
        {("douyin", Q1): [planted, known, *fillers, late], ("douyin", Q2): [walled]},  # `late` is on page 2
        walls={("douyin", Q2): "once"},
    )
    ledger = [Account(district="市直", unit="东川市公安局", name="东川公安", platform="douyin",
                      account_id=known.unique_id)]  # the ledger wrote the 抖音号  # fmt: skip
    ledger_csv, registry_csv = write_inputs(tmp_path, ledger, [])
    queries = tmp_path / "queries.txt"
    queries.write_text(f"{Q1}\n{Q2}\n", encoding="utf-8")
    settings = replay_settings(browser=("douyin",))
    run, findings, written = run_command(
        ledger=ledger_csv,
        registry=registry_csv,
        out=tmp_path / "out",
        settings=settings,
        regions=["东川市"],
        queries_file=queries,
        platforms=["douyin"],
        replay=[har],
        progress=False,
    )
    pages = {(p.query, p.page): p for p in run.pages}
    assert set(pages) == {(Q1, 1), (Q1, 2), (Q2, 1)}
    assert pages[(Q1, 1)].status == "done" and pages[(Q1, 1)].hits == 10
    assert pages[(Q1, 2)].status == "done" and pages[(Q1, 2)].hits == 2
    assert (pages[(Q2, 1)].status, pages[(Q2, 1)].tries, pages[(Q2, 1)].walls) == ("done", 2, 1)
    found = {c.hit.account_id: c for c in findings.candidates}
    assert set(found) == {planted.account_id, late.account_id, walled.account_id}
    assert all(c.hit.platform == "douyin" for c in findings.candidates)
    evidence = tmp_path / "out" / pages[(Q1, 1)].evidence
    assert (evidence / "page.html").is_file() and (evidence / "search.json").is_file()
    assert written.csv.is_file() and written.xlsx.is_file()
