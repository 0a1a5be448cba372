"""gunicorn settings for `make run` and production (override with GUNICORN_CMD_ARGS)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 20
# No access log: its lines would carry private result links. Errors still go to stderr.
accesslog = None
errorlog = "-"
# gunicorn's runtime control socket has one default path per user, which several app
# processes on one host would fight over; nothing here uses it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Load the whole site once in the master and fork the workers from it: workers start at
# once and share memory copy-on-write, and no visitor waits for numpy, scipy and
# WeasyPrint to import in a fresh worker.
preload_app = True


def when_ready(server: object) -> None:
    """Build in the master what every worker needs, before the workers fork.

    ``securebase.warmup.warm`` imports every view, compiles every template and builds the
    shared caches, so that no visitor pays for a first render in a fresh worker. Then
    everything loaded so far leaves the garbage collector's view (``gc.freeze()``, as the
    Python documentation advises for servers that fork): those objects live as long as the
    process, a full collection in a worker would otherwise walk all of them while a visitor
    waits, and touching them would copy the master's shared memory pages into every worker.
    """
    import gc

    from django.db import connections

    from securebase.warmup import warm

    warm()
    connections.close_all()  # a connection must never be shared across a fork
    gc.freeze()
