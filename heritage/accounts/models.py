"""The API token: what a user presents (`Authorization: Token <key>`) to use the API as themselves."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

# How many characters of a key the token page shows, to tell a user's keys apart.
SHOWN_PREFIX_LENGTH = 8


class ApiToken(AbstractAuthToken):
    """
    A key a user holds to use the API as themselves, with their permissions. Only the key's digest (SHA-512) is
    stored, with its first characters, so the key is shown once, when it is issued, and never again. A token stops
    working at its expiry, when it is revoked (deleted) or when its user is deactivated.
    """

    # knox makes the digest the primary key; here it is only unique, so that pages and URLs name a token by a
    # plain number rather than by its digest.
    digest = models.CharField("digest", max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="user"
    )
    name = models.CharField(
        "name", max_length=100, blank=True, help_text="What the token is for, e.g. “laptop” or “nightly export”."
    )
    last_used = models.DateTimeField(
        "last used", null=True, blank=True, editable=False, help_text="To the minute: not every request writes it."
    )

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name or 'API token'} {self.prefix}… ({self.user})"

    @property
    def prefix(self):
        """The key's first characters (stored in clear by knox, to find the token): enough to tell keys apart."""
        return self.token_key[:SHOWN_PREFIX_LENGTH]

    @property
    def has_expired(self):
        return self.expiry is not None and self.expiry <= timezone.now()
