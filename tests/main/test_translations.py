"""Both catalogues exist; every Thai message is translated and keeps its placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def _texts(value) -> list[str]:
    """A message's id or translation as a list (plural entries hold several)."""
    return list(value) if isinstance(value, tuple | list) else [value]


def test_thai_catalogue_is_complete_and_keeps_placeholders():
    catalog = _catalog("th")
    missing = [m.id for m in catalog if m.id and (not all(_texts(m.string)) or m.fuzzy)]
    assert missing == []
    for message in catalog:
        if message.id:
            wanted = {p for text in _texts(message.id) for p in PLACEHOLDER.findall(text)}
            for text in _texts(message.string):
                assert set(PLACEHOLDER.findall(text)) == wanted, message.id


def test_english_catalogue_exists():
    assert _catalog("en").locale.language == "en"


def test_catalogues_hold_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with open(pot, "rb") as handle:
        extracted = {_texts(m.id)[0] for m in read_po(handle) if m.id}
    known = {_texts(m.id)[0] for m in _catalog("th") if m.id}
    assert extracted - known == set(), "run `make extract-messages` and translate the new strings"
