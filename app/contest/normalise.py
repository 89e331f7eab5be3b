"""The one normalised form in which proposed names are compared."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters: zero-width space, non-joiner, joiner, word joiner, byte-order mark and
# the soft hyphen (U+00AD, shown only where a line breaks). Dropped before anything is checked.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# Thai NIKHAHIT (ํ) + SARA AA (า), possibly with a tone mark typed in between, is SARA AM (ำ).
_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
# Two SARA E (เเ) look exactly like one SARA AE (แ).
_SARA_E_TWICE = re.compile("\u0e40\u0e40")
# The hyphen's look-alikes (U+2010 hyphen, U+2011 non-breaking hyphen, full-width hyphen-minus).
_HYPHENS = re.compile("[\u2010\u2011\uff0d]")
_WHITESPACE = re.compile(r"\s+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Thai marks above and below a letter, in the order they are stacked (and NFC's order where it
# has one): phinthu, below vowels, above vowels, mai taikhu, tone marks, thanthakhat,
# nikhahit, yamakkan. Typed in another order they look the same.
_THAI_MARK_RANK = {
    "\u0e3a": 0,
    "\u0e38": 1,
    "\u0e39": 1,
    "\u0e31": 2,
    "\u0e34": 2,
    "\u0e35": 2,
    "\u0e36": 2,
    "\u0e37": 2,
    "\u0e47": 3,
    "\u0e48": 4,
    "\u0e49": 4,
    "\u0e4a": 4,
    "\u0e4b": 4,
    "\u0e4c": 5,
    "\u0e4d": 6,
    "\u0e4e": 7,
}


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def _tidy_marks(text: str) -> str:
    """In each letter's run of marks: Thai marks in stacking order, each mark once."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run and all(ch in _THAI_MARK_RANK for ch in run):
            # A Thai letter: a mark typed twice shows once, wherever it was typed.
            out.extend(sorted(dict.fromkeys(run), key=_THAI_MARK_RANK.__getitem__))
        else:
            for ch in run:  # other scripts: the same mark twice in a row shows as one
                if not out or ch != out[-1]:
                    out.append(ch)
        run.clear()

    for ch in text:
        if _is_mark(ch):
            run.append(ch)
        else:
            flush()
            out.append(ch)
    flush()
    return "".join(out)


def _shape(text: str) -> str:
    """What every form of a name shares: NFC, no invisible characters, Thai marks tidied,
    ``ํ``+``า`` as ``ำ``, ``เเ`` as ``แ``, hyphen look-alikes as ``-``."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _HYPHENS.sub("-", text)
    text = _tidy_marks(text)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    return _SARA_E_TWICE.sub("\u0e41", text)


def _once(text: str) -> str:
    text = _shape(text).translate(_THAI_DIGITS).casefold()
    text = _shape(text)
    # Thai writes no spaces between the words of a name ("น้อง ไอซี" is "น้องไอซี"); for
    # comparison, every run of white space collapses to nothing, in Latin names too, and so do
    # hyphens: "e-Jai", "e Jai" and "eJai" are one name.
    return _WHITESPACE.sub("", text).replace("-", "")


def clean_name(text: str) -> str:
    """The name as shown: the shared shape (see ``_shape``), white space collapsed to one
    space; case, digits and hyphens kept as typed."""
    text = str(text)
    for _ in range(8):
        result = _WHITESPACE.sub(" ", _shape(text)).strip()
        if result == text:
            break
        text = result
    return text


def normalise_name(text: str) -> str:
    """The form names are compared in: NFC; invisible characters (zero-width, soft hyphen)
    removed; white space and hyphens removed; case folded; Thai digits as Arabic digits
    (``๑`` is ``1``); Thai marks of one letter in stacking order (above vowel before tone
    mark), each once; ``ํ``+``า`` as ``ำ``; ``เเ`` as ``แ``; a repeated combining mark removed.

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
