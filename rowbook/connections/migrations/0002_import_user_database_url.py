"""Upgrade from 0.1.1: ROWBOOK_USER_DATABASE_URL becomes a stored connection."""

from django.conf import settings
from django.db import migrations

from rowbook.connections.envimport import import_env_connection


def forward(apps, schema_editor):
    import_env_connection(
        apps.get_model("rowbook_connections", "Connection"),
        apps.get_model("rowbook_connections", "UserPreference"),
        apps.get_model("rowbook_connections", "EnvImport"),
        apps.get_model(settings.AUTH_USER_MODEL),
        getattr(settings, "ROWBOOK_USER_DATABASE", None),
        settings.SECRET_KEY,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rowbook_connections", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
