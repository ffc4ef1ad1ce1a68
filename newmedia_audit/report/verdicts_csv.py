"""verdicts.csv: one row per ledger account, the columns design.md fixes (UTF-8 with BOM).

Cells that Excel or WPS would read as a formula get a leading quote (csvcells.py);
results.json keeps the exact text.
"""

from __future__ import annotations

import csv
import io

from ..csvcells import neutralize_row
from ..models import VERDICTS_CSV_COLUMNS, AuditResult, Verdict
from .labels import iso_local, primary_of

COLUMNS = VERDICTS_CSV_COLUMNS


def verdict_row(verdict: Verdict) -> list[str]:
    """The CSV cells of one verdict, codes as design.md spells them (exact text, not yet neutralized)."""
    account = verdict.account
    primary = primary_of(verdict) if verdict.reasons or verdict.primary_reason else None
    return [
        account.district,
        account.unit,
        account.platform,
        account.account_type,
        account.name,
        account.account_id,
        str(verdict.status),
        verdict.live_name,
        iso_local(verdict.last_post_at),
        str(verdict.verdict),
        "" if primary is None else str(primary),
        ";".join(str(r) for r in verdict.reasons),
        evidence_cell(verdict),
    ]


def evidence_cell(verdict: Verdict) -> str:
    """The evidence folder; for an observation carried over (--since) also "(carried DATE)"."""
    if verdict.carried_from is None:
        return verdict.evidence
    return f"{verdict.evidence} (carried {verdict.carried_from.isoformat()})".lstrip()


def render_verdicts_csv(result: AuditResult) -> bytes:
    """The whole file as bytes: BOM, header, one row per account in ledger order, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for verdict in result.verdicts:
        writer.writerow(neutralize_row(verdict_row(verdict)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
