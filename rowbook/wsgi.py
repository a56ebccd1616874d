"""WSGI entry point, e.g. `gunicorn rowbook.wsgi`.

The environment is validated before Django loads, so a config mistake prints
one line per problem and exits with status 2 instead of a traceback. Under
gunicorn the exit status is gunicorn's "worker failed to boot" 3 instead, so
gunicorn stops rather than respawning the worker forever.
"""

import logging
import os
import sys

from rowbook import config

_result = config.load()
if _result.problems:
    for _problem in _result.problems:
        sys.stderr.write(f"rowbook: error: {_problem}" + "\n")
    _in_gunicorn_worker = "gunicorn.workers.base" in sys.modules and os.getppid() > 1
    sys.exit(3 if _in_gunicorn_worker else 2)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rowbook.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
for _warning in _result.warnings:
    logging.getLogger("rowbook").warning(_warning)
