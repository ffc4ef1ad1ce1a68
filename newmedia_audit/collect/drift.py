"""The drift alarm: many unreadable answers from one platform mean the platform
changed, not its accounts (platforms.md, rule 3).

A sweep watches each platform's first visits. When ``share`` or more of the
first ``visits`` end on an answer the collector could not read, the platform
is paused: its remaining accounts stay pending (not review), the others
finish, and the user is told where the evidence is. Rerunning the same
command after a fix resumes the paused accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..models import Observation

UNRECOGNIZED = "unrecognized"


@dataclass
class DriftWatch:
    """Counts the first visits of one platform in one run."""

    visits: int = 20
    share: float = 0.5
    seen: int = 0
    unrecognized: int = 0
    tripped: bool = False

    @property
    def limit(self) -> int:
        """Unrecognized visits among the first ``visits`` that trip the alarm (at least 1)."""
        return max(1, math.ceil(self.share * self.visits))

    def record(self, observation: Observation) -> bool:
        """Count one finished visit; True exactly once, when the alarm trips.

        Only the first ``visits`` count: a platform that read well at first and
        then met a few odd pages is not paused by them.
        """
        if self.tripped or self.seen >= self.visits:
            return False
        self.seen += 1
        if observation.failure == UNRECOGNIZED:
            self.unrecognized += 1
        if self.unrecognized >= self.limit:
            self.tripped = True
            return True
        return False


@dataclass
class PausedPlatform:
    """A platform the drift alarm paused, as the user and the report see it."""

    platform: str
    seen: int  # visits judged
    unrecognized: int  # of those, unreadable answers
    sample: str = ""  # one unreadable answer's reason, in the collector's words
    evidence: list[str] = field(default_factory=list)  # folders relative to --out
    pending: int = 0  # accounts left pending (to be visited by a rerun)

    def message(self) -> str:
        """What the user reads on stderr and in the report (Simplified Chinese)."""
        where = "、".join(self.evidence[:3]) or "无"
        return (
            f"{self.platform}：前 {self.seen} 次访问中有 {self.unrecognized} 次返回无法识别的内容，"
            f"平台页面或接口疑似改版，已暂停该平台（{self.pending} 个账号保留为待访问，不计入待复核）。"
            f"示例原因：{self.sample or '无'}；证据目录：{where}。"
            "请更新工具或反馈问题，修复后重新运行同一命令即可继续。"
        )
