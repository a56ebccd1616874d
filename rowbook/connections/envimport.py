"""Turn the 0.1.1 ROWBOOK_USER_DATABASE_URL into a stored connection, once.

Called by the data migration (with historical models) and after every
`migrate` (with the real ones), so a variable set later is picked up too.
Idempotent: an EnvImport row per URL (without its password) marks it done.
"""

import hashlib
import logging

from rowbook.connections import crypto
from rowbook.connections.names import free_name

ENV_CONNECTION_NAME = "From ROWBOOK_USER_DATABASE_URL"
log = logging.getLogger(__name__)


def fingerprint(params: dict) -> str:
    where = f"{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    return hashlib.sha256(where.encode("utf-8")).hexdigest()


def import_env_connection(Connection, UserPreference, EnvImport, User, params, secret_key):
    """Returns the new connection, or None if there was nothing (new) to import."""
    if not params:
        return None
    mark = fingerprint(params)
    if EnvImport.objects.filter(fingerprint=mark).exists():
        return None
    name = free_name(Connection, ENV_CONNECTION_NAME)
    connection = Connection.objects.create(
        name=name, host=params["host"], port=params["port"], dbname=params["dbname"],
        user=params["user"], password_encrypted=crypto.encrypt(params["password"], secret_key),
        from_env=True,
    )
    EnvImport.objects.create(fingerprint=mark)
    # Existing users keep seeing the database they saw in 0.1.1.
    for user in User.objects.all():
        preference, _ = UserPreference.objects.get_or_create(user=user)
        if preference.active_id is None:
            preference.active = connection
            preference.save(update_fields=["active"])
    log.info('Imported ROWBOOK_USER_DATABASE_URL as the stored connection "%s"', name)
    return connection
