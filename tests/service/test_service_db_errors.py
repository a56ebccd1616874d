"""Database errors are reported as what they are, by SQLSTATE: a race, a missing
privilege or a lost server is never blamed on the connection settings. Real
`rowbook` processes against the real cluster."""

import subprocess
import tempfile
import time

import psycopg
import pytest

from tests.service.rowbook_testkit import (INTERNAL_PASSWORD, INTERNAL_USER, VENV_BIN, assert_clean, base_env,
                                           hang_up_listener, run_rowbook)

CONNECTION_BLAME = ("cannot connect", "cannot reach", "Check POSTGRES_HOST")


def as_rowbook(pg, db):
    return psycopg.connect(host=pg.host, port=pg.port, user=INTERNAL_USER,
                           password=INTERNAL_PASSWORD, dbname=db, autocommit=True)


def start_rowbook(args, env):
    return subprocess.Popen([str(VENV_BIN / "rowbook"), *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tempfile.gettempdir())


def wait_until_migrate_waits_for_a_lock(pg, db, proc):
    """Until the migrate's own connection (not its advisory-lock one) waits for a lock."""
    deadline = time.monotonic() + 60
    with pg.connect() as conn:
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            row = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND "
                               "application_name = 'rowbook' AND wait_event_type = 'Lock'",
                               (db,)).fetchone()
            if row:
                return row[0]
            time.sleep(0.1)
    raise AssertionError("rowbook migrate never waited for the table being created")


def test_two_migrates_at_once_both_succeed(pg, internal_db):
    env = base_env(pg, internal_db)
    procs = [start_rowbook(["migrate"], env) for _ in range(2)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (stdout, stderr) in zip(procs, outputs):
        assert proc.returncode == 0, stderr
        assert not any(words in stderr for words in CONNECTION_BLAME), stderr
        assert_clean(stdout + stderr)
    with as_rowbook(pg, internal_db) as conn:
        duplicates = conn.execute("SELECT app, name FROM django_migrations GROUP BY app, name "
                                  "HAVING count(*) > 1").fetchall()
        applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert duplicates == [] and applied > 10


def test_migrate_waits_for_the_one_running(pg, internal_db):
    from rowbook.core.management.commands.migrate import LOCK_KEY

    with as_rowbook(pg, internal_db) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        proc = start_rowbook(["migrate"], base_env(pg, internal_db))
        deadline = time.monotonic() + 60
        while not other.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event = 'advisory' "
                "AND application_name = 'rowbook migrate lock'", (internal_db,)).fetchone():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        other.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert ("rowbook: note: another `rowbook migrate` is running on this database; "
            "waiting for it to finish\n") in stderr
    assert_clean(stdout + stderr)


def test_migrate_racing_a_migrate_without_the_lock(pg, internal_db):
    """Another migrate that does not take Rowbook's lock (an older Rowbook, a bare
    django-admin) creates the same table in its open transaction: the reported crash
    `Key (typname, typnamespace)=(django_content_type, 2200) already exists`."""
    env = base_env(pg, internal_db)
    with as_rowbook(pg, internal_db) as other:
        other.execute("BEGIN")
        other.execute("CREATE TABLE django_content_type (id int)")
        proc = start_rowbook(["migrate"], env)
        wait_until_migrate_waits_for_a_lock(pg, internal_db, proc)
        other.execute("COMMIT")
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 2
        assert stderr.strip().splitlines()[-1] == (
            f'rowbook: error: another `rowbook migrate` changed database "{internal_db}" at the '
            'same time (duplicate key value violates unique constraint '
            '"pg_type_typname_nsp_index"). Run `rowbook migrate` again.')
        assert not any(words in stderr for words in CONNECTION_BLAME), stderr
        assert_clean(stdout + stderr)

        # What was already there: a race or another program's table, said as such.
        again = run_rowbook(["migrate"], env)
        assert again.returncode == 2
        assert again.stderr.strip().splitlines()[-1] == (
            f'rowbook: error: database "{internal_db}" already has what `rowbook migrate` was '
            'about to create (relation "django_content_type" already exists). If another '
            '`rowbook migrate` ran at the same time, run `rowbook migrate` again; if not, '
            "POSTGRES_DB names a database that holds another program's tables: set "
            "POSTGRES_DB to a database of Rowbook's own.")
        # The other migrate would have finished its work; the advice then works.
        other.execute("DROP TABLE django_content_type")
    assert run_rowbook(["migrate"], env).returncode == 0


