# ruff: noqa: S310, S603, S607, S608  (a local script: starts our own tools, opens loopback URLs, builds SQL from constants)
"""The site under load: GET pages against a baseline, at the data sizes of a real contest.

    .venv/bin/python bench/run.py [--database-url URL] [--redis-url URL] [--seconds 10]

Starts the app under gunicorn the way `make run` does (2 x cores + 1 workers) on a fresh
database (SQLite by default; a PostgreSQL URL gets a schema of its own), loads demo data at
scale with a bulk loader (200 posts, 20,000 citizens, 50,000 entries, 1,000,000 votes),
then drives each page with `wrk` (Debian package) from a second process on loopback, bounded
in time. Prints a Markdown table and writes bench/results/latest.json (plus a .md copy):
requests/s, p50 and p99 latency, errors, and each page's requests/s over the baseline's
(`/ping`, a constant answer). Also reports each worker's memory (RSS) after the load.

A report, not a test. Form-post journeys (comment, entry, vote) are not driven yet.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

SCALE = {"posts": 200, "citizens": 20_000, "entries": 50_000, "votes": 1_000_000}
TARGETS = {"/news/<slug>": 0.30, "/": 0.30, "/results": 0.50}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--votes", type=int, default=SCALE["votes"])
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
    )
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, REDIS_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")
    else:
        env.pop("REDIS_URL", None)

    def flask(*command):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

    try:
        flask("db", "upgrade")
        flask("seed-demo", "--phase", "voting")
        started = time.perf_counter()
        slug = load(env, args.votes)
        load_seconds = time.perf_counter() - started
        rows, rss = drive(env, slug, args)
    finally:
        if schema:
            with sa.create_engine(args.database_url).begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    backend = ("PostgreSQL" if schema else "SQLite") + (" + Redis" if args.redis_url else "")
    report(backend, rows, rss, load_seconds, args)


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
        digest = hash_password("bench password 1234567")
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
                "INSERT INTO user_account (email, display_name, password_hash, role, disabled, "
                "locale, consent_version, consented_at, session_version, created_at, updated_at, "
                f"email_verified_at) VALUES ({', '.join([mark] * 12)})",
                citizens,
            )
            cursor.execute("SELECT id FROM user_account WHERE email LIKE 'bench%'")
            ids = [row[0] for row in cursor.fetchall()]
            entries = []
            for n in range(SCALE["entries"]):
                user_id = ids[n % len(ids)]
                seq = n // len(ids) + 1
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
    port = free_port()
    workers = 2 * (os.cpu_count() or 1) + 1
    log = open(Path(env["INSTANCE_PATH"]) / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
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
        rss = worker_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    baseline = rows[0]["rps"] or 1
    for row in rows:
        row["ratio"] = round(row["rps"] / baseline, 2)
        row["target"] = TARGETS.get(row["page"])
    return rows, rss


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


def worker_rss(master: int) -> list[int]:
    """RSS in MB of each gunicorn worker (children of the master)."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            if match:
                sizes.append(round(int(match.group(1)) / 1024))
    return sizes


def report(backend, rows, rss, load_seconds, args) -> None:
    lines = [
        f"### {backend}: {SCALE['posts']} posts, {SCALE['citizens']:,} citizens, "
        f"{SCALE['entries']:,} entries, {args.votes:,} votes (loaded in {load_seconds:.0f} s); "
        f"wrk {args.connections} connections x {args.seconds} s per page",
        "",
        "| page | req/s | p50 ms | p99 ms | errors | ratio to /ping | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        target = f">= {row['target']}" if row["target"] else ""
        lines.append(
            f"| {row['page']} | {row['rps']} | {row['p50_ms']} | {row['p99_ms']} | "
            f"{row['errors']} | {row['ratio']} | {target} |"
        )
    lines.append("")
    lines.append(f"Worker memory after the load (RSS, MB): {rss}")
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    key = backend.lower().replace(" + ", "-").replace(" ", "-")
    latest = out / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data[key] = {"rows": rows, "worker_rss_mb": rss, "measured_at": datetime.now(UTC).isoformat()}
    latest.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    (out / f"latest-{key}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
