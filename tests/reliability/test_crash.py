"""Crash safety: a sweep SIGKILLed at random points, rerun until done, loses and repeats nothing.

The child (crash_child.py) sweeps a few hundred synthetic accounts through
the replay router with faults on 10% of the requests; the parent kills it
with SIGKILL when a random number of accounts is committed (plus a random
few milliseconds, so kills land anywhere: mid-fetch, mid-evidence, mid-commit),
then reruns the same command until it exits 0.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.evidence import evidence_dir, write_evidence
from newmedia_audit.collect.faults import FaultPlan, inject
from newmedia_audit.store import Store, committed_count
from newmedia_audit.synth.corpus import generate as generate_inputs

from .conftest import ROOT, httpx_settings, run_sweep, synthetic, verdicts

N = 300
SEED = 41
RATE = 0.1


def start(corpus: Path, out: Path, log: Path, delay: float, *extra: str) -> subprocess.Popen[bytes]:
    args = [str(corpus), str(out), str(log), str(N), str(SEED), str(RATE), str(delay), *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crash_child", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finished(out: Path) -> set[str]:
    if not (out / "state.sqlite").exists():
        return set()
    store = Store(out / "state.sqlite")
    try:
        return store.finished_keys()
    finally:
        store.close()


def parsed(log: Path) -> set[str]:
    return set(log.read_text("utf-8").split()) if log.exists() else set()


def check_evidence(out: Path) -> None:
    """No temporary leftovers; indexes parse and name exactly the files there; an ok account's JSON parses."""
    store = Store(out / "state.sqlite")
    ok = {tuple(o.evidence[:1]) for o in store.observations().values() if o.status.value == "ok"}
    store.close()
    files = [p for p in (out / "evidence").rglob("*") if p.is_file()]
    assert files
    assert not [p for p in files if p.name.endswith(".tmp") or p.name.startswith(".")]
    for path in files:
        if path.suffix == ".json" and path.name == "index.json":
            index = json.loads(path.read_text("utf-8"))
            listed = {item["file"] for item in index["responses"]}
            assert listed <= {p.name for p in path.parent.iterdir()}
            assert {p.name for p in path.parent.iterdir()} <= listed | {
                "index.json",
                "screenshot.jpg",
                "review-reason.txt",
            }
            if (path.parent.relative_to(out).as_posix(),) in ok:
                for name in listed:
                    if name.endswith(".json"):
                        json.loads((path.parent / name).read_bytes())


def test_random_sigkills_lose_nothing_and_fetch_nothing_twice(tmp_path: Path) -> None:
    accounts, filings, corpus = synthetic(N, SEED, tmp_path / "in")
    settings = httpx_settings()

    with inject(FaultPlan(rate=RATE, seed=SEED)):
        _, control_store = run_sweep(accounts, corpus, tmp_path / "control", settings)
    expected = verdicts(control_store, filings)
    control_store.close()

    out = tmp_path / "out"
    rng = random.Random(SEED)
    targets = sorted(rng.sample(range(10, N - 10), 5))
    kills = 0
    run = 0
    while True:
        run += 1
        assert run < 20, "the sweep never finished"
        done_before = finished(out)
        log = tmp_path / f"run{run}.log"
        target = targets[kills] if kills < len(targets) else None
        child = start(corpus, out, log, 0.002 if target is not None else 0.0)
        if target is not None:
            deadline = time.monotonic() + 60
            while committed_count(out / "state.sqlite") < target and child.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.02))
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=10)
                assert child.returncode == -signal.SIGKILL
                kills += 1
                # Fetched exactly once after its last committed visit: nothing finished was parsed again.
                assert not parsed(log) & done_before
                continue
        assert child.wait(timeout=120) == 0, child.stderr.read() if child.stderr else ""
        assert not parsed(log) & done_before
        break
    assert kills >= 4

    store = Store(out / "state.sqlite")
    counts = store.finished_visit_counts()
    assert len(counts) == N and set(counts.values()) == {1}
    assert verdicts(store, filings) == expected
    store.close()
    check_evidence(out)


def test_a_write_killed_half_way_leaves_no_temporary_file_after_the_redo(tmp_path: Path) -> None:
    accounts, filings, corpus = synthetic(6, 3, tmp_path / "in")
    _, store = run_sweep(accounts[:3], corpus, tmp_path / "out")
    store.close()
    # A kill between mkstemp and os.replace, and a stale file of a killed visit, in a not committed account.
    victim = accounts[3]
    folder = evidence_dir(tmp_path / "out", victim.platform, victim.account_id)
    folder.mkdir(parents=True)
    (folder / ".posts.json.k1ll3d.tmp").write_bytes(b'{"half": ')
    (folder / "posts.html").write_bytes(b"<html>502 of the killed visit</html>")
    _, store = run_sweep(accounts, corpus, tmp_path / "out")
    assert victim.key in store.finished_keys()
    store.close()
    check_evidence(tmp_path / "out")


