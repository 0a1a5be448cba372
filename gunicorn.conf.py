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
    """Warm what every worker needs in the master, before workers fork.

    Imports every URL module (and so every view), parses the knowledge base and loads the
    item bank, so that no visitor pays for a first render in a fresh worker.
    """
    from django.db import connections
    from django.urls import get_resolver

    from securebase.content.library import get_library
    from securebase.psychometrics import item_bank

    get_resolver().url_patterns  # noqa: B018 - the attribute access is the import
    get_library()
    item_bank()
    connections.close_all()  # a connection must never be shared across a fork
