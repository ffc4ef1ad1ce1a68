import pytest

from newmedia_audit.errors import ConfigError
from newmedia_audit.rules import sample_accounts

from .factories import account


def ledger():
    accounts = []
    for district, count in (("市直", 40), ("咸安区", 9), ("通山县", 1)):
        for platform in ("wechat", "weibo"):
            for i in range(count):
                accounts.append(
                    account(f"{district}{platform}{i}", f"{district}-{platform}-{i}", platform, district)
                )
    return accounts


def test_half_of_every_stratum_at_least_one_in_ledger_order():
    accounts = ledger()
    sample = sample_accounts(accounts, 0.5, seed=7)
    counts = {}
    for acc in sample:
        counts[(acc.district, acc.platform)] = counts.get((acc.district, acc.platform), 0) + 1
    assert counts == {
        ("市直", "wechat"): 20,
        ("市直", "weibo"): 20,
        ("咸安区", "wechat"): 5,
        ("咸安区", "weibo"): 5,
        ("通山县", "wechat"): 1,
        ("通山县", "weibo"): 1,
    }
    positions = [accounts.index(a) for a in sample]
    assert positions == sorted(positions)


def test_same_seed_same_sample_other_seed_other_sample():
    accounts = ledger()
    assert sample_accounts(accounts, 0.3, 1) == sample_accounts(accounts, 0.3, 1)
    assert sample_accounts(accounts, 0.3, 1) != sample_accounts(accounts, 0.3, 2)


def test_full_fraction_keeps_everything():
    accounts = ledger()
    assert sample_accounts(accounts, 1.0, 3) == accounts


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5])
def test_fraction_out_of_range_is_a_config_error(fraction):
    with pytest.raises(ConfigError):
        sample_accounts(ledger(), fraction, 1)
