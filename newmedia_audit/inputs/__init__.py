"""Input readers: ledger (台账), filing registry (备案库) and website results (附件1).

Each reader takes a .xlsx or .csv path and returns a ReadResult: the good
items, every bad row as an InputError (file, row, column, value), and Chinese
warnings. A missing required column raises InputError at once.
"""

from .ids import IdError, account_id_from_url, resolve_account_id
from .ledger import read_ledger
from .platforms import is_other, platform_code
from .registry import read_registry
from .result import ReadResult, errors_to_skipped, raise_for_errors
from .websites import parse_deductions, parse_score, read_websites

__all__ = [
    "IdError",
    "ReadResult",
    "account_id_from_url",
    "errors_to_skipped",
    "is_other",
    "parse_deductions",
    "parse_score",
    "platform_code",
    "raise_for_errors",
    "read_ledger",
    "read_registry",
    "read_websites",
    "resolve_account_id",
]
