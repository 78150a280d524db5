"""
The admin's "API tokens" page: any staff user lists, issues and revokes their own tokens, and only their own.

The views are wrapped in `admin.site.admin_view` (heritage/accounts/urls.py): staff only (others are sent to the
admin's login), CSRF-protected, never cached.
"""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from .forms import NewTokenForm
from .models import ApiToken
from .services import issue_token


@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's tokens and a form for a new one. A new key is shown once, in the answer to the POST that made it:
    it is in no redirect, session or message, only in this page."""
    form = NewTokenForm(request.POST if request.method == "POST" else None)
    new_token = new_key = None
    if form.is_valid():
        new_token, new_key = issue_token(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = NewTokenForm()
    context = {
        **admin.site.each_context(request),
        "title": "API tokens",
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_token": new_token,
        "new_key": new_key,
    }
    return TemplateResponse(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@require_POST
def revoke(request, token_id):
    """Revoke (delete) one of the user's own tokens; it stops working at once. Anyone else's is a 404."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.delete()
    messages.success(request, f"Revoked the token {token.prefix}…{f' ({token.name})' if token.name else ''}.")
    return redirect("accounts:tokens")
