"""Reference codes people read out or type: an entry's ``MN-2569-7KQ2XD``, a vote's receipt
``VT-2569-…``, a feedback tracking code ``FB-…``. One alphabet for all of them."""

from __future__ import annotations

import secrets
from datetime import datetime

from app.i18n import BANGKOK, BE_OFFSET

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters: no 0/O, no 1/I


def reference_code(prefix: str, length: int, year_of: datetime | None = None) -> str:
    """``PREFIX-TAIL``, or ``PREFIX-YEAR-TAIL`` with the Buddhist-Era year (Bangkok) of
    ``year_of``; the tail is ``length`` random letters (32^length values), so a code tells
    nobody how many others exist."""
    tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    if year_of is None:
        return f"{prefix}-{tail}"
    return f"{prefix}-{year_of.astimezone(BANGKOK).year + BE_OFFSET}-{tail}"
