"""The trend of each district's pass rate over the chain of earlier output directories.

Each sweep's store remembers the directories it was given with ``--previous``
and ``--since`` (the ``inputs`` meta); following them from the current run
finds the earlier sweeps. Each one found gives a point from its results.json.
Reading is best effort: a missing or unreadable directory ends its branch, it
never fails the report. Nothing is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from .models import TrendPoint

MAX_SWEEPS = 60
"""Points kept at most (the newest): a year of weekly runs and then some."""


def _links(directory: Path) -> tuple[list[Path], bool]:
    """The --previous/--since directories a sweep's store names, and whether it was a --since run."""
    state = directory / "state.sqlite"
    if not state.is_file():
        return [], False
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchone()
        payload = json.loads(row[0]) if row else {}
    except (sqlite3.Error, ValueError, TypeError):
        return [], False
    if not isinstance(payload, dict):
        return [], False
    links = [Path(str(payload[k])) for k in ("since", "previous") if payload.get(k)]
    return links, bool(payload.get("since"))


def _rate(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def read_point(directory: Path) -> TrendPoint | None:
    """The new-media pass rates of one output directory (its results.json), or None."""
    try:
        data = json.loads((directory / "results.json").read_text(encoding="utf-8-sig"))
        as_of = date.fromisoformat(str(data["as_of"]))
        rate = _rate(data.get("new_media", {}).get("rate"))
        districts = {
            str(d["district"]): _rate(d.get("new_media", {}).get("rate")) for d in data.get("districts", [])
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return TrendPoint(as_of=as_of, label=directory.name, rate=rate, districts=districts)


def read_trend(links: Iterable[Path | None], *, current: Path | None = None) -> list[TrendPoint]:
    """Points of every earlier sweep reachable from ``links``, oldest first.

    Args:
        links: the current run's --previous and --since directories (None ignored).
        current: the current output directory (never a point of its own trend).
    """
    seen: set[Path] = set()
    if current is not None:
        seen.add(Path(current).resolve())
    queue = [Path(p) for p in links if p is not None]
    points: list[TrendPoint] = []
    while queue and len(seen) <= 4 * MAX_SWEEPS:
        directory = queue.pop(0)
        try:
            key = directory.resolve()
        except OSError:
            continue
        if key in seen or not directory.is_dir():
            continue
        seen.add(key)
        more, weekly = _links(directory)
        point = read_point(directory)
        if point is not None:
            points.append(point.model_copy(update={"weekly": weekly}))
        queue.extend(more)
    points.sort(key=lambda p: (p.as_of, p.label))
    return points[-MAX_SWEEPS:]
