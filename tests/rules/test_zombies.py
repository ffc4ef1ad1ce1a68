import pytest

from newmedia_audit.models import Status
from newmedia_audit.rules import assess
from newmedia_audit.rules.zombies import CLOSE, RECTIFY
from newmedia_audit.settings import Settings

from .factories import D, account, days_before, filing, post, seen

ACC = account()


def zombies(observation, zombie_days=90):
    return assess([ACC], {ACC.key: observation}, [filing(ACC)], Settings(zombie_days=zombie_days), D).zombies


@pytest.mark.parametrize(
    ("days", "action"),
    [(90, None), (91, RECTIFY), (180, RECTIFY), (181, CLOSE), (2352, CLOSE)],
)
def test_zombie_threshold_and_action_at_the_edges(days, action):
    found = zombies(seen(ACC, post(days_before(days, 23, 59))))
    if action is None:
        assert found == []
    else:
        [entry] = found
        assert (entry.days_silent, entry.action) == (days, action)
        assert entry.last_post_at == days_before(days, 23, 59)


def test_never_updated_is_a_zombie_to_close():
    [entry] = zombies(seen(ACC, confirmed_empty=True))
    assert (entry.days_silent, entry.action, entry.last_post_at) == (None, CLOSE, None)


def test_threshold_is_configurable():
    assert zombies(seen(ACC, post(days_before(40))), zombie_days=30)[0].action == RECTIFY


@pytest.mark.parametrize("status", [Status.blocked, Status.error, Status.not_found, Status.unsupported])
def test_no_zombie_without_a_reachable_profile(status):
    assert zombies(seen(ACC, status=status, latest_post_at=days_before(400))) == []


def test_no_zombie_from_review():
    assert zombies(seen(ACC, post_count=5)) == []
