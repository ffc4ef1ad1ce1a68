"""Rules: observations, filings and settings in, verdicts out. Pure functions only.

Nothing here imports collect/ or playwright, reads a clock or opens a database.
"""

from .assess import assess, assess_account, window_for
from .filing import FilingIndex, FilingMatch
from .freshness import Freshness, FreshnessResult, assess_freshness
from .lexicon import Lexicon, LexiconEntry, default_entries, find_hits, load_lexicon
from .names import normalize_name, same_name
from .overrides import Override, apply_overrides, read_overrides
from .precedence import order_reasons, primary_reason
from .rectification import PreviousSweep, read_previous, rectify
from .registry_compare import compare_registry
from .sampling import sample_accounts
from .zombies import zombie_entry

__all__ = [
    "Freshness",
    "FreshnessResult",
    "FilingIndex",
    "FilingMatch",
    "Lexicon",
    "LexiconEntry",
    "Override",
    "PreviousSweep",
    "apply_overrides",
    "assess",
    "assess_account",
    "assess_freshness",
    "compare_registry",
    "default_entries",
    "find_hits",
    "load_lexicon",
    "normalize_name",
    "order_reasons",
    "primary_reason",
    "read_overrides",
    "read_previous",
    "rectify",
    "same_name",
    "sample_accounts",
    "window_for",
    "zombie_entry",
]
