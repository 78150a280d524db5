"""
The admin of the accounts other apps register: users and groups (django.contrib.auth), login attempts (axes),
registered again with the project's checks of what the admin reads (heritage/admin_input.py). No model admin for
tokens: each user manages their own on the token page (heritage/accounts/views.py). knox registers its own token
admin, which would list everyone's digests and whose model is swapped out here. The admin's login form refuses a
username longer than any (forms.LoginForm).
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from knox.models import AuthToken

from ..admin_input import CheckedInputMixin
from .forms import LoginForm

admin.site.login_form = LoginForm

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)

for model, model_admin in [
    (get_user_model(), auth_admin.UserAdmin),
    (Group, auth_admin.GroupAdmin),
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):  # axes registers its own only when AXES_ENABLE_ADMIN is on
        admin.site.unregister(model)
        admin.site.register(model, type(model_admin.__name__, (CheckedInputMixin, model_admin), {}))
