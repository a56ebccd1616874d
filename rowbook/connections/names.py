"""Names of stored databases are unique regardless of case ("Shop" and "shop"
would be indistinguishable in a list); PostgreSQL enforces it with a unique
index on lower(name), and these helpers ask the same question the same way."""

from django.db.models import Value
from django.db.models.functions import Lower

CONSTRAINT = "rowbook_connection_name_unique_ignoring_case"
# Notes for the person running `rowbook migrate`, printed when it is done.
RENAMED: list[str] = []


def taken_message(existing: str) -> str:
    return (f'A database named "{existing}" already exists; names must differ in more than '
            "upper and lower case. Choose another name.")


def same_name(Connection, name: str, exclude_pk=None):
    """The stored connection whose name equals `name` ignoring case, or None."""
    found = Connection.objects.annotate(key=Lower("name")).filter(key=Lower(Value(name)))
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("pk").first()


def free_name(Connection, name: str) -> str:
    """`name`, or `name (2)`, `name (3)`, ...: the first no stored connection has."""
    length = Connection._meta.get_field("name").max_length
    candidate, n = name, 1
    while same_name(Connection, candidate) is not None:
        n += 1
        suffix = f" ({n})"
        candidate = name[:length - len(suffix)] + suffix
    return candidate


def rename_case_duplicates(Connection) -> None:
    """Before the constraint exists: the oldest of "Shop", "shop", ... keeps its name."""
    seen = set()
    for connection in Connection.objects.annotate(key=Lower("name")).order_by("created", "pk"):
        if connection.key not in seen:
            seen.add(connection.key)
            continue
        old = connection.name
        connection.name = free_name(Connection, old)
        connection.save(update_fields=["name"])  # free_name: clashes with no later row
        RENAMED.append(f'rowbook: note: renamed the stored database "{old}" to '
                       f'"{connection.name}": names of databases must now differ in more '
                       "than upper and lower case.")
