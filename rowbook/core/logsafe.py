"""A log formatter that scrubs secrets, including from tracebacks, and keeps
each record on its line: control characters in a message (a newline, an
escape code in a name a user typed) are written escaped, so no one can forge
a log line or send codes to the admin's terminal."""

import logging
import unicodedata

from rowbook import config


# Bidirectional overrides and isolates reorder what a terminal shows.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe(char: str) -> bool:
    """A control character (newline, escape, ...) or a bidirectional control."""
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS


def printable(text: str) -> str:
    """`text` with each unsafe character escaped (\\n, \\x1b, \\u202e); the rest as it is."""
    if not any(unsafe(char) for char in text):
        return text
    return "".join(char.encode("unicode_escape").decode("ascii") if unsafe(char) else char for char in text)


class RedactingFormatter(logging.Formatter):
    def formatMessage(self, record):
        # The message only: a traceback, appended after it, keeps its lines.
        record.message = printable(record.message)
        return super().formatMessage(record)

    def format(self, record):
        text = config.mask_url(super().format(record))
        from django.conf import settings  # late: settings import this module's path

        for secret in config.secrets_in(getattr(settings, "ENV", {})):
            text = text.replace(secret, "***")
        return text
