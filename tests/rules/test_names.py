import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.rules.names import normalize_name, same_name


@pytest.mark.parametrize(
    "variant",
    [
        "咸宁发布",
        "咸寧發佈",  # traditional
        "咸宁 发布",  # space
        "咸宁\u3000发布",  # ideographic space
        "咸\u200b宁发布",  # zero-width space
        " 咸宁发布\ufeff",
    ],
)
def test_variants_of_the_same_name_are_equal(variant):
    assert same_name(variant, "咸宁发布")


def test_full_width_letters_and_digits_are_equal():
    assert same_name("ＸＮ１２３４５政务", "XN12345政务")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("咸宁市公安局（交警支队）", "咸宁市公安局【交警支队】"),
        ("咸宁市公安局(交警支队)", "咸宁市公安局〔交警支队〕"),
        ("咸宁·发布", "咸宁・发布"),
        ("咸宁•发布", "咸宁‧发布"),
    ],
)
def test_brackets_and_middle_dots_are_unified(a, b):
    assert same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [("咸宁住建", "咸宁城建"), ("咸宁发布", "咸宁发布厅"), ("健康咸宁", "咸宁健康")]
)
def test_different_names_differ(a, b):
    assert not same_name(a, b)


def test_normalized_form_is_simplified_without_spaces():
    assert normalize_name("咸寧 市（政府）") == "咸宁市(政府)"


def test_every_dictionary_key_holds_a_conversion_trigger():
    # The skip of OpenCC for names without a trigger character is exact only if
    # no dictionary key can occur in a text that shares no character with the triggers.
    from newmedia_audit.rules.names import _T2S, _T2S_TRIGGERS

    for _, _, table in _T2S.dict_cache.values():
        assert all(not _T2S_TRIGGERS.isdisjoint(key) for key in table)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="咸宁發佈市政府沈默有序乾隆臺灣 （）·ABC12", max_size=12))
def test_names_without_a_trigger_are_what_opencc_returns(text):
    from newmedia_audit.rules.names import _T2S, _T2S_TRIGGERS

    if _T2S_TRIGGERS.isdisjoint(text):
        assert _T2S.convert(text) == text
