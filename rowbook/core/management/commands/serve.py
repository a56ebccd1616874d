"""`rowbook serve`: gunicorn on ROWBOOK_HOST:ROWBOOK_PORT via its Python API."""

import errno
import socket

from django.conf import settings
from django.core.management.base import BaseCommand

from rowbook.core.management.commands._common import fail, site_url


def port_problem(host: str, port: int) -> str:
    """Fail fast and plainly instead of gunicorn's five retries and a traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return f'cannot listen on "{host}": unknown address. Check ROWBOOK_HOST.'
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"cannot listen on {host}:{port}: the port is already in use. Stop the "
                        f"other program or set ROWBOOK_PORT to a free port.")
            if exc.errno == errno.EACCES:
                return (f"cannot listen on {host}:{port}: permission denied (ports below 1024 "
                        f"need root). Set ROWBOOK_PORT to 1024 or higher.")
            return f"cannot listen on {host}:{port}: {exc.strerror}. Check ROWBOOK_HOST."
    return ""


class Command(BaseCommand):
    help = "Run Rowbook's web server (gunicorn) on ROWBOOK_HOST:ROWBOOK_PORT."
    requires_system_checks = []

    def handle(self, *args, **options):
        from gunicorn.app.base import BaseApplication

        env = settings.ENV
        host, port = env["ROWBOOK_HOST"], env["ROWBOOK_PORT"]
        problem = port_problem(host, port)
        if problem:
            fail(problem)

        from django.core.wsgi import get_wsgi_application

        wsgi_app = get_wsgi_application()
        gunicorn_options = {
            "bind": f"{host}:{port}",
            "workers": env["ROWBOOK_WORKERS"],
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": env["ROWBOOK_LOG_LEVEL"].lower(),
            "proc_name": "rowbook",
            # A request longer than this is killed with its worker; the
            # database's statement timeout (dbprobe.py) ends queries before.
            "timeout": 30,
            # On stop, requests in flight get 8 s to finish: within the 10 s
            # `docker stop` waits before SIGKILL, and a worker that hangs on
            # its way out is killed then instead of holding the stop.
            "graceful_timeout": 8,
        }
        if env["ROWBOOK_TRUST_PROXY"]:
            gunicorn_options["forwarded_allow_ips"] = "*"
        else:
            # Never let a client claim https by itself.
            gunicorn_options["secure_scheme_headers"] = {}

        class Server(BaseApplication):
            def load_config(self):
                for key, value in gunicorn_options.items():
                    self.cfg.set(key, value)

            def load(self):
                return wsgi_app

        self.stdout.write(f"rowbook: serving on http://{host}:{port}/ (open {site_url()})")
        self.stdout.flush()
        Server().run()
