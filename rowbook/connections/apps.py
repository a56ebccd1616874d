from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _import_after_migrate(sender, **kwargs):
    """Pick up a ROWBOOK_USER_DATABASE_URL set after the data migration ran."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from rowbook.connections.envimport import import_env_connection
    from rowbook.connections.models import Connection, EnvImport, UserPreference

    import_env_connection(Connection, UserPreference, EnvImport, get_user_model(),
                          settings.ROWBOOK_USER_DATABASE, settings.SECRET_KEY)


class ConnectionsConfig(AppConfig):
    name = "rowbook.connections"
    label = "rowbook_connections"
    verbose_name = "Database connections"

    def ready(self):
        post_migrate.connect(_import_after_migrate, sender=self,
                             dispatch_uid="rowbook.connections.import_env")
