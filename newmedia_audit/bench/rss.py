"""Memory of the whole process tree (browsers included), sampled from /proc.

No psutil: a sampler thread walks ``/proc/*/stat`` for the descendants of
this process and sums their ``VmRSS`` (``/proc/<pid>/status``). RSS counts
pages shared between Chromium's processes once per process, so the sum
overstates real use; the sampler also sums ``Pss`` (``smaps_rollup``), which
splits shared pages between their users, for comparison.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (field 3 onwards), or []."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return []
    # The command name (field 2) is in parentheses and may contain spaces.
    return stat[stat.rfind(")") + 2 :].split()


def _ppid(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if len(fields) > 1 else None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if len(fields) > 12 else 0.0


def process_group(pid: int) -> str:
    """A short name for where CPU goes: python, node (Playwright driver), chromium-<type>."""
    try:
        # Chromium rewrites its title: the arguments may come as one space-joined string.
        argv = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return "?"
    name = Path(argv[0].decode(errors="replace")).name if argv and argv[0] else "?"
    if "chrom" in name:
        kind = next((a.decode()[7:] for a in argv if a.startswith(b"--type=")), "browser")
        sub = next((a.decode()[19:] for a in argv if a.startswith(b"--utility-sub-type=")), "")
        return f"chromium-{kind}" + (f"({sub.split('.')[0]})" if sub else "")
    return "python" if name.startswith("python") else name


def tree_pids(root: int) -> list[int]:
    """``root`` and every live descendant of it."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if entry.name.isdigit():
            pid = int(entry.name)
            parent = _ppid(pid)
            if parent is not None:
                children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _kb(path: Path, field: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_memory(root: int | None = None) -> tuple[int, int, int]:
    """(sum of VmRSS in bytes, sum of Pss in bytes, process count) over the tree."""
    pids = tree_pids(root or os.getpid())
    rss = sum(_kb(PROC / str(p) / "status", "VmRSS:") for p in pids)
    pss = sum(_kb(PROC / str(p) / "smaps_rollup", "Pss:") for p in pids)
    return rss * 1024, pss * 1024, len(pids)


@dataclass
class Peak:
    """Peaks seen by a sampler between start and stop."""

    rss: int = 0
    pss: int = 0
    processes: int = 0
    samples: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per process group
    rss_by_group_mb: dict[str, int] = field(default_factory=dict)  # VmRSS per group at the peak

    @property
    def rss_mb(self) -> float:
        return self.rss / 2**20

    @property
    def pss_mb(self) -> float:
        return self.pss / 2**20


class TreeSampler:
    """Samples the tree's memory every ``interval`` seconds in a daemon thread.

    Use as ``with TreeSampler() as sampler: ...`` then read ``sampler.peak``.
    """

    def __init__(self, interval: float = 0.25, root: int | None = None) -> None:
        self.interval = interval
        self.root = root or os.getpid()
        self.peak = Peak()
        self._cpu: dict[int, tuple[str, float, float]] = {}  # pid -> (group, at start, last seen)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def sample(self) -> None:
        current = tree_pids(self.root)
        for pid in current:
            seen = cpu_seconds(pid)
            # The group is read again each time: a process may exec (sh -> node) or
            # be renamed after a zygote fork (chromium renderers).
            first = self._cpu[pid][1] if pid in self._cpu else (seen if pid == self.root else 0.0)
            group = process_group(pid)
            if group == "?" and pid in self._cpu:
                group = self._cpu[pid][0]
            self._cpu[pid] = (group, first, seen)
        totals: dict[str, float] = {}
        for group, first, last in self._cpu.values():
            totals[group] = totals.get(group, 0.0) + max(0.0, last - first)
        self.peak.cpu = {g: round(v, 1) for g, v in sorted(totals.items(), key=lambda kv: -kv[1])}
        pids = current
        by_group: dict[str, float] = {}
        rss = pss = 0
        for pid in pids:
            kb = _kb(PROC / str(pid) / "status", "VmRSS:")
            rss += kb * 1024
            pss += _kb(PROC / str(pid) / "smaps_rollup", "Pss:") * 1024
            group = self._cpu[pid][0]
            by_group[group] = by_group.get(group, 0.0) + kb / 1024
        count = len(pids)
        peak = self.peak
        if rss > peak.rss:
            peak.rss_by_group_mb = {g: round(v) for g, v in sorted(by_group.items(), key=lambda kv: -kv[1])}
        peak.rss, peak.pss = max(peak.rss, rss), max(peak.pss, pss)
        peak.processes = max(peak.processes, count)
        peak.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
