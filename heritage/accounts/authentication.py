"""
API authentication by token: `Authorization: Token <key>`, the header the API has always documented.

knox's TokenAuthentication finds a token by the first characters of the key, then compares digests; this one looks
the digest up directly (one indexed query), refuses an expired token without deleting it (its owner then sees it
marked expired on the token page), and records when a token was last used.
"""

import datetime

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from rest_framework import exceptions

from .models import ApiToken

# last_used is written at most this often per token, so that reading a hundred pages does not write a hundred rows.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class TokenAuthentication(KnoxTokenAuthentication):
    """A user's API token (heritage.accounts.models.ApiToken), hashed at rest by django-rest-knox."""

    def authenticate_credentials(self, key):
        try:
            key = key.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token: a key is made of letters and digits.") from None
        token = ApiToken.objects.select_related("user").filter(digest=hash_token(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.has_expired:
            raise exceptions.AuthenticationFailed("Token expired: issue a new one on the admin's API tokens page.")
        user, token = self.validate_user(token)
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return user, token
