"""The CLI of the national sweep: sweep --database, worker --burst, report from PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newmedia_audit.cli import main
from newmedia_audit.synth.corpus import generate


@pytest.fixture
def httpx_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    for platform in ("WECHAT", "WEIBO", "DOUYIN", "TOUTIAO"):
        monkeypatch.setenv(f"NEWMEDIA_AUDIT_{platform}__USE_HTTPX", "true")
    monkeypatch.setenv("NEWMEDIA_AUDIT_SCALE__HEARTBEAT", "1")


def test_sweep_on_postgres_then_report_from_it_and_a_worker_with_nothing_to_do(
    database: str, tmp_path: Path, httpx_everywhere: None
) -> None:
    ledger, registry, corpus = generate(30, 3, tmp_path / "in")
    out = tmp_path / "out"
    common = ["--ledger", str(ledger), "--registry", str(registry), "--replay", str(corpus)]
    assert main(["sweep", *common, "--as-of", "2022-06-20", "--out", str(out), "--database", database]) == 0
    rows = (out / "verdicts.csv").read_text("utf-8-sig").splitlines()
    assert len(rows) == 31
    saved = json.loads((out / "database.json").read_text("utf-8"))
    assert saved["database"] == database and "@" in saved["database"]

    (out / "verdicts.csv").unlink()
    assert main(["report", str(out)]) == 0
    assert len((out / "verdicts.csv").read_text("utf-8-sig").splitlines()) == 31
    assert main(["worker", "--database", database, "--replay", str(corpus), "--burst", "--egress", "x"]) == 0


def test_status_shows_a_sweep_s_progress_and_a_paused_egress(
    database: str, tmp_path: Path, httpx_everywhere: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from newmedia_audit.collect.politeness import Pace
    from newmedia_audit.scale.politeness import PgSlot
    from newmedia_audit.scale.store import PgStore

    ledger, registry, corpus = generate(20, 5, tmp_path / "in")
    out = tmp_path / "out"
    common = ["--ledger", str(ledger), "--registry", str(registry), "--replay", str(corpus)]
    assert main(["sweep", *common, "--as-of", "2022-06-20", "--out", str(out), "--database", database]) == 0
    slot = PgSlot(
        PgStore(database, ""), "weibo", "bj-1", Pace(delay=1.0, cooldown=600.0, breaker_threshold=1)
    )
    slot.reserve()
    slot.record_wall()  # the breaker: Weibo waits on bj-1 for the cool-down
    capsys.readouterr()

    assert main(["status", str(out), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    (sweep,) = status["sweeps"]
    assert sweep["done"] == sweep["accounts"] == 20 and sweep["hours_left"] == 0
    assert sum(p["done"] for p in sweep["platforms"]) == 20 and sweep["recent"] == 20
    assert sweep["jobs"].get("succeeded", 0) > 0 and not sweep["jobs"].get("todo")
    (pace,) = [p for p in status["paces"] if p["egress"] == "bj-1"]
    assert pace["platform"] == "weibo" and 590 < pace["paused_s"] <= 600

    assert main(["status", "--database", database]) == 0
    text = capsys.readouterr().out
    assert "已完成 20/20" in text and "bj-1" in text and "微博" in text
    assert main(["status", str(tmp_path / "in")]) == 2  # not a PostgreSQL sweep's out dir


def test_no_work_without_a_database_is_a_usage_error(tmp_path: Path) -> None:
    ledger, registry, _ = generate(4, 3, tmp_path / "in")
    args = [
        "sweep",
        "--ledger",
        str(ledger),
        "--registry",
        str(registry),
        "--no-work",
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(args) == 2


def test_the_database_url_keeps_no_password_in_the_out_dir(tmp_path: Path) -> None:
    from newmedia_audit.scale.sweep import remember, remembered

    remember(tmp_path, "postgresql://audit:s3cret@127.0.0.1:5432/audit", "s")
    assert "s3cret" not in (tmp_path / "database.json").read_text("utf-8")
    assert remembered(tmp_path) == ("postgresql://audit@127.0.0.1:5432/audit", "s")


def test_a_worker_without_its_database_says_so_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    import socket
    import time

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    status = main(["worker", "--database", f"postgresql://audit:secret@127.0.0.1:{port}/audit", "--burst"])
    err = capsys.readouterr().err
    assert status == 1 and time.monotonic() - started < 10
    assert "无法连接 PostgreSQL（postgresql://audit@127.0.0.1" in err and "secret" not in err
