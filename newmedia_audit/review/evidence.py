"""Serving evidence files: only regular files inside OUTDIR/evidence, never anything else.

A path with ``..``, an empty or ``.`` segment, a backslash, a NUL or a leading
slash is refused before touching the disk; what is left is resolved (symlinks
followed) and must still lie inside the evidence folder. Raw responses are
the platforms' own HTML and JSON: served as attachments under a sandboxing
CSP, so a platform page can never run as the review page's origin.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse

INLINE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
# Login states live under browsers/, never in OUTDIR; refuse their name anyway.
_SECRET_SUFFIXES = (".state.json",)


def resolve_evidence(out_dir: Path, path: str) -> Path | None:
    """The file an evidence URL path names (relative to OUTDIR/evidence), or None."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    root = (Path(out_dir) / "evidence").resolve()
    try:
        target = (root / path).resolve()
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root) or target == root or not target.is_file():
        return None
    if target.name.lower().endswith(_SECRET_SUFFIXES):
        return None
    return target


def evidence_response(target: Path) -> FileResponse:
    """A screenshot inline; anything else as a download that cannot run in the page's origin."""
    sandbox = {"content-security-policy": "default-src 'none'; sandbox"}
    media = INLINE_TYPES.get(target.suffix.lower())
    if media is not None:
        return FileResponse(target, media_type=media, headers=sandbox, content_disposition_type="inline")
    return FileResponse(
        target,
        media_type="application/octet-stream",
        filename=target.name,
        headers=sandbox,
        content_disposition_type="attachment",
    )
