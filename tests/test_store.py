"""The store commits each visit on its own and resumes where a sweep stopped."""

from datetime import UTC, datetime
from pathlib import Path

from newmedia_audit.models import Account, Observation, Status
from newmedia_audit.store import Store


def account(i: int) -> Account:
    return Account(district="市直", unit="单位", name=f"账号{i}", platform="weibo", account_id=str(1000 + i))


def observe(a: Account) -> Observation:
    return Observation(
        platform=a.platform,
        account_id=a.account_id,
        status=Status.ok,
        fetched_at=datetime(2022, 5, 1, tzinfo=UTC),
    )


def test_store_uses_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unfinished_lease_is_redone_finished_is_not(tmp_path: Path) -> None:
    accounts = [account(i) for i in range(3)]
    store = Store(tmp_path / "state.sqlite")
    store.upsert_accounts(accounts)
    visit = store.begin_visit(accounts[0])
    store.finish_visit(visit, accounts[0], observe(accounts[0]))
    store.begin_visit(accounts[1])  # killed before finishing
    store.close()

    reopened = Store(tmp_path / "state.sqlite")
    assert [a.name for a in reopened.pending(accounts)] == ["账号1", "账号2"]
    assert reopened.finished_visit_counts() == {accounts[0].key: 1}
    assert reopened.observations()[accounts[0].key].status is Status.ok
    assert [a.account_id for a in reopened.accounts()] == ["1000", "1001", "1002"]


def test_events_are_counted_per_platform_and_reason(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite")
    store.count_event("weibo", "wall", "418")
    store.count_event("weibo", "wall", "418")
    store.count_event("douyin", "transient", "timeout")
    assert store.events() == [("douyin", "transient", "timeout", 1), ("weibo", "wall", "418", 2)]


def test_committed_count_reads_without_writing(tmp_path: Path) -> None:
    from newmedia_audit.store import committed_count

    path = tmp_path / "state.sqlite"
    assert committed_count(path) == 0  # no file yet: nothing created
    assert not path.exists()
    store = Store(path)
    a = account(1)
    store.finish_visit(store.begin_visit(a), a, observe(a))
    store.begin_visit(account(2))  # leased, not committed
    assert committed_count(path) == 1
