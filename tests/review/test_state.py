"""The sweep's own overrides file survives the page: its rows lead OUTDIR/overrides.csv,
a hand-made OUTDIR/overrides.csv is renamed, never overwritten, and a restart changes nothing."""

from __future__ import annotations

from pathlib import Path

from newmedia_audit.review.decisions import (
    CSV_HEADER,
    LEGACY_HEADER,
    OVERRIDES_FILE,
    VERDICT,
    make_decision,
    render_overrides,
)
from newmedia_audit.review.state import Review, ReviewOptions
from newmedia_audit.rules.overrides import read_overrides
from newmedia_audit.store import Store

from .sweep import BLOCKED, build_sweep

HAND_MADE = "平台,账号ID,结论,原因,备注\n微信,jyfb,合格,,电话核实\n"


def _start(out: Path) -> list[tuple[str, str]]:
    review = Review(ReviewOptions(out_dir=out))
    review.close()
    return [(r.account_id, r.verdict.value) for r in read_overrides(out / OVERRIDES_FILE)]


def test_the_sweeps_overrides_file_elsewhere_leads_the_pages_file(tmp_path: Path) -> None:
    base = tmp_path / "复核结论.csv"
    base.write_text(HAND_MADE, encoding="utf-8")
    sweep = build_sweep(tmp_path, base_overrides=base)
    assert _start(sweep.out) == [("jyfb", "pass")]
    assert _start(sweep.out) == [("jyfb", "pass")]
    assert sorted(p.name for p in sweep.out.glob("overrides*")) == [OVERRIDES_FILE]


def test_a_hand_made_file_in_outdir_is_kept_and_still_applies_after_restarts(tmp_path: Path) -> None:
    ours = tmp_path / "out" / OVERRIDES_FILE
    ours.parent.mkdir(parents=True)
    ours.write_text(HAND_MADE, encoding="utf-8")
    sweep = build_sweep(tmp_path, base_overrides=ours)  # swept with OUTDIR/overrides.csv itself
    assert _start(sweep.out) == [("jyfb", "pass")]
    kept = [p for p in sweep.out.glob("overrides.before-review-*.csv")]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == HAND_MADE
    assert _start(sweep.out) == [("jyfb", "pass")]  # a restart: no second copy, no doubled rows
    assert len(list(sweep.out.glob("overrides.before-review-*.csv"))) == 1


def test_a_stray_file_in_outdir_is_renamed_not_lost(tmp_path: Path) -> None:
    sweep = build_sweep(tmp_path)
    (sweep.out / OVERRIDES_FILE).write_text(HAND_MADE, encoding="utf-8")
    assert _start(sweep.out) == []  # the sweep did not use it: it does not apply
    assert len(list(sweep.out.glob("overrides.before-review-*.csv"))) == 1


def test_a_file_the_page_wrote_before_the_hit_column_is_still_its_own(tmp_path: Path) -> None:
    """A page of an older version wrote overrides.csv without the hit column: no rename."""
    sweep = build_sweep(tmp_path)
    store = Store(sweep.out / "state.sqlite")
    store.add_decision(make_decision(BLOCKED, VERDICT, "pass", officer="张三"))
    legacy = render_overrides(store.latest_decisions(), header=LEGACY_HEADER)
    store.close()
    assert legacy.decode("utf-8-sig").startswith("platform,account_id,verdict,reason,note,officer")
    (sweep.out / OVERRIDES_FILE).write_bytes(legacy)
    assert _start(sweep.out) == [("xajy", "pass")]
    assert list(sweep.out.glob("overrides.before-review-*.csv")) == []
    header = (sweep.out / OVERRIDES_FILE).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == ",".join(CSV_HEADER)  # rewritten in the current shape
