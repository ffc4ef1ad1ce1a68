"""``newmedia-audit discover`` usage and bad input: exit 2 with the file, row, column and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from newmedia_audit.cli import main

from .conftest import write_inputs


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    return write_inputs(tmp_path, [], [])


def discover(tmp_path: Path, ledger: Path, registry: Path, *extra: str) -> list[str]:
    har = tmp_path / "empty.har"
    if not har.exists():
        har.write_text('{"log": {"version": "1.2", "entries": []}}', encoding="utf-8")
    # One platform on httpx: a test that went wrong would not visit much.
    return ["discover", "--ledger", str(ledger), "--registry", str(registry), "--out", str(tmp_path / "out"),
            "--replay", str(har), "--platform", "weibo", *extra]  # fmt: skip


def test_a_bad_ledger_row_stops_before_any_visit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "my_ledger.csv"
    ledger.write_text(
        "地区,主办单位,账号名称,平台,账号ID\n市直,东川市公安局,东川公安,火星号,abc\n", encoding="utf-8"
    )
    _, registry = write_inputs(tmp_path, [], [])
    assert main(discover(tmp_path, ledger, registry)) == 2
    err = capsys.readouterr().err
    assert str(ledger) in err and "第 2 行" in err and "平台" in err and "火星号" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_a_query_too_long_names_its_line(tmp_path: Path, inputs: tuple[Path, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    queries = tmp_path / "q.txt"
    queries.write_text("东川公安\n" + "很长" * 30 + "\n", encoding="utf-8")
    assert main(discover(tmp_path, *inputs, "--queries", str(queries))) == 2
    err = capsys.readouterr().err
    assert str(queries) in err and "第 2 行" in err and "查询过长" in err


def test_an_empty_query_file_is_refused(tmp_path: Path, inputs: tuple[Path, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    queries = tmp_path / "q.txt"
    queries.write_text("# 只有注释\n\n", encoding="utf-8")
    assert main(discover(tmp_path, *inputs, "--queries", str(queries))) == 2
    assert "没有任何查询" in capsys.readouterr().err


def test_a_bad_keyword_file_names_the_file_and_key(tmp_path: Path, inputs: tuple[Path, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    words = tmp_path / "words.toml"
    words.write_text('keywords = "公安"\n', encoding="utf-8")
    config = tmp_path / "rules.toml"
    config.write_text(f"[discovery]\nkeywords_file = {str(words)!r}\n", encoding="utf-8")
    assert main(discover(tmp_path, *inputs, "--config", str(config))) == 2
    err = capsys.readouterr().err
    assert str(words) in err and "keywords" in err and "字符串列表" in err


@pytest.mark.parametrize("pages", ["0", "-1", "x"])
def test_pages_must_be_a_positive_number(tmp_path: Path, inputs: tuple[Path, Path], pages: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert main(discover(tmp_path, *inputs, "--pages", pages)) == 2
    assert "页数应为正整数" in capsys.readouterr().err


def test_no_region_at_all_says_how_to_give_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "my_ledger.csv"
    ledger.write_text(
        "地区,主办单位,账号名称,平台,账号ID\n市直,东川市公安局,东川公安,微博,123\n", encoding="utf-8"
    )
    _, registry = write_inputs(tmp_path, [], [])
    config = tmp_path / "rules.toml"
    config.write_text("[discovery]\nregions = []\n", encoding="utf-8")
    assert main(discover(tmp_path, ledger, registry, "--config", str(config))) == 2
    assert "--region" in capsys.readouterr().err


def test_a_malformed_replay_file_is_bad_input(tmp_path: Path, inputs: tuple[Path, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    har = tmp_path / "broken.har"
    har.write_text("{not json", encoding="utf-8")
    args = discover(tmp_path, *inputs, "--region", "东川市")
    args[args.index("--replay") + 1] = str(har)
    assert main(args) == 2
    assert str(har) in capsys.readouterr().err


def test_help_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["discover", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--ledger", "--registry", "--out", "--region", "--queries", "--platform", "--pages",
                   "--replay", "--record", "--config"):  # fmt: skip
        assert option in out
