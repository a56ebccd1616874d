"""A bad DOMAIN_NAME is refused naming the rule it breaks, never echoing a long
value in full; via the real `rowbook check`."""

import pytest

from tests.service.rowbook_testkit import assert_clean, base_env, run_rowbook

EXAMPLE = " Example: DOMAIN_NAME=rowbook.example.com"
BAD_NAMES = {
    "300 characters": (
        "a" * 300,
        'DOMAIN_NAME must be at most 253 characters long (got "' + "a" * 40 + '..." '
        "(300 characters))." + EXAMPLE),
    "non-ASCII": (
        "bücher.example",
        'DOMAIN_NAME must be plain ASCII (got "bücher.example"); its punycode form works: '
        "DOMAIN_NAME=xn--bcher-kva.example"),
    "non-ASCII the codec would change": (
        "straße.example",
        'DOMAIN_NAME must be plain ASCII (got "straße.example"); write it in punycode '
        "(xn--...)." + EXAMPLE),
    "underscore": (
        "row_book.example.com",
        'DOMAIN_NAME must be made of letters, digits, hyphens and dots (got '
        '"row_book.example.com": "_" is not allowed).' + EXAMPLE),
    "space": (
        "rowbook example.com",
        'DOMAIN_NAME must be made of letters, digits, hyphens and dots (got '
        '"rowbook example.com": " " (a space) is not allowed).' + EXAMPLE),
    "empty part": (
        "rowbook..example.com",
        "DOMAIN_NAME must have parts of 1 to 63 characters between its dots (got "
        '"rowbook..example.com": a part is empty).' + EXAMPLE),
    "part of 64": (
        "r" * 64 + ".example.com",
        "DOMAIN_NAME must have parts of 1 to 63 characters between its dots (got "
        '"' + "r" * 40 + '..." (76 characters): a part has 64).' + EXAMPLE),
    "leading hyphen": (
        "-rowbook.example.com",
        "DOMAIN_NAME must not have a part that starts or ends with a hyphen (got "
        '"-rowbook.example.com": "-rowbook").' + EXAMPLE),
    "trailing hyphen": (
        "rowbook.example-.com",
        "DOMAIN_NAME must not have a part that starts or ends with a hyphen (got "
        '"rowbook.example-.com": "example-").' + EXAMPLE),
    "long value with a scheme": (
        "https://" + "r" * 80 + ".example.com",
        'DOMAIN_NAME must be a host name without a scheme (got "https://' + "r" * 32 + '..." '
        "(100 characters))." + EXAMPLE),
}


@pytest.mark.parametrize("case", list(BAD_NAMES), ids=list(BAD_NAMES))
def test_bad_domain_name_says_which_rule(pg, case):
    value, expected = BAD_NAMES[case]
    out = run_rowbook(["check"], base_env(pg, "postgres", DOMAIN_NAME=value))
    assert out.returncode == 2
    assert out.stderr.splitlines() == ["rowbook: error: " + expected]
    assert_clean(out.stdout + out.stderr)


@pytest.mark.parametrize("value", ["rowbook.example.com", "Rowbook.Example.com.", "10.0.0.5",
                                   "xn--bcher-kva.example", "a" * 63 + ".example", "localhost"])
def test_good_domain_names(value):
    from rowbook import config

    name, problem = config._convert(config.BY_NAME["DOMAIN_NAME"], value)
    assert problem == "" and name == value.lower().rstrip(".")


def test_long_values_of_other_settings_are_shortened(pg):
    out = run_rowbook(["check"], base_env(pg, "postgres", POSTGRES_PORT="9" * 100))
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        'rowbook: error: POSTGRES_PORT must be a whole number between 1 and 65535 (got "'
        + "9" * 40 + '..." (100 characters)). Example: POSTGRES_PORT=5432']
