"""The one normalised form in which proposed names are compared."""

from __future__ import annotations

import re
import unicodedata

# Zero-width space, non-joiner, joiner, word joiner and the byte-order mark.
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
# Thai NIKHAHIT (ํ) + SARA AA (า), possibly with a tone mark typed in between, is SARA AM (ำ).
_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_WHITESPACE = re.compile(r"\s+")


def _dedupe_marks(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if out and ch == out[-1] and unicodedata.category(ch) in ("Mn", "Me"):
            continue  # the same combining mark twice in a row shows as one
        out.append(ch)
    return "".join(out)


def _once(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    text = text.casefold()
    text = _dedupe_marks(unicodedata.normalize("NFC", text))
    # Thai writes no spaces between the words of a name ("น้อง ไอซี" is "น้องไอซี"); for
    # comparison, every run of white space collapses to nothing, in Latin names too.
    return _WHITESPACE.sub("", text)


def clean_name(text: str) -> str:
    """The name as shown: NFC, no zero-width characters, white space collapsed, case kept."""
    text = unicodedata.normalize("NFC", str(text))
    text = _ZERO_WIDTH.sub("", text)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    return _WHITESPACE.sub(" ", _dedupe_marks(text)).strip()


def normalise_name(text: str) -> str:
    """The form names are compared in: NFC, zero-width characters removed, white space
    collapsed (to nothing: see below), case folded, Thai ``ํ``+``า`` as ``ำ``, repeated combining marks removed.

    Idempotent and total: any ``str`` gives a ``str``. Each step can expose work for another
    (case folding can produce new combining sequences), so the steps repeat until stable.
    """
    text = str(text)
    for _ in range(8):
        result = _once(text)
        if result == text:
            return result
        text = result
    return text
