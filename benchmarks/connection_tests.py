"""What a signed-in user could learn from the Databases form, and what the
pause after failed tests leaves of it (rowbook/connections/limits.py, #38).

Makes a PostgreSQL cluster of its own (tests/service/rowbook_testkit.py) and
posts the add form in this process (Django's test client), as one user, for
each kind of answer a probe of a network gets: a closed port, a port where
something else answers, PostgreSQL with a wrong password, a database that
does not exist, an address on a private network, and
the right details. Prints per kind: the message's start and the seconds one
test takes (median of 5; the pause lifted between kinds), and then how many
tests per hour one user gets with and without the pause. Not a test.

    .venv/bin/python benchmarks/connection_tests.py
"""

from __future__ import annotations

import os
import socket
import statistics
import threading
import time
from html import unescape

from benchmarks.containers import table

ROUNDS = 5


def other_service() -> int:
    """A port where something that is not PostgreSQL answers (and hangs up)."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            conn, _ = server.accept()
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


def message(html: str) -> str:
    text = unescape(html)
    for start in ("Cannot connect: ", "Connection tests are paused"):
        if start in text:
            return text[text.index(start):].split("<")[0].removeprefix("Cannot connect: ")[:88]
    return "(saved)" if not text.strip() else "(other)"


def main() -> None:
    from tests.service.rowbook_testkit import ADMIN_PASSWORD, READER_PASSWORD, base_env, cluster, free_port

    with cluster() as pg:
        env = base_env(pg, pg.create_db("rowbook_bench"))
        os.environ.update({k: v for k, v in env.items() if k not in ("PATH", "HOME", "LANG")})
        os.environ["DJANGO_SETTINGS_MODULE"] = "rowbook.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        from django.contrib.auth import get_user_model
        from django.test import Client

        from rowbook.connections import limits
        from rowbook.connections.models import Connection, FailedConnectionTest

        get_user_model().objects.create_user("bench", None, ADMIN_PASSWORD)
        client = Client(HTTP_HOST="rowbook.example.com")
        assert client.login(username="bench", password=ADMIN_PASSWORD)
        base = {"host": pg.host, "port": pg.port, "dbname": "inventory", "user": "reader",
                "password": READER_PASSWORD}
        kinds = [
            ("closed port", {"port": free_port()}),  # nothing listens there
            ("another service on the port", {"port": other_service()}),
            ("PostgreSQL, wrong password", {"password": "wrong-password"}),
            ("PostgreSQL, no such database", {"dbname": "no_such_db"}),
            ("an address on a private network (10.255.255.1)", {"host": "10.255.255.1"}),
            ("the right details (saved)", {}),
        ]
        rows = []
        for kind, change in kinds:
            seconds, shown = [], ""
            for n in range(ROUNDS):
                FailedConnectionTest.objects.all().delete()
                Connection.objects.all().delete()
                start = time.monotonic()
                page = client.post("/databases/add/", {**base, **change, "name": f"Bench {n}"})
                seconds.append(time.monotonic() - start)
                shown = message(page.content.decode()) if page.status_code == 200 else "(saved)"
            rows.append((kind, f"{statistics.median(seconds):.3f}", shown))
        table([("answer", "s per test", "the form says"), *rows])

        fastest = min(float(r[1]) for r in rows[:-1])
        window_hours = limits.WINDOW.total_seconds() / 3600
        table([("one user, one worker", "tests per hour"),
               ("without the pause (fastest failure)", f"{3600 / fastest:,.0f}"),
               ("with the pause", f"{limits.FAILURES / window_hours:,.0f}")])


if __name__ == "__main__":
    main()
