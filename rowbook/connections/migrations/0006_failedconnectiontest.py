from django.db import migrations, models


class Migration(migrations.Migration):
    # A new table only, with no key to another: an older Rowbook (after going back) ignores it.

    dependencies = [
        ('rowbook_connections', '0005_connection_tls'),
    ]

    operations = [
        migrations.CreateModel(
            name='FailedConnectionTest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('user_pk', models.BigIntegerField(db_index=True)),
                ('at', models.DateTimeField(db_index=True)),
            ],
        ),
    ]
