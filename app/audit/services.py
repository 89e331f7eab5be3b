"""Write audit entries through ``record()`` and nowhere else."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from app.audit.models import AuditEntry
from app.extensions import db


def _plain(value: Any) -> Any:
    """JSON-safe copy of a value (dates as ISO text, enums as their value)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``obj`` as a JSON-safe dict, for ``before``/``after``."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    action: str,
    object_type: str,
    object_id: Any = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    actor=None,
) -> AuditEntry:
    """Add one audit entry for a staff action; the caller's request commits it.

    ``actor`` is the account that acts, passed by the service from its view (never taken
    from the request here); None records the system itself (CLI commands, the demo).
    """
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        reason=reason,
    )
    db.session.add(entry)
    return entry
