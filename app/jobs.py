"""Background jobs: a function named by its import path, run by a worker, or at once without one.

    from app.jobs import enqueue
    enqueue("app.mail.outbox:deliver", [1, 2, 3])

With ``REDIS_URL`` set, the call is queued with RQ on the queue ``JOBS_QUEUE`` and run by
``flask --app wsgi worker`` (or ``rq worker``); without it (the SQLite demo, most tests) it runs
before ``enqueue`` returns. With ``REDIS_URL`` set but Redis unreachable (down, wrong address, not
answering within ``REDIS_TIMEOUT`` seconds), ``enqueue`` raises ``QueueUnreachable`` and runs nothing: a
request never takes over a worker's slow work (SMTP, LibreOffice), and each caller keeps its work in the
database, where a sweep finds it again (the outbox: the worker's start and its maintenance every
``MAIL_SWEEP_SECONDS``, ``flask deliver-mail``; a PDF: the next request for it). Jobs take plain
arguments (ids, strings) and load what they need: they run later, in another process, each in an app
context of its own. The user who queued a job is
recorded as the author of the changes it makes (audit trail).
"""
from __future__ import annotations

import importlib
import logging
from datetime import datetime

from flask import Flask, current_app, g, has_app_context

from app.audit import JOB_ACTOR, current_actor

logger = logging.getLogger(__name__)
# Seconds a job may run before the worker stops it (a big mail-out to a slow server takes a while).
JOB_TIMEOUT = 3600
_standalone_app: Flask | None = None


class QueueUnreachable(Exception):
    """``REDIS_URL`` is set but Redis did not answer: the job was neither queued nor run."""


def resolve(path: str):
    """``"package.module:function"`` → the function."""
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)


def background_enabled() -> bool:
    """True when jobs go to a queue (``REDIS_URL`` set), False when they run at once."""
    return bool(current_app.config.get("REDIS_URL"))


def job_queue():
    """The RQ queue named by the config (one Redis connection pool per process and setting). Connecting
    and each command wait ``REDIS_TIMEOUT`` seconds at most (a request must not wait for the system's TCP
    timeout, two minutes, when Redis is gone); RQ's worker raises the command timeout of its own connection
    above its blocking wait for jobs."""
    from redis import Redis
    from rq import Queue

    timeout = float(current_app.config["REDIS_TIMEOUT"])
    settings = (current_app.config["REDIS_URL"], current_app.config["JOBS_QUEUE"], timeout)
    queues = current_app.extensions.setdefault("job_queues", {})
    if settings not in queues:
        url, name, _ = settings
        connection = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        queues[settings] = Queue(name, connection=connection, default_timeout=JOB_TIMEOUT)
    return queues[settings]


def enqueue(path: str, *args, **kwargs):
    """Run ``path(*args, **kwargs)`` in the background; without a queue, now, returning its result.
    Raises ``QueueUnreachable`` (logged) when Redis cannot be reached: the caller's work stays recorded
    for its sweep, and the request is not kept waiting by the job's own slow I/O."""
    from redis.exceptions import RedisError

    function = resolve(path)  # a wrong path fails here, in the caller
    if not background_enabled():
        return function(*args, **kwargs)
    try:
        job_queue().enqueue(run_job, path, args, kwargs, current_actor())
    except RedisError as error:
        logger.warning("Queue unreachable (%s): job %s not queued", error, path)
        raise QueueUnreachable(str(error)) from error
    return None


def schedule(at: datetime, path: str, *args, **kwargs) -> bool:
    """Run ``path`` in the background from ``at`` on (the worker's scheduler picks it up). False when
    there is no queue to wait in: the caller keeps its own way to come back to it (a sweep)."""
    from redis.exceptions import RedisError

    resolve(path)
    if not background_enabled():
        return False
    try:
        job_queue().enqueue_at(at, run_job, path, args, kwargs, current_actor())
    except RedisError as error:
        logger.warning("Queue unreachable (%s): job %s not scheduled", error, path)
        return False
    return True


def run_job(path: str, args: tuple, kwargs: dict, actor: tuple[int | None, str] | None = None):
    """What the worker runs: the function in a fresh app context (own database session), with the
    user who queued it as the author of what it changes."""
    app = current_app._get_current_object() if has_app_context() else standalone_app()
    with app.app_context():
        setattr(g, JOB_ACTOR, actor)
        return resolve(path)(*args, **kwargs)


def standalone_app() -> Flask:
    """The app of a worker started without Flask's command line (``rq worker``), created once."""
    global _standalone_app
    if _standalone_app is None:
        from app import create_app

        _standalone_app = create_app()
    return _standalone_app


def sweeping_worker(sweep: str, every: int):
    """A worker of the configured queue in this process (RQ's SimpleWorker: the app, its database pool and
    its caches are made once, not per job) that runs the job ``sweep`` (an import path) itself at its start
    and then every ``every`` seconds (RQ's maintenance, when the worker next wakes from waiting for a job).
    A sweep finds in the database the work whose job could not be queued: while Redis was unreachable, the
    worker waited for it to come back (RQ retries), and the next maintenance sends what was recorded
    meanwhile, without a restart. A sweep that fails is logged; the worker goes on."""
    from rq import SimpleWorker

    class SweepingWorker(SimpleWorker):
        def run_maintenance_tasks(self):
            super().run_maintenance_tasks()  # Redis unreachable: raises, and RQ tries again later
            try:
                run_job(sweep, (), {})
            except Exception:
                logger.exception("Sweep %s failed", sweep)

    queue = job_queue()
    # RQ waits for a job ``worker_ttl`` − 15 seconds at most before it looks at its maintenance again.
    return SweepingWorker([queue], connection=queue.connection, maintenance_interval=every, worker_ttl=every + 15)


def run_worker(sweep: str, every: int, burst: bool = False) -> None:
    """Work on the configured queue (``sweeping_worker``), with RQ's scheduler for delayed jobs and retries.
    ``burst``: stop when the queue is empty."""
    sweeping_worker(sweep, every).work(burst=burst, with_scheduler=True, logging_level="WARNING")
