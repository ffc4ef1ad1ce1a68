"""Bad input through the CLI: one message per bad row (file, row, column, value), exit 2,
no traceback, nothing visited; --skip-bad-rows goes on and lists the skipped rows."""

from pathlib import Path

import pytest

from newmedia_audit.cli import main

LEDGER_HEADER = "地区,主办单位,账号名称,平台,账号ID,主页地址\n"
REGISTRY = "备案编号,账号名称,平台,账号ID,主办单位,状态\nB1,咸安发布,微博,1234567890,咸安区政府,正常\n"


def files(tmp_path: Path, ledger_rows: str, registry: str = REGISTRY) -> list[str]:
    ledger = tmp_path / "台账.csv"
    ledger.write_text(LEDGER_HEADER + ledger_rows, encoding="utf-8")
    reg = tmp_path / "备案库.csv"
    reg.write_text(registry, encoding="utf-8")
    return [
        "sweep",
        "--ledger",
        str(ledger),
        "--registry",
        str(reg),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        "2022-05-10",
    ]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("咸安区,咸安区政府,咸安发布,飞信,abc,\n", "平台", "飞信"),
        ("咸安区,咸安区政府,咸安发布,微博,,\n", "账号ID", None),
        ("咸安区,咸安区政府,,微博,1234567890,\n", "账号名称", None),
    ],
    ids=["unknown-platform", "no-id-or-url", "empty-name"],
)
def test_bad_ledger_row_names_file_row_column_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, column: str, value: str | None
) -> None:
    ok_row = "咸安区,咸安区政府,咸安发布,微博,1234567890,\n"
    code, err = run(files(tmp_path, ok_row + row), capsys)
    assert code == 2
    assert "台账.csv" in err
    assert "第 3 行" in err  # header is row 1, the bad row is the second data row
    assert column in err
    if value:
        assert value in err
    assert not (tmp_path / "out" / "state.sqlite").exists()  # stopped before any visit


def test_every_bad_row_of_every_file_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "咸安区,咸安区政府,咸安发布,飞信,abc,\n咸安区,咸安区政府,,微博,1,\n"
    websites = tmp_path / "网站.csv"
    websites.write_text("单位名称,突出问题,得分\n市教育局,无,九十\n", encoding="utf-8")
    code, err = run([*files(tmp_path, rows), "--websites", str(websites)], capsys)
    assert code == 2
    assert "第 2 行" in err and "第 3 行" in err
    assert "网站.csv" in err and "得分" in err and "九十" in err


def test_missing_column_stops_before_any_visit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "台账.csv"
    ledger.write_text("地区,账号名称,平台,账号ID\n咸安区,咸安发布,微博,1\n", encoding="utf-8")
    reg = tmp_path / "备案库.csv"
    reg.write_text(REGISTRY, encoding="utf-8")
    code, err = run(
        ["sweep", "--ledger", str(ledger), "--registry", str(reg), "--out", str(tmp_path / "o")], capsys
    )
    assert code == 2
    assert "主办单位" in err
    assert "台账.csv" in err
    assert not (tmp_path / "o" / "state.sqlite").exists()
