# ruff: noqa: S603, S607  (a local script that starts our own tools)
"""Throughput of the post page with the view counter on and off, under gunicorn.

    .venv/bin/python bench/view_counter.py [--workers 2] [--seconds 10] [--connections 8]
        [--redis redis://127.0.0.1:6379/0]

For each storage (SQLite alone; SQLite with REDIS_URL when --redis is given) and each setting
(counting off, counting on) it starts gunicorn on a fresh migrated SQLite database, loads
/news/<slug> with `wrk` (Debian package `wrk`) as a browser without cookies, so that every
request is a new visitor and counts (the worst case for the counter), stops gunicorn with
SIGTERM and checks that the stored count equals the number of requests served. It prints
requests/s and the on/off ratio. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import flask_cli, gunicorn  # noqa: E402

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SLUG = "bench-post"


def prepare(tmp: Path, counting: bool, redis_url: str | None) -> dict:
    instance = tmp / "instance"
    instance.mkdir(parents=True)
    (instance / "config.py").write_text(
        f"NEWS_VIEW_COUNTING = {counting!r}\nRATELIMIT_ENABLED = False\n", encoding="utf-8"
    )
    database = tmp / "bench.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "APP_ENV"}}
    env.update(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "bench-" + "k" * 48,
            "LOG_LEVEL": "WARNING",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
        # Keys are per database (a fresh temporary file each run): nothing to clear.
    flask_cli(env, "db", "upgrade")
    seed = (
        "from app import create_app\n"
        "from app.extensions import db\n"
        "from app.models import utcnow\n"
        "from app.news import services\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    services.create_post(services.PostData(slug={SLUG!r}, title_th='ข่าวทดสอบความเร็ว',"
        " title_en='Benchmark post', body_th='เนื้อหา ' * 200, body_en='Text ' * 200,"
        " tags=['bench'], published_at=utcnow()))\n"
        "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", seed], cwd=ROOT, env=env, check=True)
    return {"env": env, "database": database}


def run_once(workers: int, seconds: int, connections: int, counting: bool, redis_url):
    tmp = Path(tempfile.mkdtemp(prefix="bench-views-"))
    try:
        setup = prepare(tmp, counting, redis_url)
        # Leaving the block stops gunicorn (SIGTERM): workers flush the views they buffered.
        quiet = ("--no-control-socket", "--access-logfile", "/dev/null")
        with gunicorn(setup["env"], tmp, workers, quiet) as (proc, base, _log):
            url = f"{base}/news/{SLUG}"
            # Warm-up: imports, templates, the tokeniser, connection pools.
            warm = subprocess.run(
                ["wrk", "-t1", "-c2", "-d2s", "-H", f"User-Agent: {UA}", url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            before = int(re.search(r"(\d+) requests in", warm).group(1))
            cpu_before = workers_cpu_seconds(proc.pid)
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--latency",
                    "-H",
                    f"User-Agent: {UA}",
                    url,
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            cpu = workers_cpu_seconds(proc.pid) - cpu_before
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE).group(1)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        views = stored_count(setup["database"])
        return {
            "cpu_ms": cpu * 1000 / total,
            "rps": rps,
            "requests": total,
            "p99": p99,
            "views": views,
            "warmup_views": before,
            "non2xx": int(errors.group(1)) if errors else 0,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def workers_cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers so far (Linux /proc): unlike requests/s,
    this barely moves when other programs load the machine."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def stored_count(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT view_count FROM post WHERE slug = ?", (SLUG,)).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="off/on pairs, interleaved")
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    storages = [("SQLite", None)] + ([("SQLite + Redis", args.redis)] if args.redis else [])
    print(
        f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.seconds} s per run, {args.rounds} interleaved off/on rounds, "
        "every request a new visitor (no cookie), so every request counts\n"
    )
    header = (
        f"{'storage':<16}{'counting':<10}{'req/s':>10}{'CPU ms/req':>12}{'p99':>10}"
        f"{'requests':>10}{'stored':>10}"
    )
    print(header)
    for name, redis_url in storages:
        rates: dict[bool, list[float]] = {False: [], True: []}
        cpu: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.rounds):
            for counting in (False, True):
                r = run_once(args.workers, args.seconds, args.connections, counting, redis_url)
                rates[counting].append(r["rps"])
                cpu[counting].append(r["cpu_ms"])
                served = r["warmup_views"] + r["requests"] if counting else 0
                print(
                    f"{name:<16}{'on' if counting else 'off':<10}{r['rps']:>10.1f}{r['cpu_ms']:>12.2f}"
                    f"{r['p99']:>10}"
                    f"{served:>10}{r['views']:>10}"
                )
        off, on = statistics.median(rates[False]), statistics.median(rates[True])
        cpu_off, cpu_on = statistics.median(cpu[False]), statistics.median(cpu[True])
        print(
            f"{name:<16}median req/s: off {off:.1f}, on {on:.1f}, on/off = {on / off:.1%}; "
            f"median CPU ms/req: off {cpu_off:.2f}, on {cpu_on:.2f}, "
            f"throughput bound on/off = {cpu_off / cpu_on:.1%}\n"
        )
    print(
        "requests = responses wrk completed (warm-up included); stored = views in the database "
        "after SIGTERM (a few more than requests: wrk cuts off requests the server still served)."
    )


if __name__ == "__main__":
    main()
