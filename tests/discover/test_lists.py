"""The organ lists: the shipped defaults, an office's TOML or .txt copy, bad files (exit 2 material)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newmedia_audit.discover.lists import DEFAULT_FILE, load_organ_lists
from newmedia_audit.errors import InputError

ROOT = Path(__file__).parents[2]


def test_the_issue_keywords_are_in_the_default_list() -> None:
    keywords = load_organ_lists(DEFAULT_FILE).keywords
    for word in ("发布", "公安", "交警", "消防", "法院", "检察", "教育", "卫健", "市场监管", "税务", "人社",
                 "医保", "民政", "应急", "文旅", "融媒", "政务", "共青团", "妇联"):  # fmt: skip
        assert word in keywords


def test_the_office_copy_in_registry_is_the_shipped_default() -> None:
    assert (ROOT / "registry" / "organ_keywords.toml").read_bytes() == DEFAULT_FILE.read_bytes()


def test_a_toml_copy_replaces_only_the_lists_it_sets(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('keywords = ["公安", "交警", "公安"]\n', encoding="utf-8")
    chosen = load_organ_lists(path)
    assert chosen.keywords == ("公安", "交警")
    assert chosen.government == load_organ_lists(DEFAULT_FILE).government


def test_a_txt_file_gives_keywords_one_a_line(tmp_path: Path) -> None:
    path = tmp_path / "k.txt"
    path.write_text("\ufeff# 关键词\n公安\n\n 交警 # 交通\n", encoding="utf-8")
    assert load_organ_lists(path).keywords == ("公安", "交警")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('keywords = "公安"\n', "字符串列表"),
        ('keyword = ["公安"]\n', "未知的键"),
        ("keywords = [\n", "TOML"),
        ("keywords = []\n", "没有任何查询关键词"),
    ],
)
def test_bad_files_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "k.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_organ_lists(path)
    assert str(path) in str(info.value)
