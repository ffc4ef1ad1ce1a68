"""The pass-rate trend follows the chain of --previous/--since directories each store remembers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from newmedia_audit.store import Store
from newmedia_audit.trend import read_point, read_trend


def sweep_dir(root: Path, name: str, as_of: str, rate: float | None, *, previous=None, since=None) -> Path:
    folder = root / name
    folder.mkdir()
    results = {
        "as_of": as_of,
        "new_media": {"rate": rate},
        "districts": [
            {"district": "市直", "new_media": {"rate": rate}},
            {"district": "通山县", "new_media": {}},
        ],
    }
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    store = Store(folder / "state.sqlite")
    try:
        links = {"previous": str(previous) if previous else None, "since": str(since) if since else None}
        store.set_meta("inputs", json.dumps({"as_of": as_of, **links}))
    finally:
        store.close()
    return folder


def test_chain_of_weekly_runs_back_to_the_quarterly_sweep_oldest_first(tmp_path: Path) -> None:
    quarter = sweep_dir(tmp_path, "2022Q1", "2022-03-31", 88.0)
    w1 = sweep_dir(tmp_path, "w1", "2022-06-06", 90.0, previous=quarter)
    w2 = sweep_dir(tmp_path, "w2", "2022-06-13", 91.5, since=w1, previous=quarter)
    points = read_trend([w2, quarter], current=tmp_path / "w3")
    assert [(p.label, p.rate, p.weekly) for p in points] == [
        ("2022Q1", 88.0, False),
        ("w1", 90.0, False),
        ("w2", 91.5, True),
    ]
    assert points[0].districts == {"市直": 88.0, "通山县": None}


def test_a_loop_a_missing_directory_and_the_current_one_are_left_out(tmp_path: Path) -> None:
    a = tmp_path / "a"
    b = sweep_dir(tmp_path, "b", "2022-06-13", 90.0, since=a)
    sweep_dir(tmp_path, "a", "2022-06-06", 80.0, since=b)  # a loop: a -> b -> a
    current = sweep_dir(tmp_path, "now", "2022-06-20", 95.0, since=b)
    points = read_trend([b, tmp_path / "gone", None], current=current)
    assert [p.label for p in points] == ["a", "b"]


def test_a_directory_without_a_readable_results_json_gives_no_point(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "results.json").write_text("{not json", encoding="utf-8")
    assert read_point(broken) is None
    plain = tmp_path / "plain"  # a previous dir of verdicts.csv and results.json only (the demo's)
    plain.mkdir()
    (plain / "results.json").write_text(
        '{"as_of": "2022-03-31", "new_media": {"rate": 85}}', encoding="utf-8"
    )
    [point] = read_trend([plain, broken])
    assert point.as_of == date(2022, 3, 31) and point.rate == 85.0 and point.districts == {}
