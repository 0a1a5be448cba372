#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server: ``throwaway_postgres.py -- CMD...``.

``make test`` runs the whole suite a second time on PostgreSQL so that nothing only
works on SQLite. The server lives in a temporary directory, listens on a free loopback
port (plus a unix socket inside that directory), trades durability for speed
(``fsync=off``: the data is thrown away anyway) and is stopped and deleted whatever
happens to the command, including Ctrl-C. The command gets ``DATABASE_URL`` for a role
that may create databases, because pytest-django creates ``test_<name>`` itself.

PostgreSQL refuses to run as root, so when this script runs as root the server runs as
the ``postgres`` user (or ``nobody``) and owns the temporary directory.

Only the standard library is used, so the script works before ``.venv`` exists.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

DATABASE = "securebase"
ROLE = "securebase"
# Settings for a disposable test server: no crash safety, quick shutdown, room for the
# live-server and multi-process tests' connections.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
    "logging_collector": "off",
}
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in "
    "/usr/lib/postgresql/*/bin. Install them, e.g. `sudo apt-get install postgresql` "
    "on Debian/Ubuntu (or run `make system-deps` as root), `brew install postgresql` on macOS."
)


class SetupError(RuntimeError):
    """PostgreSQL could not be found, initialised or started."""


def find_binaries() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin$", path)
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)

    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if all(os.access(Path(directory) / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return Path(directory)
    raise SetupError(INSTALL_HINT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayServer:
    """One PostgreSQL cluster in a temporary directory, removed again by :meth:`destroy`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="securebase-pg-"))
        self.data = self.root / "data"
        self.logfile = self.root / "server.log"
        self.port = 0
        self.password = secrets.token_urlsafe(24)
        self.started = False
        self.run_as = self._unprivileged_user() if os.geteuid() == 0 else None
        if self.run_as is not None:
            os.chown(self.root, self.run_as.pw_uid, self.run_as.pw_gid)

    @staticmethod
    def _unprivileged_user() -> pwd.struct_passwd:
        for name in ("postgres", "nobody"):
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        raise SetupError("running as root, but there is no 'postgres' or 'nobody' user to run as")

    def _command(self, args: Sequence[str]) -> list[str]:
        """Prefix ``args`` so that they run as the unprivileged user when we are root."""
        if self.run_as is None:
            return list(args)
        if shutil.which("runuser"):
            return ["runuser", "-u", self.run_as.pw_name, "--", *args]
        if shutil.which("setpriv"):
            return [
                "setpriv",
                f"--reuid={self.run_as.pw_uid}",
                f"--regid={self.run_as.pw_gid}",
                "--clear-groups",
                "--",
                *args,
            ]
        raise SetupError("running as root, but neither runuser nor setpriv is available")

    def _run(self, args: Sequence[str], what: str) -> str:
        result = subprocess.run(
            self._command(args),
            cwd=self.root,  # the unprivileged user may not be allowed into our cwd
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            output = result.stdout + result.stderr
            raise SetupError(f"{what} failed ({result.returncode}):\n{output}")
        return result.stdout

    def create(self) -> None:
        """initdb with a superuser reachable over the socket only, then configure the server."""
        self._run(
            [
                str(self.bindir / "initdb"),
                "--pgdata",
                str(self.data),
                "--username",
                "postgres",
                "--auth-local",
                "trust",
                "--auth-host",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-instructions",
            ],
            "initdb",
        )

    def start(self, attempts: int = 3) -> None:
        """Start on a free port; retry if another process grabbed the port meanwhile."""
        for attempt in range(1, attempts + 1):
            self.port = free_port()
            settings = {
                **SERVER_SETTINGS,
                "port": str(self.port),
                "unix_socket_directories": f"'{self.root}'",
            }
            conf = self.data / "postgresql.auto.conf"
            lines = [f"{key} = {value}" for key, value in settings.items()]
            self._write_as_server_user(conf, "\n".join(lines) + "\n")
            try:
                self._run(
                    [
                        str(self.bindir / "pg_ctl"),
                        "start",
                        "--pgdata",
                        str(self.data),
                        "--log",
                        str(self.logfile),
                        "--wait",
                        "--timeout",
                        "60",
                    ],
                    "pg_ctl start",
                )
            except SetupError:
                if attempt == attempts:
                    log = self.logfile.read_text() if self.logfile.exists() else ""
                    raise SetupError(f"PostgreSQL did not start:\n{log}") from None
                continue
            self.started = True
            return

    def _write_as_server_user(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self.run_as is not None:
            os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)

    def create_database(self) -> str:
        """A role with CREATEDB (pytest-django creates test_<db>) and its own database."""
        self._run(
            [
                str(self.bindir / "psql"),
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--host",
                str(self.root),
                "--port",
                str(self.port),
                "--username",
                "postgres",
                "--dbname",
                "postgres",
                # Separate commands: CREATE DATABASE cannot run inside a transaction.
                "--command",
                f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{self.password}'",
                "--command",
                f"CREATE DATABASE {DATABASE} OWNER {ROLE}",
            ],
            "creating the test role and database",
        )
        return f"postgres://{ROLE}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def destroy(self) -> None:
        """Stop the server (fast: nothing needs to be flushed) and delete every file."""
        try:
            if self.started:
                try:
                    self._run(
                        [
                            str(self.bindir / "pg_ctl"),
                            "stop",
                            "--pgdata",
                            str(self.data),
                            "--mode",
                            "immediate",
                            "--wait",
                            "--timeout",
                            "30",
                        ],
                        "pg_ctl stop",
                    )
                except (SetupError, subprocess.TimeoutExpired):
                    self._kill_postmaster()
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        except (OSError, ValueError, IndexError):
            pass


class Terminated(Exception):
    """SIGTERM arrived: stop the command, then clean up as for Ctrl-C."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def run_command(command: Sequence[str], env: dict[str, str]) -> int:
    """Run the command and return its exit status (128 + signal if a signal ended it).

    On Ctrl-C the terminal has already sent SIGINT to the command too, so it gets time
    to finish its own teardown; on SIGTERM the signal is passed on to the command.
    """
    process = subprocess.Popen(command, env=env)
    try:
        code = process.wait()
    except (KeyboardInterrupt, Terminated) as stop:
        if isinstance(stop, Terminated):
            process.terminate()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
    return 128 - code if code < 0 else code


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if "--" in args:
        args = args[args.index("--") + 1 :]
    if not args:
        print("usage: throwaway_postgres.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        bindir = find_binaries()
    except SetupError as error:
        print(f"throwaway_postgres: {error}", file=sys.stderr)
        return 3
    server = ThrowawayServer(bindir)
    try:
        server.create()
        server.start()
        url = server.create_database()
        print(
            f"throwaway_postgres: PostgreSQL ({bindir}) on 127.0.0.1:{server.port}, "
            f"files in {server.root} (removed afterwards)",
            file=sys.stderr,
        )
        env = {**os.environ, "DATABASE_URL": url}
        return run_command(args, env)
    except SetupError as error:
        print(f"throwaway_postgres: {error}", file=sys.stderr)
        return 3
    except (KeyboardInterrupt, Terminated):
        return 130
    finally:
        server.destroy()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
