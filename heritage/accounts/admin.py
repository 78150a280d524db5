"""
No model admin for tokens: each user manages their own on the token page (heritage/accounts/views.py). knox
registers its own token admin, which would list everyone's digests and whose model is swapped out here.
"""

from django.contrib import admin
from knox.models import AuthToken

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)
