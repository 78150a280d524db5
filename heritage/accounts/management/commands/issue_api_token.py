"""manage.py issue_api_token USERNAME: a new API token for a user, for scripts and automation."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...models import ApiToken
from ...services import issue_token


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user and print its key, once, alone on standard output (KEY=$(manage.py "
        "issue_api_token alice)). Only its digest is stored: the key cannot be shown again. The user revokes it on "
        "the admin's API tokens page."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the token acts as, with their permissions.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'nightly export'.")
        parser.add_argument("--days", type=int, help="Days until it expires, at most API_TOKEN_DAYS (the default).")

    def handle(self, *args, username, name, days, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive: a token would not work.")
        if days is not None and days < 1:
            raise CommandError(f"--days must be at least 1, not {days}.")
        if days is not None and days > settings.API_TOKEN_DAYS:
            raise CommandError(f"--days must be at most {settings.API_TOKEN_DAYS} (API_TOKEN_DAYS), not {days}.")
        max_length = ApiToken._meta.get_field("name").max_length
        if len(name) > max_length:
            raise CommandError(f"--name must be at most {max_length} characters, not {len(name)}.")
        token, key = issue_token(user=user, name=name, days=days)
        self.stderr.write(f"Issued a token for {username}, expiring {token.expiry:%Y-%m-%d %H:%M} UTC. Its key:")
        self.stdout.write(key)
