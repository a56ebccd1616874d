"""Add/edit a stored connection; it is tested before it is saved."""

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction

from rowbook import dberrors, dbprobe, user_databases
from rowbook.connections import names
from rowbook.connections.crypto import UndecryptablePassword
from rowbook.connections.models import Connection, undecryptable
from rowbook.core.logsafe import printable


class ConnectionForm(forms.ModelForm):
    password = forms.CharField(
        required=False, strip=False,
        # Never sent back to the browser, not even after a failed test.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    port = forms.IntegerField(min_value=1, max_value=65535, initial=5432)

    class Meta:
        model = Connection
        fields = ["name", "host", "port", "dbname", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["password"].help_text = "Leave empty to keep the stored password."

    def clean_name(self):
        name = self.cleaned_data["name"]
        if printable(name) != name:
            # A name ends up in logs and terminals: no forged lines, no escape codes.
            raise forms.ValidationError(
                f"Name must not hold control characters (a line break, a tab, an escape code; got "
                f'"{printable(name)}"). Use letters, digits, spaces and punctuation.')
        existing = names.same_name(Connection, name, exclude_pk=self.instance.pk)
        if existing is not None:
            raise forms.ValidationError(names.taken_message(existing.name))
        return name

    def clean_host(self):
        host = self.cleaned_data["host"]
        problem = user_databases.host_problem(host, "Host")
        if problem:
            raise forms.ValidationError(problem)
        return host

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        password = data.get("password") or ""
        if not password and self.instance.pk and self.instance.password_encrypted:
            if self._server_changed(data):
                # A stored password goes only to the server and user it was saved for.
                self.add_error("password", "Enter the password again: the host, port or user "
                               "changed, and Rowbook sends a stored password only to the server "
                               "and user it was saved for.")
                return data
            try:
                password = self.instance.params()["password"]
            except UndecryptablePassword:
                raise forms.ValidationError(undecryptable(self.instance.name)) from None
        params = {"host": data["host"], "port": data["port"], "dbname": data["dbname"],
                  "user": data["user"], "password": password}
        if self._connection_changed(params):
            problem = dbprobe.probe_user_database(
                params, dbprobe.internal_params(settings.ENV),
                dbprobe.for_install_method(dbprobe.FORM, settings.ROWBOOK_INSTALL_METHOD))
            if problem:
                raise forms.ValidationError(f"Cannot connect: {problem}")
        self.cleaned_password = password
        return data

    def _server_changed(self, data) -> bool:
        """Host, port or user differ from the stored connection's."""
        stored = self.instance
        return (str(data["host"]).lower() != str(stored.host).lower()
                or int(data["port"]) != int(stored.port) or data["user"] != stored.user)

    def _connection_changed(self, params) -> bool:
        """A plain rename needs no new connection test."""
        if not self.instance.pk or self.cleaned_data.get("password"):
            return True
        return any(self.initial.get(key) != params[key]
                   for key in ("host", "port", "dbname", "user"))

    def save(self, commit=True):
        connection = super().save(commit=False)
        connection.set_password(self.cleaned_password)
        if commit:
            connection.save()
        return connection

    def save_unless_name_taken(self):
        """The saved connection, or None with a form error when the same name was
        saved by another request after this form was validated (two adds at once)."""
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError as exc:
            error = dberrors.psycopg_error(exc)
            if getattr(getattr(error, "diag", None), "constraint_name", None) != names.CONSTRAINT:
                raise
        existing = names.same_name(Connection, self.cleaned_data["name"],
                                   exclude_pk=self.instance.pk)
        self.add_error("name", names.taken_message(existing.name if existing
                                                   else self.cleaned_data["name"]))
        return None
