"""Pure figures of a sweep: tallies per district, platform and in total.

Rates are passed / (checked - review) * 100, one decimal, half up, computed
with Decimal (never float rounding). Failing accounts are counted once,
under their primary reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..models import AuditResult, Reason, VerdictCode, WebsiteResult, platform_label
from .labels import BAND_KEYS, REASON_KEYS, primary_of

_TENTH = Decimal("0.1")


def rate(passed: int, decided: int) -> Decimal | None:
    """passed / decided * 100 rounded half up to one decimal; None when nothing was decided."""
    if decided <= 0:
        return None
    return (Decimal(passed) * 100 / Decimal(decided)).quantize(_TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tally:
    """Counts of one group. Websites never have accounts in review."""

    checked: int = 0
    passed: int = 0
    failed: int = 0
    review: int = 0

    @property
    def decided(self) -> int:
        return self.checked - self.review

    @property
    def rate(self) -> Decimal | None:
        return rate(self.passed, self.decided)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.checked + other.checked,
            self.passed + other.passed,
            self.failed + other.failed,
            self.review + other.review,
        )


@dataclass(frozen=True)
class DistrictSummary:
    district: str
    new_media: Tally
    websites: Tally

    @property
    def combined(self) -> Tally:
        return self.new_media + self.websites


@dataclass(frozen=True)
class PlatformSummary:
    platform: str  # code as in verdicts.csv
    label: str  # Chinese label
    new_media: Tally


@dataclass(frozen=True)
class Summary:
    new_media: Tally
    websites: Tally
    reasons: dict[str, int]
    districts: list[DistrictSummary]
    platforms: list[PlatformSummary]
    website_bands: dict[str, int]
    registry: dict[str, int] = field(default_factory=dict)

    @property
    def combined(self) -> Tally:
        return self.new_media + self.websites


def website_band(site: WebsiteResult) -> str:
    """Seed 001's bands: "100", "90-100" ([90, 100)), "below_90" (not vetoed), "vetoed"."""
    if site.veto:
        return "vetoed"
    if site.score is not None and site.score >= 100:
        return "100"
    if site.score is not None and site.score >= 90:
        return "90-100"
    return "below_90"


def district_order(result: AuditResult) -> list[str]:
    """AuditResult.district_order, then districts of accounts, then districts only websites have."""
    order: list[str] = []
    seen: set[str] = set()
    candidates = [
        *result.district_order,
        *(v.account.district for v in result.verdicts),
        *(w.district for w in result.websites),
    ]
    for name in candidates:
        if name not in seen:
            seen.add(name)
            order.append(name)
    return order


def _tally_verdicts(codes: list[VerdictCode]) -> Tally:
    counts = Counter(codes)
    return Tally(
        checked=len(codes),
        passed=counts[VerdictCode.passed],
        failed=counts[VerdictCode.failed],
        review=counts[VerdictCode.review],
    )


def _tally_websites(sites: list[WebsiteResult]) -> Tally:
    passed = sum(1 for s in sites if s.passed)
    return Tally(checked=len(sites), passed=passed, failed=len(sites) - passed)


def reason_counts(result: AuditResult) -> dict[str, int]:
    """Failing accounts per primary reason; every code of design.md present, zeros included."""
    counts: Counter[str] = Counter()
    for verdict in result.verdicts:
        if verdict.verdict == VerdictCode.failed:
            primary = primary_of(verdict)
            if primary is not None:
                counts[str(primary)] += 1
    out = {str(key): counts.get(str(key), 0) for key in REASON_KEYS}
    if counts.get(Reason.no_interaction, 0):
        out[str(Reason.no_interaction)] = counts[Reason.no_interaction]
    return out


def summarize(result: AuditResult) -> Summary:
    """Every figure the reports print, computed once."""
    by_district_nm: dict[str, list[VerdictCode]] = {}
    by_platform: dict[str, list[VerdictCode]] = {}
    for verdict in result.verdicts:
        by_district_nm.setdefault(verdict.account.district, []).append(verdict.verdict)
        by_platform.setdefault(verdict.account.platform, []).append(verdict.verdict)
    by_district_ws: dict[str, list[WebsiteResult]] = {}
    for site in result.websites:
        by_district_ws.setdefault(site.district, []).append(site)

    districts = [
        DistrictSummary(
            district=name,
            new_media=_tally_verdicts(by_district_nm.get(name, [])),
            websites=_tally_websites(by_district_ws.get(name, [])),
        )
        for name in district_order(result)
    ]
    platforms = [
        PlatformSummary(platform=code, label=platform_label(code), new_media=_tally_verdicts(codes))
        for code, codes in by_platform.items()
    ]
    bands = Counter(website_band(s) for s in result.websites)
    registry = Counter(issue.kind for issue in result.registry_issues)
    return Summary(
        new_media=_tally_verdicts([v.verdict for v in result.verdicts]),
        websites=_tally_websites(list(result.websites)),
        reasons=reason_counts(result),
        districts=districts,
        platforms=platforms,
        website_bands={key: bands.get(key, 0) for key in BAND_KEYS},
        registry=dict(registry),
    )
