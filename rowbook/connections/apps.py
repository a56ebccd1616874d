from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "rowbook.connections"
    label = "rowbook_connections"
    verbose_name = "Database connections"
