"""Issue 12 §2: every link in a mail, a feed, the sitemap or a social tag comes from SITE_URL,
never from the request's Host or X-Forwarded-Host; production refuses to start without
SITE_URL and TRUSTED_HOSTS; nginx closes connections for other hosts."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.feedback.models import Feedback, FeedbackTopic
from app.feedback.services import ensure_default_topics
from app.urls import SiteSettingsError
from tests.factories import PASSWORD, UserFactory
from tests.helpers import links_in
from tests.news.conftest import make_post
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = "http://localhost"
#: A forged Host (any site without TRUSTED_HOSTS) and a forged proxy header (behind nginx).
FORGED = [
    pytest.param({"Host": "evil.example"}, id="host"),
    pytest.param({"X-Forwarded-Host": "evil.example"}, id="xfh"),
]
_URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def app_config(app_config):
    # As in production: no SERVER_NAME to fall back on, and one proxy hop trusted.
    return {**app_config, "SERVER_NAME": None, "PROXY_HOPS": 1}


def _post(client, url: str, data: dict, headers: dict, page: str | None = None):
    """``post_form`` with the forged headers on the form's GET too (the session cookie is
    kept per host, as a browser keeps it)."""
    html = client.get(page or url, headers=headers).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|started)" type="hidden" value="([^"]+)"', html))
    return client.post(url, data={**fields, **data}, headers=headers)


def _only_site_links(text: str) -> list[str]:
    assert "evil.example" not in text
    urls = _URL.findall(text)
    assert urls, "no absolute link at all"
    assert all(url.startswith(SITE + "/") or url == SITE for url in urls), urls
    return urls


def _mail_links(message) -> list[str]:
    links = links_in(message)
    assert links
    _only_site_links(message.body)
    return links


@pytest.mark.parametrize("forged", FORGED)
def test_reset_mail_links_come_from_site_url(client, db, outbox, forged):
    user = UserFactory(verified=True)
    response = _post(client, "/reset", {"email": user.email}, forged)
    assert response.status_code == 200
    (message,) = outbox
    assert any(link.startswith(f"{SITE}/reset/") for link in _mail_links(message))


@pytest.mark.parametrize("forged", FORGED)
def test_verification_and_already_registered_mails_come_from_site_url(client, db, outbox, forged):
    data = {
        "display_name": "ทดสอบ",
        "email": "new@example.com",
        "password": "correct horse 42 battery",
        "consent": "y",
    }
    assert _post(client, "/register", data, forged).status_code == 302
    (verify,) = outbox
    assert any(link.startswith(f"{SITE}/verify/") for link in _mail_links(verify))
    client = client.application.test_client()  # a second visitor, same address
    assert _post(client, "/register", data, forged).status_code == 302
    already = outbox[-1]
    assert already is not verify
    assert any(link.startswith(f"{SITE}/reset") for link in _mail_links(already))


@pytest.mark.parametrize("forged", FORGED)
def test_feedback_mails_come_from_site_url(client, db, outbox, forged):
    ensure_default_topics()
    db.session.commit()
    topic = db.session.scalar(sa.select(FeedbackTopic).order_by(FeedbackTopic.id))
    data = {
        "topic": str(topic.id),
        "message": "อยากให้หน้าสถานะคำร้องชัดเจนกว่านี้ครับ",
        "reply_email": "visitor@example.com",
        "consent": "y",
    }
    response = _post(client, "/feedback", data, forged)
    assert response.status_code == 302
    feedback = db.session.scalar(sa.select(Feedback))
    (received,) = outbox
    assert f"{SITE}/feedback/{feedback.code}" in _mail_links(received)

    staff = client.application.test_client()
    moderator = UserFactory(verified=True, role="moderator")
    _post(staff, "/login", {"email": moderator.email, "password": PASSWORD}, forged)
    page = f"/admin/feedback/{feedback.id}"
    answer = {"answer": "ขอบคุณ เราจะปรับปรุงหน้าสถานะ"}
    response = _post(staff, f"{page}/answer", answer, forged, page=page)
    assert response.status_code == 302
    answered = outbox[-1]
    assert answered is not received
    assert f"{SITE}/feedback/{feedback.code}" in _mail_links(answered)


@pytest.mark.parametrize("forged", FORGED)
@pytest.mark.parametrize("url", ["/feed.xml", "/sitemap.xml", "/robots.txt"])
def test_feed_sitemap_and_robots_use_site_url(client, db, forged, url):
    make_post(slug="hello")
    response = client.get(url, headers=forged)
    assert response.status_code == 200
    urls = _only_site_links(re.sub(r'xmlns="[^"]*"', "", response.get_data(as_text=True)))
    assert any(u.startswith(SITE + "/") for u in urls)


@pytest.mark.parametrize("forged", FORGED)
def test_open_graph_and_twitter_tags_use_site_url(client, db, forged):
    make_post(slug="hello", image_path="/static/img/logo.svg", image_alt="โลโก้")
    html = client.get("/news/hello", headers=forged).get_data(as_text=True)
    assert f'<meta property="og:url" content="{SITE}/news/hello">' in html
    assert f'<meta property="og:image" content="{SITE}/static/img/logo.svg">' in html
    assert "evil.example" not in html
    home = client.get("/", headers=forged).get_data(as_text=True)
    assert f'<meta property="og:url" content="{SITE}/">' in home
    assert re.search(rf'name="twitter:image" content="{SITE}/static/img/mascot.svg\?v=', home)
    assert "evil.example" not in home


def test_a_site_url_with_a_path_prefixes_every_link(app, client, db):
    app.config["SITE_URL"] = "https://mascot.egov.example/contest"
    make_post(slug="hello")
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>https://mascot.egov.example/contest/news/hello</loc>" in xml


# --- Start-up settings --------------------------------------------------------------------------


def _production_env(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 20 + "a-long-random-enough-value-0123456789")
    for name in ("SITE_URL", "TRUSTED_HOSTS", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TRUSTED_HOSTS": "mascot.egov.example"}, "SITE_URL"),
        ({"SITE_URL": "https://mascot.egov.example"}, "TRUSTED_HOSTS"),
        ({}, "SITE_URL"),
    ],
)
def test_production_refuses_to_start_without_site_url_or_trusted_hosts(
    monkeypatch, tmp_path, production_hasher, env, named
):
    _production_env(monkeypatch, tmp_path, **env)
    with pytest.raises(SiteSettingsError) as refused:
        create_app()
    message = str(refused.value)
    assert named in message and "\n" not in message
    assert "e.g." in message  # says how to fix it


def test_production_starts_with_both_and_answers_only_its_hosts(
    monkeypatch, tmp_path, production_hasher
):
    _production_env(
        monkeypatch,
        tmp_path,
        SITE_URL="https://mascot.egov.example/",
        TRUSTED_HOSTS="mascot.egov.example",
    )
    app = create_app()
    assert app.config["SITE_URL"] == "https://mascot.egov.example"
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "bad", ["mascot.egov.example", "ftp://x.example", "https://", "https://x/?a=1"]
)
def test_a_malformed_site_url_is_refused_at_start(monkeypatch, tmp_path, bad):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("SITE_URL", bad)
    with pytest.raises(SiteSettingsError, match="SITE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})


@pytest.mark.parametrize(("port", "expected"), [(None, "8000"), ("8123", "8123")])
def test_development_defaults_to_its_own_address(monkeypatch, port, expected):
    from app.config import from_environment

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    if port:
        monkeypatch.setenv("PORT", port)
    else:
        monkeypatch.delenv("PORT", raising=False)
    assert from_environment()["SITE_URL"] == f"http://127.0.0.1:{expected}"


def test_make_run_tells_the_app_its_own_address():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (serve,) = [line for line in done.stdout.splitlines() if "gunicorn" in line]
    assert "SITE_URL=http://127.0.0.1:8123 " in serve and "127.0.0.1:8123" in serve


# --- nginx ---------------------------------------------------------------------------------------


def _status(port: int, host: str) -> int | None:
    """The status nginx answers with, or None when it closes the connection unanswered."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/", headers={"Host": host})
        return connection.getresponse().status
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return None
    finally:
        connection.close()


def test_nginx_closes_connections_for_unknown_hosts(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port, dead_upstream = free_port(), free_port()
    site = (ROOT / "deploy/nginx/mascot.conf").read_text()
    site = site.replace("@ROOT@", str(ROOT)).replace("@SERVER_NAME@", "mascot.egov.example")
    site = site.replace("listen 8080", f"listen 127.0.0.1:{port}")
    site = re.sub(r"server 127\.0\.0\.1:800\d", f"server 127.0.0.1:{dead_upstream}", site)
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n access_log {tmp_path}/logs/access.log;\n{site}\n}}\n"
    )
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", "nginx.conf"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "logs/error.log").read_text()
                time.sleep(0.05)
        assert _status(port, "evil.example") is None
        assert _status(port, "127.0.0.1") is None
        assert _status(port, "mascot.egov.example") == 502  # the site's server: app not running
    finally:
        proc.terminate()
        proc.wait(timeout=10)
