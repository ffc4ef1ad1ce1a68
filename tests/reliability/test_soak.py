"""`make soak` in miniature: the soak's own bookkeeping works (the real run is 5,000 accounts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newmedia_audit.bench.soak import main


def test_a_small_soak_survives_its_kills_and_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "soak"
    code = main(["--accounts", "120", "--kills", "2", "--rate", "0.1", "--seed", "3", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    figures = json.loads((out / "soak.json").read_text("utf-8"))
    assert figures["kills_survived"] == 2
    assert figures["accounts_lost"] == figures["accounts_fetched_twice"] == figures["false_failures"] == 0
    for line in ("kills survived: 2", "accounts lost: 0", "accounts fetched twice: 0", "false failures: 0"):
        assert line in printed
