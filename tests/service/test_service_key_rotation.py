"""Changing SECRET_KEY without losing stored database passwords: the old key in
SECRET_KEY_FALLBACKS, then `rowbook rotate-secrets`. Real commands and pages
against the real PostgreSQL."""

import io

from django.core.management import call_command
from django.test import override_settings

from tests.service.rowbook_testkit import (ADMIN_PASSWORD, READER_PASSWORD, SECRET_KEY, assert_clean, base_env,
                             new_client, run_rowbook)

NEW_KEY = "new-secret-key-" + "N7pQ2" * 10
WRONG_KEY = "wrong-secret-key-" + "W4rT6" * 10
IMPORTED = "From ROWBOOK_USER_DATABASE_URL"
NO_KEY_MATCHES = ("cannot be decrypted: SECRET_KEY has changed since it was saved, and no key in "
                  "SECRET_KEY_FALLBACKS matches.")


def run(args, env):
    out = run_rowbook(args, env)
    text = out.stdout + out.stderr
    assert_clean(text)
    for key in (SECRET_KEY, NEW_KEY, WRONG_KEY):
        assert key not in text
    return out


def test_rotate_secret_key_from_the_command_line(pg, internal_db):
    old = base_env(pg, internal_db)  # migrate stores the URL's password with the old key
    assert run(["migrate"], old).returncode == 0
    answers = f'rowbook: ok: stored database "{IMPORTED}" (shop on {pg.host}:{pg.port} as ' \
              'reader) answers'

    out = run(["check"], {**old, "SECRET_KEY": NEW_KEY})
    assert out.returncode == 0, out.stderr  # stored databases are user data: a warning
    assert (f'rowbook: warning: stored database "{IMPORTED}": its password {NO_KEY_MATCHES} Add '
            "the old key to SECRET_KEY_FALLBACKS, or enter the password again on the Databases "
            "page (/databases/).") in out.stderr.splitlines()

    rotating = {**old, "SECRET_KEY": NEW_KEY, "SECRET_KEY_FALLBACKS": f"{WRONG_KEY}, {SECRET_KEY}"}
    out = run(["check"], rotating)
    assert answers in out.stdout.splitlines(), out.stderr

    out = run(["rotate-secrets"], rotating)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "rowbook: ok: re-encrypted 1 stored database password with the current SECRET_KEY"]

    out = run(["check"], {**old, "SECRET_KEY": NEW_KEY})  # the fallback is no longer needed
    assert answers in out.stdout.splitlines(), out.stderr
    assert "cannot be decrypted" not in out.stderr

    out = run(["rotate-secrets"], {**old, "SECRET_KEY": WRONG_KEY})
    assert out.returncode == 2
    assert (f'rowbook: error: stored database "{IMPORTED}": its password {NO_KEY_MATCHES} Add the '
            "old key to SECRET_KEY_FALLBACKS and run rowbook rotate-secrets again, or enter the "
            "password again on the Databases page (/databases/).") in out.stderr.splitlines()


def test_rotate_secrets_before_install(pg, internal_db):
    out = run(["rotate-secrets"], base_env(pg, internal_db, ROWBOOK_USER_DATABASE_URL=None))
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "rowbook: error: the internal database has no tables yet, so no stored passwords; run: "
        "rowbook install (or rowbook migrate)"]


def test_fallback_key_is_read_from_a_file(pg, internal_db, tmp_path):
    (tmp_path / "fallbacks").write_text(SECRET_KEY + "\n")
    env = base_env(pg, internal_db)
    assert run(["migrate"], env).returncode == 0
    env.update(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS_FILE=str(tmp_path / "fallbacks"))
    out = run(["rotate-secrets"], env)
    assert out.returncode == 0, out.stderr
    assert "re-encrypted 1 stored database password" in out.stdout


def rotate_with(key, *fallbacks) -> str:
    out = io.StringIO()
    with override_settings(SECRET_KEY=key, SECRET_KEY_FALLBACKS=list(fallbacks)):
        call_command("rotate_secrets", stdout=out)
    return out.getvalue()


def test_browsing_across_a_key_change(client, web):
    from rowbook.connections.models import Connection

    page = client.post("/databases/add/", {
        "name": "Rotating", "host": web.host, "port": web.port, "dbname": "inventory",
        "user": "reader", "password": READER_PASSWORD})
    assert page.status_code == 302
    rotating = Connection.objects.get(name="Rotating")
    client.post(f"/databases/{rotating.pk}/activate/")
    try:
        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[SECRET_KEY]):
            tables = client.get("/tables/")  # the session signed with the old key still holds
            assert tables.status_code == 200 and "widgets" in tables.content.decode()
        assert "re-encrypted" in rotate_with(NEW_KEY, SECRET_KEY)

        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
            fresh = new_client()  # without the fallback, old sessions end: sign in again
            assert fresh.login(username="alice", password=ADMIN_PASSWORD)
            assert "widgets" in fresh.get("/tables/").content.decode()

        with override_settings(SECRET_KEY=WRONG_KEY, SECRET_KEY_FALLBACKS=[]):
            fresh = new_client()
            assert fresh.login(username="alice", password=ADMIN_PASSWORD)
            named = (f'The stored password of &quot;Rotating&quot; {NO_KEY_MATCHES} Add the old '
                     "key to SECRET_KEY_FALLBACKS, or edit &quot;Rotating&quot; and enter its "
                     "password again.")
            for url in ("/databases/", "/tables/", "/tables/public/widgets/",
                        f"/databases/{rotating.pk}/edit/"):
                page = fresh.get(url)
                assert page.status_code == 200, url
                assert named in page.content.decode(), url
            page = fresh.post(f"/databases/{rotating.pk}/edit/", {
                "name": "Rotating", "host": web.host, "port": web.port, "dbname": "inventory",
                "user": "reader", "password": "", "version": rotating.version})
            assert page.status_code == 200 and named in page.content.decode()
    finally:
        rotating.delete()
        # The session's other tests use the old key: give them their passwords back.
        rotate_with(SECRET_KEY, NEW_KEY)


def test_fallback_keys_are_scrubbed_from_logs():
    from rowbook import config

    values = config.load({"ROWBOOK_ENV_FILE": "/dev/null",
                          "SECRET_KEY_FALLBACKS": f" {SECRET_KEY} ,{NEW_KEY},"}).values
    assert values["SECRET_KEY_FALLBACKS"] == (SECRET_KEY, NEW_KEY)
    assert {SECRET_KEY, NEW_KEY} <= set(config.secrets_in(values))
