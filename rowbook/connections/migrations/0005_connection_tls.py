from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rowbook_connections', '0004_connection_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='connection',
            name='tls',
            field=models.CharField(choices=[('prefer', "TLS if the server offers it, not checked (anyone on the way can turn it off)"), ('require', "TLS always, the server's certificate not checked"), ('verify-ca', 'TLS always, the certificate signed by the CA below'), ('verify-full', 'TLS always, the certificate signed by the CA below and made for this host name')], db_default='prefer', default='prefer', max_length=11, verbose_name='TLS'),
        ),
        migrations.AddField(
            model_name='connection',
            name='ca_certificate',
            field=models.TextField(blank=True, db_default='', default='', verbose_name='CA certificate'),
        ),
    ]
