"""A real Rowbook for the browser: `rowbook migrate`, `rowbook createadmin` and
`rowbook serve` (gunicorn) against the service tests' throwaway PostgreSQL."""

from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager

from tests.service.rowbook_testkit import ADMIN_PASSWORD, VENV_BIN, base_env, free_port, run_rowbook

ADMIN = "alice"


@contextmanager
def rowbook_server(pg, internal_db: str, **extra_env: str):
    """Yields the base URL of a migrated Rowbook with one admin and no stored database;
    extra_env adds (or, with None, removes) environment variables."""
    port = free_port()
    # No ROWBOOK_USER_DATABASE_URL: the Databases page starts empty, as for a new install.
    env = base_env(pg, internal_db, ROWBOOK_USER_DATABASE_URL=None, DOMAIN_NAME="127.0.0.1",
                   ROWBOOK_PORT=str(port), ROWBOOK_WORKERS="1", ROWBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   **extra_env)
    for args in (["migrate"], ["createadmin", "--no-input", "--username", ADMIN,
                               "--email", "alice@example.com"]):
        result = run_rowbook(args, env)
        assert result.returncode == 0, result.stdout + result.stderr
    proc = subprocess.Popen([str(VENV_BIN / "rowbook"), "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("rowbook serve did not start:\n" + proc.stdout.read())
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
