"""The three lists of the review page: queries over the listing index, paged on the server.

待复核 and 不合格 are accounts (rows of ``review_rows`` by verdict); 表述错误线索
are lexicon hits (``review_hits``). Every filter is a bound parameter; search
is a substring test on a lower-cased text column (``instr``), so no pattern
characters of the officer's words need escaping.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from .index import HIT_COLUMNS, ROW_COLUMNS

PAGE_SIZE = 50
MAX_QUERY = 100


@dataclass(frozen=True)
class ListSpec:
    """One list: its URL name, title, and what its 原因 filter means."""

    name: str
    title: str
    reason_label: str


LISTS: dict[str, ListSpec] = {
    "review": ListSpec("review", "待复核", "访问状态"),
    "fail": ListSpec("fail", "不合格", "原因"),
    "hits": ListSpec("hits", "表述错误线索", "规则"),
}

# The verdict code each account list shows.
_VERDICT = {"review": "review", "fail": "fail"}

# The decisions in force that are not an undo: an account "已复核".
_DECIDED = (
    "SELECT key FROM decisions WHERE id IN (SELECT MAX(id) FROM decisions GROUP BY key, subject) "
    "AND value NOT IN ('review', 'pending')"
)
# A hit "已复核": a decision in force on it, on all the account's hits, or a verdict that
# decides them (合格, or 不合格 for 严重表述错误), as decisions.hit_states reads them.
_HIT_DECIDED = (
    "EXISTS (SELECT 1 FROM decisions d WHERE d.id IN "
    "(SELECT MAX(id) FROM decisions GROUP BY key, subject) "
    "AND d.key = review_hits.key AND d.value NOT IN ('review', 'pending') "
    "AND (d.subject IN ('wording', 'wording:' || review_hits.ref) "
    "OR (d.subject = 'verdict' AND (d.value = 'pass' OR d.reason = 'serious_error'))))"
)


@dataclass(frozen=True)
class Filters:
    """What the officer chose above a list (all optional) and the page asked for."""

    district: str = ""
    platform: str = ""
    reason: str = ""
    q: str = ""
    state: str = ""  # "" all, "open" not decided, "done" decided
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        """Filters from a query string mapping; unknown or bad values fall back to defaults."""
        try:
            page = max(1, int(params.get("page", "1") or 1))
        except ValueError:
            page = 1
        state = params.get("state", "")
        return cls(
            district=params.get("district", "").strip(),
            platform=params.get("platform", "").strip(),
            reason=params.get("reason", "").strip(),
            q=" ".join(params.get("q", "").split())[:MAX_QUERY],
            state=state if state in ("open", "done") else "",
            page=min(page, 10**6),
        )

    def query(self, **changes: Any) -> str:
        """The query string of these filters with ``changes`` (page 1 unless given)."""
        updated = replace(self, **({"page": 1} | changes))
        pairs: dict[str, Any] = {k: v for k, v in vars(updated).items() if k != "page" and v}
        if updated.page != 1:
            pairs["page"] = updated.page
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(self.district or self.platform or self.reason or self.q or self.state)


@dataclass
class ListPage:
    """One page of a list."""

    spec: ListSpec
    filters: Filters
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    districts: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _where(name: str, filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if name in _VERDICT:
        clauses.append("verdict = ?")
        params.append(_VERDICT[name])
    if filters.district:
        clauses.append("district = ?")
        params.append(filters.district)
    if filters.platform:
        clauses.append("platform = ?")
        params.append(filters.platform)
    if filters.reason:
        if name == "fail":
            clauses.append("instr(reasons, ?) > 0")
            params.append(f";{filters.reason};")
        elif name == "review":
            clauses.append("status = ?")
            params.append(filters.reason)
        else:
            clauses.append("rule = ?")
            params.append(filters.reason)
    if filters.q:
        clauses.append("instr(search, ?) > 0")
        params.append(filters.q.lower())
    if filters.state and name == "hits":
        clauses.append(_HIT_DECIDED if filters.state == "done" else f"NOT {_HIT_DECIDED}")
    elif filters.state == "open":
        clauses.append(f"key NOT IN ({_DECIDED})")
    elif filters.state == "done":
        clauses.append(f"key IN ({_DECIDED})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _table(name: str) -> str:
    return "review_hits" if name == "hits" else "review_rows"


def _columns(name: str) -> str:
    return HIT_COLUMNS if name == "hits" else ROW_COLUMNS


def facets(db: sqlite3.Connection, name: str) -> tuple[list[str], list[str], list[str]]:
    """Districts, platforms and 原因 values present in a list (each read from an index)."""
    table = _table(name)
    where, params = _where(name, Filters())

    def distinct(column: str) -> list[str]:
        rows = db.execute(f"SELECT DISTINCT {column} FROM {table}{where} ORDER BY {column}", params)
        return [r[0] for r in rows if r[0]]

    if name == "fail":
        codes: set[str] = set()
        for (reasons,) in db.execute(f"SELECT DISTINCT reasons FROM review_rows{where}", params):
            codes.update(r for r in reasons.split(";") if r)
        reasons_found = sorted(codes)
    else:
        reasons_found = distinct("status" if name == "review" else "rule")
    return distinct("district"), distinct("platform"), reasons_found


def counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many rows each list holds (no filter)."""
    out = {
        name: db.execute("SELECT COUNT(*) FROM review_rows WHERE verdict = ?", (verdict,)).fetchone()[0]
        for name, verdict in _VERDICT.items()
    }
    out["hits"] = db.execute("SELECT COUNT(*) FROM review_hits").fetchone()[0]
    return out


def list_page(db: sqlite3.Connection, name: str, filters: Filters, page_size: int = PAGE_SIZE) -> ListPage:
    """One page of list ``name`` under ``filters``, in ledger order; the page number is clamped."""
    spec = LISTS[name]
    table = _table(name)
    where, params = _where(name, filters)
    total = db.execute(f"SELECT COUNT(*) FROM {table}{where}", params).fetchone()[0]
    pages = max(1, math.ceil(total / page_size))
    page = min(filters.page, pages)
    cursor = db.execute(
        f"SELECT {_columns(name)} FROM {table}{where} ORDER BY seq LIMIT ? OFFSET ?",
        [*params, page_size, (page - 1) * page_size],
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor]
    return ListPage(
        spec=spec, filters=replace(filters, page=page), rows=rows, total=total, page=page, pages=pages
    )


def index_row(db: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    """The account's index row (previous verdict, flags), or None."""
    cursor = db.execute(f"SELECT {ROW_COLUMNS} FROM review_rows WHERE key = ?", (key,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))
