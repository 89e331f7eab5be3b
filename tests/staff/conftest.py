from tests.contest.conftest import admin, moderator  # noqa: F401  (shared fixtures)
