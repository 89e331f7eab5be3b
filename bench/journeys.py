# ruff: noqa: S311  (random picks for load, not for security)
"""Locust users for bench/run.py: citizens who read, comment, propose names and vote.

Run by bench/run.py (``locust --headless``); settings come from the environment:

    BENCH_MODE          "propose" (submissions open) or "vote" (voting open)
    BENCH_SLUGS         news post slugs to read and comment on, comma-separated
    BENCH_FIRST_USER    the first bench citizen's number (bench<N>@example.com)
    BENCH_PASSWORD      their password
    BENCH_SESSIONS      a JSON list of session cookies of citizens already logged in (the
                        bench logs them in first, so that 50 password hashes at once do not
                        stand in the journey's figures); without it each user logs in

Each virtual user logs in once as a citizen of its own, then reads most of the time and
now and then posts: a comment (at most one per 16 s, the site's per-person flood rule is 15 s),
a proposed name (while submissions are open, up to the per-person limit) or a vote (once,
while voting is open). Requests are named by kind ("page: ..." and "post: ..."), so the
report gives p50/p99 for pages and for form posts apart. Every acknowledged post (its
redirect) is written to BENCH_ACKS (one reference per line) when set.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie

from locust import FastHttpUser, between, events, task

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission_token"[^>]*value="([^"]+)"')
FINALIST = re.compile(r'name="finalist" value="(\d+)"')
MODE = os.environ.get("BENCH_MODE", "vote")
SLUGS = [s for s in os.environ.get("BENCH_SLUGS", "").split(",") if s]
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
_numbers = itertools.count(int(os.environ.get("BENCH_FIRST_USER", "17000")))
_acks: list[str] = []
_sessions = (
    json.loads(open(os.environ["BENCH_SESSIONS"], encoding="utf-8").read())  # noqa: SIM115
    if os.environ.get("BENCH_SESSIONS")
    else []
)
NAMES = ["ใจดี", "สดใส", "ว่องไว", "รักษ์ไทย", "ดิจิ", "ฉลาด", "ยิ้มแย้ม", "อุ่นใจ"]


def _token(body: str) -> str:
    match = TOKEN.search(body)
    return match.group(1) if match else ""


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None,
        None, {"HttpOnly": None},
    )  # fmt: skip


class Citizen(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.last_comment = 0.0
        self.entries = 0
        self.voted = False
        if _sessions:
            host = self.host.split("://", 1)[1].split(":")[0]
            self.number, value = _sessions.pop(0)
            self.client.cookiejar.set_cookie(_cookie("session", value, host))
            return
        page = self.client.get("/login", name="page: /login")
        with self.client.post(
            "/login",
            data={
                "csrf_token": _token(page.text or ""),
                "email": f"bench{self.number}@example.com",
                "password": PASSWORD,
            },
            name="post: login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: {response.status_code}")

    # --- reading ---------------------------------------------------------------------------
    @task(4)
    def home(self) -> None:
        self.client.get("/", name="page: /")

    @task(6)
    def news(self) -> None:
        self.client.get(f"/news/{random.choice(SLUGS)}", name="page: /news/<slug>")

    @task(2)
    def results(self) -> None:
        self.client.get("/results", name="page: /results")

    # --- posting ---------------------------------------------------------------------------
    @task(2)
    def comment(self) -> None:
        if time.monotonic() - self.last_comment < 16:
            return
        slug = random.choice(SLUGS)
        page = self.client.get(f"/news/{slug}", name="page: /news/<slug>")
        body = f"ความเห็นจากผู้ทดสอบ {self.number} เวลา {time.time():.3f} ชื่อน่ารักดีครับ"
        with self.client.post(
            f"/news/{slug}",
            data={"csrf_token": _token(page.text or ""), "body": body},
            name="post: comment",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.last_comment = time.monotonic()
                _acks.append(f"comment {response.headers.get('Location', '')}")
            else:
                response.failure(f"comment: {response.status_code}")

    @task(2)
    def propose(self) -> None:
        if MODE != "propose" or self.entries >= 3:
            return
        page = self.client.get("/contest/submit", name="page: /contest/submit")
        text = page.text or ""
        submission = SUBMISSION.search(text)
        with self.client.post(
            "/contest/submit",
            data={
                "csrf_token": _token(text),
                "submission_token": submission.group(1) if submission else "",
                "proposed_name": f"น้อง{random.choice(NAMES)} {self.number}-{self.entries}",
                "meaning": "ชื่อที่จำง่ายและสื่อถึงบริการของรัฐที่ใช้ได้ทุกที่ทุกเวลา",
                "accept_rules": "y",
            },
            name="post: entry",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.entries += 1
                _acks.append(f"entry {response.headers.get('Location', '').rsplit('/', 1)[-1]}")
            else:
                response.failure(f"entry: {response.status_code}")

    @task(2)
    def vote(self) -> None:
        if MODE != "vote" or self.voted:
            return
        ballot = self.client.get("/vote", name="page: /vote")
        text = ballot.text or ""
        choices = FINALIST.findall(text)
        if not choices:
            return
        choice = random.choice(choices)
        confirm = self.client.post(
            "/vote",
            data={"csrf_token": _token(text), "finalist": choice},
            name="post: vote (choose)",
        )
        with self.client.post(
            "/vote/confirm",
            data={"csrf_token": _token(confirm.text or ""), "finalist": choice},
            name="post: vote (confirm)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/vote/receipt" in response.headers.get(
                "Location", ""
            ):
                self.voted = True
                _acks.append(f"vote bench{self.number}@example.com")
            else:
                response.failure(f"vote: {response.status_code}")


@events.quitting.add_listener
def _write_acks(environment, **_kwargs) -> None:
    path = os.environ.get("BENCH_ACKS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(_acks) + "\n")
