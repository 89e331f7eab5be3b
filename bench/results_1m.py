"""How fast is /results with a million votes? A report, not a test.

    .venv/bin/python bench/results_1m.py [--votes 1000000] [--database-url URL]

Builds a fresh database (SQLite in a temp folder by default; a PostgreSQL URL also works:
its tables are created in a schema of their own and dropped afterwards), a closed campaign
with five finalists and N votes (bulk-loaded, not through the ORM), then times GET /results
in-process and prints p50/p95/p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-results-"))
    os.environ["INSTANCE_PATH"] = str(tmp / "instance")
    engine_options: dict = {}
    schema = None
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with sa.create_engine(url).begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine_options = {"connect_args": {"options": f"-csearch_path={schema}"}}

    from app import create_app
    from app.contest.models import Campaign, Finalist
    from app.extensions import db
    from app.models import utcnow
    from app.voting.models import VoteTally

    app = create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **engine_options},
        }
    )
    try:
        with app.app_context():
            db.create_all()
            now = utcnow()
            day = timedelta(days=1)
            campaign = Campaign(
                title_th="ทดสอบ",
                title_en="Bench",
                submissions_open=now - 9 * day,
                submissions_close=now - 6 * day,
                voting_open=now - 4 * day,
                voting_close=now - day,
            )
            db.session.add(campaign)
            db.session.flush()
            finalists = [
                Finalist(
                    campaign_id=campaign.id,
                    normalised_name=f"name {n}",
                    display_name=f"ชื่อ {n}",
                    meaning="ความหมาย",
                    position=n,
                )
                for n in range(1, 6)
            ]
            db.session.add_all(finalists)
            db.session.commit()
            ids = [f.id for f in finalists]
            campaign_id = campaign.id
            db.session.commit()  # end the read transaction before another connection writes
            started = time.perf_counter()
            _load_votes(db, campaign_id, ids, args.votes, now - 3 * day)
            counts = dict.fromkeys(ids, 0)
            last = {}
            for n in range(args.votes):
                fid = ids[(n * 7 + n // 3) % 5]
                counts[fid] += 1
                last[fid] = n + 1
            db.session.add_all(
                VoteTally(
                    finalist_id=fid,
                    campaign_id=campaign.id,
                    votes=counts[fid],
                    last_vote_id=last[fid],
                )
                for fid in ids
            )
            db.session.commit()
            load_seconds = time.perf_counter() - started

        client = app.test_client()
        for _ in range(10):
            assert client.get("/results?lang=en").status_code == 200
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get("/results?lang=en")
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        assert f"{args.votes:,}" in response.get_data(as_text=True)
        timings.sort()
        p = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]  # noqa: E731
        backend = "postgresql" if schema else "sqlite"
        print(f"/results on {backend} with {args.votes:,} votes (loaded in {load_seconds:.1f} s)")
        print(
            f"  {args.requests} requests: p50 {p(0.50):.1f} ms, p95 {p(0.95):.1f} ms, "
            f"p99 {p(0.99):.1f} ms, mean {statistics.mean(timings):.1f} ms"
        )
    finally:
        with app.app_context():
            db.engine.dispose()
        if schema:
            with sa.create_engine(url).begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def _load_votes(db, campaign_id, finalist_ids, count, when) -> None:
    """Bulk insert through the DB-API: executemany in batches of 50,000."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        sqlite = db.engine.dialect.name == "sqlite"
        paramstyle = "?" if sqlite else "%s"
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")  # our connections run with autocommit off by hand
        placeholders = ", ".join([paramstyle] * 6)  # placeholders only; no data in the text
        columns = "campaign_id, finalist_id, voter_key, user_id, reference_code, created_at"
        sql = f"INSERT INTO vote ({columns}) VALUES ({placeholders})"  # noqa: S608
        batch = []
        for n in range(count):
            batch.append(
                (
                    campaign_id,
                    finalist_ids[(n * 7 + n // 3) % 5],
                    f"{n:064x}",
                    None,
                    f"VT-2569-{n:08d}",
                    when.isoformat(sep=" "),
                )
            )
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
        if sqlite:
            cursor.execute("COMMIT")
        else:
            connection.commit()
    finally:
        connection.close()


if __name__ == "__main__":
    main()
