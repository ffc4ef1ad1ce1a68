"""The sweep a crash test kills: ``python -m tests.reliability.crash_child ARGS``.

Args: corpus out log n seed rate delay [browser]. Sweeps the synthetic
accounts (seed) from the corpus into ``out`` with faults on ``rate`` of the
requests, logging every parse as one unbuffered line ``{key}`` (a kill loses
none) and sleeping ``delay`` seconds per parse so a parent can kill it at
any point. The same arguments always make the same sweep.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from newmedia_audit.collect.faults import FaultPlan, inject
from newmedia_audit.collect.sweep import default_collectors, sweep
from newmedia_audit.store import Store
from newmedia_audit.synth.corpus import synthetic_accounts

from .conftest import AS_OF, httpx_settings


class Logged:
    """A collector that logs each parse, then lets the real one parse."""

    def __init__(self, inner: Any, fd: int, delay: float) -> None:
        self.inner = inner
        self.fd = fd
        self.delay = delay
        self.platform = inner.platform

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def parse(self, account_id: str, responses: dict, *, final: bool = False) -> Any:
        os.write(self.fd, f"{self.platform.value}|{account_id}\n".encode())
        if self.delay:
            time.sleep(self.delay)
        return self.inner.parse(account_id, responses, final=final)


def main(argv: list[str]) -> int:
    corpus, out, log = Path(argv[0]), Path(argv[1]), argv[2]
    n, seed, rate, delay = int(argv[3]), int(argv[4]), float(argv[5]), float(argv[6])
    browser = len(argv) > 7 and argv[7] == "browser"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    accounts, _, _ = synthetic_accounts(n, seed, AS_OF)
    settings = httpx_settings()
    if browser:
        for platform in ("douyin", "toutiao", "wechat"):
            settings.platform(platform).use_httpx = False
        settings.browser.screenshots = False
    collectors = {p: Logged(c, fd, delay) for p, c in default_collectors().items()}
    store = Store(out / "state.sqlite")
    with inject(FaultPlan(rate=rate, seed=seed)):
        sweep(accounts, store, settings, out, replay=[corpus], collectors=collectors)  # type: ignore[arg-type]
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
