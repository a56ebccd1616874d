"""Upgrading 0.1.1 -> this version keeps the admin and turns ROWBOOK_USER_DATABASE_URL
into a stored connection. 0.1.1 runs from `git archive` of its commit in releases.toml."""

import sys

import psycopg

from tests.service.rowbook_testkit import (ADMIN_PASSWORD, INTERNAL_PASSWORD, INTERNAL_USER, READER_PASSWORD,
                      assert_clean, base_env, run_rowbook)
from tests.service.rowbook_releases import extract, release


def query(pg, db, sql):
    with psycopg.connect(host=pg.host, port=pg.port, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD, dbname=db) as conn:
        return conn.execute(sql).fetchall()


def test_upgrade_from_0_1_1(pg, internal_db, tmp_path):
    old = extract(release("0.1.1")["commit"], tmp_path / "rowbook-0.1.1")
    env = base_env(pg, internal_db, ROWBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD)
    old_env = dict(env, PYTHONPATH=str(old))

    out = run_rowbook(["version"], old_env, python=sys.executable, cwd=tmp_path)
    assert out.stdout.strip() == "rowbook 0.1.1", out.stderr
    out = run_rowbook(["install", "--no-input", "--username", "olduser", "--email",
                       "old@example.com"], old_env, python=sys.executable, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert query(pg, internal_db, "SELECT username FROM auth_user") == [("olduser",)]

    for _ in range(2):  # the second migrate must not import again
        out = run_rowbook(["migrate"], env)
        assert out.returncode == 0, out.stderr
        assert "rowbook: warning: ROWBOOK_USER_DATABASE_URL is deprecated" in out.stderr
        assert_clean(out.stdout + out.stderr)

    assert query(pg, internal_db, "SELECT username, is_superuser FROM auth_user") == \
        [("olduser", True)]
    stored = query(pg, internal_db, "SELECT id, name, host, port, dbname, \"user\", "
                   "password_encrypted, from_env FROM rowbook_connections_connection")
    assert len(stored) == 1
    pk, name, host, port, dbname, user, token, from_env = stored[0]
    assert (name, host, port, dbname, user, from_env) == \
        ("From ROWBOOK_USER_DATABASE_URL", pg.host, pg.port, "shop", "reader", True)
    assert READER_PASSWORD not in token
    active = query(pg, internal_db, "SELECT u.username, p.active_id FROM "
                   "rowbook_connections_userpreference p JOIN auth_user u ON u.id = p.user_id")
    assert active == [("olduser", pk)]

    # check: the stored password decrypts and connects; the deprecation is shown.
    out = run_rowbook(["check"], env)
    assert out.returncode == 0, out.stderr
    assert 'rowbook: ok: stored database "From ROWBOOK_USER_DATABASE_URL"' in out.stdout
    assert "ROWBOOK_USER_DATABASE_URL is deprecated" in out.stderr
    assert_clean(out.stdout + out.stderr)

    # Dropping the variable afterwards loses nothing.
    out = run_rowbook(["check"], dict(env, ROWBOOK_USER_DATABASE_URL=""))
    assert out.returncode == 0 and "deprecated" not in out.stderr
    assert 'rowbook: ok: stored database "From ROWBOOK_USER_DATABASE_URL"' in out.stdout
