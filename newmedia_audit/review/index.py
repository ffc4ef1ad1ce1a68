"""The review page's listing index: flat, indexed rows derived from the stored verdicts.

The verdicts table keeps one JSON document per account; filtering and paging
100,000 of them per request would parse every document. This index keeps the
few columns the lists show and filter on, in two tables of the same SQLite
file, rebuilt (in one transaction) whenever the reports were rewritten: its
stamp is results.json's size and time plus the verdict count. It is a cache:
dropping it loses nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..bulk import paused_gc
from ..errors import InputError
from ..models import LexiconHit
from ..rules.overrides import hit_ref
from ..rules.rectification import PreviousRow, read_previous
from ..store import Store

INDEX_VERSION = 2  # 2: review_hits.post_id and .ref (the hit as an overrides row names it)
STAMP_KEY = "review.index"

_SCHEMA = """
DROP TABLE IF EXISTS review_rows;
DROP TABLE IF EXISTS review_hits;
CREATE TABLE review_rows (
    key TEXT PRIMARY KEY, seq INTEGER NOT NULL, district TEXT NOT NULL, platform TEXT NOT NULL,
    unit TEXT NOT NULL, name TEXT NOT NULL, account_id TEXT NOT NULL, live_name TEXT NOT NULL,
    status TEXT NOT NULL, verdict TEXT NOT NULL, primary_reason TEXT NOT NULL,
    reasons TEXT NOT NULL, review_reason TEXT NOT NULL, hits INTEGER NOT NULL,
    unrectified INTEGER NOT NULL, note TEXT NOT NULL, prev_verdict TEXT NOT NULL,
    prev_reasons TEXT NOT NULL, search TEXT NOT NULL);
CREATE INDEX review_rows_list ON review_rows(verdict, seq);
CREATE INDEX review_rows_district ON review_rows(verdict, district, seq);
CREATE INDEX review_rows_platform ON review_rows(verdict, platform, seq);
CREATE TABLE review_hits (
    seq INTEGER PRIMARY KEY, key TEXT NOT NULL, n INTEGER NOT NULL, district TEXT NOT NULL,
    platform TEXT NOT NULL, unit TEXT NOT NULL, name TEXT NOT NULL, word TEXT NOT NULL,
    rule TEXT NOT NULL, correction TEXT NOT NULL, sentence TEXT NOT NULL, link TEXT NOT NULL,
    dismissed INTEGER NOT NULL, post_id TEXT NOT NULL, ref TEXT NOT NULL, search TEXT NOT NULL);
CREATE INDEX review_hits_key ON review_hits(key);
CREATE INDEX review_hits_district ON review_hits(district, seq);
CREATE INDEX review_hits_platform ON review_hits(platform, seq);
"""

ROW_COLUMNS = (
    "key, seq, district, platform, unit, name, account_id, live_name, status, verdict, "
    "primary_reason, reasons, review_reason, hits, unrectified, note, prev_verdict, prev_reasons"
)
HIT_COLUMNS = (
    "seq, key, n, district, platform, unit, name, word, rule, correction, sentence, link, dismissed, "
    "post_id, ref"
)


def stamp(store: Store, out_dir: Path) -> str:
    """What identifies the reports the index was built from (cheap: one stat, one count)."""
    try:
        info = os.stat(Path(out_dir) / "results.json")
        files = f"{info.st_mtime_ns}:{info.st_size}"
    except OSError:
        files = "none"
    count = store.db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
    return f"{INDEX_VERSION}:{files}:{count}"


def is_current(store: Store, out_dir: Path) -> bool:
    return store.get_meta(STAMP_KEY) == stamp(store, out_dir)


def previous_rows(store: Store) -> dict[str, PreviousRow]:
    """The previous sweep's rows when the sweep was given ``--previous`` (and it is still there)."""
    saved = store.meta_json("inputs")
    folder = saved.get("previous") if isinstance(saved, dict) else None
    if not folder:
        return {}
    try:
        return read_previous(Path(folder)).rows
    except InputError:
        return {}  # moved or deleted since the sweep: the page shows no previous verdict


def _search_text(*parts: str) -> str:
    return "\n".join(p for p in parts if p).lower()


def _verdict_documents(store: Store) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for seq, key, data in store.db.execute("SELECT rowid, key, data FROM verdicts ORDER BY rowid"):
        yield seq, key, json.loads(data)


@paused_gc()  # a 100,000-account sweep: many small objects, no garbage
def rebuild(store: Store, out_dir: Path) -> int:
    """Rebuild the index from the stored verdicts in one transaction; returns the row count.

    Readers on other connections see the old index until the commit (WAL).
    """
    current = stamp(store, out_dir)
    previous = previous_rows(store)
    rows: list[tuple[object, ...]] = []
    hits: list[tuple[object, ...]] = []
    for seq, key, doc in _verdict_documents(store):
        account = doc["account"]
        before = previous.get(key)
        reasons = doc.get("reasons") or []
        rows.append(
            (
                key,
                seq,
                account["district"],
                account["platform"],
                account["unit"],
                account["name"],
                account.get("account_id", ""),
                doc.get("live_name", ""),
                doc["status"],
                doc["verdict"],
                doc.get("primary_reason") or "",
                ";" + ";".join(reasons) + ";" if reasons else "",
                doc.get("review_reason", ""),
                len(doc.get("hits") or []),
                1 if doc.get("unrectified") else 0,
                doc.get("note", ""),
                before.verdict if before else "",
                ";".join(before.reasons) if before else "",
                _search_text(
                    account["name"], account["unit"], account.get("account_id", ""), doc.get("live_name", "")
                ),
            )
        )
        for n, hit in enumerate(doc.get("hits") or []):
            hits.append(
                (
                    len(hits) + 1,
                    key,
                    n,
                    account["district"],
                    account["platform"],
                    account["unit"],
                    account["name"],
                    hit["word"],
                    hit.get("rule", ""),
                    hit.get("correction", ""),
                    hit.get("sentence", ""),
                    hit.get("link", ""),
                    1 if hit.get("dismissed") else 0,
                    hit.get("post_id", ""),
                    hit_ref(LexiconHit.model_validate(hit)),
                    _search_text(account["name"], account["unit"], hit["word"], hit.get("sentence", "")),
                )
            )
    with store.atomic() as db:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.executemany(f"INSERT INTO review_rows VALUES ({', '.join('?' * 19)})", rows)
        db.executemany(f"INSERT INTO review_hits VALUES ({', '.join('?' * 16)})", hits)
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (STAMP_KEY, current))
    return len(rows)


def ensure(store: Store, out_dir: Path) -> bool:
    """Rebuild the index when the reports changed since it was built; True when it did."""
    if is_current(store, out_dir):
        return False
    rebuild(store, out_dir)
    return True
