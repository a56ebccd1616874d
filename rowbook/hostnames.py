"""Is this a host name a browser can send? If not, which rule does it break.

Used by config.py for DOMAIN_NAME and ROWBOOK_EXTRA_HOSTS; like config.py it
must stay importable without Django.
"""

from __future__ import annotations

import re

MAX_SHOWN = 60
MAX_LENGTH, MAX_LABEL = 253, 63
_ALLOWED = re.compile(r"[A-Za-z0-9.-]")


def quoted(value: str) -> str:
    """The value in quotes; a long one as its start and its length, never in full."""
    if len(value) <= MAX_SHOWN:
        return f'"{value}"'
    return f'"{value[:40]}..." ({len(value)} characters)'


def _punycode(value: str) -> str:
    """The xn-- form of a non-ASCII name, or "" if the codec would change the name."""
    try:
        ascii_form = value.encode("idna").decode("ascii")
        same = ascii_form.encode("ascii").decode("idna").rstrip(".") == value.lower().rstrip(".")
    except UnicodeError:
        return ""
    # Python's codec is IDNA 2003: it maps e.g. "ß" to "ss", a different name today.
    return ascii_form if same else ""


def problem(name: str, value: str, suggest_as: str, example: str) -> str:
    """'' for a valid host name, else one sentence naming the rule it breaks.

    `suggest_as` prefixes a corrected value ("DOMAIN_NAME=" for a single name).
    """
    got = quoted(value)
    if "://" in value:
        return f"{name} must be a host name without a scheme (got {got}). {example}"
    if "/" in value:
        return f"{name} must be a host name without a path (got {got}). {example}"
    if ":" in value:
        return (f"{name} must be a host name without a port (got {got}); "
                f"the port Rowbook listens on is ROWBOOK_PORT. {example}")
    if not value.isascii():
        ascii_form = _punycode(value)
        if ascii_form:
            return (f"{name} must be plain ASCII (got {got}); its punycode form works: "
                    f"{suggest_as}{ascii_form}")
        return f"{name} must be plain ASCII (got {got}); write it in punycode (xn--...). {example}"
    bad = next((c for c in value if not _ALLOWED.match(c)), "")
    if bad:
        what = '" " (a space)' if bad == " " else f'"{bad}"'
        return (f"{name} must be made of letters, digits, hyphens and dots (got {got}: {what} "
                f"is not allowed). {example}")
    if len(value) > MAX_LENGTH:
        return f"{name} must be at most {MAX_LENGTH} characters long (got {got}). {example}"
    labels = value[:-1].split(".") if value.endswith(".") else value.split(".")
    if "" in labels:
        return (f"{name} must have parts of 1 to {MAX_LABEL} characters between its dots "
                f"(got {got}: a part is empty). {example}")
    long_label = next((label for label in labels if len(label) > MAX_LABEL), "")
    if long_label:
        return (f"{name} must have parts of 1 to {MAX_LABEL} characters between its dots "
                f"(got {got}: a part has {len(long_label)}). {example}")
    hyphen = next((label for label in labels if label[0] == "-" or label[-1] == "-"), "")
    if hyphen:
        return (f"{name} must not have a part that starts or ends with a hyphen (got {got}: "
                f"{quoted(hyphen)}). {example}")
    return ""
