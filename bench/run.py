# ruff: noqa: S603, S607, S608  (a local script: starts our own tools, opens loopback URLs, builds SQL from constants)
"""The site under load: GET pages against a baseline, at the data sizes of a real contest.

    .venv/bin/python bench/run.py [--database-url URL] [--redis-url URL] [--seconds 10]

Starts the app under gunicorn the way `make run` does (2 x cores + 1 workers) on a fresh
database (SQLite by default; a PostgreSQL URL gets a schema of its own), loads demo data at
scale with a bulk loader (200 posts, 20,000 citizens, 50,000 entries, 1,000,000 votes),
then drives each page with `wrk` (Debian package) from a second process on loopback, bounded
in time. Prints a Markdown table and writes bench/results/latest.json (plus a .md copy):
requests/s, p50 and p99 latency, errors, and each page's requests/s over the baseline's
(`/ping`, a constant answer). Also reports each worker's memory (RSS) after the load.

Then the form posts, with `locust` (headless) as 50 logged-in citizens for --journey-seconds
each: first with submissions open (read, comment, propose a name), then with voting open
(read, comment, vote). Pages and posts get p50/p99 apart; 5xx and "database is locked" in the
server log are counted; every acknowledged entry and vote is looked up in the database. Last,
200 citizens confirm their vote at the same moment, each twice (a double click): every
acknowledged vote must be there, exactly one row per citizen.

All virtual users share 127.0.0.1, so the per-address rate limits are lifted for the run; the
per-person rules (one vote, three entries, one comment per 15 s) stay.

A report, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.support.servers import flask_cli, gunicorn  # noqa: E402

SCALE = {"posts": 200, "citizens": 20_000, "entries": 50_000, "votes": 1_000_000}
TARGETS = {"/news/<slug>": 0.30, "/": 0.30, "/results": 0.50}
PASSWORD = "bench password 1234567"  # noqa: S105  (the bench citizens, made for the run)
#: Citizens from this number on have no entries: the journeys and the vote burst use them.
FREE_CITIZENS = 17_000
JOURNEY_USERS = 50
BURST_VOTERS = 200
NO_LIMIT = "1000000 per hour"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--votes", type=int, default=SCALE["votes"])
    parser.add_argument("--journey-seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=JOURNEY_USERS, help="journey citizens")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")

    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    schema = None
    if url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with sa.create_engine(url).begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = f"{url}?options=-csearch_path%3D{schema}"
    env = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "MAIL_SERVER"}}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        INSTANCE_PATH=str(tmp / "instance"),
        MAIL_BACKEND="dummy",
        LOG_LEVEL="WARNING",
        **{
            f"RATELIMIT_{name}": NO_LIMIT
            for name in ("LOGIN", "COMMENT", "ENTRY", "VOTE", "REGISTER", "FEEDBACK")
        },
    )
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, REDIS_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")
    else:
        env.pop("REDIS_URL", None)

    def flask(*command):
        flask_cli(env, *command)

    try:
        flask("db", "upgrade")
        flask("seed-demo", "--phase", "voting")
        started = time.perf_counter()
        slug = load(env, args.votes)
        load_seconds = time.perf_counter() - started
        rows, rss, journeys = drive(env, slug, args)
    finally:
        if schema:
            with sa.create_engine(args.database_url).begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    backend = ("PostgreSQL" if schema else "SQLite") + (" + Redis" if args.redis_url else "")
    report(backend, rows, rss, load_seconds, args, journeys)


def load(env: dict, votes: int) -> str:
    """Bulk-load the contest at scale; return the slug of a post to read."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH")})
    from app import create_app
    from app.accounts.services import hash_password
    from app.contest.models import Campaign, Finalist
    from app.extensions import db
    from app.news import services as news
    from app.news.models import Post

    app = create_app()
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        campaign.results_visibility = "live"  # /results counts, the expensive case
        now = datetime.now(UTC)
        for n in range(SCALE["posts"] - db.session.scalar(sa.select(sa.func.count(Post.id)))):
            news.create_post(
                news.PostData(
                    slug=f"bench-post-{n}",
                    title_th=f"ข่าวบริการรัฐบาลอิเล็กทรอนิกส์ ฉบับที่ {n}",
                    title_en=f"e-Government services news no. {n}",
                    body_th="บริการออนไลน์ของรัฐ " * 40,
                    body_en="Online public services. " * 40,
                    tags=["e-government", f"tag-{n % 10}"],
                    published_at=now - timedelta(hours=n),
                    image_path=None,
                    image_alt="",
                )
            )
        db.session.commit()
        campaign_id = campaign.id
        finalists = list(
            db.session.scalars(sa.select(Finalist.id).where(Finalist.campaign_id == campaign_id))
        )
        slug = db.session.scalar(sa.select(Post.slug).order_by(Post.published_at.desc()))
        db.session.commit()
        digest = hash_password(PASSWORD)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            sqlite = db.engine.dialect.name == "sqlite"
            mark = "?" if sqlite else "%s"
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            stamp = (now - timedelta(days=20)).isoformat(sep=" ")
            citizens = [
                (
                    f"bench{n}@example.com",
                    f"bench{n}@example.com",  # already its canonical form
                    f"ประชาชน {n}",
                    digest,
                    "citizen",
                    False,
                    "th",
                    "2026-11-01",
                    stamp,
                    1,
                    stamp,
                    stamp,
                    stamp,
                )
                for n in range(SCALE["citizens"])
            ]
            cursor.executemany(
                "INSERT INTO user_account (email, email_canonical, display_name, password_hash, "
                "role, disabled, locale, consent_version, consented_at, session_version, "
                f"created_at, updated_at, email_verified_at) VALUES ({', '.join([mark] * 13)})",
                citizens,
            )
            cursor.execute("SELECT id FROM user_account WHERE email LIKE 'bench%' ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
            entries = []
            for n in range(SCALE["entries"]):
                user_id = ids[n % FREE_CITIZENS]
                seq = n // FREE_CITIZENS + 1
                name = f"ชื่อทดสอบ{n % 5000}"
                entries.append(
                    (
                        campaign_id,
                        user_id,
                        f"{user_id:060d}{seq:04d}",
                        seq,
                        f"MN-2569-B{n:07d}",
                        uuid.uuid4().hex,
                        name,
                        name,
                        "ความหมายของชื่อที่ยาวพอสำหรับการทดสอบ",
                        "pending",
                        stamp,
                        stamp,
                    )
                )
            cursor.executemany(
                "INSERT INTO entry (campaign_id, user_id, owner_key, seq, reference_code, "
                "submission_token, proposed_name, normalised_name, meaning, status, created_at, "
                f"updated_at) VALUES ({', '.join([mark] * 12)})",
                entries,
            )
            batch = []
            for n in range(votes):
                batch.append(
                    (
                        campaign_id,
                        finalists[n % len(finalists)],
                        f"{n:064x}",
                        f"VT-2569-{n:08d}",
                        stamp,
                    )
                )
                if len(batch) == 50_000:
                    cursor.executemany(
                        "INSERT INTO vote (campaign_id, finalist_id, voter_key, reference_code, "
                        f"created_at) VALUES ({', '.join([mark] * 5)})",
                        batch,
                    )
                    batch.clear()
            if batch:
                cursor.executemany(
                    "INSERT INTO vote (campaign_id, finalist_id, voter_key, reference_code, "
                    f"created_at) VALUES ({', '.join([mark] * 5)})",
                    batch,
                )
            cursor.execute("DELETE FROM vote_tally")
            cursor.execute(
                "INSERT INTO vote_tally (finalist_id, campaign_id, votes, last_vote_id) "
                "SELECT finalist_id, campaign_id, count(*), max(id) FROM vote "
                "GROUP BY finalist_id, campaign_id"
            )
            if sqlite:
                cursor.execute("COMMIT")
            else:
                raw.commit()
            if not sqlite:
                cursor.execute("ANALYZE")
                raw.commit()
        finally:
            raw.close()
        db.engine.dispose()
    return slug


def drive(env: dict, slug: str, args) -> tuple[list[dict], list[int]]:
    workers = 2 * (os.cpu_count() or 1) + 1
    instance = Path(env["INSTANCE_PATH"])
    access_log = ("--access-logfile", str(instance / "access.log"))
    with gunicorn(
        env, instance, workers, access_log, timeout=60, log_path=instance / "gunicorn.log"
    ) as (server, base, _log):
        pages = [
            ("/ping", "/ping"),
            ("/", "/"),
            ("/news/<slug>", f"/news/{slug}"),
            ("/results", "/results"),
            ("/vote", "/vote"),
        ]
        rows = []
        for label, path in pages:
            wrk(base + path, 2, args.connections)  # warm-up
            rows.append({"page": label, **wrk(base + path, args.seconds, args.connections)})
        journeys = {
            "propose": journey(base, env, "propose", args.journey_seconds, args.users),
            "vote": journey(base, env, "vote", args.journey_seconds, args.users),
            "burst": vote_burst(base, env),
        }
        rss = worker_rss(server.pid)
    baseline = rows[0]["rps"] or 1
    for row in rows:
        row["ratio"] = round(row["rps"] / baseline, 2)
        row["target"] = TARGETS.get(row["page"])
    text = (Path(env["INSTANCE_PATH"]) / "gunicorn.log").read_text(errors="replace")
    journeys["log"] = {
        "database is locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback"),
    }
    return rows, rss, journeys


