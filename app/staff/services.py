"""Users and roles: search, change a role, disable or enable an account. Every change is
audited, and an admin cannot demote or disable themself (the area would lose its last key)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role, User
from app.audit import services as audit
from app.database import like_pattern
from app.domain import DomainError

USER_FIELDS = ("role", "disabled")


class StaffError(DomainError):
    """A rule about staff accounts said no (app/domain.py)."""


def users_query(search: str | None, role: str | None):
    query = sa.select(User).order_by(User.id.desc())
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    search = (search or "").strip().lower()
    if search:
        pattern = like_pattern(search)
        query = query.where(
            sa.or_(
                User.email.like(pattern, escape="\\"),
                sa.func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    return query


def _audited(user: User, action: str, actor: User, reason: str | None = None, **values) -> None:
    """Set ``values`` on the account and write the audit entry with before and after."""
    before = audit.snapshot(user, USER_FIELDS)
    for name, value in values.items():
        setattr(user, name, value)
    audit.record(
        action,
        "user",
        user.id,
        before=before,
        after=audit.snapshot(user, USER_FIELDS),
        reason=reason,
        actor=actor,
    )


def change_role(user: User, role: str, actor: User) -> None:
    if role not in {r.value for r in Role}:
        raise StaffError(_l("Please choose a role from the list."))
    if user.id == actor.id and role != Role.ADMIN.value:
        raise StaffError(_l("You cannot remove your own admin role. Ask another admin."))
    if user.role == role:
        return
    _audited(user, "user.role", actor, role=role)


def set_disabled(user: User, disabled: bool, actor: User, reason: str | None = None) -> None:
    if user.id == actor.id and disabled:
        raise StaffError(_l("You cannot disable your own account."))
    if user.disabled == disabled:
        return
    action = "user.disable" if disabled else "user.enable"
    _audited(user, action, actor, reason=(reason or "").strip() or None, disabled=disabled)
