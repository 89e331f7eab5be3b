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
    assert normalise_name("ไอซี1") != normalise_name("ไอซี2")
    assert normalise_name("แอ") != normalise_name("เอ")
    assert normalise_name("นิ้ว") != normalise_name("นิ่ว")  # another tone mark
    assert normalise_name("นิ้ว") != normalise_name("นี้ว")  # another vowel
    assert normalise_name("ไก่") != normalise_name("ไก")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ไอซี1", "ไอซี๑"),  # Thai digits are Arabic digits
        ("น้ิว", "นิ้ว"),  # tone mark typed before the above-vowel
        ("นิ้ิว", "นิ้ว"),  # a mark repeated within one letter
        ("นุ่่ม", "นุ่ม"),
        ("เเอ", "แอ"),  # two sara e look like sara ae
        ("ไอ\u00adซี", "ไอซี"),  # the soft hyphen is invisible
        ("e-Jai", "eJai"),  # hyphens, like spaces, do not make another name
        ("e Jai", "e-Jai"),
        ("ไอ-ซี", "ไอซี"),
        ("e\u2011Jai", "eJai"),  # the non-breaking hyphen is a hyphen
    ],
)
def test_thai_and_latin_look_alikes_are_one_name(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_clean_name_shows_what_was_typed_tidied():
    assert clean_name("ไอ\u00adซี-๑") == "ไอซี-๑"  # digits and hyphens kept as typed
    assert clean_name("น้ิิว") == "นิ้ว"
    assert clean_name("เเอ") == "แอ"


def test_clean_name_keeps_case_and_one_space():
    assert clean_name("  Nong\u200b  ICE ") == "Nong ICE"
    assert clean_name("น" + NIKHAHIT + SARA_AA) == "น" + SARA_AM


def test_only_identical_marks_repeated_are_removed():
    # Two different marks in a row are both kept (in stacking order: the vowel, then the tone).
    assert normalise_name("ก" + MAI_EK + "\u0e34") == "ก\u0e34" + MAI_EK
    assert normalise_name("Cafe\u0301\u0323") == unicodedata.normalize("NFC", "cafe\u0323\u0301")


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
            "\u00ad",
            "-",
            "\u2011",
            "เ",
            "แ",
            "๑",
            "1",
            "\u0e47",
            "\u0e4c",
            "\u0e3a",
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


# Look-alikes: a name, and the same name typed another way, normalise alike.
CONSONANTS = "กขคงจดตนบปมยรลวสหอ"
ABOVE, BELOW, TONES = "\u0e31\u0e34\u0e35\u0e36\u0e37", "\u0e38\u0e39", "\u0e48\u0e49\u0e4a\u0e4b"


@st.composite
def thai_letters(draw):
    """One consonant with at most one below or above vowel and at most one tone mark."""
    base = draw(st.sampled_from(CONSONANTS))
    vowel = draw(st.sampled_from(["", *ABOVE, *BELOW]))
    tone = draw(st.sampled_from(["", *TONES]))
    return base, vowel, tone


THAI_NAMES = st.lists(
    thai_letters() | st.sampled_from(list("0123456789AbZ")).map(lambda c: (c, "", "")),
    min_size=1,
    max_size=8,
)


def _typed(letters, data) -> str:
    """The same name as a person might type it: marks in any order or twice, Thai digits,
    แ as เเ, invisible characters, spaces and hyphens between letters."""
    out = []
    for base, vowel, tone in letters:
        marks = [m for m in (vowel, tone) if m]
        marks += data.draw(st.lists(st.sampled_from(marks), max_size=2)) if marks else []
        marks = data.draw(st.permutations(marks))
        if base.isdigit() and data.draw(st.booleans()):
            base = "๐๑๒๓๔๕๖๗๘๙"[int(base)]
        if base.isascii() and data.draw(st.booleans()):
            base = base.swapcase()
        filler = data.draw(st.sampled_from(["", "", " ", "-", "\u00ad", "\u200b"]))
        out.append(base + "".join(marks) + filler)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(THAI_NAMES, st.data())
def test_look_alikes_normalise_alike(letters, data):
    plain = "".join(base + vowel + tone for base, vowel, tone in letters)
    assert normalise_name(_typed(letters, data)) == normalise_name(plain)
    assert normalise_name("เเ" + plain) == normalise_name("แ" + plain)


@settings(max_examples=300, deadline=None)
@given(THAI_NAMES, THAI_NAMES)
def test_different_letters_stay_different_names(a, b):
    def fold(letters):
        return [(base.casefold(), vowel, tone) for base, vowel, tone in letters]

    plain_a = "".join(map("".join, a))
    plain_b = "".join(map("".join, b))
    assert (normalise_name(plain_a) == normalise_name(plain_b)) == (fold(a) == fold(b))
