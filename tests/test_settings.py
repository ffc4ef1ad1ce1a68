"""Settings precedence: CLI > env > TOML > defaults; bad values are ConfigError."""

from pathlib import Path

import pytest

from newmedia_audit.errors import ConfigError
from newmedia_audit.models import Reason
from newmedia_audit.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_follow_the_national_indicators(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    assert settings.window_days == 14
    assert settings.zombie_days == 90
    assert settings.website_pass_line == 60
    assert settings.precedence[0] is Reason.serious_error
    assert settings.weibo.use_httpx is False  # visitor cookies: the page's script gets them
    assert settings.douyin.use_httpx is False
    assert "--disable-background-networking" in settings.browser.args


def test_toml_overrides_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "zombie_days = 180\n[weibo]\ndelay = 9\n"))
    assert settings.zombie_days == 180
    assert settings.weibo.delay == 9
    assert settings.weibo.use_httpx is False  # the platform's own default survives a partial table


def test_env_beats_toml_and_cli_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWMEDIA_AUDIT_ZOMBIE_DAYS", "120")
    monkeypatch.setenv("NEWMEDIA_AUDIT_DOUYIN__CONCURRENCY", "3")
    config = write(tmp_path, "zombie_days = 180\n")
    assert load_settings(config).zombie_days == 120
    assert load_settings(config).douyin.concurrency == 3
    assert load_settings(config, zombie_days=60).zombie_days == 60


def test_bad_value_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="window_days"):
        load_settings(write(tmp_path, 'window_days = "two weeks"\n'))


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="windowdays"):
        load_settings(write(tmp_path, "windowdays = 7\n"))


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(write(tmp_path, "window_days = = 3\n"))


def test_shipped_rules_file_loads() -> None:
    settings = load_settings(Path(__file__).parents[1] / "registry" / "rules.toml")
    assert settings.province == "湖北省"
