"""Names of stored databases become unique regardless of case.

Existing "Shop" and "shop" cannot both stay: the oldest keeps its name, the
others get " (2)", " (3)", ... and `rowbook migrate` says so (names.RENAMED).
"""

from django.db import migrations, models
from django.db.models.functions import Lower

from rowbook.connections.names import CONSTRAINT, rename_case_duplicates


def forward(apps, schema_editor):
    rename_case_duplicates(apps.get_model("rowbook_connections", "Connection"))


class Migration(migrations.Migration):
    dependencies = [
        ("rowbook_connections", "0002_import_user_database_url"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="connection",
            name="name",
            field=models.CharField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="connection",
            constraint=models.UniqueConstraint(Lower("name"), name=CONSTRAINT),
        ),
    ]
