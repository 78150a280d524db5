"""The admin's login form, and the token page's form: what a new token is for and how long it lasts."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator

from .models import ApiToken


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=ApiToken._meta.get_field("name").max_length,
        required=False,
        help_text=ApiToken._meta.get_field("name").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not at import, so that the limit is the setting's current value.
        self.fields["days"] = forms.IntegerField(
            label="Expires in (days)",
            min_value=1,
            max_value=settings.API_TOKEN_DAYS,
            initial=settings.API_TOKEN_DAYS,
            help_text=f"At most {settings.API_TOKEN_DAYS} days (API_TOKEN_DAYS).",
        )


class LoginForm(AdminAuthenticationForm):
    """
    The admin's login form, refusing a username longer than any user's before anyone is looked up. Django's sets
    that length on the input only, so a longer one reached authenticate(), and django-axes' record of the failure,
    whose column holds 255 characters: on PostgreSQL the login page was then a 500.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
