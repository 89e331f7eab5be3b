"""Rule refusals: one error type for every feature, answered by one handler (app/errors.py).

A service that says no raises a subclass of ``DomainError`` with a translated ``message`` and
the HTTP ``status`` that fits (400 bad input, 403 not yours, 404 unknown, 409 not in this
state, 429 too soon). The handler rolls the request's transaction back and renders
``template`` (the problem page, or a subclass's own page such as the campaign's dates) with
``context()``. Views catch a DomainError only to show it on a form beside the fields.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the product said no."""

    status = 400
    template = "errors/problem.html"

    def __init__(self, message=None, status: int | None = None) -> None:
        super().__init__(str(message) if message is not None else type(self).__name__)
        self.message = message
        if status is not None:
            self.status = status

    def context(self) -> dict:
        """Values for ``template`` besides ``message`` (a subclass's own page needs them)."""
        return {}
