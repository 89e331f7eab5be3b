"""normalise_name(): a table of real Thai and Latin cases, and Hypothesis properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.contest.normalise import clean_name, normalise_name

NIKHAHIT, SARA_AA, SARA_AM, MAI_THO, MAI_EK = "\u0e4d", "\u0e32", "\u0e33", "\u0e49", "\u0e48"


@pytest.mark.parametrize(
    "variant",
    [
        "น้องไอซี",
        "น้อง ไอซี",
        "น้องไอซี\u200b",
        "\ufeffน้อง\u200cไอ\u200dซี\u2060",
        "  น้อง\tไอซี \n",
        "น้้องไอซี",  # the tone mark typed twice
        "น้องไอซีี",  # a vowel mark typed twice
    ],
)
def test_thai_variants_are_one_name(variant):
    assert normalise_name(variant) == "น้องไอซี"


def test_nikhahit_and_sara_aa_fold_to_sara_am():
    assert normalise_name("น" + MAI_THO + NIKHAHIT + SARA_AA) == "น" + MAI_THO + SARA_AM
    # Typed in the other order (nikhahit, tone mark, sara aa): the same word น้ำ.
    assert normalise_name("น" + NIKHAHIT + MAI_THO + SARA_AA) == "น" + MAI_THO + SARA_AM
    assert normalise_name("ทํา") == "ทำ"


def test_nfc():
    decomposed = "Cafe\u0301"
    assert normalise_name(decomposed) == normalise_name("Café") == "café"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Nong ICE", "nong ice"), ("NongIce", "nong  ice"), ("STRASSE", "straße"), ("e-Jai", "E-JAI")],
)
def test_latin_case_and_spaces(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_different_names_stay_different():
    assert normalise_name("น้องไอซี") != normalise_name("น้องไอซ")
    assert normalise_name("ไอ-ซี") != normalise_name("ไอซี")  # hyphens are kept
    assert normalise_name("ไก่") != normalise_name("ไก")


def test_clean_name_keeps_case_and_one_space():
    assert clean_name("  Nong\u200b  ICE ") == "Nong ICE"
    assert clean_name("น" + NIKHAHIT + SARA_AA) == "น" + SARA_AM


def test_only_identical_marks_repeated_are_removed():
    # Two different marks in a row are both kept.
    assert normalise_name("ก" + MAI_EK + "\u0e34") == unicodedata.normalize("NFC", "ก่ิ")


# Property tests: any text at all, including surrogates, controls and combining marks.
ANY_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=60
) | st.text(
    alphabet=st.sampled_from(
        [
            " ",
            "\t",
            "\u200b",
            "\u200d",
            "\ufeff",
            NIKHAHIT,
            SARA_AA,
            SARA_AM,
            MAI_THO,
            MAI_EK,
            "\u0e34",
            "\u0e38",
            "\u0e39",
            "\u0e31",
            "น",
            "ก",
            "A",
            "ß",
            "İ",
            "\u0301",
            "\u0345",
            "ﬃ",
        ]
    ),
    max_size=30,
)


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
def test_idempotent_and_total(text):
    once = normalise_name(text)
    assert isinstance(once, str)
    assert normalise_name(once) == once


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_result_has_no_zero_width_or_white_space(text):
    result = normalise_name(text)
    assert not any(ch in result for ch in "\u200b\u200c\u200d\u2060\ufeff")
    assert not any(ch.isspace() for ch in result)
    assert NIKHAHIT + SARA_AA not in result


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_clean_name_never_raises(text):
    assert isinstance(clean_name(text), str)