def test_migrate_without_create_privilege(pg):
    db = pg.create_db("rb_not_owner", owner="postgres")
    env = base_env(pg, db)
    out = run_rowbook(["migrate"], env)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == (
        f'rowbook: error: POSTGRES_USER "rowbook" may not change database "{db}" (permission '
        "denied for schema public). Make it the owner of the database: as a PostgreSQL "
        f"superuser, run ALTER DATABASE {db} OWNER TO rowbook;")
    assert_clean(out.stdout + out.stderr)
    with pg.connect() as conn:
        conn.execute(f"ALTER DATABASE {db} OWNER TO rowbook")
    assert run_rowbook(["migrate"], env).returncode == 0


def test_server_gone_during_migrate(pg, internal_db):
    env = base_env(pg, internal_db)
    with as_rowbook(pg, internal_db) as other:
        other.execute("BEGIN")
        other.execute("CREATE TABLE django_content_type (id int)")
        proc = start_rowbook(["migrate"], env)
        pid = wait_until_migrate_waits_for_a_lock(pg, internal_db, proc)
        with pg.connect() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        stdout, stderr = proc.communicate(timeout=60)
        other.execute("ROLLBACK")
    assert proc.returncode == 2
    assert stderr.strip().splitlines()[-1] == (
        f"rowbook: error: lost the connection to PostgreSQL at 127.0.0.1:{pg.port} during "
        "`rowbook migrate` (terminating connection due to administrator command). Check that "
        "PostgreSQL is running, then run `rowbook migrate` again.")
    assert_clean(stdout + stderr)


@pytest.fixture
def hangs_up():
    """A port where something accepts connections and closes them at once."""
    with hang_up_listener() as (port, _):
        yield port


def test_multi_line_server_error_keeps_its_first_sentence(pg, hangs_up):
    out = run_rowbook(["check"], base_env(pg, "postgres", POSTGRES_PORT=str(hangs_up)))
    assert out.returncode == 2
    assert (f'rowbook: error: cannot connect to PostgreSQL at 127.0.0.1:{hangs_up} as user '
            '"rowbook": server closed the connection unexpectedly. Check POSTGRES_HOST, '
            "POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB.\n") in out.stderr
    assert "before or while processing the request" not in out.stderr
    assert_clean(out.stdout + out.stderr)


WRONG = "wrong-Secret-pw-00"
REFUSED = 'rowbook: error: authentication failed for user "rowbook" on 127.0.0.1:{port}. ' \
          "Check POSTGRES_PASSWORD (and POSTGRES_USER)."
OLD_VOLUME = {
    "compose": (
        " With Docker Compose this usually means the database volume was created by an "
        "earlier install with another password. Either put that old password back as "
        "POSTGRES_PASSWORD in .env, or start over with `docker compose down -v` (this deletes "
        "the volume and all of Rowbook's data in it) and `docker compose up -d`."),
    "all-in-one": (
        " In the all-in-one image this usually means the /data volume was created by an "
        "earlier run with another password. Either start the container with that old "
        "POSTGRES_PASSWORD (or with none, if the earlier run generated it), or start over "
        "with a new volume (removing the old one with `docker volume rm` deletes all of "
        "Rowbook's data)."),
    "image": "",
    "without-docker": "",
}


@pytest.mark.parametrize("method", list(OLD_VOLUME))
@pytest.mark.parametrize("command", ["check", "migrate"])
def test_password_of_an_earlier_install(pg, method, command):
    env = base_env(pg, "postgres", POSTGRES_PASSWORD=WRONG, ROWBOOK_INSTALL_METHOD=method)
    out = run_rowbook([command], env)
    assert out.returncode == 2
    expected = REFUSED.format(port=pg.port) + OLD_VOLUME[method]
    assert expected + "\n" in out.stderr, out.stderr
    assert WRONG not in out.stdout + out.stderr
    assert_clean(out.stdout + out.stderr)
