"""Discovery: find the government accounts of a region that neither the ledger nor the registry lists.

``newmedia-audit discover`` searches Weibo users, Sogou's WeChat accounts and
Douyin users with region × organ keyword queries (or the queries of a file),
visiting each result page with the sweep's fetchers, politeness and evidence,
then keeps the accounts whose certification names a government body of the
region and that the ledger does not list: 已备案未纳入台账 when the registry
has them, else 疑似未备案.
"""

from .certify import Certification, certify
from .classify import Candidate, CandidateKind, Exclusion, Findings, LedgerIndex, RegistryLookup, classify
from .command import discover_command, run_command
from .hits import SearchHit, SearchPage
from .lists import OrganLists, load_organ_lists
from .outputs import write_outputs
from .regions import Region, build_queries, make_regions
from .run import DiscoveryRun, PageRecord, discover, run_discovery

__all__ = [
    "Candidate",
    "CandidateKind",
    "Certification",
    "DiscoveryRun",
    "Exclusion",
    "Findings",
    "LedgerIndex",
    "OrganLists",
    "PageRecord",
    "Region",
    "RegistryLookup",
    "SearchHit",
    "SearchPage",
    "build_queries",
    "certify",
    "classify",
    "discover",
    "discover_command",
    "load_organ_lists",
    "make_regions",
    "run_command",
    "run_discovery",
    "write_outputs",
]
