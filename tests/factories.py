"""factory_boy factories, one per model a test starts from. Each commits what it makes; those
with rules behind them (posts, campaigns, entries) go through the service that applies them."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import factory

from app.accounts.models import Role, User
from app.accounts.services import hash_password
from app.contest import services as contest_services
from app.contest.models import Campaign, Entry, EntryStatus, Finalist
from app.contest.normalise import normalise_name
from app.extensions import db
from app.models import utcnow
from app.news import services as news_services
from app.news.models import Comment, Post, Status

PASSWORD = "correct horse battery staple 42"


@cache
def _password_hash() -> str:
    """argon2 is slow on purpose: hash once per run, with the first app's hasher (the tests'
    cost; the factories run inside an app context)."""
    return hash_password(PASSWORD)


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    class Params:
        verified = factory.Trait(email_verified_at=factory.LazyFunction(utcnow))

    email = factory.Sequence(lambda n: f"citizen{n}@example.com")
    display_name = factory.Sequence(lambda n: f"ประชาชน {n}")
    password_hash = factory.LazyFunction(_password_hash)
    role = Role.CITIZEN.value
    locale = "th"
    consent_version = "2026-11-01"


# --- Time ---------------------------------------------------------------------------------------

DAY = timedelta(days=1)


def schedule_for(phase: str, now=None):
    """Four dates that put ``now`` inside ``phase``."""
    now = now or utcnow()
    return {
        "upcoming": (now + 2 * DAY, now + 5 * DAY, now + 6 * DAY, now + 9 * DAY),
        "submissions": (now - 2 * DAY, now + 5 * DAY, now + 6 * DAY, now + 9 * DAY),
        "review": (now - 5 * DAY, now - 2 * DAY, now + 2 * DAY, now + 9 * DAY),
        "voting": (now - 9 * DAY, now - 6 * DAY, now - 2 * DAY, now + 3 * DAY),
        "closed": (now - 9 * DAY, now - 6 * DAY, now - 4 * DAY, now - 1 * DAY),
    }[phase]


_THAI_DIGITS = str.maketrans("0123456789", "กขคงจฉชซฌญ")


def _thai_name(n: int) -> str:
    """A different valid name for each ``n`` (names need letters, so digits become letters)."""
    return "น้อง" + str(n).translate(_THAI_DIGITS)


# --- News ---------------------------------------------------------------------------------------


class PostFactory(factory.Factory):
    """A post made through ``news.services.create_post`` (the way staff make one) and committed;
    published ``days_ago`` days ago unless ``draft``. Extra keywords go to ``PostData``."""

    class Meta:
        model = Post

    class Params:
        days_ago = 1
        draft = False

    slug = factory.Sequence(lambda n: f"post-{n}")
    title_th = "ข่าวทดสอบ"
    title_en = "A test post"
    body_th = "เนื้อหาภาษาไทย"
    body_en = "English text"
    tags = factory.LazyFunction(list)
    published_at = factory.LazyAttribute(
        lambda o: None if o.draft else utcnow() - timedelta(days=o.days_ago)
    )

    @classmethod
    def _create(cls, model_class, **fields):
        post = news_services.create_post(news_services.PostData(**fields))
        db.session.commit()
        return post


class CommentFactory(factory.alchemy.SQLAlchemyModelFactory):
    """A comment stored as it is (no moderation rules run): for the state a test starts from."""

    class Meta:
        model = Comment
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory, verified=True)
    body = factory.Sequence(lambda n: f"ความเห็นที่ {n}")
    status = Status.PENDING.value


# --- Contest ------------------------------------------------------------------------------------


class CampaignFactory(factory.Factory):
    """A campaign placed in ``phase`` by ``seed_schedule`` (past the rules of schedule change, as
    the demo is); from voting on it gets a complete shortlist of placeholder finalists, since
    voting opens only on one. Other keywords set its columns. Committed."""

    class Meta:
        model = Campaign

    class Params:
        phase = "submissions"

    schedule = factory.LazyAttribute(lambda o: schedule_for(o.phase))
    shortlisted = factory.LazyAttribute(lambda o: o.phase in ("voting", "closed"))

    @classmethod
    def _create(cls, model_class, schedule, shortlisted, **settings):
        campaign = contest_services.seed_schedule(None, *schedule)
        for name, value in settings.items():
            setattr(campaign, name, value)
        db.session.flush()
        if shortlisted:
            for _ in range(campaign.finalists_count):
                FinalistFactory(campaign=campaign)
        db.session.commit()
        return campaign


class EntryFactory(factory.Factory):
    """An entry sent through ``submit_entry`` inside the proposal window, so its owner key,
    normalised name, number and reference code are the service's; then given ``status`` (and a
    reason when rejected) as a review would. Committed."""

    class Meta:
        model = Entry

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory, verified=True)
    proposed_name = factory.Sequence(_thai_name)
    meaning = "ความหมายที่ยาวพอสำหรับการทดสอบ"
    status = EntryStatus.PENDING.value
    review_reason = factory.LazyAttribute(lambda o: "ไม่เหมาะสม" if o.status == "rejected" else None)

    @classmethod
    def _create(cls, model_class, campaign, user, proposed_name, meaning, status, review_reason):
        token = contest_services.new_submission_token()
        submitted = contest_services.submit_entry(
            campaign, user, proposed_name, meaning, token, now=campaign.submissions_open
        )
        entry = submitted.entry
        if status != EntryStatus.PENDING.value:
            entry.status = status
            entry.review_reason = review_reason
        db.session.commit()
        return entry


class FinalistFactory(factory.alchemy.SQLAlchemyModelFactory):
    """A finalist at the campaign's next position: the name of ``entry`` when given, else a
    placeholder name ("ชื่อที่ 3"), its normalised form the one ``normalise_name`` gives."""

    class Meta:
        model = Finalist
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    class Params:
        entry = None

    campaign = factory.SubFactory(CampaignFactory)
    position = factory.LazyAttribute(lambda o: len(o.campaign.finalists) + 1)
    display_name = factory.LazyAttribute(
        lambda o: o.entry.proposed_name if o.entry else f"ชื่อที่ {o.position}"
    )
    normalised_name = factory.LazyAttribute(
        lambda o: o.entry.normalised_name if o.entry else normalise_name(o.display_name)
    )
    meaning = factory.LazyAttribute(
        lambda o: o.entry.meaning if o.entry else "ความหมายของชื่อที่ผ่านเข้ารอบ"
    )
