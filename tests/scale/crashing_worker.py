"""A worker whose visit of one account kills its own process, as a page that crashes the
browser and takes the worker down with it (or the OOM killer) would.

``python -m tests.scale.crashing_worker ACCOUNT_ID worker ARGS...``: the CLI's worker,
with collectors that SIGKILL the process when they parse ACCOUNT_ID.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from newmedia_audit.cli import main
from newmedia_audit.collect import sweep as sweep_module


class Doomed:
    """The real collector, except that one account's answer kills the process."""

    def __init__(self, inner: Any, account_id: str) -> None:
        self.inner = inner
        self.account_id = account_id
        self.platform = inner.platform

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def parse(self, account_id: str, responses: dict, *, final: bool = False) -> Any:
        if account_id == self.account_id:
            os.kill(os.getpid(), signal.SIGKILL)
        return self.inner.parse(account_id, responses, final=final)


if __name__ == "__main__":
    doomed, argv = sys.argv[1], sys.argv[2:]
    real = sweep_module.default_collectors
    sweep_module.default_collectors = lambda: {p: Doomed(c, doomed) for p, c in real().items()}  # type: ignore[assignment]
    sys.exit(main(argv))
