"""Text helpers for news: Markdown to safe HTML, plain-text comments with links, search
normalisation, Thai word segmentation and highlighting."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

# The hold rule counts links exactly as linkify() shows them.
from app.database import like_pattern as like_pattern  # for the search (one LIKE escaping)
from app.links import count_links as count_links
from app.links import find_links

# Raw HTML in Markdown is shown as text ("html": False); nh3 then keeps only what is listed.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop a link whose decoded form names a scheme we do not allow (jav%09ascript: ...)."""
    if attribute in ("href", "src"):
        decoded = re.sub(r"[\x00-\x20]", "", unquote(html.unescape(value))).lower()
        match = _SCHEME.match(decoded)
        if match and match.group(1) not in URL_SCHEMES:
            return None
    return value


def render_markdown(source: str) -> str:
    """Markdown to HTML that is safe to show: no script, no handlers, no style, no js: URLs."""
    raw = _md.render(source or "")
    # A Markdown heading "#" is the page's one <h1>: shift every h1 to h2.
    raw = re.sub(r"<(/?)h1>", r"<\1h2>", raw)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
        attribute_filter=_url_filter,
    )


def plain_text(safe_html: str) -> str:
    """The words of an HTML fragment, whitespace collapsed."""
    text = html.unescape(nh3.clean(safe_html, tags=set()))
    return " ".join(text.split())


def summarise(safe_html: str, limit: int = 280) -> str:
    text = plain_text(safe_html)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


# --- Comments: plain text, links made clickable -------------------------------------------


def linkify(text: str) -> Markup:
    """Escape everything, then wrap links (http(s) URLs, ``www.`` and bare hosts such as
    ``example.co.th``, as :func:`app.links.find_links` finds them) in ``rel="nofollow ugc"``
    links; line breaks become <br>."""
    parts: list[str] = []
    position = 0
    for start, end, href in find_links(text):
        url = text[start:end]
        parts.append(str(escape(text[position:start])))
        shown = url if len(url) <= 60 else url[:57] + "…"
        parts.append(f'<a href="{escape(href)}" rel="nofollow ugc noopener">{escape(shown)}</a>')
        position = end
    parts.append(str(escape(text[position:])))
    joined = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(joined.replace("\n", "<br>\n"))  # noqa: S704  (built from escaped parts)


# --- Search and Thai words -----------------------------------------------------------------

_THAI = re.compile(r"[\u0e00-\u0e7f]")


def normalise(text: str) -> str:
    """The form search text is stored and compared in: NFC, case-folded."""
    return unicodedata.normalize("NFC", text or "").casefold()


@lru_cache(maxsize=2048)
def thai_words(text: str) -> tuple[str, ...]:
    """Words of ``text``: Thai runs segmented with PyThaiNLP's offline newmm dictionary."""
    from pythainlp.tokenize import word_tokenize

    words = []
    for chunk in text.split():
        if _THAI.search(chunk):
            words.extend(
                w.strip() for w in word_tokenize(chunk, engine="newmm", keep_whitespace=False)
            )
        else:
            words.append(chunk)
    return tuple(w for w in words if w)


def title_word_set(title_th: str) -> str:
    """The Thai title's meaningful words, space-separated, stored with the post."""
    from pythainlp.corpus import thai_stopwords

    stop = thai_stopwords()
    words = set()
    for word in thai_words(normalise(title_th)):
        word = word.strip(".,:;!?\"'()[]{}-–—")
        if len(word) >= 2 and word not in stop:
            words.add(word)
    return " ".join(sorted(words))


MAX_QUERY_LENGTH = 200
MAX_TERMS = 8


def query_terms(query: str) -> list[str]:
    """Search terms: NFC, case-folded, Thai segmented into words; duplicates dropped."""
    query = normalise(query)[:MAX_QUERY_LENGTH]
    terms: list[str] = []
    for word in thai_words(query):
        if word not in terms and word.strip():
            terms.append(word)
    return terms[:MAX_TERMS]


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape ``text``, then wrap each match of a term in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    if not terms:
        return Markup(escape(text))  # noqa: S704  (built from escaped parts)
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(str(escape(text[position : match.start()])))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))  # noqa: S704  (built from escaped parts)
