"""Issuing API tokens: the one place a key exists in clear, for the admin page and the management command."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from .models import ApiToken


def issue_token(*, user, name="", days=None):
    """
    A new token for `user`, valid for `days` (settings.API_TOKEN_DAYS unless given). Returns (token, key): only
    the key's digest is stored, so the caller shows the key once and then forgets it.
    """
    days = settings.API_TOKEN_DAYS if days is None else days
    digest, key = get_digest_token()
    token = ApiToken(
        user=user,
        name=name,
        digest=digest,
        token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
        expiry=timezone.now() + datetime.timedelta(days=days),
    )
    with transaction.atomic():
        token.full_clean()
        token.save()
    return token, key
