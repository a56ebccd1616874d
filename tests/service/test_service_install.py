"""`rowbook install` and `rowbook createadmin`, non-interactive and through a pty."""

import psycopg
import pexpect

from tests.service.rowbook_testkit import (ADMIN_PASSWORD, INTERNAL_PASSWORD, INTERNAL_USER, VENV_BIN, assert_clean,
                      base_env, run_rowbook)


def superusers(pg, db):
    with psycopg.connect(host=pg.host, port=pg.port, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD, dbname=db) as conn:
        return conn.execute("SELECT username, email FROM auth_user WHERE is_superuser "
                            "ORDER BY username").fetchall()


def test_install_no_input_and_rerun(pg, internal_db, tmp_path):
    env = base_env(pg, internal_db, ROWBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD)
    args = ["install", "--no-input", "--username", "boss", "--email", "boss@example.com"]
    out = run_rowbook(args, env)
    assert out.returncode == 0, out.stderr
    assert "rowbook: ok: database migrations applied" in out.stdout
    # One empty line between the steps and the summary, not two.
    assert 'Created admin user "boss".\n\nRowbook is installed.' in out.stdout
    assert "http://rowbook.example.com:8000/" in out.stdout
    assert "the installer configures one user database only" in out.stdout
    assert superusers(pg, internal_db) == [("boss", "boss@example.com")]
    assert_clean(out.stdout + out.stderr)

    # Safe to re-run: the admin is left alone, even without a password given.
    del env["ROWBOOK_ADMIN_PASSWORD"]
    again = run_rowbook(args, env)
    assert again.returncode == 0, again.stderr
    assert 'Admin user "boss" already exists; left unchanged.' in again.stdout
    assert superusers(pg, internal_db) == [("boss", "boss@example.com")]

    # createadmin with a password file adds a second admin.
    secret = tmp_path / "pw"
    secret.write_text(ADMIN_PASSWORD + "\n")
    more = run_rowbook(["createadmin", "--no-input", "--username", "second", "--email",
                        "s@example.com", "--password-file", str(secret)], env)
    assert more.returncode == 0, more.stderr
    assert len(superusers(pg, internal_db)) == 2


def test_install_no_input_needs_a_password(pg, internal_db):
    env = base_env(pg, internal_db)
    out = run_rowbook(["install", "--no-input", "--username", "boss", "--email", "b@e.com"], env)
    assert out.returncode == 2
    assert ("rowbook: error: with --no-input, give the admin password in ROWBOOK_ADMIN_PASSWORD "
            "or with --password-file PATH.") in out.stderr
    weak = run_rowbook(["createadmin", "--no-input", "--username", "boss", "--email", "b@e.com"],
                       dict(env, ROWBOOK_ADMIN_PASSWORD="123"))
    assert weak.returncode == 2
    assert "rowbook: error: the admin password is not accepted" in weak.stderr
    assert_clean(out.stderr + weak.stderr)


def test_install_checks_user_database(pg, internal_db):
    env = base_env(pg, internal_db, ROWBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   ROWBOOK_USER_DATABASE_URL=pg.url("no_such_db"))
    out = run_rowbook(["install", "--no-input", "--username", "a", "--email", "a@e.com"], env)
    assert out.returncode == 2
    assert 'rowbook: error: database "no_such_db" does not exist' in out.stderr
    assert_clean(out.stdout + out.stderr)


def test_install_interactive_through_a_pty(pg, internal_db):
    env = base_env(pg, internal_db)
    child = pexpect.spawn(str(VENV_BIN / "rowbook"), ["install"], env=env, encoding="utf-8",
                          timeout=60)
    try:
        child.expect_exact("Admin user name [admin]: ")
        child.sendline("")
        child.expect_exact("Admin e-mail: ")
        child.sendline("root@example.com")
        child.expect_exact("Admin password: ")
        child.sendline(ADMIN_PASSWORD)
        child.expect_exact("Admin password (again): ")
        child.sendline("something-else-entirely")
        child.expect_exact("The passwords do not match. Try again.")
        child.expect_exact("Admin password: ")
        child.sendline(ADMIN_PASSWORD)
        child.expect_exact("Admin password (again): ")
        child.sendline(ADMIN_PASSWORD)
        child.expect_exact('Created admin user "admin".')
        child.expect_exact("http://rowbook.example.com:8000/")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    transcript = child.before or ""
    assert child.exitstatus == 0, transcript
    assert superusers(pg, internal_db) == [("admin", "root@example.com")]
    assert_clean(transcript)
