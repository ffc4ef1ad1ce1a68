"""Hostile input through a whole sweep: formula cells, script in posts and names,
ids made to be paths, malformed HAR files. Nothing may run, escape or crash."""

from __future__ import annotations

import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path

import polars as pl
import pytest

from newmedia_audit.cli import main
from newmedia_audit.models import Account, Filing, Platform
from newmedia_audit.synth import ids as synth_ids
from newmedia_audit.synth.corpus import make_posts, write_corpus
from newmedia_audit.synth.platforms import CST, Scenario, page_url
from newmedia_audit.synth.tables import write_ledger, write_registry

from .conftest import AS_OF, run_sweep

FORMULAS = ('=HYPERLINK("http://example.invalid","点我")', "+1+2", "-3+4", "@SUM(A1:A9)")
SCRIPT = "<script>window.__pwned=1</script><img src=x onerror=alert(1)>"
HOSTILE_IDS = ("../../etc/passwd", "..", "a\x00b", "/etc/passwd", "C:\\Windows\\evil", "~root", "%2e%2e%2f")


def httpx_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    for platform in Platform:
        monkeypatch.setenv(f"NEWMEDIA_AUDIT_{platform.value.upper()}__USE_HTTPX", "true")


def hostile_province(root: Path) -> tuple[Path, Path, Path]:
    """Four accounts named like formulas, whose newest posts carry script and a lexicon hit."""
    received = datetime.combine(AS_OF, time(9, 0), CST)
    accounts, filings, scenarios = [], [], []
    for index, (platform, name) in enumerate(zip(Platform, FORMULAS, strict=True)):
        account_id = synth_ids.account_id(platform, f"hostile|{index}")
        live = name if index else name + SCRIPT  # one live name carries script too
        posts = make_posts(
            platform,
            name,
            "某单位",
            received - timedelta(hours=3),
            index,
            count=2,
            latest_title=f"中华人民共合国{SCRIPT}",
        )
        scenarios.append(Scenario(platform, account_id, live, received, subject="某单位", posts=posts))
        accounts.append(
            Account(
                district="市直",
                unit=f"=cmd|' /C calc'!A{index}",
                name=name,
                platform=platform.value,
                account_id=account_id,
                url=page_url(platform, account_id) if platform is not Platform.wechat else "",
            )
        )
        filings.append(
            Filing(
                filing_no=f"H{index}",
                name=name,
                platform=platform.value,
                account_id=account_id,
                unit="某单位",
                district="市直",
                status="已备案",
                filed_on=AS_OF - timedelta(days=100),
            )
        )
    return (
        write_ledger(accounts, root / "ledger.csv"),
        write_registry(filings, root / "registry.csv"),
        write_corpus(scenarios, root / "corpus.har"),
    )


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    ledger, registry, corpus = hostile_province(root / "in")
    with ledger.open("a", encoding="utf-8") as handle:  # ids made to be paths: bad rows, skipped and listed
        handle.write("市直,某单位,路径账号,微信,微信订阅号,../../etc/passwd,,\n")
        handle.write("市直,某单位,空字节账号,头条号,,,https://www.toutiao.com/c/user/token/..%2F..%2Fx/,\n")
    out = root / "out"
    with pytest.MonkeyPatch.context() as patch:
        httpx_everywhere(patch)
        code = main(
            [
                "sweep",
                *("--ledger", str(ledger), "--registry", str(registry), "--replay", str(corpus)),
                *("--as-of", AS_OF.isoformat(), "--out", str(out), "--skip-bad-rows"),
            ]
        )
    assert code == 0
    return out


def test_formula_like_cells_from_the_ledger_stay_text_in_the_xlsx(swept: Path) -> None:
    path = swept / "report.xlsx"
    with zipfile.ZipFile(path) as archive:
        xml = "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in xml and "<f " not in xml
    details = pl.read_excel(path, sheet_name="新媒体明细", infer_schema_length=0)
    text = " ".join(str(v) for column in details.columns for v in details[column].to_list())
    for formula in FORMULAS:
        assert formula in text
    assert "=cmd|' /C calc'!A0" in text


def test_script_in_posts_and_names_is_escaped_in_report_html(swept: Path) -> None:
    page = (swept / "report.html").read_text("utf-8")
    assert "共合国" in page  # the lexicon hit is shown ...
    assert "<script>window.__pwned" not in page  # ... but never as markup
    assert "<img src=x" not in page
    assert page.count("<script") == 3  # the page's own JSON blocks (results, tables) and script only


def test_ids_made_to_be_paths_are_skipped_rows_and_touch_nothing(swept: Path) -> None:
    skipped = pl.read_excel(swept / "report.xlsx", sheet_name="跳过的行", infer_schema_length=0)
    assert any("../../etc/passwd" in str(v) for v in skipped["值"].to_list())
    root = swept.parent
    for path in root.rglob("*"):
        assert path.resolve().is_relative_to(root.resolve())
    assert not (root / "etc").exists()


def test_hostile_ids_given_to_the_sweep_never_become_paths(tmp_path: Path) -> None:
    received = datetime.combine(AS_OF, time(9, 0), CST)
    scenarios, accounts = [], []
    for account_id in HOSTILE_IDS:
        scenarios.append(Scenario(Platform.wechat, account_id, "某账号", received))
        accounts.append(
            Account(district="市直", unit="某单位", name="某账号", platform="wechat", account_id=account_id)
        )
    corpus = write_corpus(scenarios, tmp_path / "in" / "corpus.har")
    out = tmp_path / "a" / "b" / "out"
    _, store = run_sweep(accounts, corpus, out)
    observations = store.observations()
    store.close()
    assert len(observations) == len(HOSTILE_IDS)
    base = (out / "evidence" / "wechat").resolve()
    folders = set()
    for obs in observations.values():
        assert obs.evidence, obs
        folder = (out / obs.evidence[0]).resolve()
        assert folder.parent == base
        assert "\x00" not in obs.evidence[0] and ".." not in Path(obs.evidence[0]).parts
        folders.add(folder)
    assert len(folders) == len(HOSTILE_IDS)  # ids that sanitize alike stay apart
    for path in tmp_path.rglob("*"):
        assert path.resolve().is_relative_to(tmp_path.resolve())
    assert not (tmp_path / "a" / "etc").exists() and not (tmp_path / "etc").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "不是有效的 JSON"),
        ('{"log": {}}', "log.entries"),
        ('{"log": {"entries": [{"request": {}}]}}', "第 1 条"),
        ("", "不是有效的 JSON"),
    ],
)
def test_a_malformed_har_is_one_clear_line_naming_the_file(
    content: str,
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger, registry, _ = hostile_province(tmp_path / "in")
    bad = tmp_path / "坏的 回放.har"
    bad.write_text(content, "utf-8")
    httpx_everywhere(monkeypatch)
    monkeypatch.delenv("NEWMEDIA_AUDIT_DEBUG", raising=False)
    code = main(
        ["sweep", "--ledger", str(ledger), "--registry", str(registry), "--replay", str(bad)]
        + ["--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out")]
    )
    err = capsys.readouterr().err
    assert code == 2  # a replay file is the user's input
    assert "Traceback" not in err and "内部错误" not in err
    assert str(bad) in err and words in err
    assert not (tmp_path / "out" / "evidence").exists()  # nothing was visited
