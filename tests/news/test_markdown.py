"""Markdown is rendered once on save and sanitised: nothing hostile survives."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.news.text import ALLOWED_TAGS, linkify, render_markdown


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ("[click](JaVaScRiPt:alert(1))", "javascript:"),
    ("[x](jav&#x09;ascript:alert(1))", "script"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ("![a](javascript:alert(1))", "javascript:"),
    ("<a href='https://example.com' onclick='x()'>a</a>", "onclick"),
    ('<p style="color:red">x</p>', "style="),
    ("<iframe src='https://evil.example'></iframe>", "<iframe"),
    ("<svg><script>alert(1)</script></svg>", "<svg"),
    ("<style>body{display:none}</style>", "<style"),
    ("<!-- secret -->", "<!--"),
    ("<form action='https://evil.example'><input></form>", "<form"),
    ('[x](https://example.com "a\\" onmouseover=\\"x")', "onmouseover="),
]


@pytest.mark.parametrize(("source", "forbidden"), HOSTILE)
def test_hostile_markdown_is_neutralised(source, forbidden):
    """Hostile markup may stay as visible text, but never as a live element or attribute."""
    html = render_markdown(source)
    assert "<!--" not in html
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS
        for name, value in attrs.items():
            assert not name.startswith("on")
            assert name != "style"
            if name in ("href", "src"):
                assert urlsplit(value.strip()).scheme.lower() in ("", "http", "https", "mailto")
                assert "javascript" not in value.lower().replace("%09", "")
    live = " ".join(f"<{t} " + " ".join(a) for t, a in elements(html)).lower()
    assert forbidden.lower().rstrip("=") not in live


def test_ordinary_markdown_keeps_its_shape_and_links_get_rel():
    html = render_markdown("# Title\n\n**bold** and [site](https://example.go.th)\n\n- a\n- b")
    assert "<h2>Title</h2>" in html  # the page keeps its only <h1>
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.go.th"' in html
    assert 'rel="nofollow noopener"' in html
    assert "<li>a</li>" in html


def test_thai_text_with_combining_marks_is_intact():
    text = "ผู้ใช้บริการที่นี่ ๆ ก็ได้"
    assert text in render_markdown(text)


def test_linkify_escapes_first_then_wraps_links():
    out = str(linkify('<b>hi</b> see https://example.com/a?x=1&y="2" now.\nline 2'))
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert '<a href="https://example.com/a?x=1&amp;y=' in out
    assert 'rel="nofollow ugc noopener"' in out
    assert "now.<br>" in out
    assert '"2"' not in out.split("href=")[1].split(">")[0][1:-1] or "&#34;" in out


def test_linkify_ignores_non_http_schemes():
    out = str(linkify("javascript:alert(1) and ftp://x"))
    assert "<a" not in out


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("see www.example.com now", ["https://www.example.com"]),
        ("ดูที่example.co.thครับ", ["https://example.co.th"]),
        (
            "x.go.th/path?a=1. and https://a.example/b",
            ["https://x.go.th/path?a=1", "https://a.example/b"],
        ),
        ("e.g. i.e. Mr.Smith 3.14 ม.ค. 2553 พ.ศ. etc.", []),
        ("mail somsri@example.com", []),
        ("hello.world example.community Awww www.", []),
    ],
)
def test_linkify_finds_bare_hosts_but_not_abbreviations(text, links):
    out = str(linkify(text))
    assert re.findall(r'href="([^"]+)"', out) == links
