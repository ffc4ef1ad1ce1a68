"""Matching a ledger account to its filing in the provincial registry (备案库)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Account, Filing
from .names import normalize_name


def _platform_key(platform: str) -> str:
    # "other:快手" and "other:快 手" are one platform; the four codes stay as they are.
    if platform.startswith("other:"):
        return "other:" + normalize_name(platform.removeprefix("other:"))
    return platform


@dataclass(frozen=True)
class FilingMatch:
    """The registry's answer for one account.

    Attributes:
        filing: the valid (not cancelled) filing matched, or None (unfiled).
        cancelled: a cancelled filing that matched when no valid one did.
        compared_name: the name compared with the filed name (live, else ledger).
        name_mismatch: the valid filing's name differs after normalization.
    """

    filing: Filing | None
    cancelled: Filing | None = None
    compared_name: str = ""
    name_mismatch: bool = False


class FilingIndex:
    """Filings indexed by platform + account id and, for filings without id, by name."""

    def __init__(self, filings: Iterable[Filing]) -> None:
        self.filings = list(filings)
        self._by_id: dict[tuple[str, str], list[Filing]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[Filing]] = defaultdict(list)
        self._all_by_name: dict[tuple[str, str], list[Filing]] = defaultdict(list)
        # Facts asked of every candidate, worked out once per registry (ids stay
        # valid: self.filings keeps each filing alive). The platform key is cached
        # per platform string: a registry spells a handful of platforms.
        self._cancelled: set[int] = set()
        self._platforms: dict[str, str] = {}
        for filing in self.filings:
            platform = self._platform(filing.platform)
            name = (platform, normalize_name(filing.name))
            self._all_by_name[name].append(filing)
            if filing.cancelled:
                self._cancelled.add(id(filing))
            account_id = filing.account_id.strip()
            if account_id:
                self._by_id[(platform, account_id)].append(filing)
            else:
                self._by_name[name].append(filing)

    def _platform(self, platform: str) -> str:
        key = self._platforms.get(platform)
        if key is None:
            key = self._platforms[platform] = _platform_key(platform)
        return key

    def is_cancelled(self, filing: Filing) -> bool:
        """``filing.cancelled`` for a filing of this index, without reading the filing."""
        return id(filing) in self._cancelled

    def candidates(self, account: Account, live_name: str = "") -> list[Filing]:
        """Filings that designate this account, best first.

        By platform + id first; by platform + normalized name only among filings
        without an id. An account without an id (platforms the tool cannot
        visit) can only be matched by name, so any filing of that name counts.
        """
        platform = self._platform(account.platform)
        account_id = account.account_id.strip()
        found: list[Filing] = []
        if account_id:
            found.extend(self._by_id.get((platform, account_id), ()))
            pool = self._by_name
        else:
            pool = self._all_by_name
        if pool:  # empty when every filing has an id: most registries
            for name in (live_name, account.name):
                if not name:
                    continue
                for filing in pool.get((platform, normalize_name(name)), ()):
                    if filing not in found:  # equality, as before: equal rows count once
                        found.append(filing)
        return found

    def match(self, account: Account, live_name: str = "") -> FilingMatch:
        """The filing of an account; cancelled filings (已注销) do not count."""
        compared = live_name or account.name
        candidates = self.candidates(account, live_name)
        cancelled = self._cancelled
        valid = [f for f in candidates if id(f) not in cancelled]
        if not valid:
            return FilingMatch(None, candidates[0] if candidates else None, compared)
        # Among several valid filings prefer one whose name agrees.
        wanted = normalize_name(compared)
        for filing in valid:
            if normalize_name(filing.name) == wanted:
                return FilingMatch(filing, None, compared, name_mismatch=False)
        return FilingMatch(valid[0], None, compared, name_mismatch=True)
