"""Reports: results.json, verdicts.csv, report.xlsx, report.html and notice.md.

Everything here renders an ``AuditResult``; nothing imports collect/, rules/ or
playwright. ``write_reports`` is the one entry point the CLI calls.
"""

from __future__ import annotations

from .results_json import results_dict
from .write import write_reports

__all__ = ["results_dict", "write_reports"]
