"""The entries as a CSV file for staff: streamed, Excel-readable Thai, no formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa

from app.contest.models import Campaign, Entry
from app.contest.review import entry_filters
from app.extensions import db
from app.i18n import BANGKOK

CSV_HEADER = (
    "reference_code",
    "proposed_name",
    "normalised_name",
    "meaning",
    "status",
    "review_reason",
    "submitted_at_bangkok",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell that a spreadsheet will not run as a formula (leading apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(entry: Entry) -> list[str]:
    return [
        csv_cell(entry.reference_code),
        csv_cell(entry.proposed_name),
        csv_cell(entry.normalised_name),
        csv_cell(entry.meaning),
        csv_cell(entry.status),
        csv_cell(entry.review_reason),
        entry.created_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S"),
    ]


def export_csv(campaign: Campaign, status: str | None, search: str | None) -> Iterator[str]:
    """The entries as CSV text chunks: UTF-8 with a BOM so that Excel reads Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADER)
    query = (
        sa.select(Entry)
        .where(*entry_filters(campaign, status, search))
        .order_by(Entry.created_at, Entry.id)
        .execution_options(yield_per=1000)
    )
    for count, entry in enumerate(db.session.scalars(query), start=1):
        writer.writerow(_row(entry))
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
