"""Fill Thai translations from JSON files of {msgid: msgstr}: python scripts/po_fill.py F.json ...

Only empty entries are filled, unless --force. Prints what is still untranslated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "app/translations/th/LC_MESSAGES/messages.po"


def main(argv: list[str]) -> int:
    force = "--force" in argv
    files = [a for a in argv if a != "--force"]
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    for name in files:
        for msgid, msgstr in json.loads(Path(name).read_text(encoding="utf-8")).items():
            if isinstance(msgstr, list):  # a plural entry: Thai has one form
                msgstr = msgstr[0]
            message = catalog.get(msgid)
            if message is None:
                continue
            if message.pluralizable:
                if force or not any(message.string):
                    message.string = (msgstr,) * catalog.num_plurals  # Thai has one form
            elif force or not message.string:
                message.string = msgstr
            message.flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=0, no_location=True, omit_header=False)
    missing = [
        m.id for m in catalog if m.id and not (any(m.string) if m.pluralizable else m.string)
    ]
    for msgid in missing:
        print("untranslated:", json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
