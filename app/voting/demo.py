"""Demo votes, the draw's announcement, the results and the prize draw for ``flask seed-demo``.

Every step goes through the voting services on the demo campaign's own clock (the ``now``
they take): the seed source is announced at 10:00 on voting's first day, twelve demo voters
vote over the days that follow, and once voting has closed the results are published and the
prize draw is made, so ``flask draw verify`` confirms it. The three demo citizens who log in
do not vote: whoever tries the demo can vote as one of them.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from babel.dates import format_date

from app.accounts.services import find_user_by_email
from app.contest.demo import demo_campaign, lottery_day
from app.contest.services import normalise_name
from app.demo import seed_citizens
from app.i18n import BE_OFFSET
from app.models import utcnow
from app.voting.prize import announce_seed_source, draws, run_draw
from app.voting.results import publish_results
from app.voting.votes import ballot, cast_vote, vote_of

# Demo accounts that only vote (the shared demo password opens them too).
DEMO_VOTERS = [
    ("ประภา ศรีสุข", "demo-voter-01@example.com"),
    ("Anan K.", "demo-voter-02@example.com"),
    ("วิไล ทองดี", "demo-voter-03@example.com"),
    ("สมหญิง รักไทย", "demo-voter-04@example.com"),
    ("Kittipong S.", "demo-voter-05@example.com"),
    ("นภา ใจงาม", "demo-voter-06@example.com"),
    ("ชัยวัฒน์ มั่นคง", "demo-voter-07@example.com"),
    ("Pim R.", "demo-voter-08@example.com"),
    ("อรุณี แสงทอง", "demo-voter-09@example.com"),
    ("ธนากร บุญมา", "demo-voter-10@example.com"),
    ("Malee W.", "demo-voter-11@example.com"),
    ("สุดา พรหมมา", "demo-voter-12@example.com"),
]
# Each voter's choice, in the order they vote: a clear winner, 5 of 12 votes.
DEMO_CHOICES = [
    "น้องไอซี",
    "e-Jai",
    "น้องไอซี",
    "มะลิออนไลน์",
    "น้องสะดวก",
    "น้องไอซี",
    "e-Jai",
    "น้องรัฐใจดี",
    "น้องไอซี",
    "มะลิออนไลน์",
    "e-Jai",
    "น้องไอซี",
]
NBSP = "\u00a0"  # a date never wraps between day, month and year


def seed_source(day: date) -> str:
    """The announced seed source, Thai first: the lottery's first prize of ``day``."""
    thai = NBSP.join([format_date(day, "d MMMM", locale="th"), str(day.year + BE_OFFSET)])
    english = format_date(day, "d MMMM y", locale="en").replace(" ", NBSP)
    return (
        f"เลขรางวัลที่ 1 ของสลากกินแบ่งรัฐบาล งวดวันที่ {thai} "
        "(เว็บไซต์สาธิต ใช้เลขสมมติ) · "
        f"First prize of the Government Lottery drawn on {english} "
        "(a demo site: the number is made up)"
    )


def demo_lottery_number(day: date) -> str:
    """A made-up first prize for ``day``: six digits, the same on every run."""
    digest = hashlib.sha256(f"demo-lottery|{day.isoformat()}".encode()).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


def seed_voting(phase: str) -> str:
    """From voting on: the announcement, the demo votes; once closed, results and the draw."""
    campaign = demo_campaign()
    if phase == "submissions" or campaign is None:
        return "no demo votes while proposals are open"
    seed_citizens(DEMO_VOTERS)
    announced = campaign.voting_open + timedelta(hours=10)
    if not draws(campaign):
        source = seed_source(lottery_day(campaign))
        announce_seed_source(campaign, source, None, now=announced)
    cast = _cast_votes(campaign, announced)
    line = f"{cast} new demo votes, seed source announced"
    if phase != "closed":
        return line
    if campaign.results_published_at is None:
        publish_results(campaign, None)
    if draws(campaign)[-1].seed is None:
        run_draw(campaign, demo_lottery_number(lottery_day(campaign)), None)
    return line + ", results published, prize draw made (check it: flask draw verify)"


def _cast_votes(campaign, start) -> int:
    """Cast the demo votes still missing, spread from ``start`` to an hour before voting
    closes (or before now, while it runs)."""
    start += timedelta(hours=1)
    end = min(utcnow(), campaign.voting_close) - timedelta(hours=1)
    step = (end - start) / len(DEMO_VOTERS)
    on_ballot = {finalist.normalised_name: finalist for finalist in ballot(campaign)}
    cast = 0
    for number, ((_name, email), choice) in enumerate(zip(DEMO_VOTERS, DEMO_CHOICES, strict=True)):
        voter = find_user_by_email(email)
        finalist = on_ballot.get(normalise_name(choice))
        if voter is None or finalist is None or vote_of(campaign, voter) is not None:
            continue
        cast_vote(campaign, voter, finalist.id, now=start + step * number)
        cast += 1
    return cast
