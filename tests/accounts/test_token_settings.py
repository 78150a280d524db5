"""API_TOKEN_DAYS, read from the environment: a whole number of days, at least one."""

import pytest

from ..test_settings import check


@pytest.mark.parametrize(("value", "message"), [("0", "at least 1"), ("a year", "a whole number")])
def test_api_token_days_must_be_a_whole_number_of_days(value, message):
    result = check(API_TOKEN_DAYS=value)
    assert result.returncode != 0
    assert f"API_TOKEN_DAYS must be {message}" in result.stderr
