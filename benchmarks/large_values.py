"""What a page of a large user database costs Rowbook (issue #38).

Makes a PostgreSQL cluster of its own (tests/service/rowbook_testkit.py), a
user database with a table of four rows each holding a 50 MB bytea and a
10 MB text, a table of 300 long text columns, and a table of 2 million rows;
then asks Rowbook (in this process, through Django's test client) for its
Tables page and for each table's first page, and prints per page: the time,
the HTML's size, and how much this process's peak memory grew. 0.1.3 read
every value whole (the issue measured 15 s, 155 MB of HTML and a worker
from 61 to 696 MB for one such row). Not a test.

    .venv/bin/python benchmarks/large_values.py
"""

from __future__ import annotations

import os
import resource
import time

MB = 1024 * 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from tests.service.rowbook_testkit import ADMIN_PASSWORD, base_env, cluster

    with cluster() as pg:
        pg.create_db("large", owner="postgres")
        with pg.connect("large") as conn:
            conn.execute(f"""
                CREATE TABLE blobs (id int PRIMARY KEY, b bytea, t text);
                INSERT INTO blobs SELECT g, convert_to(repeat('x', {50 * MB}), 'UTF8'), repeat('t', {10 * MB})
                  FROM generate_series(1, 4) g;
                CREATE TABLE wide ({", ".join(f"c{i} text" for i in range(300))});
                INSERT INTO wide SELECT {", ".join("repeat('w', 5000)" for _ in range(300))} FROM generate_series(1, 60);
                CREATE TABLE many (id int PRIMARY KEY, v text);
                INSERT INTO many SELECT g, md5(g::text) FROM generate_series(1, 2000000) g;
                ANALYZE;
                GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
            """)
        env = base_env(pg, pg.create_db("rowbook_bench"))
        os.environ.update({k: v for k, v in env.items() if k not in ("PATH", "HOME", "LANG")})
        os.environ["DJANGO_SETTINGS_MODULE"] = "rowbook.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        from django.contrib.auth import get_user_model
        from django.test import Client

        from rowbook.connections.models import Connection, UserPreference

        user = get_user_model().objects.create_user("bench", None, ADMIN_PASSWORD)
        connection = Connection(name="Large", host=pg.host, port=pg.port, dbname="large", user="reader")
        from tests.service.rowbook_testkit import READER_PASSWORD

        connection.set_password(READER_PASSWORD)
        connection.save()
        UserPreference.objects.update_or_create(user=user, defaults={"active": connection})
        client = Client(HTTP_HOST="rowbook.example.com")
        assert client.login(username="bench", password=ADMIN_PASSWORD)
        rows = []
        for url in ("/tables/", "/tables/public/blobs/", "/tables/public/wide/", "/tables/public/many/",
                    "/tables/public/many/?page=999999"):
            before, started = peak_mb(), time.monotonic()
            page = client.get(url)
            rows.append((url, page.status_code, time.monotonic() - started, len(page.content) / 1024,
                         peak_mb() - before))
    print(f"{'page':<34}  {'status':>6}  {'seconds':>7}  {'HTML (KiB)':>10}  {'peak memory grew (MB)':>21}")
    print(f"{'-' * 34}  {'-' * 6}  {'-' * 7}  {'-' * 10}  {'-' * 21}")
    for url, status, seconds, kib, grew in rows:
        print(f"{url:<34}  {status:>6}  {seconds:>7.2f}  {kib:>10.0f}  {grew:>21.1f}")


if __name__ == "__main__":
    main()
