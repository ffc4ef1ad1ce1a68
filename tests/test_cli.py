"""The CLI: help in both languages, usage errors exit 2 without a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from newmedia_audit.cli import main


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ["sweep", "report", "demo", "login"]:
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert "/" in out  # bilingual help lines


def test_missing_required_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--registry", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert "--ledger" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", "--ledger", str(tmp_path / "none.csv"), "--registry", str(tmp_path / "r.csv")])
    assert code == 2
    assert "文件不存在" in capsys.readouterr().err


def test_bad_as_of_and_sample_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "l.csv"
    ledger.write_text("地区\n", encoding="utf-8")
    assert main(["sweep", "--ledger", str(ledger), "--registry", str(ledger), "--as-of", "2022/05/10"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["sweep", "--ledger", str(ledger), "--registry", str(ledger), "--sample", "1.5"]) == 2


def test_no_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2


def test_console_script_runs_as_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newmedia_audit.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "newmedia-audit" in done.stdout
