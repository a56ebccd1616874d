"""Test-only, for the pages' hidden blocks: `rowbook shell < shop.py`.

A database of the reader's, "shop", with one table to browse, on the server of
Rowbook's own database (Rowbook refuses to browse its own database, so a page
cannot use that one); skipped when it is there already (a restore brings
Rowbook's database back, not this one). Where Rowbook's user may not create
databases, the page makes "shop" first, as the server's superuser, readable
by every role (a grant to Rowbook's own role would keep it from being dropped).

Piped with a last line `store_as_shop()`, it also stores that database on the
Databases page as "Shop", with its password, as the admin's active database,
as a reader who added it would have it.
"""

import psycopg
from django.conf import settings

OWN = settings.DATABASES["default"]
SERVER = {"host": OWN["HOST"], "port": OWN["PORT"], "user": OWN["USER"], "password": OWN["PASSWORD"]}


def make_database() -> None:
    with psycopg.connect(dbname=OWN["NAME"], autocommit=True, **SERVER) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'shop'").fetchone():
            conn.execute("CREATE DATABASE shop")
    with psycopg.connect(dbname="shop", autocommit=True, **SERVER) as conn:
        if conn.execute("SELECT to_regclass('public.orders')").fetchone()[0] is None:
            conn.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)")
            conn.execute("INSERT INTO orders VALUES (1, 'tea'), (2, 'cups')")
    print("shop: database ready")


def store_as_shop() -> None:
    from django.contrib.auth.models import User
    from rowbook.connections.models import Connection, UserPreference

    shop = Connection(name="Shop", host=OWN["HOST"] or "localhost", port=int(OWN["PORT"] or 5432),
                      dbname="shop", user=OWN["USER"])
    shop.set_password(OWN["PASSWORD"])
    shop.save()
    UserPreference.objects.update_or_create(user=User.objects.get(username="admin"), defaults={"active": shop})
    print("shop: stored as Shop")


make_database()