def set_phase(env: dict, phase: str) -> None:
    """Move the campaign's dates so that ``phase`` is open now (a bench shortcut: the staff
    form refuses to move dates once voting has opened)."""
    os.environ.update(env)
    from app import create_app
    from app.contest.demo import demo_schedule
    from app.contest.models import Campaign
    from app.extensions import db
    from app.models import utcnow

    app = create_app()
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        (
            campaign.submissions_open,
            campaign.submissions_close,
            campaign.voting_open,
            campaign.voting_close,
        ) = demo_schedule(phase, utcnow())
        db.session.commit()  # also drops the cached pages (app/cache.py)
        db.engine.dispose()


def journey(base: str, env: dict, mode: str, seconds: int, users: int = JOURNEY_USERS) -> dict:
    """``users`` logged-in citizens for ``seconds`` with locust; stats per request kind."""
    set_phase(env, "submissions" if mode == "propose" else "voting")
    out = Path(env["INSTANCE_PATH"]) / f"locust-{mode}"
    acks = Path(f"{out}-acks.txt")
    first = FREE_CITIZENS + (0 if mode == "propose" else 500)
    sessions = Path(f"{out}-sessions.json")
    numbers = range(first, first + users)
    started = time.perf_counter()
    cookies = login_all(base, [f"bench{n}@example.com" for n in numbers])
    login_seconds = time.perf_counter() - started
    sessions.write_text(json.dumps([[n, cookies[i]] for i, n in enumerate(numbers)]))
    run_env = {
        **os.environ,
        "BENCH_MODE": mode,
        "BENCH_SLUGS": ",".join(f"bench-post-{n}" for n in range(50)),
        "BENCH_FIRST_USER": str(first),
        "BENCH_PASSWORD": PASSWORD,
        "BENCH_ACKS": str(acks),
        "BENCH_SESSIONS": str(sessions),
    }
    access = Path(env["INSTANCE_PATH"]) / "access.log"
    offset = access.stat().st_size if access.exists() else 0
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "journeys.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "25",
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(out),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=run_env,
        capture_output=True,
        check=False,  # exits 1 when any request failed: the report says which
        timeout=seconds + 120,
    )
    import csv

    stats = []
    with open(f"{out}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            stats.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 1),
                    "p50_ms": float(row["50%"]),
                    "p99_ms": float(row["99%"]),
                }
            )
    server_side = _server_times(access, offset)
    server_errors = 0
    with open(f"{out}_failures.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if re.search(r"\b5\d\d\b", row["Error"]):
                server_errors += int(row["Occurrences"])
    lines = acks.read_text(encoding="utf-8").split() if acks.exists() else []
    return {
        "server_side": server_side,
        "users": users,
        "login_seconds": round(login_seconds, 2),
        "seconds": seconds,
        "stats": stats,
        "server_errors": server_errors,
        **check_acks(env, mode, acks),
        "acknowledged_lines": len(lines),
    }


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _login(base: str, email: str):
    import requests

    http = requests.Session()
    page = http.get(base + "/login", timeout=30).text
    answer = http.post(
        base + "/login",
        data={"csrf_token": TOKEN.search(page).group(1), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise SystemExit(f"bench login refused for {email}: {answer.status_code}")
    return http


def login_all(base: str, emails: list[str]) -> list[str]:
    """Session cookies of these citizens, logged in 10 at a time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(10) as pool:
        return [http.cookies["session"] for http in pool.map(lambda e: _login(base, e), emails)]


def _server_times(access: Path, offset: int) -> dict:
    """p50/p99 of the time gunicorn itself spent on each page during a journey (access log),
    to tell the server's share of the client's latency from the load tool's own."""
    kinds = {}
    with access.open(encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        for line in handle:
            match = re.search(r'"(GET|POST) (\S+) [^"]*" (\d+) \S+ (\d+)ms', line)
            if not match:
                continue
            method, path, _status, ms = match.groups()
            path = path.split("?")[0]
            if path.startswith("/news/"):
                path = "/news/<slug>"
            kinds.setdefault(f"{method} {path}", []).append(int(ms))
    result = {}
    for name, times in sorted(kinds.items()):
        times.sort()
        result[name] = {
            "count": len(times),
            "p50_ms": times[len(times) // 2],
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        }
    return result


def _engine(env: dict):
    return sa.create_engine(env["DATABASE_URL"])


def check_acks(env: dict, mode: str, acks: Path) -> dict:
    """Every acknowledged entry (its reference code) and vote (its citizen) is stored."""
    lines = acks.read_text(encoding="utf-8").splitlines() if acks.exists() else []
    codes = [line.split(" ", 1)[1] for line in lines if line.startswith("entry ")]
    voters = [line.split(" ", 1)[1] for line in lines if line.startswith("vote ")]
    engine = _engine(env)
    with engine.connect() as connection:
        found_entries = 0
        for code in codes:
            found_entries += connection.execute(
                sa.text("SELECT count(*) FROM entry WHERE reference_code = :c"), {"c": code}
            ).scalar()
        vote_rows = 0
        for email in voters:
            vote_rows += connection.execute(
                sa.text(
                    "SELECT count(*) FROM vote JOIN user_account u ON u.id = vote.user_id "
                    "WHERE u.email = :e"
                ),
                {"e": email},
            ).scalar()
    engine.dispose()
    if mode == "propose":
        return {"acknowledged": len(codes), "stored": found_entries}
    return {"acknowledged": len(voters), "stored": vote_rows}


def vote_burst(base: str, env: dict) -> dict:
    """200 citizens ready on the confirmation step confirm at the same moment, twice each."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    token = TOKEN
    finalist_re = re.compile(r'name="finalist" value="(\d+)"')
    first = FREE_CITIZENS + 1000
    emails = [f"bench{n}@example.com" for n in range(first, first + BURST_VOTERS)]

    def prepare(email: str):
        http = _login(base, email)
        ballot = http.get(base + "/vote", timeout=30).text
        choice = finalist_re.findall(ballot)[hash(email) % 5]
        confirm = http.post(
            base + "/vote",
            data={"csrf_token": token.search(ballot).group(1), "finalist": choice},
            timeout=30,
        ).text
        return http, {"csrf_token": token.search(confirm).group(1), "finalist": choice}

    with ThreadPoolExecutor(20) as pool:
        ready = list(pool.map(prepare, emails))
    barrier = threading.Barrier(len(ready) * 2)

    def confirm(item):
        http, data = item
        barrier.wait(timeout=60)
        response = http.post(base + "/vote/confirm", data=data, allow_redirects=False, timeout=60)
        return response.status_code, response.headers.get("Location", "")

    started = time.perf_counter()
    with ThreadPoolExecutor(len(ready) * 2) as pool:
        answers = list(pool.map(confirm, [item for item in ready for _ in range(2)]))
    seconds = time.perf_counter() - started
    acknowledged = {
        emails[i // 2]
        for i, (status, location) in enumerate(answers)
        if status == 302 and "/vote/receipt" in location
    }
    statuses: dict[str, int] = {}
    for status, _location in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    engine = _engine(env)
    with engine.connect() as connection:
        rows = dict(
            connection.execute(
                sa.text(
                    "SELECT u.email, count(*) FROM vote JOIN user_account u ON u.id = vote.user_id "
                    "WHERE u.email LIKE 'bench%' GROUP BY u.email"
                )
            )
            .tuples()
            .all()
        )
    engine.dispose()
    mine = {email: rows.get(email, 0) for email in emails}
    return {
        "voters": len(emails),
        "requests": len(answers),
        "statuses": statuses,
        "acknowledged": len(acknowledged),
        "stored_rows": sum(mine.values()),
        "acknowledged_missing": sum(1 for e in acknowledged if mine[e] == 0),
        "citizens_with_more_than_one_row": sum(1 for n in mine.values() if n > 1),
        "seconds": round(seconds, 2),
    }


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) bench",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {
        "rps": round(rps, 1),
        "p50_ms": round(latency("50"), 2),
        "p99_ms": round(latency("99"), 2),
        "errors": errors,
    }


def worker_rss(master: int) -> dict[str, list[int]]:
    """Each gunicorn worker's memory in MB now (RSS) and at its highest (peak RSS)."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout.split()
    now, peak = [], []
    for pid in children:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            text = status.read_text()
            for field, sizes in (("VmRSS", now), ("VmHWM", peak)):
                match = re.search(rf"{field}:\s+(\d+) kB", text)
                if match:
                    sizes.append(round(int(match.group(1)) / 1024))
    return {"rss": now, "peak": peak}


def report(backend, rows, rss, load_seconds, args, journeys) -> None:
    lines = [
        f"### {backend}: {SCALE['posts']} posts, {SCALE['citizens']:,} citizens, "
        f"{SCALE['entries']:,} entries, {args.votes:,} votes (loaded in {load_seconds:.0f} s); "
        f"wrk {args.connections} connections x {args.seconds} s per page",
        "",
        "| page | req/s | p50 ms | p99 ms | errors | ratio to /ping | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        target, met = "", ""
        if row["target"]:
            target = f">= {row['target']}"
            met = row["ratio"] >= row["target"]
            if row["page"] == "/results":
                target += ", p99 < 100 ms"
                met = met and row["p99_ms"] < 100
            met = "yes" if met else "**no**"
        lines.append(
            f"| {row['page']} | {row['rps']} | {row['p50_ms']} | {row['p99_ms']} | "
            f"{row['errors']} | {row['ratio']} | {target} | {met} |"
        )
    for mode, title in (("propose", "submissions open"), ("vote", "voting open")):
        run = journeys[mode]
        lines += [
            "",
            f"Mixed journey, {title}: {run['users']} citizens for {run['seconds']} s (locust); "
            f"target p99 < 250 ms per page, < 500 ms per form post, no 5xx",
            "",
            "| request | count | failures | req/s | p50 ms | p99 ms | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for stat in run["stats"]:
            limit = 500 if stat["name"].startswith("post") else 250
            met = "yes" if stat["p99_ms"] < limit and not stat["failures"] else "**no**"
            lines.append(
                f"| {stat['name']} | {stat['requests']} | {stat['failures']} | {stat['rps']} | "
                f"{stat['p50_ms']:.0f} | {stat['p99_ms']:.0f} | {met} |"
            )
        server = run.get("server_side", {})
        if server:
            lines.append("")
            lines.append(
                "Time inside the app (gunicorn access log), p50/p99 ms: "
                + "; ".join(
                    f"{name} {value['p50_ms']}/{value['p99_ms']}"
                    for name, value in server.items()
                    if value["count"] >= 20
                )
            )
        kind = "entries" if mode == "propose" else "votes"
        lines.append("")
        lines.append(
            f"5xx: {run['server_errors']}; acknowledged {kind}: {run['acknowledged']}, "
            f"found in the database: {run['stored']}"
        )
    burst = journeys["burst"]
    lines += [
        "",
        f"Vote burst: {burst['voters']} citizens confirm at once, twice each "
        f"({burst['requests']} requests in {burst['seconds']} s; answers {burst['statuses']}): "
        f"acknowledged {burst['acknowledged']}, rows {burst['stored_rows']}, acknowledged but "
        f"missing {burst['acknowledged_missing']}, citizens with more than one row "
        f"{burst['citizens_with_more_than_one_row']}",
        "",
        f"Server log: 'database is locked' {journeys['log']['database is locked']} times, "
        f"tracebacks {journeys['log']['tracebacks']}",
        "",
        f"Worker memory after the load (RSS, MB): {rss['rss']}; highest during the run: "
        f"{rss['peak']} (target: under 150 after the load)",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    key = backend.lower().replace(" + ", "-").replace(" ", "-")
    latest = out / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data[key] = {
        "rows": rows,
        "journeys": journeys,
        "worker_rss_mb": rss,
        "measured_at": datetime.now(UTC).isoformat(),
    }
    latest.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    (out / f"latest-{key}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
