"""``make soak`` (issue 9): a long sweep killed again and again, with faults injected.

``python -m newmedia_audit.bench.soak [--accounts 5000 --kills 20 --rate 0.1 --seed 1]``

1. Writes a synthetic province (ledger, registry, HAR corpus) of N accounts.
2. Control: one uninterrupted sweep without faults, assessed: the truth.
3. Soak: the same sweep with faults on ``rate`` of the replayed requests
   (collect/faults.py: timeouts, resets, 5xx, 429, empty feeds, truncated
   JSON, HTML, walls), run in a child process that is SIGKILLed ``kills``
   times at random points and rerun until it finishes. Every child logs each
   parse as one unbuffered line, so the parent knows what each run fetched.
4. Prints the figures, and exits 1 if a must-be-zero one is not:
   - kills survived: kills after which a rerun carried on from the store;
   - accounts lost: accounts without a committed observation at the end;
   - accounts fetched twice: accounts fetched by a run after their visit was
     committed, or with more than one finished visit in the store;
   - false failures: accounts failing in the soak for a reason the control
     run does not give them (an injected fault must never become a fail).

The httpx path is used on every platform (the same router and code path
as the browser, far faster), so 5,000 accounts and 20 kills take minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from ..collect.faults import FaultPlan, inject
from ..collect.sweep import default_collectors, sweep
from ..models import Filing, Platform
from ..rules.assess import assess
from ..settings import Settings
from ..store import Store, committed_count
from ..synth.corpus import synthetic_accounts, write_corpus

AS_OF = date(2022, 6, 20)
STATE = "state.sqlite"


def soak_settings() -> Settings:
    """Every platform on the httpx path; the default retries and wall requeues."""
    settings = Settings()
    for platform in Platform:
        settings.platform(platform.value).use_httpx = True
    return settings


class _Logged:
    """A collector that logs each parse (one unbuffered line: the account key), then parses."""

    def __init__(self, inner: Any, fd: int) -> None:
        self.inner = inner
        self.fd = fd
        self.platform = inner.platform

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def parse(self, account_id: str, responses: dict, *, final: bool = False) -> Any:
        os.write(self.fd, f"{self.platform.value}|{account_id}\n".encode())
        return self.inner.parse(account_id, responses, final=final)


def child(corpus: Path, out: Path, log: Path, n: int, seed: int, rate: float) -> int:
    """One run of the soaked sweep (the same arguments always make the same sweep)."""
    accounts, _, _ = synthetic_accounts(n, seed, AS_OF)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    collectors = {p: _Logged(c, fd) for p, c in default_collectors().items()}
    store = Store(out / STATE)
    try:
        with inject(FaultPlan(rate=rate, seed=seed)):
            sweep(accounts, store, soak_settings(), out, replay=[corpus], collectors=collectors)  # type: ignore[arg-type]
    finally:
        store.close()
        os.close(fd)
    return 0


def _finished(out: Path) -> set[str]:
    if not (out / STATE).exists():
        return set()
    store = Store(out / STATE)
    try:
        return store.finished_keys()
    finally:
        store.close()


def _parsed(log: Path) -> set[str]:
    return set(log.read_text("utf-8").split()) if log.exists() else set()


def _verdicts(store: Store, filings: list[Filing]) -> dict[str, tuple[str, frozenset[str]]]:
    result = assess(store.accounts(), store.observations(), filings, soak_settings(), AS_OF)
    return {v.account.key: (v.verdict.value, frozenset(r.value for r in v.reasons)) for v in result.verdicts}


def _spawn(corpus: Path, out: Path, log: Path, n: int, seed: int, rate: float) -> subprocess.Popen[bytes]:
    args = ["--child", str(corpus), str(out), str(log), str(n), str(seed), str(rate)]
    return subprocess.Popen(
        [sys.executable, "-m", "newmedia_audit.bench.soak", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def soak(n: int, kills: int, rate: float, seed: int, root: Path) -> dict[str, Any]:
    """Run the soak and return its figures."""
    started = time.monotonic()
    if root.exists():
        shutil.rmtree(root)
    (root / "logs").mkdir(parents=True)
    accounts, filings, scenarios = synthetic_accounts(n, seed, AS_OF)
    corpus = write_corpus(scenarios, root / "corpus.har", comment=f"soak n={n} seed={seed}")
    print(f"soak: {n} accounts, {kills} kills, faults on {rate:.0%} of requests (seed {seed})", flush=True)

    # The truth: one uninterrupted sweep without faults.
    control = Store(root / "control" / STATE)
    sweep(accounts, control, soak_settings(), root / "control", replay=[corpus])
    truth = _verdicts(control, filings)
    control.close()
    print(f"control run done in {time.monotonic() - started:.0f} s", flush=True)

    out = root / "soak"
    rng = random.Random(seed)
    targets = sorted(rng.sample(range(1, n), kills)) if kills else []
    survived = 0
    refetched: set[str] = set()
    run = 0
    while True:
        run += 1
        if run > kills + 10:
            raise RuntimeError("the soaked sweep never finished")
        before = _finished(out)
        log = root / "logs" / f"run{run:02d}.log"
        target = targets[survived] if survived < len(targets) else None
        proc = _spawn(corpus, out, log, n, seed, rate)
        if target is not None:
            while committed_count(out / STATE) < target and proc.poll() is None:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                refetched |= _parsed(log) & before
                survived += 1
                print(
                    f"  kill {survived:2d}/{kills}: {committed_count(out / STATE)} of {n} committed",
                    flush=True,
                )
                continue
        code = proc.wait()
        refetched |= _parsed(log) & before
        if code != 0:
            stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"the soaked sweep failed (exit {code}):\n{stderr[-3000:]}")
        break  # done (if before its kill, the kills left had nothing to hit: reported as not survived)

    store = Store(out / STATE)
    observations = store.observations()
    counts = store.finished_visit_counts()
    events = store.events()
    soaked = _verdicts(store, filings)
    store.close()

    lost = [a.key for a in accounts if a.key not in observations]
    twice = refetched | {k for k, c in counts.items() if c > 1}
    false_failures = sorted(
        k for k, (verdict, reasons) in soaked.items() if verdict == "fail" and not reasons <= truth[k][1]
    )
    to_review = sum(1 for k, (v, _) in soaked.items() if v == "review" and truth[k][0] != "review")
    changed = sorted(
        k for k, (v, r) in soaked.items() if v != "review" and (v, r) != truth[k] and k not in false_failures
    )
    injected = Counter[str]()
    for _, kind, reason, count in events:
        injected[f"{kind}:{reason}"] += count
    return {
        "accounts": n,
        "kills": kills,
        "rate": rate,
        "seed": seed,
        "runs": run,
        "kills_survived": survived,
        "accounts_lost": len(lost),
        "accounts_fetched_twice": len(twice),
        "false_failures": len(false_failures),
        "false_failure_keys": false_failures[:20],
        "review_because_of_faults": to_review,
        "other_verdict_changes": len(changed),
        "other_verdict_change_keys": changed[:20],
        "truth": dict(Counter(v for v, _ in truth.values())),
        "soaked": dict(Counter(v for v, _ in soaked.values())),
        "faults_and_walls_seen": dict(injected.most_common()),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newmedia_audit.bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.1, help="share of requests given a fault")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("outputs/soak"))
    parser.add_argument("--child", nargs=6, metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        corpus, out, log, n, seed, rate = args.child
        return child(Path(corpus), Path(out), Path(log), int(n), int(seed), float(rate))
    figures = soak(args.accounts, args.kills, args.rate, args.seed, args.out)
    print(f"kills survived: {figures['kills_survived']} of {figures['kills']}")
    print(f"accounts lost: {figures['accounts_lost']}")
    print(f"accounts fetched twice: {figures['accounts_fetched_twice']}")
    print(f"false failures: {figures['false_failures']}")
    print(f"in review because of faults: {figures['review_because_of_faults']} (decided in the control run)")
    print(f"other verdict changes: {figures['other_verdict_changes']}")
    seen = figures["faults_and_walls_seen"]
    top = ", ".join(f"{k} {v}" for k, v in list(seen.items())[:12])
    print(f"faults and walls met (store events, {sum(seen.values())} in all): {top}")
    print(f"time: {figures['seconds']} s")
    (args.out / "soak.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    bad = (
        figures["accounts_lost"]
        or figures["accounts_fetched_twice"]
        or figures["false_failures"]
        or figures["kills_survived"] < figures["kills"]
    )
    print("SOAK " + ("FAIL" if bad else "PASS"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
