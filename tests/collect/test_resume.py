"""A sweep killed with SIGKILL half-way resumes: only unfinished accounts are fetched again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newmedia_audit.store import Store, committed_count

from .conftest import account_entries, write_har

ROOT = Path(__file__).resolve().parents[2]
N = 60

# The child: the same sweep command each time, a collector that logs every
# parse (one unbuffered line each, so a kill loses none) and takes a little
# time, so the parent can kill it half-way.
CHILD = """
import os, sys, time
from pathlib import Path
from tests.collect.conftest import FakeCollector, fake_account, replay_settings
from newmedia_audit.collect.sweep import sweep
from newmedia_audit.store import Store

har, out, log = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

class Logged(FakeCollector):
    def parse(self, account_id, responses, *, final=False):
        os.write(fd, (account_id + "\\n").encode())
        time.sleep(float(os.environ.get("PARSE_DELAY", "0")))
        return super().parse(account_id, responses, final=final)

accounts = [fake_account(f"{i:03d}") for i in range(int(sys.argv[4]))]
store = Store(out / "state.sqlite")
sweep(accounts, store, replay_settings(), out, replay=[har], collectors={"weibo": Logged()})
"""


def run_child(tmp_path: Path, out: Path, log: Path, delay: float) -> subprocess.Popen[bytes]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, "utf-8")
    env = dict(os.environ, PARSE_DELAY=str(delay), PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "corpus.har"), str(out), str(log), str(N)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def snapshot(out: Path) -> dict[str, dict]:
    store = Store(out / "state.sqlite")
    try:
        return {k: o.model_dump(mode="json") for k, o in store.observations().items()}
    finally:
        store.close()


def test_sigkill_half_way_then_rerun_fetches_only_the_unfinished(tmp_path: Path) -> None:
    write_har(tmp_path / "corpus.har", [e for i in range(N) for e in account_entries(f"{i:03d}")])

    # Control: an uninterrupted run.
    control = run_child(tmp_path, tmp_path / "control", tmp_path / "control.log", 0.0)
    assert control.wait(timeout=60) == 0, control.stderr.read() if control.stderr else ""

    out = tmp_path / "out"
    first = run_child(tmp_path, out, tmp_path / "run1.log", 0.05)
    deadline = time.monotonic() + 60
    while committed_count(out / "state.sqlite") < N // 3:
        assert first.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL

    store = Store(out / "state.sqlite")
    finished_at_kill = {k.split("|", 1)[1] for k in store.finished_keys()}
    store.close()
    assert N // 3 <= len(finished_at_kill) < N

    second = run_child(tmp_path, out, tmp_path / "run2.log", 0.0)
    assert second.wait(timeout=60) == 0, second.stderr.read() if second.stderr else ""

    all_ids = {f"{i:03d}" for i in range(N)}
    refetched = lines(tmp_path / "run2.log")
    assert sorted(refetched) == sorted(all_ids - finished_at_kill)  # each unfinished once, nothing else
    assert set(lines(tmp_path / "run1.log")) >= finished_at_kill

    store = Store(out / "state.sqlite")
    counts = store.finished_visit_counts()
    store.close()
    assert len(counts) == N and set(counts.values()) == {1}

    result, expected = snapshot(out), snapshot(tmp_path / "control")
    assert result == expected
    for obs in result.values():
        folder = out / obs["evidence"][0]
        assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
        index = json.loads((folder / "index.json").read_text("utf-8"))
        for item in index["responses"]:
            assert (folder / item["file"]).stat().st_size > 0
