"""A sweep through PostgreSQL and procrastinate gives the verdicts of the single-machine sweep."""

from __future__ import annotations

import asyncio
from pathlib import Path

from newmedia_audit.scale.store import PgStore
from newmedia_audit.scale.sweep import remembered, run_on_postgres, sweep_id
from newmedia_audit.settings import ScaleSettings
from newmedia_audit.store import Store
from tests.reliability.conftest import AS_OF, httpx_settings, run_sweep, synthetic, verdicts

OPTIONS = ScaleSettings(heartbeat=1.0, stall_timeout=3.0, shutdown_grace=5.0)


def test_a_sweep_on_postgres_matches_the_sqlite_sweep_and_a_rerun_enqueues_nothing(
    database: str, tmp_path: Path
) -> None:
    accounts, filings, corpus = synthetic(60, 5, tmp_path / "in")
    _, control = run_sweep(accounts, corpus, tmp_path / "control")
    expected = verdicts(control, filings)
    control.close()

    out = tmp_path / "out"
    store = Store(out / "state.sqlite")
    bars: dict[str, tuple[int, int]] = {}  # the terminal's bar per platform, as last drawn
    stats = asyncio.run(
        run_on_postgres(
            accounts,
            store,
            httpx_settings(),
            out,
            url=database,
            replay=[corpus],
            as_of=AS_OF,
            egress="e1",
            options=OPTIONS,
            poll=0.2,
            progress=lambda platform, done, total: bars.__setitem__(platform, (done, total)),
        )
    )
    assert stats.visited == len(accounts)
    per_platform = {p: sum(a.platform == p for a in accounts) for p in {a.platform for a in accounts}}
    assert bars == {p: (n, n) for p, n in per_platform.items()}
    assert verdicts(store, filings) == expected
    assert remembered(out) == (database, sweep_id(out))

    again = asyncio.run(
        run_on_postgres(
            accounts, store, httpx_settings(), out, url=database, replay=[corpus], options=OPTIONS, poll=0.2
        )
    )
    assert again.visited == 0 and again.skipped == len(accounts)
    pg = PgStore(database, sweep_id(out))
    assert set(pg.finished_visit_counts().values()) == {1}
    store.close()
