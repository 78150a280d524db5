"""
The API's throttles: DRF's, counting clients by the address the trusted proxies vouch for, and token guessing.

Counts live in the default cache, which every worker process shares (settings.CACHES), so two workers allow the
rate once, not twice. A client's address is `heritage.clients.client_address()`: a client that sends its own
X-Forwarded-For cannot make itself a new client with every request.

DRF authenticates before it throttles, and a wrong token ends the request with a 401 there: without a throttle of
their own, failed token logins could be tried at any speed. `ThrottledTokenAuthentication` counts them per client
address; past `API_FAILED_LOGIN_RATE`, every token login from that address is a 429 until the window has passed,
right tokens included, so that the answer no longer tells a guess that worked from one that did not.
"""

from rest_framework import exceptions, throttling
from rest_framework.authentication import get_authorization_header

from ....accounts.authentication import TokenAuthentication
from ....clients import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address."""


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """
    Signed-in clients, by account. Anonymous clients are left to AnonRateThrottle, whose rate is lower: DRF's user
    throttle would count them a second time, one more write to the shared cache per request.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class FailedLoginThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Failed token logins, by client address."""

    scope = "failed_login"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exceeded(self, request):
        """Whether the address has used up its failures (without counting one)."""
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def count_failure(self, request):
        if not self.exceeded(request):
            self.throttle_success()


class ThrottledTokenAuthentication(TokenAuthentication):
    """API tokens (heritage.accounts), with failed logins throttled per client address (see the module docstring)."""

    def authenticate(self, request):
        # Only requests that present a token are counted or refused; anonymous reads have their own throttle.
        scheme = [word.lower() for word in get_authorization_header(request).split()[:1]]
        if scheme != [self.authenticate_header(request).lower().encode()]:
            return None
        throttle = FailedLoginThrottle()
        if throttle.exceeded(request):
            raise exceptions.Throttled(throttle.wait(), detail="Too many failed token logins from this address.")
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.count_failure(request)
            raise
