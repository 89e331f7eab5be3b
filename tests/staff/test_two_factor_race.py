"""One second-factor code opens one session, even when it is sent many times at once: the
step is spent by a conditional update, so parallel requests cannot all see it unspent."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp

from app.models import utcnow
from app.staff import totp
from app.staff.models import StaffTotp
from tests.conftest import both_databases
from tests.contest.conftest import log_in
from tests.factories import UserFactory
from tests.helpers import csrf_token

PARALLEL = 8


@both_databases
def test_one_code_sent_in_parallel_is_accepted_once(app, db):
    app.config["STAFF_SECOND_FACTOR"] = True
    app.config["RATELIMIT_TWO_FACTOR"] = "1000 per minute"
    admin = UserFactory(verified=True, role="admin")
    factor = totp.start_setup(admin)
    secret = factor.secret
    earlier = utcnow() - timedelta(minutes=2)  # set-up spent an older step than the one below
    assert totp.confirm_setup(admin, pyotp.TOTP(secret).at(earlier), now=earlier) is not None
    db.session.commit()
    # The same person logged in on PARALLEL devices, each at the code page.
    clients = []
    for _ in range(PARALLEL):
        client = app.test_client()
        log_in(client, admin)
        clients.append((client, csrf_token(client, "/admin/2fa")))
    code = pyotp.TOTP(secret).now()
    barrier = threading.Barrier(PARALLEL, timeout=30)

    def send(n):
        client, token = clients[n]
        barrier.wait()
        return client.post("/admin/2fa", data={"csrf_token": token, "code": code}).status_code

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = list(pool.map(send, range(PARALLEL)))
    assert sorted(statuses) == [302] + [400] * (PARALLEL - 1), statuses
    db.session.expire_all()
    assert db.session.get(StaffTotp, admin.id).last_step == pyotp.TOTP(secret).timecode(utcnow())
