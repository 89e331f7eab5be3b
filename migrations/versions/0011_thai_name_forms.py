"""Proposed names compared in the new normalised form: Thai look-alikes are one name.

Before this, ``ไอซี1``/``ไอซี๑`` (Arabic or Thai digit), ``น้ิว``/``นิ้ว`` (tone mark typed
before the vowel), ``นิ้ิว`` (a mark typed twice), ``เเอ``/``แอ`` (two sara e or sara ae) and
``e-Jai``/``eJai`` (a hyphen) were different names. This migration recomputes the stored
``normalised_name`` of every entry and finalist (the new form of the stored form), and:

- deletes nothing and changes no name as shown;
- when one person's two entries in a campaign are now one name (the unique key campaign,
  owner, normalised name), the entry that already held the form (else the earlier) takes it
  and the other keeps its old form, so staff see it as a group of its own and decide;
- when two finalists of a campaign are now one name (campaign, normalised name), the same;
- prints the counts, and the reference codes of the entries that kept their old form.

Both forms are written out here, frozen, rather than imported from the app, so that this
migration keeps doing the same as the app changes. Downgrade recomputes the earlier form
from the name as shown.

Revision ID: 0011_thai_name_forms
Revises: 0010_voting_extension
Create Date: 2026-12-05
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0011_thai_name_forms"
down_revision = "0010_voting_extension"
branch_labels = None
depends_on = None

_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_HYPHENS = re.compile("[\u2010\u2011\uff0d]")
_WHITESPACE = re.compile(r"\s+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_RANK = {ch: rank for rank, group in enumerate(
    ["\u0e3a", "\u0e38\u0e39", "\u0e31\u0e34\u0e35\u0e36\u0e37", "\u0e47",
     "\u0e48\u0e49\u0e4a\u0e4b", "\u0e4c", "\u0e4d", "\u0e4e"]
) for ch in group}  # fmt: skip


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def _dedupe_marks(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if not (out and ch == out[-1] and _is_mark(ch)):
            out.append(ch)
    return "".join(out)


def _tidy_marks(text: str) -> str:
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run and all(ch in _RANK for ch in run):
            out.extend(sorted(dict.fromkeys(run), key=_RANK.__getitem__))
        else:
            for ch in run:
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
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _tidy_marks(_HYPHENS.sub("-", text))
    return _NIKHAHIT_AA.sub("\\1\u0e33", text).replace("\u0e40\u0e40", "\u0e41")


def _new_once(text: str) -> str:
    text = _shape(_shape(text).translate(_THAI_DIGITS).casefold())
    return _WHITESPACE.sub("", text).replace("-", "")


def _old_once(text: str) -> str:
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text).casefold()
    return _WHITESPACE.sub("", _dedupe_marks(unicodedata.normalize("NFC", text)))


def _fixed(step):
    def form(text: str) -> str:
        text = str(text or "")
        for _ in range(8):
            result = step(text)
            if result == text:
                break
            text = result
        return text

    return form


new_form, old_form = _fixed(_new_once), _fixed(_old_once)


def _renormalise(bind, table: str, rows, wanted: dict, slot) -> tuple[list, int]:
    """Give each row its ``wanted`` form unless another row holds that slot; return the rows
    that keep their stored form, and how many moved. Rows whose form does not change hold
    theirs first; the rest follow in id order, through a temporary value so two rows that
    swap never collide."""
    held = {slot(row, row.normalised_name) for row in rows if wanted[row.id] == row.normalised_name}
    moves, kept = [], []
    for row in rows:
        if wanted[row.id] == row.normalised_name:
            continue
        if slot(row, wanted[row.id]) in held:
            kept.append(row)
            held.add(slot(row, row.normalised_name))
        else:
            moves.append(row)
            held.add(slot(row, wanted[row.id]))
    update = sa.text(f"UPDATE {table} SET normalised_name = :n WHERE id = :id")  # noqa: S608
    for row in moves:
        bind.execute(update, {"n": f"moving-{row.id}", "id": row.id})
    for row in moves:
        bind.execute(update, {"n": wanted[row.id], "id": row.id})
    return kept, len(moves)


def _run(going_up: bool) -> None:
    bind = op.get_bind()
    entries = bind.execute(
        sa.text(
            "SELECT id, campaign_id, owner_key, reference_code, proposed_name, normalised_name "
            "FROM entry ORDER BY id"
        )
    ).all()
    finalists = bind.execute(
        sa.text("SELECT id, campaign_id, normalised_name FROM finalist ORDER BY id")
    ).all()
    if going_up:
        # The new form of the stored form is the new form of what was typed.
        entry_forms = {row.id: new_form(row.normalised_name) for row in entries}
        finalist_forms = {row.id: new_form(row.normalised_name) for row in finalists}
    else:
        # The earlier form is computed again from the name as shown; a finalist takes the
        # earlier form of the first entry that matches it (the name staff shortlisted).
        entry_forms = {row.id: old_form(row.proposed_name) for row in entries}
        first = {}
        for row in entries:
            first.setdefault((row.campaign_id, row.normalised_name), entry_forms[row.id])
        finalist_forms = {
            row.id: first.get((row.campaign_id, row.normalised_name), row.normalised_name)
            for row in finalists
        }
    kept_entries, moved_entries = _renormalise(
        bind, "entry", entries, entry_forms, lambda row, n: (row.campaign_id, row.owner_key, n)
    )
    kept_finalists, moved_finalists = _renormalise(
        bind, "finalist", finalists, finalist_forms, lambda row, n: (row.campaign_id, n)
    )
    codes = ", ".join(row.reference_code for row in kept_entries) or "none"
    print(
        f"0011_thai_name_forms ({'upgrade' if going_up else 'downgrade'}): "
        f"{moved_entries} of {len(entries)} entries and {moved_finalists} of "
        f"{len(finalists)} finalists took the {'new' if going_up else 'earlier'} form; "
        f"{len(kept_entries)} entries kept their stored form (one person's same name: "
        f"{codes}); {len(kept_finalists)} finalists kept their stored form"
    )


def upgrade():
    _run(going_up=True)


def downgrade():
    _run(going_up=False)
