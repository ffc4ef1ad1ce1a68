"""Reproducible stratified sampling (``--sample F --seed N``) by district and platform."""

from __future__ import annotations

import math
import random
from collections import defaultdict

from ..errors import ConfigError
from ..models import Account


def stratum_size(size: int, fraction: float) -> int:
    """Accounts drawn from a stratum: fraction of it rounded half up, at least one."""
    return min(size, max(1, math.floor(size * fraction + 0.5)))


def sample_accounts(accounts: list[Account], fraction: float, seed: int) -> list[Account]:
    """A sample of the ledger, stratified by (district, platform), in ledger order.

    Each non-empty stratum gives ``stratum_size`` accounts, drawn by a generator
    seeded from ``seed`` and the stratum, so a stratum's draw does not change
    when other strata change.

    Raises:
        ConfigError: fraction outside (0, 1].
    """
    if not 0 < fraction <= 1:
        raise ConfigError(f"抽样比例应大于 0 且不超过 1（收到 {fraction}）")
    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, account in enumerate(accounts):
        strata[(account.district, account.platform)].append(index)
    chosen: set[int] = set()
    for (district, platform), members in strata.items():
        rng = random.Random(f"{seed}|{district}|{platform}")
        chosen.update(rng.sample(members, stratum_size(len(members), fraction)))
    return [a for i, a in enumerate(accounts) if i in chosen]
