"""The visit: one account fetched, parsed, retried, requeued or given up, and committed.

For one account: lease a visit in the result sink, pass the pacer before
each try, fetch (browser or httpx), parse, write evidence, commit the
observation with the visit. The same visit serves the single-machine sweep
(collect/sweep.py) and the workers of a national sweep (newmedia_audit/scale/).

Faults (design.md, "State and faults"): TransientError is retried in place by
tenacity (exponential backoff with jitter; no wait in replay); WallError is
not retried at once but requeued after the platform's cool-down, up to
``wall_retries`` times; after the last try the account is ``blocked`` (walls)
or ``error`` (faults) with the reason in ``detail``, and its verdict is
review. Walls and faults are counted per platform and reason in the sink.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
    wait_none,
)

from ..errors import CollectError, OutputError, TransientError, UnrecognizedError, WallError
from ..models import Account, Observation, Status
from ..rules.freshness import Freshness, assess_freshness
from ..rules.localtime import local_date
from ..settings import Settings
from .base import Collector, Fetched
from .drift import UNRECOGNIZED, PausedPlatform
from .evidence import write_evidence
from .fetch import Visit
from .sink import ResultSink
from .visitor import CookieBorrower


class Fetcher(Protocol):
    async def visit(self, collector: Collector, account_id: str) -> Visit: ...

    async def screenshot(self) -> bytes | None: ...

    async def close(self) -> None: ...


class Pacer(Protocol):
    """What a visit passes through before each try (collect/politeness.py ``Slot``, or a
    PostgreSQL slot shared by every worker of an egress)."""

    clock: Callable[[], float]

    def visit(self) -> AbstractAsyncContextManager[None]: ...

    def record_success(self) -> None: ...

    def record_wall(self, retry_after: float | None = None) -> None: ...

    def requeue_at(self) -> float: ...


@dataclass
class SweepStats:
    """What a sweep did."""

    visited: int = 0  # accounts committed by this run (unsupported included)
    statuses: dict[str, int] = field(default_factory=dict)
    walls: int = 0
    faults: int = 0
    retries: int = 0  # transient retries + wall requeues
    elapsed: float = 0.0
    per_platform: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # already finished before this run (resume)
    unrecognized: int = 0  # tries that got an answer the collector could not read
    paused: dict[str, PausedPlatform] = field(default_factory=dict)  # by the drift alarm

    @property
    def accounts_per_minute(self) -> float:
        return self.visited / self.elapsed * 60 if self.elapsed > 0 else 0.0

    def record(self, platform: str, observation: Observation) -> None:
        """Count one committed account."""
        self.visited += 1
        status = observation.status.value
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.per_platform[platform] = self.per_platform.get(platform, 0) + 1


@dataclass(frozen=True)
class Requeue:
    """A wall with tries left: visit the account again once ``ready_at`` (pacer clock) has come."""

    walls: int
    ready_at: float


# Numbers and id-like tokens in a parser's message (counts, uids, tokens): not part of a reason.
_ID_LIKE = re.compile(r"[A-Za-z0-9_\-]*\d[A-Za-z0-9_\-]*")


def reason_code(exc: BaseException, account_id: str = "") -> str:
    """A short reason code for the store's counts: the fetcher's, else the message head.

    The head is cut at the first colon or bracket, with the account id and
    numbers taken out, so the store counts a few reasons, not one per account.
    """
    reason = getattr(exc, "reason", "")
    if reason:
        return str(reason)
    text = str(exc)
    if account_id:
        text = text.replace(account_id, "…")
    head = re.split(r"[：:（(]", text, maxsplit=1)[0].strip()
    return _ID_LIKE.sub("N", head)[:40] or type(exc).__name__


def _accepts_final(collector: Collector) -> bool:
    try:
        return "final" in inspect.signature(collector.parse).parameters
    except (TypeError, ValueError):
        return False


def failure(account: Account, status: Status, detail: str, kind: str = "") -> Observation:
    """An observation of an account the visit did not see (or could not visit)."""
    return Observation(
        platform=account.platform,
        account_id=account.account_id,
        status=status,
        detail=detail,
        failure=kind,
    )


class Visitor:
    """Visits the accounts of one platform, one at a time per fetcher."""

    def __init__(
        self,
        *,
        platform: str,
        collector: Collector,
        settings: Settings,
        pacer: Pacer,
        sink: ResultSink,
        stats: SweepStats,
        out_dir: Path,
        replay: bool,
        as_of: date | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        borrower: CookieBorrower | None = None,
    ) -> None:
        self.platform = platform
        self.collector = collector
        self.settings = settings
        self.pacer = pacer
        self.sink = sink
        self.stats = stats
        self.out_dir = out_dir
        self.replay = replay
        self.as_of = as_of  # the monitoring point, for the "unusual" screenshot policy
        self.sleep = sleep
        self.borrower = borrower  # visitor cookies of the httpx path
        self.psettings = settings.platform(platform)
        self.final_kw = _accepts_final(collector)

    def unusual(self, observation: Observation, responses: Mapping[str, Fetched]) -> bool:
        """A visit worth a screenshot under the "unusual" policy: anything but a fresh, reachable account.

        Without a monitoring point the visit's own date stands in for it.
        """
        if observation.status is not Status.ok:
            return True
        as_of = self.as_of
        if as_of is None:
            received = [f.received_at for f in responses.values()]
            as_of = local_date(max(received) if received else datetime.now(UTC))
        freshness = assess_freshness(observation, as_of, self.settings.window_days)
        return freshness.state is not Freshness.fresh

    def commit(self, visit_id: int, account: Account, observation: Observation) -> None:
        """Commit an outcome in the sink and count it."""
        self.sink.finish_visit(visit_id, account, observation)
        self.stats.record(account.platform, observation)

    def _parse(self, account: Account, responses: dict[str, Fetched], final: bool) -> Observation:
        if final and self.final_kw:
            return self.collector.parse(account.account_id, responses, final=True)  # type: ignore[call-arg]
        return self.collector.parse(account.account_id, responses)

    async def _attempts(self, fetcher: Fetcher, account: Account) -> tuple[Observation, Visit]:
        settings = self.settings
        attempts = settings.retries + 1
        wait = (
            wait_none()
            if self.replay
            else wait_exponential_jitter(multiplier=settings.retry_wait, max=60, jitter=settings.retry_wait)
        )

        def count_retry(state: RetryCallState) -> None:
            self.stats.retries += 1

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(attempts),
            wait=wait,
            sleep=self.sleep,
            reraise=True,
            before_sleep=count_retry,
        )
        # The collector may conclude from an empty answer (a toutiao feed, a Sogou
        # page with no result) on the last try only if the try before it read the
        # same kind of answer: retries spent on timeouts or 5xx confirm nothing.
        unconfirmed = False
        async for attempt in retrying:
            with attempt:
                final = attempt.retry_state.attempt_number >= attempts and unconfirmed
                read = False
                try:
                    async with self.pacer.visit():
                        visit = await fetcher.visit(self.collector, account.account_id)
                    try:
                        read = True
                        observation = self._parse(account, visit.responses, final)
                    except (TransientError, WallError) as exc:
                        exc.responses = visit.responses  # type: ignore[attr-defined]
                        exc.screenshot = visit.screenshot  # type: ignore[attr-defined]
                        raise
                    if visit.screenshot is None and self.unusual(observation, visit.responses):
                        visit.screenshot = await self._unusual_shot(fetcher)
                except TransientError as exc:
                    unconfirmed = read
                    kind = UNRECOGNIZED if isinstance(exc, UnrecognizedError) else "fault"
                    if kind == UNRECOGNIZED:
                        self.stats.unrecognized += 1
                    else:
                        self.stats.faults += 1
                    self.sink.count_event(self.platform, kind, reason_code(exc, account.account_id))
                    raise
                self.pacer.record_success()
                return observation, visit
        raise AssertionError("unreachable")  # pragma: no cover

    async def _unusual_shot(self, fetcher: Fetcher) -> bytes | None:
        """The page as the visit left it, when the policy keeps unusual visits only.

        Taken only for an outcome that stands: a failing try that is retried or
        requeued would pay for a screenshot nobody keeps (a third of them in the
        bench mix).
        """
        if self.settings.browser.screenshots != "unusual":
            return None
        return await fetcher.screenshot()

    async def _final_shot(self, fetcher: Fetcher, exc: CollectError) -> bytes | None:
        """The failure's screenshot: the fetcher's under "all", else the page as the last try left it.

        None when nothing of this account came in: the page may still show the
        previous account (a navigation that timed out), which is no evidence.
        """
        shot: bytes | None = getattr(exc, "screenshot", None)
        if shot is None and getattr(exc, "responses", None):
            shot = await self._unusual_shot(fetcher)
        return shot

    async def visit(self, fetcher: Fetcher, account: Account, walls: int) -> Observation | Requeue:
        """Visit one account: the committed observation, or a requeue after a wall with tries left."""
        visit_id = self.sink.begin_visit(account)
        responses: Mapping[str, Fetched] = {}
        screenshot: bytes | None = None
        try:
            observation, visit = await self._attempts(fetcher, account)
            responses, screenshot = visit.responses, visit.screenshot
        except WallError as exc:
            self.stats.walls += 1
            self.sink.count_event(self.platform, "wall", reason_code(exc, account.account_id))
            self.pacer.record_wall(getattr(exc, "retry_after", None))
            if self.borrower is not None:
                # Visitor cookies expire: a refusal is the moment to take fresh ones.
                await self.borrower.renew()
            if walls < self.psettings.wall_retries:
                self.stats.retries += 1
                return Requeue(walls + 1, self.pacer.requeue_at())
            observation = failure(account, Status.blocked, f"被平台拦截：{exc}", "wall")
            responses = getattr(exc, "responses", {}) or {}
            screenshot = await self._final_shot(fetcher, exc)
        except TransientError as exc:
            if isinstance(exc, UnrecognizedError):
                observation = failure(account, Status.error, str(exc), UNRECOGNIZED)
            else:
                observation = failure(account, Status.error, f"多次重试仍失败：{exc}", "fault")
            responses = getattr(exc, "responses", {}) or {}
            screenshot = await self._final_shot(fetcher, exc)
        except OutputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a fault of ours is review, never a verdict
            self.stats.faults += 1
            self.sink.count_event(self.platform, "fault", "internal")
            observation = failure(account, Status.error, f"内部错误：{type(exc).__name__}: {exc}", "fault")
        observation = observation.model_copy(
            update={"platform": account.platform, "account_id": account.account_id}
        )
        # A visit that did not see the account keeps, beside what it got, why it ends in review.
        unseen = observation.detail if observation.status in (Status.blocked, Status.error) else ""
        if responses or screenshot or unseen:
            paths = await asyncio.to_thread(
                write_evidence,
                self.out_dir,
                account.platform,
                account.account_id,
                responses,
                screenshot,
                unseen,
            )
            observation = observation.model_copy(update={"evidence": paths})
        if observation.fetched_at is None:
            received = [f.received_at for f in responses.values()]
            observation = observation.model_copy(
                update={"fetched_at": max(received) if received else datetime.now(UTC)}
            )
        self.commit(visit_id, account, observation)
        return observation
