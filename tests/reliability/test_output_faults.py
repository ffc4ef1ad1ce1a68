"""An unwritable --out or a full disk: one clear Chinese line, exit 1, and a store that
a rerun (same command, or a good --out) completes without fetching anything twice."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from newmedia_audit import pipeline
from newmedia_audit.cli import main
from newmedia_audit.models import Platform
from newmedia_audit.store import Store
from newmedia_audit.synth.corpus import generate

from .conftest import AS_OF

N = 30


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    for platform in Platform:
        monkeypatch.setenv(f"NEWMEDIA_AUDIT_{platform.value.upper()}__USE_HTTPX", "true")
    monkeypatch.delenv("NEWMEDIA_AUDIT_DEBUG", raising=False)
    return generate(N, 23, tmp_path / "in")


def sweep_args(inputs: tuple[Path, Path, Path], out: Path) -> list[str]:
    ledger, registry, corpus = inputs
    return [
        "sweep",
        *("--ledger", str(ledger), "--registry", str(registry), "--replay", str(corpus)),
        *("--as-of", AS_OF.isoformat(), "--out", str(out)),
    ]


def one_clear_line(err: str) -> None:
    assert "Traceback" not in err and "内部错误" not in err
    line = next(x for x in err.splitlines() if x.startswith("错误"))
    assert "无法" in line  # a Chinese sentence saying what cannot be done


def visits_once(out: Path) -> dict[str, tuple]:
    store = Store(out / "state.sqlite")
    try:
        counts = store.finished_visit_counts()
        assert len(counts) == N and set(counts.values()) == {1}
        return {v.account.key: (v.verdict.value, tuple(v.reasons)) for v in store.verdicts()}
    finally:
        store.close()


@pytest.fixture
def clean(inputs: tuple[Path, Path, Path], tmp_path: Path) -> dict[str, tuple]:
    assert main(sweep_args(inputs, tmp_path / "clean")) == 0
    return visits_once(tmp_path / "clean")


def test_out_that_is_a_file_is_a_clear_error_and_a_good_out_then_works(
    inputs: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    assert main(sweep_args(inputs, blocker / "out")) == 1
    one_clear_line(capsys.readouterr().err)
    assert main(sweep_args(inputs, tmp_path / "good")) == 0
    visits_once(tmp_path / "good")


def test_disk_full_while_writing_evidence_then_the_same_command_completes(
    inputs: tuple[Path, Path, Path],
    clean: dict[str, tuple],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    real_replace = os.replace
    calls = {"n": 0}

    def full_disk(src: str, dst: str, *args: object, **kwargs: object) -> None:
        if "evidence" in str(dst):
            calls["n"] += 1
            if calls["n"] > 25:
                raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full_disk)
        assert main(sweep_args(inputs, out)) == 1
    one_clear_line(capsys.readouterr().err)

    store = Store(out / "state.sqlite")
    done = store.finished_keys()
    observations = store.observations()
    store.close()
    assert 0 < len(done) < N
    for obs in observations.values():  # what was committed has its evidence whole
        for rel in obs.evidence[1:]:
            assert (out / rel).is_file()
    assert not [p for p in (out / "evidence").rglob("*") if p.name.endswith(".tmp")]

    assert main(sweep_args(inputs, out)) == 0
    assert visits_once(out) == clean


def test_state_database_full_is_a_clear_error_and_the_same_command_then_completes(
    inputs: tuple[Path, Path, Path],
    clean: dict[str, tuple],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"

    class FullStore(Store):
        """A state database that may grow only a few pages (SQLITE_FULL, as on a full disk)."""

        def __init__(self, path: Path | str) -> None:
            super().__init__(path)
            pages = self.db.execute("PRAGMA page_count").fetchone()[0]
            self.db.execute(f"PRAGMA max_page_count = {pages + 4}")

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "Store", FullStore)
        assert main(sweep_args(inputs, out)) == 1
    one_clear_line(capsys.readouterr().err)

    assert main(sweep_args(inputs, out)) == 0
    assert visits_once(out) == clean


def test_disk_full_while_writing_reports_keeps_the_visits_and_report_completes(
    inputs: tuple[Path, Path, Path],
    clean: dict[str, tuple],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    real_replace = os.replace

    def full_disk(src: str, dst: str, *args: object, **kwargs: object) -> None:
        if Path(str(dst)).name.startswith("report"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full_disk)
        assert main(sweep_args(inputs, out)) == 1
    one_clear_line(capsys.readouterr().err)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]

    assert main(["report", str(out)]) == 0
    assert (out / "report.xlsx").is_file() and (out / "report.html").is_file()
    assert visits_once(out) == clean


def test_a_rerun_removes_the_temporary_report_files_a_killed_run_left(
    inputs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert main(sweep_args(inputs, out)) == 0
    for name in ("report.xlsx", "results.json", "report.html"):
        (out / f".{name}.99999.tmp").write_bytes(b"half a file")  # SIGKILL between write and rename
    assert main(["report", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
