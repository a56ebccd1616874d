"""Add/edit a stored connection; it is tested before it is saved."""

from cryptography import x509
from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from rowbook import dberrors, dbprobe, user_databases
from rowbook.connections import crypto, limits, names
from rowbook.connections.crypto import UndecryptablePassword
from rowbook.connections.models import Connection, undecryptable
from rowbook.core.logsafe import printable


MAX_CA_CHARACTERS = 65536  # a chain of a few certificates; nothing a CA sends is longer


class ConnectionForm(forms.ModelForm):
    password = forms.CharField(
        required=False, strip=False,
        # Never sent back to the browser, not even after a failed test.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    port = forms.IntegerField(min_value=1, max_value=65535, initial=5432)

    class Meta:
        model = Connection
        fields = ["name", "host", "port", "dbname", "user", "tls", "ca_certificate"]
        widgets = {"ca_certificate": forms.Textarea(attrs={"rows": 4, "spellcheck": "false",
                                                           "placeholder": "-----BEGIN CERTIFICATE-----"})}
        help_texts = {"ca_certificate": "For the two checked TLS settings: the certificate (PEM) of the "
                                        "CA that signed the server's. Empty: the CAs this machine trusts."}

    # The stored version the form was made from: a save on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # whose failed tests count (limits.py)
        self.fields["tls"].required = False
        if self.instance.pk:
            self.fields["password"].help_text = "Leave empty to keep the stored password."
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = (
                "This form is from an older Rowbook: open the database's Edit page again.")
        else:
            del self.fields["version"]

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

    def clean_tls(self):
        # A form from before TLS settings (an open tab during an upgrade) sends none: the old behaviour.
        return self.cleaned_data.get("tls") or "prefer"

    def clean_ca_certificate(self):
        pem = self.cleaned_data["ca_certificate"].strip()
        if not pem:
            return ""
        if len(pem) > MAX_CA_CHARACTERS:
            raise forms.ValidationError(f"CA certificate is too long ({len(pem)} characters; at most "
                                        f"{MAX_CA_CHARACTERS}). Paste the CA's certificate only.")
        if "PRIVATE KEY" in pem:
            raise forms.ValidationError("CA certificate holds a private key: never paste a key here. "
                                        "Paste the CA's certificate (-----BEGIN CERTIFICATE-----) only.")
        try:
            x509.load_pem_x509_certificates(pem.encode())
        except (ValueError, UnicodeError):
            raise forms.ValidationError("CA certificate is not a certificate in PEM form. Paste it from "
                                        "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.") from None
        return pem + "\n"

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
        if data.get("ca_certificate") and not str(data.get("tls", "")).startswith("verify-"):
            self.add_error("ca_certificate", "A CA certificate is used only by the two TLS settings that "
                           "check the certificate: choose one of them, or leave this empty.")
            return data
        password = data.get("password") or ""
        if not password and self.instance.pk and self.instance.password_encrypted:
            if self._server_changed(data):
                # A stored password goes only to the server and user it was saved for.
                self.add_error("password", "Enter the password again: the host, port, user or "
                               "TLS setting changed, and Rowbook sends a stored password only to "
                               "the server and user it was saved for, the way it was saved.")
                return data
            try:
                password = self.instance.params()["password"]
            except UndecryptablePassword:
                raise forms.ValidationError(undecryptable(self.instance.name)) from None
        params = {"host": data["host"], "port": data["port"], "dbname": data["dbname"],
                  "user": data["user"], "password": password, "sslmode": data["tls"],
                  "ca_certificate": data.get("ca_certificate", "")}
        if self._connection_changed(params):
            self._test(params)
        self.cleaned_password = password
        return data

    def _test(self, params) -> None:
        """Connects as the form says, unless the user's tests are paused;
        a failure counts towards the pause (limits.py) and says so when it starts one."""
        left = limits.pause_left(self.user)
        if left is not None:
            raise forms.ValidationError(limits.paused_message(left))
        problem = dbprobe.probe_user_database(
            params, dbprobe.internal_params(settings.ENV),
            dbprobe.for_install_method(dbprobe.FORM, settings.ROWBOOK_INSTALL_METHOD),
            settings.ENV["ROWBOOK_DATABASE_HOSTS"])
        if problem:
            left = limits.record_failure(self.user)
            raise forms.ValidationError(f"Cannot connect: {problem}"
                                        + (f" {limits.paused_message(left)}" if left is not None else ""))

    def _server_changed(self, data) -> bool:
        """Host, port or user differ from the stored connection's."""
        stored = self.instance
        return (str(data["host"]).lower() != str(stored.host).lower()
                or int(data["port"]) != int(stored.port) or data["user"] != stored.user
                or data["tls"] != stored.tls or data.get("ca_certificate", "") != stored.ca_certificate)

    def _connection_changed(self, params) -> bool:
        """A plain rename needs no new connection test."""
        if not self.instance.pk or self.cleaned_data.get("password"):
            return True
        return any(self.initial.get(key) != params[key] for key in ("host", "port", "dbname", "user")) \
            or self.initial.get("tls") != params["sslmode"] \
            or (self.initial.get("ca_certificate") or "") != params["ca_certificate"]

    def save(self, commit=True):
        connection = super().save(commit=False)
        connection.set_password(self.cleaned_password)
        if commit:
            connection.save()
        return connection

    def save_edit(self):
        """Saves an edit only onto the version the form was made from: True,
        or False with a form error that says what someone else changed (or
        that they removed it). Never inserts: a removed connection stays removed."""
        fields = {name: self.cleaned_data[name] for name in self._meta.fields}
        fields["password_encrypted"] = crypto.encrypt(self.cleaned_password)
        updated = Connection.objects.filter(pk=self.instance.pk, version=self.cleaned_data["version"]) \
            .update(**fields, version=F("version") + 1)
        if updated:
            return True
        current = Connection.objects.filter(pk=self.instance.pk).first()
        if current is None:
            self.add_error(None, "Someone else removed this database while you were editing it: "
                                 "nothing was saved.")
            return False
        theirs = [f'{Connection._meta.get_field(name).verbose_name} is now "{printable(str(getattr(current, name)))}"'
                  for name in self._meta.fields if getattr(current, name) != fields[name]]
        self.add_error(None, "Someone else saved this database while you were editing it"
                       + (f" ({'; '.join(theirs)})" if theirs else "")
                       + ". Your changes were not saved; they are still in the form: check them "
                       "and save again to replace theirs.")
        # The next save is made on what is stored now.
        self.data = self.data.copy()
        self.data["version"] = str(current.version)
        return False

    def save_unless_name_taken(self):
        """The saved connection, or None with a form error when the same name was
        saved by another request after this form was validated (two adds at once),
        or when an edit was made on an older version (save_edit)."""
        try:
            with transaction.atomic():
                if self.instance.pk:
                    if not self.save_edit():
                        return None
                    self.instance.refresh_from_db()
                    return self.instance
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
