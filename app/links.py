"""What counts as a link in text people type: one place for display names, proposed names
and comments (the hold rule and the links a comment shows)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

#: A scheme, "www.", or a dot (ASCII, full-width or ideographic) right after a character and
#: right before a top-level-domain-like word (two or more Latin letters, an IDN "xn--", "ไทย").
#: "Mr. Smith" and Thai abbreviations such as "ม.ล.สมชาย" pass; "evil.example", "Mr.Smith"
#: and "1.2.3.4" do not. "www" without its dot ("Awww") is a word, not a link.
_LINK_LIKE = re.compile(
    r"[a-z][a-z0-9+.-]*:/|//|www\."
    r"|\S[.\u3002](?:xn--|[a-z]{2,63}\b|\u0e44\u0e17\u0e22(?![\w\u0e31-\u0e4e])|\d+[.\u3002]\d)",
)


def _plain(text: str) -> str:
    """NFKC (full-width letters and dots become ASCII), no invisible format characters,
    case-folded: the form a mail program would read a link in."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").casefold()


def has_link(text: str) -> bool:
    """Whether ``text`` holds anything a mail program could show as a link (strict: used
    to refuse names, where a false alarm costs a retyped name)."""
    return bool(_LINK_LIKE.search(_plain(text)))


# Links in running text (comments), where a false alarm would turn prose into a link: an
# http(s) URL, "www." and a host, or a bare host ending in a common top-level domain
# ("example.com", "something.co.th"). "e.g.", "Mr.Smith", "3.14", "ม.ค." and the domain of an
# e-mail address are not links. Thai letters may touch a link (Thai has no spaces).
_TLDS = (
    "com|net|org|info|biz|edu|gov|int|io|co|ai|app|dev|xyz|online|site|shop|store|asia|"
    "th|uk|jp|cn|sg|vn|kh|mm|de|fr|ru|au|tv|cc|ly"
)
_REST = r"(?::\d{1,5})?(?:[/?#][^\s<>\"'`]*)?"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
TEXT_LINK = re.compile(
    r"https?://[^\s<>\"'`]+"
    rf"|(?<![a-z0-9@._/-])(?:www\.(?:{_LABEL}\.)*{_LABEL}|(?:{_LABEL}\.)+(?:{_TLDS}))"
    rf"(?![a-z0-9-]|\.[a-z0-9]){_REST}",
    re.IGNORECASE | re.ASCII,
)
_TRAILING = ".,;:!?)]}’”"


def find_links(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, href) of each link in ``text``, trailing punctuation left out; a bare host
    gets ``https://``."""
    for match in TEXT_LINK.finditer(text or ""):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            url = url[:-1]
        if url.lower() in ("http://", "https://") or not url:
            continue
        href = url if re.match(r"https?://", url, re.IGNORECASE) else "https://" + url
        yield match.start(), match.start() + len(url), href


def count_links(text: str) -> int:
    """How many links ``text`` holds, as :func:`find_links` sees them."""
    return sum(1 for _ in find_links(text))
