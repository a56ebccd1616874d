"""Two admins at once on the same stored database (issue #40): an edit made on
a form older than what is stored is refused with what the other admin
changed, and a removal stays a removal. Two signed-in clients, the real cluster."""

from __future__ import annotations

import re

from tests.service.rowbook_testkit import READER_PASSWORD, assert_clean, signed_in
from tests.service.test_service_connections import add, form


def second_admin():
    return signed_in("dana")


def version_in(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html)[1]


def test_an_edit_on_an_older_form_is_refused_and_says_what_changed(client, web):
    from rowbook.connections.models import Connection

    connection = add(client, web, "Shared")
    dana = second_admin()
    mine = version_in(client.get(f"/databases/{connection.pk}/edit/").content.decode())
    theirs = version_in(dana.get(f"/databases/{connection.pk}/edit/").content.decode())
    assert mine == theirs
    page = dana.post(f"/databases/{connection.pk}/edit/", form(web, "Shared by Dana", password="", version=theirs))
    assert page.status_code == 302
    # Alice's form was made before Dana's save: refused, and told what Dana changed.
    page = client.post(f"/databases/{connection.pk}/edit/", form(web, "Shared", dbname="shop", password="",
                                                                  version=mine))
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "Someone else saved this database while you were editing it (name is now &quot;Shared by Dana&quot;" in html
    assert "Your changes were not saved" in html and "Saved" not in html.split("<h1>")[0]
    assert_clean(html)
    connection.refresh_from_db()
    assert (connection.name, connection.dbname) == ("Shared by Dana", "inventory")
    # The form now carries what is stored: saving again replaces Dana's change, knowingly.
    page = client.post(f"/databases/{connection.pk}/edit/", form(web, "Shared", dbname="shop", password="",
                                                                  version=version_in(html)))
    assert page.status_code == 302, page.content.decode()
    connection.refresh_from_db()
    assert (connection.name, connection.dbname, connection.params()["password"]) == ("Shared", "shop", READER_PASSWORD)
    connection.delete()
    assert not Connection.objects.filter(name__startswith="Shared").exists()


def test_a_removed_database_stays_removed_when_an_older_form_is_saved(client, web):
    from rowbook.connections.models import Connection

    connection = add(client, web, "Going")
    dana = second_admin()
    mine = version_in(client.get(f"/databases/{connection.pk}/edit/").content.decode())
    assert dana.post(f"/databases/{connection.pk}/remove/").status_code == 302
    page = client.post(f"/databases/{connection.pk}/edit/", form(web, "Going", password="", version=mine))
    assert page.status_code == 404  # the page of a database that is gone
    assert not Connection.objects.filter(name="Going").exists()


def test_a_removal_during_a_save_in_flight_is_not_undone(client, web, monkeypatch):
    """The save validated its form (and tested the connection) before the
    removal committed; it must not put the row back, password and all."""
    from rowbook.connections import forms
    from rowbook.connections.models import Connection

    connection = add(client, web, "In flight")
    mine = version_in(client.get(f"/databases/{connection.pk}/edit/").content.decode())
    real_save_edit = forms.ConnectionForm.save_edit

    def removed_meanwhile(self):
        Connection.objects.filter(pk=self.instance.pk).delete()  # the other admin's removal
        return real_save_edit(self)

    monkeypatch.setattr(forms.ConnectionForm, "save_edit", removed_meanwhile)
    page = client.post(f"/databases/{connection.pk}/edit/", form(web, "In flight", dbname="shop", version=mine))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Someone else removed this database while you were editing it: nothing was saved." in html
    assert not Connection.objects.filter(pk=connection.pk).exists()


def test_a_hostile_version_field_is_refused_without_an_error_page(client, web):
    """The hidden field is input like any other: nothing saved, no 500, a message."""
    connection = add(client, web, "Versioned")
    for version in ("abc", "-1", "99999999999999999999999", "", "1; DROP TABLE x", "\x00"):
        page = client.post(f"/databases/{connection.pk}/edit/",
                           form(web, "Renamed", password="", version=version))
        html = page.content.decode()
        assert page.status_code == 200, (version, html[:300])
        assert_clean(html)
        connection.refresh_from_db()
        assert connection.name == "Versioned", version
    connection.delete()
