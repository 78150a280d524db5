"""
Who is asking: the client's network address, for the API's throttles and the admin's login lockout alike.

Behind reverse proxies every request arrives from the nearest proxy (REMOTE_ADDR), and the client's own address is
in X-Forwarded-For, which each proxy extends with the address it received the request from. Only the entries the
trusted proxies wrote can be believed; anything before them is whatever the client chose to send. So with
`TRUSTED_PROXIES = n` the client is the n-th address from the right (as DRF's NUM_PROXIES reads it), and with none
it is REMOTE_ADDR, whatever X-Forwarded-For says.
"""

from django.conf import settings


def client_address(request):
    """The client's address, as the configured proxies vouch for it (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]
