"""Evidence paths are safe for hostile ids; files are written whole, without secrets."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.evidence import evidence_dir, write_evidence

from .conftest import T0

HOSTILE = [
    "../../etc/passwd",
    "a/b",
    "a\\b",
    "nul\x00byte",
    "..",
    ".",
    "",
    "~root",
    "/abs/path",
    "微信号/../x",
]


def test_hostile_ids_stay_under_the_platform_folder(tmp_path: Path) -> None:
    base = (tmp_path / "evidence" / "weibo").resolve()
    seen = set()
    for account_id in HOSTILE:
        path = evidence_dir(tmp_path, "weibo", account_id)
        assert path.parent == base, account_id
        assert "\x00" not in str(path)
        seen.add(path)
    assert len(seen) == len(HOSTILE)  # no two ids share a folder


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_id_becomes_one_folder_under_the_platform(account_id: str) -> None:
    out = Path("/tmp/newmedia-evidence-prop")
    path = evidence_dir(out, "douyin", account_id)
    assert path.parent == (out / "evidence" / "douyin").resolve()
    assert len(path.name) < 80


def test_ids_that_sanitize_alike_stay_apart(tmp_path: Path) -> None:
    assert evidence_dir(tmp_path, "wechat", "a/b") != evidence_dir(tmp_path, "wechat", "a_b")


def test_readable_ids_keep_their_name(tmp_path: Path) -> None:
    assert evidence_dir(tmp_path, "weibo", "1234567").name.startswith("1234567-")


def test_raw_responses_and_index_are_written_without_cookies(tmp_path: Path) -> None:
    responses = {
        "profile": Fetched(
            url="https://fake.test/api/profile/1",
            status=200,
            headers={"content-type": "application/json", "set-cookie": "SUB=planted-secret"},
            body=b'{"name": "x"}',
            received_at=T0,
        ),
        "page": Fetched(
            url="https://fake.test/u/1",
            status=200,
            headers={"content-type": "text/html"},
            body=b"<html>\xe4\xb8\xad</html>",
            received_at=T0,
            redirects=("https://fake.test/old",),
        ),
    }
    paths = write_evidence(tmp_path, "weibo", "../1", responses, screenshot=b"\xff\xd8jpeg")
    assert all(not Path(p).is_absolute() and ".." not in Path(p).parts for p in paths)
    folder = tmp_path / paths[0]
    assert folder.is_dir()
    assert (folder / "profile.json").read_bytes() == b'{"name": "x"}'
    assert (folder / "page.html").read_bytes() == b"<html>\xe4\xb8\xad</html>"
    assert (folder / "screenshot.jpg").read_bytes() == b"\xff\xd8jpeg"
    index = json.loads((folder / "index.json").read_text("utf-8"))
    assert {r["role"]: r["status"] for r in index["responses"]} == {"page": 200, "profile": 200}
    assert index["responses"][0]["redirects"] == ["https://fake.test/old"]
    everything = b"".join(p.read_bytes() for p in folder.iterdir())
    assert b"planted-secret" not in everything
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_rewriting_evidence_replaces_files_whole(tmp_path: Path) -> None:
    def one(body: bytes) -> dict[str, Fetched]:
        return {"posts": Fetched("https://fake.test/p", 200, {"content-type": "application/json"}, body, T0)}

    write_evidence(tmp_path, "weibo", "1", one(b"[1]"))
    paths = write_evidence(tmp_path, "weibo", "1", one(b"[2]"))
    folder = tmp_path / paths[0]
    assert (folder / "posts.json").read_bytes() == b"[2]"
    assert sorted(p.name for p in folder.iterdir()) == ["index.json", "posts.json"]
