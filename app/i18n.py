"""The templates' helpers: language choice (Thai first), Buddhist-Era dates, Bangkok times,
durations and countdowns, and the contest's phase labels."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal
from flask import Flask, current_app, request, url_for
from flask_babel import force_locale, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

LANG_COOKIE = "lang"
BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543


def select_locale() -> str:
    """``?lang=`` wins, then the remembered cookie, then Thai."""
    languages = current_app.config["LANGUAGES"]
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in languages:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return "Asia/Bangkok"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "th"


def to_bangkok(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware UTC datetimes")
    return value.astimezone(BANGKOK)


def format_date(value: date | datetime | None, lang: str | None = None) -> str:
    """``15 ก.ย. 2553`` in Thai (Buddhist Era), ``15 Sep 2010`` in English."""
    if value is None:
        return ""
    lang = lang or current_language()
    if isinstance(value, datetime):
        value = to_bangkok(value).date()
    day_month = babel_format_date(value, "d MMM", locale=lang)
    year = value.year + BE_OFFSET if lang == "th" else value.year
    return f"{day_month} {year}"


def format_time(value: datetime | None, lang: str | None = None) -> str:
    """``14:30 น.`` in Thai, ``2:30 pm`` in English, in Bangkok time."""
    if value is None:
        return ""
    lang = lang or current_language()
    local = to_bangkok(value)
    if lang == "th":
        return f"{babel_format_time(local, 'HH:mm', locale='th')} น."
    return babel_format_time(local, "h:mm a", locale="en").lower()


def format_datetime(value: datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    return f"{format_date(value, lang)} {format_time(value, lang)}"


def format_end(value: datetime | None, lang: str | None = None) -> str:
    """An END as people read it: a close at exactly 00:00 Bangkok is the end of the day
    before (``30 Sep 2010 (end of the day)``, ``30 ก.ย. 2553 เวลา 24.00 น.``)."""
    if value is None:
        return ""
    local = to_bangkok(value)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return format_datetime(value, lang)
    day = format_date(local.date() - timedelta(days=1), lang)
    with force_locale(lang or current_language()):
        return gettext("%(date)s (end of the day)", date=day)


def format_number(value: int | float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=current_language())


def duration_text(delta: timedelta) -> str:
    """``3 days 4 hours``, ``5 hours 10 minutes`` or ``7 minutes``, in the reader's language."""
    minutes = max(1, ceil(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [_unit("day", days)] + ([_unit("hour", hours)] if hours else [])
    elif hours:
        parts = [_unit("hour", hours)] + ([_unit("minute", minutes)] if minutes else [])
    else:
        parts = [_unit("minute", minutes)]
    return " ".join(parts)


def _unit(unit: str, n: int) -> str:
    if unit == "day":
        return ngettext("%(num)d day", "%(num)d days", n)
    if unit == "hour":
        return ngettext("%(num)d hour", "%(num)d hours", n)
    return ngettext("%(num)d minute", "%(num)d minutes", n)


def duration_units() -> dict[str, str]:
    """The unit words of ``duration_text`` for the live countdown script (data-* attributes)."""
    return {
        f"{unit}-{form}": _unit(unit, n).replace(str(n), "%(num)d", 1)
        for unit in ("day", "hour", "minute")
        for form, n in (("one", 1), ("many", 2))
    }


def countdown_text(label, delta: timedelta) -> str:
    """A countdown sentence: ``label`` (with ``%(time)s``) filled with the time left."""
    return str(label) % {"time": duration_text(delta)}


#: The contest's phases in words (keys are the phase values: app/contest/phases.py).
PHASE_LABELS = {
    "upcoming": _l("Coming soon"),
    "submissions": _l("Name proposals are open"),
    "review": _l("Entries are being reviewed"),
    "voting": _l("Voting is open"),
    "closed": _l("Voting has closed"),
    "announced": _l("The results are out"),
}
#: What the countdown of each phase counts down to.
COUNTDOWN_LABELS = {
    "upcoming": _l("Name proposals open in %(time)s."),
    "submissions": _l("Name proposals close in %(time)s."),
    "review": _l("Voting opens in %(time)s."),
    "voting": _l("Voting closes in %(time)s."),
}


def url_for_language(lang: str) -> str:
    """The current page's address with ``lang`` set, so the switch keeps the page."""
    if not request.endpoint or request.endpoint == "static":
        return url_for("main.home", lang=lang)
    args = dict(request.view_args or {})
    args.update({k: v for k, v in request.args.items() if k != "lang"})
    args["lang"] = lang
    try:
        return url_for(request.endpoint, **args)
    except Exception:  # an endpoint that cannot be rebuilt (error pages)
        return url_for("main.home", lang=lang)


def _remember_language(response):
    changed = request.args.get("lang")
    if changed in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != changed:
        response.set_cookie(
            LANG_COOKIE,
            changed,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date=format_date,
        time=format_time,
        datetime=format_datetime,
        end=format_end,
        number=format_number,
    )
    app.jinja_env.globals.update(
        url_for_language=url_for_language, current_language=current_language
    )
    app.after_request(_remember_language)
