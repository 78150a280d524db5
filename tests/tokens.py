"""Issuing API tokens in tests, as the admin's token page and `manage.py issue_api_token` do."""

from heritage.accounts.services import issue_token


def token_header(user, **options):
    """`Token <key>` for a new token of `user` (options: name, days), for the Authorization header."""
    _, key = issue_token(user=user, **options)
    return f"Token {key}"
