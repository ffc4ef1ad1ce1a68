"""results.json: the machine summary of design.md, plus a few extra keys.

The keys design.md shows (as_of, generated_at, new_media, websites, combined,
reasons, districts, skipped_rows) keep exactly its shape; extras sit beside
them at the top level.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..models import AuditResult, VerdictCode, platform_label
from .labels import CST, iso_local, rate_float
from .summary import Summary, Tally, rate, summarize


def new_media_dict(tally: Tally) -> dict[str, Any]:
    return {
        "checked": tally.checked,
        "passed": tally.passed,
        "failed": tally.failed,
        "review": tally.review,
        "rate": rate_float(tally.rate),
    }


def website_dict(tally: Tally) -> dict[str, Any]:
    return {
        "checked": tally.checked,
        "passed": tally.passed,
        "failed": tally.failed,
        "rate": rate_float(tally.rate),
    }


def combined_dict(tally: Tally) -> dict[str, Any]:
    return website_dict(tally)


def _rectification(result: AuditResult) -> dict[str, Any] | None:
    rect = result.rectification
    if rect is None:
        return None
    return {
        "previous_label": rect.previous_label,
        "previous_checked": rect.previous_checked,
        "previous_failed": rect.previous_failed,
        "unrectified": [
            {
                "district": v.account.district,
                "unit": v.account.unit,
                "name": v.account.name,
                "platform": v.account.platform,
                "account_id": v.account.account_id,
            }
            for v in rect.unrectified
        ],
        "fixed": len(rect.fixed),
    }


def results_dict(
    result: AuditResult, generated_at: datetime | None = None, summary: Summary | None = None
) -> dict[str, Any]:
    """The content of results.json.

    Args:
        result: the assessed sweep.
        generated_at: the time to print (default: now); shown in +08:00.
        summary: figures already computed by ``summarize`` (computed when omitted).
    """
    summary = summary or summarize(result)
    moment = generated_at if generated_at is not None else datetime.now(CST)
    decided = summary.new_media.decided
    return {
        "as_of": result.as_of.isoformat(),
        "generated_at": iso_local(moment),
        "new_media": new_media_dict(summary.new_media),
        "websites": website_dict(summary.websites),
        "combined": combined_dict(summary.combined),
        "reasons": dict(summary.reasons),
        "districts": [
            {
                "district": d.district,
                "new_media": new_media_dict(d.new_media),
                "websites": website_dict(d.websites),
                "combined": combined_dict(d.combined),
            }
            for d in summary.districts
        ],
        "skipped_rows": [row.model_dump(mode="json") for row in result.skipped_rows],
        # Extras beyond design.md's example.
        "province": result.province,
        "website_pass_line": result.website_pass_line,
        "website_bands": dict(summary.website_bands),
        "websites_inconsistent": sum(1 for w in result.websites if not w.consistent),
        "new_media_failed_share": rate_float(rate(summary.new_media.failed, decided)),
        "platforms": [
            {"platform": p.platform, "label": platform_label(p.platform), **new_media_dict(p.new_media)}
            for p in summary.platforms
        ],
        "registry": dict(summary.registry),
        "zombies": len(result.zombies),
        "review": [
            {
                "district": v.account.district,
                "unit": v.account.unit,
                "name": v.account.name,
                "platform": v.account.platform,
                "status": str(v.status),
                "review_reason": v.review_reason,
            }
            for v in result.verdicts
            if v.verdict == VerdictCode.review
        ],
        "rectification": _rectification(result),
        "platform_health": [
            {**h.model_dump(mode="json"), "paused": h.paused} for h in result.platform_health
        ],
        "warnings": _warnings(result),
        "carried": sum(1 for v in result.verdicts if v.carried_from is not None),
        "trend": [p.model_dump(mode="json") for p in result.trend],
    }


def _warnings(result: AuditResult) -> dict[str, int] | None:
    """预警 counts by kind and level (None when the sweep computed none)."""
    if result.warnings is None:
        return None
    counts = {"total": len(result.warnings), "window": 0, "zombie": 0, "red": 0, "yellow": 0}
    for entry in result.warnings:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
        counts["red" if entry.level == "红" else "yellow"] += 1
    return counts


def render_results_json(
    result: AuditResult, generated_at: datetime | None = None, summary: Summary | None = None
) -> str:
    """results.json as text (UTF-8, Chinese kept readable, 2-space indent)."""
    return json.dumps(results_dict(result, generated_at, summary), ensure_ascii=False, indent=2) + "\n"
