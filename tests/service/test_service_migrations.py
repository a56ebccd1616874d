"""Rowbook's models and its migrations agree."""


def test_the_migrations_hold_every_model_change(web):
    """A model change without its migration would fail on a reader's first start."""
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
