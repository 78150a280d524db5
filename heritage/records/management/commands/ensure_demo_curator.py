"""
Make sure the demo curator account exists (`make run` calls this).

Creates user `curator` in the Curator group when it does not exist. The password comes from the environment
(HERITAGE_CURATOR_PASSWORD) or, when that is unset, is generated and printed once, at creation: there is no fixed
password anywhere in the code. An existing account is left as it is (its password is never reset or printed), only
put back into the Curator group.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "HERITAGE_CURATOR_PASSWORD"


class Command(BaseCommand):
    help = "Create the demo curator account (user 'curator', Curator group) if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="curator")

    @transaction.atomic
    def handle(self, *args, username, **options):
        try:
            group = Group.objects.get(name="Curator")
        except Group.DoesNotExist:
            raise CommandError("The Curator group does not exist: run `manage.py migrate` first.") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            user.groups.add(group)
            self.stdout.write(f"The curator account {username!r} exists; its password is unchanged.")
            return
        password = os.environ.get(PASSWORD_VARIABLE) or ""
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.add(group)
        if generated:
            self.stdout.write(
                f"Created the curator account. Log in at /admin/ as {username!r} with the password {password} "
                f"(shown only this once; set {PASSWORD_VARIABLE} to choose it)."
            )
        else:
            self.stdout.write(f"Created the curator account {username!r} with the password from {PASSWORD_VARIABLE}.")
