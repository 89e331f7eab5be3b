"""What features add to one another's pages and rules, kept per app.

Each feature's ``init_app(app)`` adds its parts here (the admin menu, home sections, demo
seeders, personal-data exporters, search and feed providers); readers take them from
``current_app``. Nothing is filled at import, so importing a module changes nothing, and two
apps in one process (the tests make many) each hold their parts once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object  # a lazy string
    admin_only: bool = False


@dataclass(frozen=True)
class HomeSection:
    order: int
    template: str
    context: Callable[[], dict]


@dataclass
class Hooks:
    #: The admin area's left menu, in the order added.
    menu: list[MenuItem] = field(default_factory=list)
    #: Blocks of the home page, lowest order first.
    home_sections: list[HomeSection] = field(default_factory=list)
    #: ``seeder(phase) -> str`` (a line for the summary), run in order by ``flask seed-demo``
    #: after the demo citizens exist; each must be safe to run twice.
    seeders: list[Callable[[str], str]] = field(default_factory=list)
    #: ``exporter(user) -> dict``: a feature's part of a person's data export.
    data_exporters: list[Callable] = field(default_factory=list)
    #: ``provider(terms) -> list[SearchHit]``: results shown beside the news posts.
    search_providers: list[Callable] = field(default_factory=list)
    #: ``provider() -> list[FeedItem]``: entries the news feed lists among the posts.
    feed_providers: list[Callable] = field(default_factory=list)


def init_app(app: Flask) -> None:
    app.extensions["hooks"] = Hooks()


def hooks(app: Flask | None = None) -> Hooks:
    """This app's hooks (the current app's by default)."""
    return (app or current_app).extensions["hooks"]


def add_menu_item(app: Flask, endpoint: str, label, admin_only: bool = False) -> None:
    hooks(app).menu.append(MenuItem(endpoint, label, admin_only))


def add_home_section(app: Flask, order: int, template: str, context: Callable[[], dict]) -> None:
    """Show ``template`` on the home page, rendered with what ``context()`` returns."""
    sections = hooks(app).home_sections
    sections.append(HomeSection(order, template, context))
    sections.sort(key=lambda section: section.order)


def add_seeder(app: Flask, seeder: Callable[[str], str]) -> None:
    hooks(app).seeders.append(seeder)


def add_data_exporter(app: Flask, exporter: Callable) -> None:
    hooks(app).data_exporters.append(exporter)


def add_search_provider(app: Flask, provider: Callable) -> None:
    hooks(app).search_providers.append(provider)


def add_feed_provider(app: Flask, provider: Callable) -> None:
    hooks(app).feed_providers.append(provider)
