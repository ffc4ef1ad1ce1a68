"""What every request of the review page shares: the store, settings, base overrides, tokens.

One Store connection serves the page; handlers are coroutines that use it
on the event loop only, so no two requests share a transaction (a decision
is one short transaction). Long jobs (重新生成报告) open their own connection
in a worker thread.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..pipeline import STATE_FILE
from ..rules.overrides import Override, read_overrides
from ..settings import load_settings
from ..store import Decision, Store
from . import index
from .decisions import (
    CLEARED,
    CSV_HEADER,
    LEGACY_HEADER,
    OVERRIDES_FILE,
    render_overrides,
    write_overrides,
)
from .lists import LISTS, counts, facets

REPORTED_KEY = "review.reported_through"
BASE_KEY = "review.base_overrides"


@dataclass(frozen=True)
class ReviewOptions:
    """How ``newmedia-audit review`` was started."""

    out_dir: Path
    password: str | None = None
    config: Path | None = None  # rules TOML for 重新生成报告 (as ``report --config``)
    page_size: int = 50


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


class Review:
    """The page's shared state over one sweep's output directory."""

    def __init__(self, options: ReviewOptions) -> None:
        self.out_dir = Path(options.out_dir)
        self.options = options
        state = self.out_dir / STATE_FILE
        if not state.is_file():
            raise InputError(f"目录 {self.out_dir} 中没有 {STATE_FILE}，请先运行 sweep。")
        self.store = Store(state)
        if self.store.db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0] == 0:
            self.store.close()
            raise InputError(f"{state} 中尚无判定结果，请先运行 sweep 或 report。")
        self.settings = load_settings(options.config)
        self.province = self.settings.province
        self.csrf = secrets.token_urlsafe(32)
        self.regenerating = False
        self._cache: dict[str, object] = {}
        self._seen: object = object()  # nothing seen yet: the first refresh checks the index
        saved = self.store.meta_json("inputs")  # every filing too: parsed once, not per request
        saved = saved if isinstance(saved, dict) else {}
        self.as_of = str(saved.get("as_of", ""))
        self.base_path = self._adopt_overrides_file(saved.get("overrides"))
        self.base: list[Override] = read_overrides(self.base_path) if self.base_path else []
        self.refresh()
        self.warm()
        write_overrides(self.out_dir, self.store.latest_decisions(), self.base)

    def _adopt_overrides_file(self, swept_with: str | None) -> Path | None:
        """The sweep's own overrides file, whose rows lead OUTDIR/overrides.csv (None: none).

        The page rewrites OUTDIR/overrides.csv, so a file there that the page did not
        write is renamed first, never lost; when the sweep was given that very file,
        the renamed copy becomes the base, remembered in the store so a restart finds it.
        """
        ours = self.out_dir / OVERRIDES_FILE
        adopted = self.store.get_meta(BASE_KEY)
        if adopted:
            base: Path | None = Path(adopted)
        elif swept_with and not _same_file(Path(swept_with), ours):
            base = Path(swept_with)
        else:
            base = None
        if not ours.exists():
            return base
        decisions, rows = self.store.latest_decisions(), read_overrides(base) if base else []
        # The page's own file, also as the page wrote it before the hit column existed.
        expected = {render_overrides(decisions, rows, header) for header in (CSV_HEADER, LEGACY_HEADER)}
        if ours.read_bytes() in expected:
            return base
        stamp = datetime.now().strftime("%Y%m%d%H%M%S")
        kept = ours.with_name(f"overrides.before-review-{stamp}.csv")
        ours.rename(kept)
        _say(f"提示：{ours} 不是复核页面写入的，已改名为 {kept.name} 保留；复核页面将重写 {ours.name}。")
        if base is None and swept_with and _same_file(Path(swept_with), ours):
            self.store.set_meta(BASE_KEY, str(kept))
            _say(f"提示：抽查时使用的复核文件 {kept.name} 中的结论将继续生效（排在页面结论之前）。")
            return kept
        return base

    # -- freshness of what the page shows ---------------------------------------
    def _reports_signature(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.out_dir / "results.json")
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def refresh(self) -> None:
        """Rebuild the listing index when the reports were rewritten outside the page.

        One stat per request: the index's own stamp (which counts the verdicts) is
        compared only when results.json changed since the last look.
        """
        if self.regenerating:
            return  # the regeneration rebuilds it when it is done
        signature = self._reports_signature()
        if signature == self._seen:
            return
        index.ensure(self.store, self.out_dir)
        self._seen = signature
        self.forget()

    def forget(self) -> None:
        """Drop what was computed from the index (list counts, filter choices)."""
        self._cache.clear()

    def warm(self) -> None:
        """Compute the list counts and filter choices now, not in an officer's first request."""
        self.counts()
        for name in LISTS:
            self.facets(name)

    def facets(self, name: str) -> tuple[list[str], list[str], list[str]]:
        key = f"facets:{name}"
        if key not in self._cache:
            self._cache[key] = facets(self.store.db, name)
        return self._cache[key]  # type: ignore[no-any-return]

    def counts(self) -> dict[str, int]:
        if "counts" not in self._cache:
            self._cache["counts"] = counts(self.store.db)
        return self._cache["counts"]  # type: ignore[no-any-return]

    # -- what the header and the overview need -----------------------------------
    def reported_through(self) -> int:
        """The newest decision id the last 重新生成报告 took into account (0: none)."""
        return int(self.store.get_meta(REPORTED_KEY) or 0)

    def newest_decision_id(self) -> int:
        row = self.store.db.execute("SELECT MAX(id) FROM decisions").fetchone()
        return int(row[0] or 0)

    def pending(self) -> int:
        """Decisions made since the last regeneration (not yet in the reports)."""
        row = self.store.db.execute(
            "SELECT COUNT(*) FROM decisions WHERE id > ?", (self.reported_through(),)
        ).fetchone()
        return int(row[0])

    def figures(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.out_dir / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def in_force_for(self, keys: list[str]) -> dict[str, list[Decision]]:
        """The decisions in force (undos left out) of the given accounts, per account."""
        out: dict[str, list[Decision]] = {}
        if not keys:
            return out
        for decision in self.store.latest_decisions(keys):
            if decision.value not in CLEARED:
                out.setdefault(decision.key, []).append(decision)
        return out

    def close(self) -> None:
        self.store.close()
