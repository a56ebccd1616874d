"""Create the admin user, interactively or from flags; shared by install and createadmin."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError


class AdminError(Exception):
    """A mistake in what the user gave us; the message is shown as-is."""


def add_arguments(parser) -> None:
    parser.add_argument("--username", help="admin user name")
    parser.add_argument("--email", help="admin e-mail address")
    parser.add_argument("--password-file", metavar="PATH",
                        help="read the admin password from this file (first line)")


def _problems(password: str, username: str, email: str) -> list[str]:
    user = get_user_model()(username=username, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _ask(prompt: str, default: str = "") -> str:
    shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
    while True:
        answer = input(shown).strip() or default
        if answer:
            return answer
        print("This cannot be empty.")


def _say(out, text: str) -> None:
    # One line. Django's OutputWrapper ends each write with a newline of its
    # own, so print(..., file=out) would write an empty line after it.
    out.write(text if text.endswith("\n") else text + "\n")


def ensure_admin(options: dict, interactive: bool, out=sys.stdout) -> str:
    """Create the admin unless that user exists; returns the user name."""
    User = get_user_model()
    username = options.get("username")
    email = options.get("email") or ""
    if interactive:
        username = username or _ask("Admin user name", "admin")
    elif not username:
        raise AdminError("--username is required with --no-input.")
    if User.objects.filter(username=username).exists():
        _say(out, f'Admin user "{username}" already exists; left unchanged.')
        return username

    if interactive:
        email = email or _ask("Admin e-mail")
        while True:
            password = getpass.getpass("Admin password: ")
            again = getpass.getpass("Admin password (again): ")
            if password != again:
                _say(out, "The passwords do not match. Try again.")
                continue
            problems = _problems(password, username, email)
            if problems:
                for problem in problems:
                    _say(out, problem)
                continue
            break
    else:
        if not email:
            raise AdminError("--email is required with --no-input.")
        password = _password_from_env_or_file(options.get("password_file"))
        problems = _problems(password, username, email)
        if problems:
            raise AdminError("the admin password is not accepted: " + " ".join(problems))

    User.objects.create_superuser(username=username, email=email, password=password)
    _say(out, f'Created admin user "{username}".')
    return username


def _password_from_env_or_file(path: str | None) -> str:
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise AdminError(f'cannot read --password-file "{path}": {exc.strerror}.') from None
        if not lines or not lines[0]:
            raise AdminError(f'--password-file "{path}" is empty.')
        return lines[0]
    password = os.environ.get("ROWBOOK_ADMIN_PASSWORD", "")
    if not password:
        raise AdminError("with --no-input, give the admin password in ROWBOOK_ADMIN_PASSWORD "
                         "or with --password-file PATH.")
    return password
