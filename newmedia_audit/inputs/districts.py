"""Which district (地区) a unit belongs to, when the file does not say.

Domain rule (domain.md, seed 001): a county's government site belongs to the
county, every department of the city to 市直. Section rows of seed tables
("县 市 区", "市直部门") say which kind of unit follows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

from .table import squeeze

CITY_LEVEL = "市直"
COUNTY_SECTION = "county"
_GOVERNMENT_SUFFIXES = ("人民政府门户网站", "政府门户网站", "门户网站", "人民政府", "政府")
_NOT_DISTRICT_ENDINGS = ("高新区", "开发区", "园区", "保税区", "试验区", "示范区", "管委会")


def section_of(text: str) -> str | None:
    """The section a seed label opens: 市直, "county", or None for an ordinary cell."""
    key = squeeze(unicodedata.normalize("NFKC", text))
    if key in {
        "县市区",
        "县(市、区)",
        "县(市区)",
        "县区",
        "区县",
        "各县市区",
        "县市区政府",
        "县(市、区)政府",
    }:
        return COUNTY_SECTION
    if key in {"市直", "市直部门", "市直单位", "市直机关", "市直部门网站"}:
        return CITY_LEVEL
    return None


def county_name(unit: str) -> str:
    """A county government's unit name without 人民政府 / 政府 (咸安区人民政府 -> 咸安区)."""
    core = squeeze(unit)
    for suffix in _GOVERNMENT_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            return core.removesuffix(suffix)
    return core


def derive_district(unit: str, districts: Collection[str] = ()) -> str:
    """The district of a unit: its own name for a county-level unit, else 市直.

    - a unit equal to (or starting with) a known district belongs to it;
    - a name ending in 县 or 区 (not 高新区, 开发区, 园区, ...) is a county;
    - a name ending in 市 and not starting with 市 is a county-level city
      (when ``districts`` is given, only those listed count, because the
      prefecture city itself also ends in 市);
    - everything else (市政府, 市教育局, 咸宁高新区) is 市直.
    """
    core = county_name(unit)
    known = sorted((squeeze(d) for d in districts if d and squeeze(d) != CITY_LEVEL), key=len, reverse=True)
    if core in known:
        return core
    whole = squeeze(unit)
    for district in known:
        if whole.startswith(district):
            return district
    if core.startswith("市") or core.endswith(_NOT_DISTRICT_ENDINGS) or len(core) < 2:
        return CITY_LEVEL
    if core.endswith(("县", "区")):
        return core
    if core.endswith("市") and not known:
        return core
    return CITY_LEVEL
