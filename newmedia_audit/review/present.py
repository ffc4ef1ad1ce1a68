"""How the review page words and links things: labels, times, highlighted hits, safe links.

Pure functions used as Jinja filters. Every piece of platform text goes
through ``markupsafe.escape`` (Jinja's autoescape does it for plain values;
``highlight`` escapes each piece itself before adding its <mark> tags).
Links to posts keep only http(s) URLs; evidence links only relative paths
without ``..``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

from ..models import Reason, platform_label, reason_label
from ..report.labels import display_datetime, status_label, verdict_label
from ..rules.overrides import HIT_SEPARATOR
from ..store import Decision
from .decisions import subject_hit

__all__ = [
    "decision_text",
    "evidence_url",
    "highlight",
    "hit_name",
    "hit_state",
    "local_time",
    "platform_label",
    "reasons_text",
    "safe_link",
    "status_label",
    "verdict_label",
]

WORDING_LABELS = {"confirm": "确认线索", "dismiss": "排除线索", "pending": "撤销（线索待确认）"}
HIT_LABELS = {"confirm": "确认线索", "dismiss": "排除线索", "pending": "撤销线索结论（待确认）"}
HIT_STATES = {"confirm": "已确认", "dismiss": "已排除", "pending": "待确认"}


def reason_codes(reasons: str | Iterable[str]) -> list[str]:
    """Reason codes from the index's ``;a;b;`` form or a list."""
    items = reasons.split(";") if isinstance(reasons, str) else list(reasons)
    return [r for r in items if r in Reason.__members__]


def reasons_text(reasons: str | Iterable[str], province: str) -> str:
    """Reason labels joined with 、 (unknown codes are left out)."""
    return "、".join(reason_label(r, province) for r in reason_codes(reasons))


def local_time(value: str | datetime | None) -> str:
    """An ISO time or datetime as people read it in +08:00 (2022-06-20 12:00)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return display_datetime(moment)


def highlight(sentence: str, word: str) -> Markup:
    """The sentence, escaped, with every occurrence of ``word`` inside <mark>."""
    if not word:
        return escape(sentence)
    pieces = sentence.split(word)
    marked = Markup("<mark>") + escape(word) + Markup("</mark>")
    return marked.join(escape(p) for p in pieces)


def safe_link(url: str) -> str | None:
    """The URL when it is an absolute http(s) link, else None (javascript:, data:, relative...)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def evidence_url(path: str) -> str | None:
    """The page's URL of an evidence file (relative to OUTDIR), or None for a path that
    is absolute, climbs with ``..`` or lies outside ``evidence/``."""
    parts = path.replace("\\", "/").split("/")
    if not path or path.startswith(("/", "\\")) or ".." in parts or parts[0] != "evidence":
        return None
    return "/" + quote("/".join(parts), safe="/._-~")


def hit_name(ref: str) -> str:
    """A hit as an overrides row names it (``word@post``), in the page's words: 「word」（post）."""
    word, _, where = ref.partition(HIT_SEPARATOR)
    return f"「{word}」" + (f"（{where}）" if where else "")


def hit_state(state: str) -> str:
    """A hit's state (decisions.hit_states) in the page's words."""
    return HIT_STATES.get(state, state)


def hits_summary(states: Iterable[str]) -> str:
    """The state of an account's hits together: one word when they agree, else counts."""
    counts = {s: 0 for s in HIT_STATES}
    for state in states:
        counts[state] = counts.get(state, 0) + 1
    present = [s for s, n in counts.items() if n]
    if len(present) == 1:
        return hit_state(present[0])
    return "，".join(f"{hit_state(s)} {n} 条" for s, n in counts.items() if n) or "无线索"


def decision_text(decision: Decision, province: str) -> str:
    """What a decision made the account, in the page's words (a decision on one hit names it)."""
    if decision.subject == "wording":
        return WORDING_LABELS.get(decision.value, decision.value)
    if (ref := subject_hit(decision.subject)) is not None:
        return HIT_LABELS.get(decision.value, decision.value) + hit_name(ref)
    if decision.value == "fail":
        return f"不合格：{reasons_text([decision.reason], province)}"
    if decision.value == "review":
        return "待复核（撤销人工结论）"
    return verdict_label(decision.value)
