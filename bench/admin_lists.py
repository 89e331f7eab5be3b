"""How fast the contest's admin lists are with 100,000 entries (a script, not a test).

    .venv/bin/python bench/admin_lists.py [--rows 100000] [--database-url URL]

Builds a throw-away database (SQLite in a temporary folder unless --database-url names an
empty PostgreSQL database), fills it with entries, then times each admin screen through the
test client as a logged-in admin and counts the SQL statements per request (no N+1: the count
does not grow with the page size).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app import create_app
from app.accounts.models import User
from app.accounts.services import hash_password
from app.contest import services as svc
from app.contest.models import Entry
from app.extensions import db
from app.models import utcnow

PASSWORD = "bench horse battery staple 99"  # noqa: S105  (a throw-away database)
SYLLABLES = ["น้อง", "ไอ", "ซี", "ฟ้า", "ใส", "มะลิ", "ดิจิ", "ใจ", "ดี", "รัฐ", "สะดวก", "e", "jai"]
PATHS = [
    "/admin/contest",
    "/admin/entries",
    "/admin/entries?page=1000",
    "/admin/entries?status=pending",
    "/admin/entries?status=approved&page=200",
    "/admin/entries?q=มะลิ",
    "/admin/entries?view=groups",
    "/admin/entries?view=groups&page=50",
    "/admin/shortlist",
    "/admin/users",
    "/admin/users?q=bench",
    "/admin/entries.csv",
]


def fill(rows: int) -> None:
    now = utcnow()
    campaign = svc.set_schedule(
        None,
        now - timedelta(days=30),
        now + timedelta(days=5),
        now + timedelta(days=6),
        now + timedelta(days=20),
    )
    db.session.flush()
    users = [
        {
            "email": f"bench{i}@example.com",
            "display_name": f"ผู้ทดสอบ {i}",
            "password_hash": "x",
            "role": "citizen",
            "disabled": False,
            "locale": "th",
            "consent_version": "bench",
            "consented_at": now,
            "session_version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(rows // 3 + 1)
    ]
    db.session.execute(sa.insert(User), users)
    rng = random.Random(2553)  # noqa: S311  (repeatable sample data)
    batch = []
    statuses = ["pending"] * 6 + ["approved"] * 3 + ["rejected"]
    mine: set[str] = set()
    for i in range(rows):
        if i % 3 == 0:
            mine = set()  # a new person: three entries each, never the same name twice
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        while svc.normalise_name(name) in mine:
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        mine.add(svc.normalise_name(name))
        status = rng.choice(statuses)
        stamp = now - timedelta(seconds=rng.randint(0, 29 * 86400))
        batch.append(
            {
                "campaign_id": campaign.id,
                "user_id": None,
                "owner_key": f"{i // 3:064x}",
                "seq": i % 3 + 1,
                "reference_code": f"MN-2569-{i:06d}",
                "submission_token": f"{i:032x}",
                "proposed_name": name,
                "normalised_name": svc.normalise_name(name),
                "meaning": f"ความหมายของชื่อ {name} สำหรับการทดสอบความเร็ว ลำดับที่ {i}",
                "status": status,
                "review_reason": "ไม่เหมาะสม" if status == "rejected" else None,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        if len(batch) == 10_000:
            db.session.execute(sa.insert(Entry), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Entry), batch)
    admin = User(
        email="bench-admin@example.com",
        display_name="Bench admin",
        password_hash=hash_password(PASSWORD),
        role="admin",
        consent_version="bench",
        email_verified_at=now,
    )
    db.session.add(admin)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-")
    os.environ["INSTANCE_PATH"] = tmp
    url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "RATELIMIT_ENABLED": False,
            "STAFF_SECOND_FACTOR": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    statements = []
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        fill(args.rows)
        print(
            f"filled {args.rows:,} entries in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
        )
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))

    client = app.test_client()
    response = client.post(
        "/login", data={"email": "bench-admin@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    print(f"{'path':45} {'status':>6} {'best ms':>8} {'queries':>8} {'bytes':>10}")
    for path in PATHS:
        best = float("inf")
        for _ in range(args.repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            size = len(response.get_data())  # a streamed body is timed to its last byte
            response.close()
            best = min(best, (time.perf_counter() - started) * 1000)
        print(f"{path:45} {response.status_code:>6} {best:>8.1f} {len(statements):>8} {size:>10,}")

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            campaign_id = db.session.scalar(sa.select(sa.func.max(Entry.campaign_id)))
            for label, sql in [
                (
                    "pending page",
                    "SELECT id FROM entry WHERE campaign_id = :c AND status = 'pending' ORDER BY created_at DESC, id DESC LIMIT 50",
                ),
                (
                    "group counts",
                    "SELECT normalised_name, count(*) FROM entry WHERE campaign_id = :c GROUP BY normalised_name",
                ),
            ]:
                plan = db.session.execute(
                    sa.text("EXPLAIN QUERY PLAN " + sql), {"c": campaign_id}
                ).all()
                print(f"plan for {label}: " + " | ".join(row[-1] for row in plan))


if __name__ == "__main__":
    main()
