"""A log formatter that scrubs secrets, including from tracebacks."""

import logging

from rowbook import config


class RedactingFormatter(logging.Formatter):
    def format(self, record):
        text = config.mask_url(super().format(record))
        from django.conf import settings  # late: settings import this module's path

        for secret in config.secrets_in(getattr(settings, "ENV", {})):
            text = text.replace(secret, "***")
        return text
