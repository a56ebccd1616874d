"""User databases Rowbook can browse, and which one each user is looking at."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from rowbook.connections import crypto, names



def undecryptable(name: str) -> str:
    """What to do when a stored password matches neither SECRET_KEY nor a fallback."""
    return (f'The stored password of "{name}" cannot be decrypted: SECRET_KEY has changed since '
            "it was saved, and no key in SECRET_KEY_FALLBACKS matches. Add the old key to "
            f'SECRET_KEY_FALLBACKS, or edit "{name}" and enter its password again.')


class ConnectionParams(dict):
    """A connection's params, whose printed form never shows the password
    (in an error page, a log line, a debugger): repr is all they show."""

    def __repr__(self):
        return repr({key: "********************" if key == "password" and value else value
                     for key, value in self.items()})


# libpq's sslmode, as a user chooses it for a server. No "disable": "prefer"
# already talks to a server without TLS, and says so on the Databases page.
TLS_CHOICES = [
    ("prefer", "TLS if the server offers it, not checked (anyone on the way can turn it off)"),
    ("require", "TLS always, the server's certificate not checked"),
    ("verify-ca", "TLS always, the certificate signed by the CA below"),
    ("verify-full", "TLS always, the certificate signed by the CA below and made for this host name"),
]


class Connection(models.Model):
    name = models.CharField(max_length=100)  # unique ignoring case: see Meta
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=5432)
    dbname = models.CharField("database", max_length=255)
    user = models.CharField(max_length=255)
    # A Fernet token (see crypto.py); never the password itself.
    password_encrypted = models.TextField(blank=True)
    from_env = models.BooleanField(default=False, editable=False,
                                   help_text="Imported from ROWBOOK_USER_DATABASE_URL.")
    created = models.DateTimeField(auto_now_add=True)
    # Raised by every edit: an edit made on an older form is refused (forms.py). A
    # database default too: rows written by an older Rowbook (a going back) get one.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    # Database defaults too, for rows an older Rowbook writes after a going back.
    tls = models.CharField("TLS", max_length=11, choices=TLS_CHOICES, default="prefer", db_default="prefer")
    ca_certificate = models.TextField("CA certificate", blank=True, default="", db_default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name=names.CONSTRAINT),
        ]

    def __str__(self):
        return self.name

    def validate_constraints(self, exclude=None):
        # ConnectionForm.clean_name checks the name, naming the database it clashes with;
        # the constraint's own message could not.
        super().validate_constraints(exclude={*(exclude or ()), "name"})

    def set_password(self, password: str) -> None:
        self.password_encrypted = crypto.encrypt(password)

    @property
    def password_problem(self) -> str:
        """'' if the stored password can be decrypted, else what to do about it."""
        return "" if self.password_ok() else undecryptable(self.name)

    def password_ok(self) -> bool:
        try:
            self.params()
        except crypto.UndecryptablePassword:
            return False
        return True

    def params(self) -> ConnectionParams:
        """Connection params for psycopg; raises crypto.UndecryptablePassword."""
        password = crypto.decrypt(self.password_encrypted) if self.password_encrypted else ""
        return ConnectionParams(host=self.host, port=self.port, dbname=self.dbname, user=self.user,
                                password=password, sslmode=self.tls, ca_certificate=self.ca_certificate)

    @property
    def tls_summary(self) -> str:
        """How the connection is protected, in a few words for the Databases page."""
        return {"prefer": "TLS if offered, not checked", "require": "TLS, certificate not checked",
                "verify-ca": "TLS, CA checked", "verify-full": "TLS, CA and host name checked"}.get(self.tls, self.tls)

    @property
    def where(self) -> str:
        return f"{self.dbname} on {self.host}:{self.port} as {self.user}"


class UserPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="rowbook_preference")
    active = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.SET_NULL)


class EnvImport(models.Model):
    """Remembers that a ROWBOOK_USER_DATABASE_URL was imported, so it never is twice
    (even if the user later renames or removes the imported connection)."""

    fingerprint = models.CharField(max_length=64, unique=True)
    imported = models.DateTimeField(auto_now_add=True)


class FailedConnectionTest(models.Model):
    """A test of the Databases form that could not connect; kept for
    limits.WINDOW, so that too many pause the user's tests (limits.py)."""

    # The user's id, not a foreign key: an older Rowbook (after going back)
    # knows nothing of this table, and a key to auth_user would keep it from
    # deleting that user. A deleted user's rows age out with the others.
    user_pk = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(db_index=True)
