"""Regions: which place names make an account "of the region", and the queries built from them.

A region is a place name as an office writes it (咸宁市, 嘉鱼县); accounts
and certified subjects often use the short form (咸宁公安, 平安嘉鱼), so each
region also matches without its administrative suffix. The ledger's 地区
label of a region (嘉鱼县, or 市直 for the city itself) is what a candidate's
row carries, so it can be copied into the next ledger.

Placing a subject (pure functions):
- a subject starting with the region (after 中共/共青团/国家税务总局 and a
  province such as 湖北省) is the region's; a county named after it
  (东湖区 within 东川市) makes the district more precise;
- a subject starting with another place (武汉市…, or 西山区 when the region
  is 西山县: the same short name with another suffix) is another region's,
  whatever its account name says;
- a subject naming no place leaves the account name to decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..inputs.districts import CITY_LEVEL, derive_district
from ..rules.names import normalize_name

# Suffixes a short form is made by removing (longest first).
_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治旗", "林区", "地区", "市", "县", "区", "州", "盟", "旗")
# Names that are their own short form (a development zone is not "东川高新" + 区).
_KEEP_WHOLE = ("高新区", "开发区", "经济区", "新区", "园区", "管委会", "示范区", "试验区")
# One character after a place's short name that makes it a place of its own kind.
_ADMIN_CHARS = frozenset("省市县区州盟旗镇乡")
# Words before the place in certified subjects (中共嘉鱼县委宣传部, 国家税务总局咸宁市税务局).
_PREFIXES = ("中国共产党", "中共", "共青团", "国家税务总局", "中国")
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:省|自治区)")
# Another place at the start: two to five characters and an administrative suffix.
_LEADING_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,5}?(?:市|县|区|州|盟|旗))")


def short_form(name: str) -> str:
    """The name without its administrative suffix (咸宁市 -> 咸宁), kept when too short."""
    text = normalize_name(name)
    if text.endswith(_KEEP_WHOLE):
        return text
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Region:
    """One place name of the office's area.

    Attributes:
        name: as written (咸宁市, 嘉鱼县).
        short: without the suffix (咸宁, 嘉鱼).
        district: the ledger's 地区 label for accounts of this place.
    """

    name: str
    short: str
    district: str

    @property
    def county(self) -> bool:
        """True for a district, county or county-level city of the ledger (not 市直)."""
        return self.district != CITY_LEVEL


def make_regions(names: Iterable[str], ledger_districts: Sequence[str] = ()) -> list[Region]:
    """Regions for these names, in order, without repeats; 市直 and blanks are no place.

    A name that is one of the ledger's districts keeps it as its label; another
    name ending in 市 is the city itself (市直: the county-level cities of the
    area are the ledger's districts); any other name gets the label
    ``derive_district`` gives (嘉鱼县 -> 嘉鱼县, 咸宁高新区 -> 市直).
    """
    known = [d for d in ledger_districts if d and d != CITY_LEVEL]
    regions: dict[str, Region] = {}
    for raw in names:
        name = normalize_name(raw)
        if not name or name == CITY_LEVEL or name in regions:
            continue
        if name in known:
            district = name
        elif name.endswith("市"):
            district = CITY_LEVEL  # a county-level city would be one of the ledger's districts
        else:
            district = derive_district(name, known)
        regions[name] = Region(name=name, short=short_form(name), district=district)
    return list(regions.values())


def default_region_names(configured: Sequence[str], city: str, ledger_districts: Sequence[str]) -> list[str]:
    """The regions searched without ``--region``: configured ones, the city, the ledger's districts."""
    return [*configured, city, *ledger_districts]


def build_queries(regions: Sequence[Region], keywords: Sequence[str]) -> list[str]:
    """Each region's short name joined with each keyword (嘉鱼 + 公安 -> 嘉鱼公安), without repeats."""
    return list(dict.fromkeys(f"{r.short}{k}" for r in regions for k in keywords))


@dataclass(frozen=True)
class Placement:
    """Where a text places an account.

    Attributes:
        region: the office's region it belongs to (None: not the office's).
        other: the other place it names ("" when none or the office's own).
    """

    region: Region | None = None
    other: str = ""


NOWHERE = Placement()


def _strip_prefixes(text: str) -> str:
    """Without the party or system words before the place (中共, 共青团, 国家税务总局)."""
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


def _strip_province(text: str) -> tuple[str, str]:
    """(the text without a leading province, that province or "")."""
    province = _PROVINCE.match(text)
    if province and len(text) > province.end():
        return _strip_prefixes(text[province.end() :]), province.group(0)
    return text, ""


def _starts_with(text: str, region: Region) -> bool | str:
    """True when ``text`` starts with the region; the other place's name when it starts
    with the region's short name and another suffix (西山区 for 西山县); else False."""
    if text.startswith(region.name):
        return True
    if not text.startswith(region.short):
        return False
    rest = text[len(region.short) :]
    if rest[:1] in _ADMIN_CHARS and not region.name.startswith(region.short + rest[:1]):
        return region.short + rest[0]
    return True


def _refine(text: str, found: Region, regions: Sequence[Region]) -> Region:
    """A county of the office named further on (东川市东湖区…, 东川市公安局东湖分局) is more precise."""
    if found.county:
        return found
    rest = text[len(found.name) :] if text.startswith(found.name) else text[len(found.short) :]
    for region in regions:
        if not region.county:
            continue
        if region.name in rest:
            return region
        at = rest.find(region.short)
        if at >= 0:
            after = rest[at + len(region.short) : at + len(region.short) + 1]
            if after not in _ADMIN_CHARS or region.name.startswith(region.short + after):
                return region
    return found


def _by_length(regions: Sequence[Region]) -> list[Region]:
    return sorted(regions, key=lambda r: (len(r.name), len(r.short)), reverse=True)


def _match_start(text: str, regions: Sequence[Region]) -> Placement | None:
    """The placement a text's start gives: a region, another place, or None (no place)."""
    others: list[str] = []
    for region in _by_length(regions):
        starts = _starts_with(text, region)
        if starts is True:
            return Placement(region=_refine(text, region, regions))
        if starts:
            others.append(str(starts))
    if others:
        return Placement(other=others[0])
    leading = _LEADING_PLACE.match(text)
    return Placement(other=leading.group(1)) if leading else None


def place_subject(subject: str, regions: Sequence[Region]) -> Placement:
    """Where a certified subject places the account (see the module docstring).

    A province-level body (湖北省公安厅) is another place, unless the
    province itself is one of the regions.
    """
    text = _strip_prefixes(normalize_name(subject))
    if not text:
        return NOWHERE
    found = _match_start(text, regions)
    if found is not None and found.region is not None:
        return found
    inner, province = _strip_province(text)
    if province:
        found = _match_start(inner, regions) or Placement(other=province)
    if found is not None:
        return found
    for region in _by_length(regions):
        if region.name in text:
            return Placement(region=_refine(text[text.index(region.name) :], region, regions))
    return NOWHERE


def place_name(name: str, regions: Sequence[Region]) -> Placement:
    """Where an account name places it: a region's name or short name anywhere in it
    (平安嘉鱼, 嘉鱼发布), unless followed by another suffix (西山区 for 西山县)."""
    text = normalize_name(name)
    for region in _by_length(regions):
        at = text.find(region.short)
        while at >= 0:
            if text.startswith(region.name, at):
                return Placement(region=region)
            after = text[at + len(region.short) : at + len(region.short) + 1]
            if after not in _ADMIN_CHARS:
                return Placement(region=region)
            at = text.find(region.short, at + 1)
    leading = _LEADING_PLACE.match(_strip_prefixes(text))
    return Placement(other=leading.group(1)) if leading else NOWHERE
