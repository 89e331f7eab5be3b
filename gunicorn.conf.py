"""gunicorn settings; environment variables override the defaults."""

import multiprocessing
import os

from gunicorn.glogging import Logger

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound. Not too
# often: a cached page costs about a millisecond, so 5,000 requests passed in seconds under a
# rush, and each restart stalled the requests queued on that worker (seen in bench/run.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'


class RedactingLogger(Logger):
    """gunicorn's logger, with verification and reset tokens (and feedback codes) taken out of
    the request line before it is written (app/logging.py)."""

    def setup(self, cfg):
        super().setup(cfg)
        from app.logging import RedactSecrets

        for log in (self.access_log, self.error_log):
            log.addFilter(RedactSecrets())


logger_class = RedactingLogger
# We do not use gunicorn's control socket; without this, two instances on one machine clash.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_exit(server, worker):
    """Write the view counts this worker still holds in memory (app/news/counter.py).

    atexit does it too; a second flush finds nothing left and does nothing.
    """
    from app.news.counter import flush_all

    flush_all()


def post_worker_init(worker):
    """Get the worker ready before its first request.

    Jinja compiles a template on first use, in each worker: without the warm-up, the first
    visitors after a start or a deploy wait 50 to 300 ms longer per page. Then everything
    loaded so far (app, templates, the Thai word list: some 120,000 objects) is moved out of
    the garbage collector's sight with gc.freeze(): a full collection scanned them all, a stall
    of about 100 ms that hit a request now and then (measured: 92 ms before, 5 ms after).
    """
    import gc

    app = worker.wsgi
    env = getattr(app, "jinja_env", None)
    if env is not None:
        for name in env.list_templates(extensions=("html", "txt", "svg")):
            env.get_template(name)
    gc.collect()
    gc.freeze()
