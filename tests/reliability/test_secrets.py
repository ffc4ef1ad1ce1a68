"""Login storage states are read from browsers/ only and never reach outputs, evidence or logs.

A storage state with a recognizable cookie value (and a local-storage token)
is planted for every platform; a replayed sweep runs with it; then every file
it wrote and everything it printed is searched for the values.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newmedia_audit.cli import main
from newmedia_audit.collect.browser import storage_state_path
from newmedia_audit.models import Platform
from newmedia_audit.synth.tables import write_registry

from .conftest import AS_OF, fresh_accounts, httpx_settings, run_sweep

COOKIE = "nmaudit-planted-cookie-7f3a9c"
TOKEN = "nmaudit-planted-token-51e0d2"
DOMAINS = {
    Platform.weibo: ".weibo.cn",
    Platform.douyin: ".douyin.com",
    Platform.toutiao: ".toutiao.com",
    Platform.wechat: ".sogou.com",
}


def plant(browsers: Path) -> None:
    browsers.mkdir(parents=True, exist_ok=True)
    for platform, domain in DOMAINS.items():
        state = {
            "cookies": [
                {
                    "name": "SUB",
                    "value": COOKIE,
                    "domain": domain,
                    "path": "/",
                    "expires": -1,
                    "httpOnly": True,
                    "secure": True,
                    "sameSite": "Lax",
                }
            ],
            "origins": [
                {"origin": f"https://www{domain}", "localStorage": [{"name": "token", "value": TOKEN}]}
            ],
        }
        path = storage_state_path(browsers, platform.value)
        path.write_text(json.dumps(state), "utf-8")
        os.chmod(path, 0o600)


def leaks(root: Path, *texts: str) -> list[str]:
    """Files under ``root`` (and texts) holding a planted value."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and (COOKIE.encode() in path.read_bytes() or TOKEN.encode() in path.read_bytes()):
            found.append(str(path))
    found += [f"output {i}" for i, t in enumerate(texts) if COOKIE in t or TOKEN in t]
    return found


def test_the_planted_values_are_found_when_present(tmp_path: Path) -> None:
    """Control: the search finds a planted value, so the checks below can fail."""
    plant(tmp_path / "browsers")
    assert leaks(tmp_path) and leaks(tmp_path / "x", f"cookie {COOKIE}")


def test_an_httpx_sweep_with_login_states_writes_no_secret(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    plant(tmp_path / "browsers")
    accounts, corpus = fresh_accounts(tmp_path / "in")
    out = tmp_path / "out"
    _, store = run_sweep(accounts, corpus, out, httpx_settings(), browsers_dir=tmp_path / "browsers")
    store.close()
    captured = capfd.readouterr()
    assert leaks(out, captured.out, captured.err) == []


@pytest.mark.browser
def test_a_browser_sweep_through_the_cli_with_login_states_writes_no_secret(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    plant(work / "browsers")  # the CLI reads browsers/ of the working directory
    accounts, corpus = fresh_accounts(tmp_path / "in", per_platform=2)
    from newmedia_audit.models import Filing
    from newmedia_audit.synth.tables import write_ledger

    ledger = write_ledger(accounts, tmp_path / "in" / "ledger.csv")
    registry = write_registry(
        [
            Filing(
                filing_no=f"S{i}",
                name=a.name,
                platform=a.platform,
                account_id=a.account_id,
                unit=a.unit,
                district="市直",
            )
            for i, a in enumerate(accounts)
        ],
        tmp_path / "in" / "registry.csv",
    )
    monkeypatch.chdir(work)
    for platform in Platform:
        monkeypatch.setenv(f"NEWMEDIA_AUDIT_{platform.value.upper()}__USE_HTTPX", "false")
    monkeypatch.setenv("NEWMEDIA_AUDIT_BROWSER__SCREENSHOTS", "all")  # screenshots are searched too
    out = tmp_path / "out"
    code = main(
        ["sweep", "--ledger", str(ledger), "--registry", str(registry), "--replay", str(corpus)]
        + ["--as-of", AS_OF.isoformat(), "--out", str(out)]
    )
    captured = capfd.readouterr()
    assert code == 0, captured.err
    assert list((out / "evidence").rglob("screenshot.jpg"))  # the browser path really ran
    assert leaks(out, captured.out, captured.err) == []
    assert leaks(tmp_path / "in") == []
    assert sorted(p.name for p in work.iterdir()) == ["browsers"]  # nothing written beside the states
