"""Features are wired in create_app, one list: importing a module changes nothing global, and
each app holds every feature's parts exactly once (app/hooks.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app import create_app
from app.accounts.services import account_deleting

ROOT = Path(__file__).resolve().parents[2]

#: Run in a fresh interpreter: import every module of the app, then report anything global
#: that an import filled.
_IMPORT_EVERYTHING = """
import importlib, pkgutil, sys, types
from argon2 import PasswordHasher
import app
names = sorted(m.name for m in pkgutil.walk_packages(app.__path__, "app."))
for name in names:
    importlib.import_module(name)
from app.accounts.services import account_deleting
gone = {
    "app.admin": ["MENU"],
    "app.main.views": ["HOME_SECTIONS"],
    "app.demo": ["SEEDERS"],
    "app.accounts.services": ["data_exporters"],
    "app.news.search": ["SEARCH_PROVIDERS", "FEED_PROVIDERS"],
}
left = [f"{m}.{a}" for m, attrs in gone.items() for a in attrs if hasattr(sys.modules[m], a)]
for name in names:
    for attr, value in vars(sys.modules[name]).items():
        items = value.values() if isinstance(value, dict) else value
        if isinstance(value, (list, set, dict)) and any(
            isinstance(item, types.FunctionType) for item in items
        ):
            left.append(f"{name}.{attr}")  # a filled registry of functions
        if isinstance(value, PasswordHasher):
            left.append(f"{name}.{attr}")  # built from the environment, not the app's config
print(len(names), "modules")
print("left:", left)
print("receivers:", len(account_deleting.receivers))
"""


def test_importing_every_module_changes_nothing_global():
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERYTHING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert int(lines[0].split()[0]) > 50  # the walk found the app's modules
    assert lines[1] == "left: []"  # no process-wide registries
    assert lines[2] == "receivers: 0"  # no signal handler attached at import


def _parts(app) -> dict:
    hooks = app.extensions["hooks"]
    return {
        "menu": [item.endpoint for item in hooks.menu],
        "home": [section.template for section in hooks.home_sections],
        "seeders": hooks.seeders,
        "exporters": hooks.data_exporters,
        "search": hooks.search_providers,
        "feed": hooks.feed_providers,
        "deleting": list(account_deleting.receivers_for(app)),
    }


def test_two_apps_in_one_process_hold_each_part_once(app, app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "second"))
    second = create_app(app_config)
    first_parts, second_parts = _parts(app), _parts(second)
    assert first_parts == second_parts
    for name, values in first_parts.items():
        assert values, name
        assert len(values) == len(set(values)), name  # no duplicates: nothing added twice
    assert first_parts["menu"][:2] == ["admin.index", "admin.audit_log"]
    assert first_parts["home"] == ["contest/_home_panel.html", "news/_home_latest.html"]
    assert len(first_parts["deleting"]) == 4  # contest, feedback, news, voting
    assert second.extensions["password_hasher"] is not app.extensions["password_hasher"]


def test_the_database_hook_runs_first(app):
    from app.database import _writing_request_begins_immediate

    assert app.before_request_funcs[None][0] is _writing_request_begins_immediate
