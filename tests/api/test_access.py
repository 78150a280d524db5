"""Throttling: anonymous clients slower than token holders (tokens themselves: tests/accounts/)."""

import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


def per_second(rate):
    count, seconds = SimpleRateThrottle.parse_rate(None, rate)
    return count / seconds


def test_researchers_are_throttled_less_than_anonymous_clients():
    """The configured rate for token users is higher than the anonymous one."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert per_second(rates["user"]) > per_second(rates["anon"])


@pytest.fixture
def low_rates(monkeypatch):
    """Rates small enough to reach in a test: 3 a minute anonymous, 6 with a token, 3 failed token logins."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "6/minute", "failed_login": "3/minute"}
    )


def test_anonymous_reads_are_throttled(world, anonymous, low_rates):
    """Past its rate an anonymous client gets 429 with Retry-After; a researcher's token still reads."""
    assert [anonymous.get("/api/v1/sites/").status_code for _ in range(3)] == [200] * 3
    throttled = anonymous.get("/api/v1/sites/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_researcher_tokens_read_at_the_higher_rate(world, researcher, low_rates):
    """A researcher's token gets the user rate: more requests than the anonymous rate allows, then 429."""
    assert [researcher.get("/api/v1/sites/").status_code for _ in range(6)] == [200] * 6
    assert researcher.get("/api/v1/sites/").status_code == 429
