import pytest

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
