"""Evidence files: raw responses and a screenshot per account, written safely.

Paths come from account ids, which come from spreadsheets: an id such as
``../../etc/passwd`` or one with NUL bytes or slashes must never become a
path. ``evidence_dir`` keeps a readable, sanitized part of the id plus a short
hash of the full id (so two ids that sanitize alike stay apart) and checks
the result stays under ``out_dir/evidence/{platform}/``. Every file is
written to a temporary name and renamed (``os.replace``): a kill leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import OutputError
from .base import Fetched

_UNSAFE = re.compile(r"[^0-9A-Za-z_\-.\u4e00-\u9fff]+")
_MAX_STEM = 60
# Platform codes and roles (weibo, profile, ...) are kept as they are.
_PLATFORM = re.compile(r"[a-z_]{1,20}")
# Headers never written (secrets stay out of outputs).
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})


def safe_name(text: str) -> str:
    """A file-name-safe rendering of ``text``: sanitized part + 8-hex hash of the original."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    stem = _UNSAFE.sub("_", text).strip("._")[:_MAX_STEM] or "id"
    return f"{stem}-{digest}"


def evidence_dir(out_dir: Path, platform: str, account_id: str) -> Path:
    """The evidence folder of one account, always under ``out_dir/evidence/{platform}/``.

    Raises:
        OutputError: the derived path would leave that folder (never expected).
    """
    folder = platform if _PLATFORM.fullmatch(platform) else safe_name(platform)
    base = (Path(out_dir) / "evidence" / folder).resolve()
    path = (base / safe_name(account_id)).resolve()
    if path.parent != base:
        raise OutputError(f"证据路径越界：{account_id!r}")
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Drop what an earlier, uncommitted visit left: a killed write's temporary file,
    or responses the committed visit did not see (an account is visited by one worker at a time)."""
    for path in folder.iterdir():
        if path.name not in keep and path.is_file():
            path.unlink(missing_ok=True)


def _suffix(fetched: Fetched) -> str:
    ctype = fetched.headers.get("content-type", "")
    if "json" in ctype:
        return ".json"
    if "html" in ctype:
        return ".html"
    head = fetched.body[:1].strip()
    return ".json" if head in (b"{", b"[") else ".html" if head == b"<" else ".txt"


REVIEW_REASON_FILE = "review-reason.txt"


def write_evidence(
    out_dir: Path,
    platform: str,
    account_id: str,
    responses: Mapping[str, Fetched],
    screenshot: bytes | None = None,
    review_reason: str = "",
) -> list[str]:
    """Write raw responses (as received), an index.json, the screenshot and, for a
    visit that did not see the account, ``review-reason.txt``: what was not seen, in
    plain Chinese, beside the evidence verdicts.csv points to.

    Returns:
        Paths relative to ``out_dir`` (POSIX form): the folder first, then the files.

    Raises:
        OutputError: the folder cannot be written (unwritable, disk full).
    """
    folder = evidence_dir(out_dir, platform, account_id)
    root = Path(out_dir).resolve()
    written: list[Path] = []
    index: list[dict[str, object]] = []
    try:
        for role, fetched in sorted(responses.items()):
            name = (role if _PLATFORM.fullmatch(role) else safe_name(role)) + _suffix(fetched)
            atomic_write(folder / name, fetched.body)
            written.append(folder / name)
            index.append(
                {
                    "role": role,
                    "file": name,
                    "url": fetched.url,
                    "status": fetched.status,
                    "received_at": fetched.received_at.isoformat(),
                    "redirects": list(fetched.redirects),
                    "content_type": fetched.headers.get("content-type", ""),
                }
            )
        if screenshot:
            atomic_write(folder / "screenshot.jpg", screenshot)
            written.append(folder / "screenshot.jpg")
        if review_reason:
            atomic_write(folder / REVIEW_REASON_FILE, (review_reason.strip() + "\n").encode("utf-8"))
            written.append(folder / REVIEW_REASON_FILE)
        body = json.dumps({"account_id": account_id, "responses": index}, ensure_ascii=False, indent=1)
        atomic_write(folder / "index.json", body.encode("utf-8"))
        written.append(folder / "index.json")
        _remove_stale(folder, {p.name for p in written})
    except OSError as exc:
        raise OutputError(f"无法写入证据文件 {folder}：{exc}") from exc
    return [p.relative_to(root).as_posix() for p in [folder, *written]]
