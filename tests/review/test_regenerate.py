"""重新生成报告: the same reports as ``newmedia-audit report OUTDIR --overrides OUTDIR/overrides.csv``,
then the page shows the new figures and lists."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx

from newmedia_audit.cli import main

from .forms import decide, hidden_fields
from .server import serving
from .sweep import BLOCKED, ERROR, HIT_GOV, Sweep


def _figures(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _regenerate(client: httpx.Client, site: str) -> httpx.Response:
    home = client.get(site + "/").text
    return client.post(site + "/regenerate", data=hidden_fields(home, "regenerate-form"))


def test_regenerating_applies_the_decisions_and_shows_the_new_figures(sweep: Sweep, tmp_path: Path) -> None:
    before = _figures(sweep.out)["new_media"]
    with serving(sweep.out) as site, httpx.Client() as client:
        assert decide(client, site, BLOCKED.key, value="pass", officer="张三").status_code == 303
        assert (
            decide(client, site, ERROR.key, value="fail", reason="unreachable", officer="张三").status_code
            == 303
        )
        assert (
            decide(client, site, HIT_GOV.key, "decide-wording", value="dismiss", officer="李四").status_code
            == 303
        )
        assert "3</b> 条复核结论尚未计入报告" in client.get(site + "/").text

        done = _regenerate(client, site)
        assert done.status_code == 303 and done.headers["location"] == "/?regenerated=1"
        home = client.get(site + done.headers["location"]).text
        after = _figures(sweep.out)["new_media"]
        assert after["review"] == before["review"] - 2
        assert after["passed"] == before["passed"] + 2  # BLOCKED, and HIT_GOV's hit dismissed
        assert after["failed"] == before["failed"]  # ERROR fails, HIT_GOV passes
        assert "报告已重新生成" in home and 'id="pending"' not in home
        card = re.search(r'id="fig-new_media".*?</div>\s*</div>', home, re.S)
        assert card is not None
        for field in ("checked", "passed", "failed", "review"):
            assert f'data-field="{field}">{after[field]}<' in card.group(0)
        review_list = client.get(site + "/list/review").text
        assert BLOCKED.key not in review_list and ERROR.key not in review_list

    # The command line with the page's overrides file writes the same verdicts and figures.
    page_csv = (sweep.out / "verdicts.csv").read_bytes()
    copy = tmp_path / "copy"
    shutil.copytree(sweep.out, copy)
    assert main(["report", str(copy), "--overrides", str(copy / "overrides.csv")]) == 0
    assert (copy / "verdicts.csv").read_bytes() == page_csv
    strip = lambda d: {k: v for k, v in d.items() if k != "generated_at"}  # noqa: E731
    assert strip(_figures(copy)) == strip(_figures(sweep.out))


def test_regenerating_needs_the_csrf_token(sweep: Sweep, site: str) -> None:
    generated = _figures(sweep.out)["generated_at"]
    assert httpx.post(site + "/regenerate").status_code == 403
    assert httpx.post(site + "/regenerate", data={"csrf": "forged"}).status_code == 403
    assert _figures(sweep.out)["generated_at"] == generated
