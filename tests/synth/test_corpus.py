"""Corpus writer and the synthetic province generator (issue 8)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from newmedia_audit.synth.corpus import generate, synthetic_accounts
from newmedia_audit.synth.platforms import State


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_generate_writes_ledger_registry_and_corpus_with_n_accounts(tmp_path: Path) -> None:
    ledger, registry, corpus = generate(400, 11, tmp_path)
    accounts = _rows(ledger)
    assert len(accounts) == 400
    assert {a["平台"] for a in accounts} == {"微信", "微博", "抖音", "今日头条"}
    ids = [(a["平台"], a["账号ID"]) for a in accounts]
    assert len(set(ids)) == 400
    filed = {(f["平台"], f["账号ID"]) for f in _rows(registry)}
    assert 0 < len(set(ids) - filed) < 60  # a few unfiled
    doc = json.loads(corpus.read_text(encoding="utf-8"))
    assert doc["log"]["version"] == "1.2"
    assert len(doc["log"]["entries"]) > 400


def test_generate_is_deterministic_and_the_seed_matters(tmp_path: Path) -> None:
    a = [p.read_bytes() for p in generate(120, 3, tmp_path / "a")]
    b = [p.read_bytes() for p in generate(120, 3, tmp_path / "b")]
    c = [p.read_bytes() for p in generate(120, 4, tmp_path / "c")]
    assert a == b
    assert a != c


def test_mix_has_mostly_ok_accounts_and_some_of_every_trouble() -> None:
    _, _, scenarios = synthetic_accounts(2000, 5, __import__("datetime").date(2022, 6, 20))
    states = Counter(s.state for s in scenarios)
    assert states[State.ok] > 1600
    for state in (State.empty, State.not_found, State.wall_418, State.wall_captcha, State.wall_antispider):
        assert states[state] > 0
    assert any(s.flaky.value != "none" for s in scenarios)
