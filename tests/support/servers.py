"""Real processes for tests: a free loopback port, the flask CLI and gunicorn started the way
`make run` starts them, and a cookie-keeping HTTP client. One copy each, for every test."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_cli(env: dict, *args: str, input: str | None = None, check: bool = True) -> str:
    """Run ``flask --app wsgi.py ARGS`` in the project with ``env``; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi.py", *args],
        cwd=ROOT,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check:
        assert done.returncode == 0, (
            f"flask {' '.join(args)} exited with {done.returncode}\n{done.stdout}{done.stderr}"
        )
    return done.stdout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's cookies, used against any instance; redirects are returned, not followed."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, url):
        return self._open(urllib.request.Request(url))

    def post(self, url, data):
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, url):
        status, html = self.get(url)
        match = TOKEN.search(html)
        assert match, f"no CSRF token at {url} ({status})"
        return match.group(1)


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 now (refused, reset or timed out while starting: no)."""
    try:
        return Browser().get(url)[0] == 200
    except OSError:
        return False


def tail(path: Path, lines: int = 60) -> str:
    """The last ``lines`` lines of a log, for a failure message."""
    if not path.exists():
        return f"({path.name}: not written)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return f"--- last {lines} lines of {path} ---\n" + "\n".join(text[-lines:])


@contextmanager
def gunicorn(
    env: dict,
    tmp: Path,
    workers: int = 2,
    extra_args: tuple[str, ...] = (),
    timeout: float = 30,
    log_path: Path | None = None,
    port: int | None = None,
) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """One gunicorn instance of the site on a free loopback port, started the way `make run`
    starts it; yields (process, base URL, log path) once /healthz answers, within ``timeout``
    seconds (or fails with the log's tail). Its output goes to ``log_path`` (default: a file in
    ``tmp``); ``port`` is for a caller that must name the address first (SITE_URL). The server
    is stopped on the way out unless the test stopped it."""
    port = port or free_port()
    log_path = log_path or tmp / f"gunicorn-{port}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *extra_args,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not answers(url + "/healthz"):
            assert proc.poll() is None, f"gunicorn exited with {proc.returncode}\n{tail(log_path)}"
            assert time.monotonic() < deadline, f"{url} did not start\n{tail(log_path)}"
            time.sleep(0.1)
        yield proc, url, log_path
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
