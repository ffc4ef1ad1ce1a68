"""The closed platform -> collector dict and the last-try convention."""

from __future__ import annotations

import pytest

from newmedia_audit.collect.platforms import COLLECTORS, collector_for
from newmedia_audit.models import Platform


def test_every_supported_platform_has_its_collector() -> None:
    assert set(COLLECTORS) == set(Platform)
    for platform, collector in COLLECTORS.items():
        assert collector.platform is platform
        assert collector_for(platform.value) is collector
        assert set(collector.required_roles()) <= set(collector.api_urls("x")) | {"page"}


@pytest.mark.parametrize("platform", ["other:快手", "kuaishou", ""])
def test_unsupported_platform_has_no_collector(platform: str) -> None:
    with pytest.raises(KeyError):
        collector_for(platform)


def test_every_collector_accepts_the_last_try_keyword() -> None:
    import inspect

    for collector in COLLECTORS.values():
        assert inspect.signature(collector.parse).parameters["final"].default is False
