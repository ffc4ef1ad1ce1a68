"""Recall and precision on a replayed synthetic region: 36 planted accounts among several
hundred results (issue 20: recall >= 95%, precision >= 90%)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from newmedia_audit.discover.classify import Findings, LedgerIndex, RegistryLookup, classify
from newmedia_audit.discover.command import run_command
from newmedia_audit.discover.lists import load_organ_lists
from newmedia_audit.discover.regions import make_regions
from newmedia_audit.discover.run import DiscoveryRun
from newmedia_audit.inputs.ledger import read_ledger
from newmedia_audit.inputs.registry import read_registry
from newmedia_audit.synth.discovery import DiscoveryCorpus, generate_discovery

from .conftest import replay_settings


def scores(findings: Findings, corpus: DiscoveryCorpus) -> tuple[float, float]:
    """(recall, precision): a candidate counts when its platform, id and kind are the planted ones."""
    expected = corpus.expected()
    found = {(c.hit.platform, c.hit.account_id): str(c.kind) for c in findings.candidates}
    right = sum(1 for key, kind in found.items() if expected.get(key) == kind)
    return right / len(expected), (right / len(found) if found else 0.0)


@dataclass
class Region:
    corpus: DiscoveryCorpus
    run: DiscoveryRun
    findings: Findings


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Region:
    folder = tmp_path_factory.mktemp("region")
    corpus = generate_discovery(folder / "corpus", seed=11)
    settings = replay_settings()
    settings.discovery.keywords_file = corpus.keywords_file
    run, findings, _ = run_command(
        ledger=corpus.ledger,
        registry=corpus.registry,
        out=folder / "out",
        settings=settings,
        regions=[corpus.city, *corpus.districts],
        replay=[corpus.har],
        progress=False,
    )
    return Region(corpus, run, findings)


def test_the_region_is_large_enough_to_measure(region: Region) -> None:
    assert len(region.corpus.planted) >= 30
    assert len(region.run.hits) >= 300 and region.corpus.results == len(region.run.hits)
    assert {p.platform for p in region.corpus.planted} == {"weibo", "wechat", "douyin"}


def test_recall_and_precision(region: Region) -> None:
    recall, precision = scores(region.findings, region.corpus)
    assert recall >= 0.95, recall
    assert precision >= 0.90, precision


def test_walls_that_give_way_cost_nothing(region: Region) -> None:
    statuses = region.run.statuses()
    assert statuses["walled"] == statuses["failed"] == 0
    retried = [p for p in region.run.pages if p.walls]
    assert len(retried) == len(region.corpus.walled_once) and all(p.status != "walled" for p in retried)


def test_control_the_check_fails_when_the_districts_are_left_out(region: Region) -> None:
    ledger, registry = read_ledger(region.corpus.ledger), read_registry(region.corpus.registry)
    city_only = classify(
        region.run.hits,
        make_regions([region.corpus.city], []),
        load_organ_lists(region.corpus.keywords_file),
        LedgerIndex(ledger.items),
        RegistryLookup(registry.items),
    )
    recall, _ = scores(city_only, region.corpus)
    assert recall < 0.95


def test_the_generator_writes_the_same_bytes_for_the_same_call(tmp_path: Path) -> None:
    first = generate_discovery(tmp_path / "a", seed=3, keywords=("公安", "发布"), planted=6)
    second = generate_discovery(tmp_path / "b", seed=3, keywords=("公安", "发布"), planted=6)
    for name in ("corpus.har", "ledger.csv", "registry.csv"):
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes()
    assert first.expected() == second.expected() and len(first.expected()) == 6
