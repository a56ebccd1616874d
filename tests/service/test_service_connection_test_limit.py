"""The Databases form cannot be used to scan a network (issue #38): after 10
failed connection tests within 10 minutes, a user's tests pause, say for how
long, and make no connection; the pause is the user's alone, written to the
log, and ends when the oldest failure is 10 minutes old. Against the real
test cluster, with a listener that counts the connections it is offered."""

from __future__ import annotations

import logging
from datetime import timedelta
from html import unescape

import pytest

from tests.service.rowbook_testkit import assert_clean, free_port, hang_up_listener, signed_in
from tests.service.test_service_connections import form

PAUSED = "Connection tests are paused for you for"


def post(client, data) -> str:
    page = client.post("/databases/add/", data)
    assert page.status_code == 200, page.content.decode()[:500]  # refused: the form again, never a 500
    html = unescape(page.content.decode())
    assert_clean(html)
    return html


def stored_names() -> set[str]:
    from rowbook.connections.models import Connection

    return set(Connection.objects.values_list("name", flat=True))


@pytest.fixture
def prober(web, request):
    """A signed-in user of this test alone, with no failed test on record."""
    from django.contrib.auth import get_user_model

    from rowbook.connections.models import FailedConnectionTest

    name = "prober-" + request.node.name[-20:].strip("[]_").replace("[", "-")
    client = signed_in(name)
    user = get_user_model().objects.get(username=name)
    yield client, user
    FailedConnectionTest.objects.filter(user_pk=user.pk).delete()
    user.delete()


def test_ten_failed_tests_pause_the_users_tests_without_connecting(web, prober, caplog):
    client, user = prober
    closed = free_port()  # nothing listens: connection refused
    for attempt in range(1, 10):
        html = post(client, form(web, f"Probe {attempt}", host="127.0.0.1", port=closed))
        assert "Cannot connect: cannot reach PostgreSQL at 127.0.0.1" in html and PAUSED not in html
    with caplog.at_level(logging.WARNING, logger="rowbook.connections"):
        html = post(client, form(web, "Probe 10", host="127.0.0.1", port=closed))
    # The tenth failure still shows its own reason, and that the pause starts now.
    assert "Cannot connect: cannot reach PostgreSQL" in html
    assert f"{PAUSED} 10 minutes: 10 tests failed within 10 minutes" in html
    assert f'connection tests paused for user "{user.username}" for 10 minutes after 10 failed tests' \
        in caplog.text

    with hang_up_listener() as (port, offered):
        html = post(client, form(web, "Probe 11", host="127.0.0.1", port=port))
        assert PAUSED in html and "Cannot connect" not in html
        # Even the right details are not tried while paused, and nothing is saved.
        html = post(client, form(web, "Inventory"))
        assert PAUSED in html
        assert offered[0] == 0
    assert not {"Inventory", *(f"Probe {n}" for n in range(1, 12))} & stored_names()


def test_the_pause_is_one_users_and_ends_when_the_oldest_failure_is_ten_minutes_old(web, prober):
    from rowbook.connections.models import FailedConnectionTest

    client, user = prober
    closed = free_port()
    for attempt in range(10):
        post(client, form(web, f"Probe {attempt}", host="127.0.0.1", port=closed))
    assert PAUSED in post(client, form(web, "Inventory"))

    # Another user tests (and adds) as usual.
    other = signed_in("unpaused-colleague")
    page = other.post("/databases/add/", form(web, "Colleague's inventory"))
    assert page.status_code == 302, page.content.decode()[:500]

    # Nine minutes later the pause has one minute left; ten minutes after the
    # oldest failure, the user tests again (the failures are moved back in time).
    rows = FailedConnectionTest.objects.filter(user_pk=user.pk)
    for row in rows:
        row.at -= timedelta(minutes=9)
        row.save()
    assert f"{PAUSED} 1 minute:" in post(client, form(web, "Inventory"))
    oldest = rows.order_by("at").first()
    oldest.at -= timedelta(minutes=1, seconds=1)
    oldest.save()
    page = client.post("/databases/add/", form(web, "Inventory"))
    assert page.status_code == 302, page.content.decode()[:500]
    assert {"Inventory", "Colleague's inventory"} <= stored_names()
    from rowbook.connections.models import Connection

    Connection.objects.filter(name__in=["Inventory", "Colleague's inventory"]).delete()


def test_a_test_that_connects_and_a_rename_do_not_count(web, prober):
    from rowbook.connections.models import Connection, FailedConnectionTest

    client, user = prober
    page = client.post("/databases/add/", form(web, "Counted"))
    assert page.status_code == 302, page.content.decode()[:500]
    connection = Connection.objects.get(name="Counted")
    edit = {**form(web, "Renamed", password=""), "version": connection.version}
    page = client.post(f"/databases/{connection.pk}/edit/", edit)
    assert page.status_code == 302, page.content.decode()[:500]
    assert not FailedConnectionTest.objects.filter(user_pk=user.pk).exists()
    Connection.objects.filter(pk=connection.pk).delete()


def test_a_hostile_user_name_is_one_escaped_line_in_the_log(web, caplog):
    from django.contrib.auth import get_user_model

    from rowbook.connections import limits

    name = "evil\nFAKE rowbook: admin signed in\x1b[2J"
    user = get_user_model().objects.create_user(name, "evil@example.com", "unused-Pw-4421")
    try:
        with caplog.at_level(logging.WARNING, logger="rowbook.connections"):
            for _ in range(limits.FAILURES):
                limits.record_failure(user)
        [line] = [r.getMessage() for r in caplog.records if r.name == "rowbook.connections"]
        assert "\n" not in line and "\x1b" not in line and 'user "evil\\nFAKE' in line
    finally:
        from rowbook.connections.models import FailedConnectionTest

        FailedConnectionTest.objects.filter(user_pk=user.pk).delete()
        user.delete()