def test_rewriting_evidence_keeps_only_the_committed_visits_files(tmp_path: Path) -> None:
    at = datetime(2022, 6, 20, tzinfo=UTC)
    write_evidence(
        tmp_path, "weibo", "1", {"posts": Fetched("u", 502, {"content-type": "text/html"}, b"<x>", at)}
    )
    paths = write_evidence(
        tmp_path, "weibo", "1", {"posts": Fetched("u", 200, {"content-type": "application/json"}, b"[]", at)}
    )
    folder = tmp_path / paths[0]
    assert sorted(p.name for p in folder.iterdir()) == ["index.json", "posts.json"]


def browser_child(corpus: Path, out: Path, log: Path, n: int) -> list[str]:
    args = [str(corpus), str(out), str(log), str(n), str(SEED), str(RATE), "0", "browser"]
    return [sys.executable, "-m", "tests.reliability.crash_child", *args]


@pytest.mark.browser
def test_sigkill_during_a_browser_sweep_then_rerun_completes(tmp_path: Path) -> None:
    n = 40
    accounts, filings, corpus = synthetic(n, SEED, tmp_path / "in")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        browser_child(corpus, out, tmp_path / "b1.log", n), cwd=ROOT, env=env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while committed_count(out / "state.sqlite") < n // 3 and child.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert child.poll() is None, "the sweep ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    done_before = finished(out)
    assert n // 3 <= len(done_before) < n

    rerun = subprocess.run(
        browser_child(corpus, out, tmp_path / "b2.log", n),
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    assert not parsed(tmp_path / "b2.log") & done_before
    store = Store(out / "state.sqlite")
    counts = store.finished_visit_counts()
    assert len(counts) == n and set(counts.values()) == {1}
    assert len(verdicts(store, filings)) == len(accounts)
    store.close()
    check_evidence(out)


def test_the_sweep_command_killed_anywhere_even_while_reporting_reruns_to_the_same_reports(
    tmp_path: Path,
) -> None:
    """The whole command (inputs, visits, assessment, reports) killed at random points, the
    last kill after every visit is committed (assessing or writing reports): the rerun's
    verdicts.csv equals an uninterrupted run's and no temporary file is left."""
    n = 120
    ledger, registry, corpus = generate_inputs(n, SEED, tmp_path / "in")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NEWMEDIA_AUDIT_DEBUG="")
    for platform in ("wechat", "weibo", "douyin", "toutiao"):
        env[f"NEWMEDIA_AUDIT_{platform.upper()}__USE_HTTPX"] = "true"

    def command(out: Path) -> list[str]:
        return [sys.executable, "-m", "newmedia_audit.cli", "sweep", "--ledger", str(ledger)] + [
            *(
                "--registry",
                str(registry),
                "--replay",
                str(corpus),
                "--as-of",
                "2022-06-20",
                "--out",
                str(out),
            )
        ]

    def spawn(out: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command(out), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    control = spawn(tmp_path / "control")
    assert control.wait(timeout=120) == 0, control.stderr.read() if control.stderr else ""

    out = tmp_path / "out"
    rng = random.Random(7)
    kills: list[int] = []
    for target in (rng.randrange(5, n // 2), rng.randrange(n // 2, n - 5), n):
        child = spawn(out)
        deadline = time.monotonic() + 60
        while committed_count(out / "state.sqlite") < target and child.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3) if target == n else 0)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills.append(committed_count(out / "state.sqlite"))
        child.wait(timeout=10)
    assert len(kills) >= 2 and min(kills) < n, kills  # killed mid-sweep, not only after it
    final = spawn(out)
    assert final.wait(timeout=120) == 0, final.stderr.read() if final.stderr else ""

    def rows(folder: Path) -> list[str]:
        return sorted((folder / "verdicts.csv").read_text("utf-8-sig").splitlines())

    assert rows(out) == rows(tmp_path / "control")
    assert not [p for p in out.rglob("*.tmp")]
    store = Store(out / "state.sqlite")
    assert set(store.finished_visit_counts().values()) == {1} and len(store.finished_keys()) == n
    store.close()
