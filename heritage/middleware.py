"""
Project-wide middleware: the API answers every error in JSON, no body larger than any the app takes is read, and no
NUL character gets past the door.
"""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from rest_framework.response import Response

# Where the researchers' API is mounted (heritage/urls.py): errors under it are JSON.
API_PREFIX = "/api/"
NUL = "\x00"
NUL_MESSAGE = "NUL characters are not allowed."


def is_api(request):
    return request.path_info.startswith(API_PREFIX)


class APIErrorsAsJSONMiddleware:
    """
    An error under /api/ that DRF did not answer itself (the URL resolver's 404 for a path no route matches, Django's
    400 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a 500) is rendered by Django as an HTML page; an API client
    gets `{"detail": "..."}` with the same status instead. DRF's own responses keep their rendering: a browser in the
    browsable API still sees its HTML error page, and clients get what they asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api(request)
            and not isinstance(response, Response)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = HTTPStatus(response.status_code)
            json = JsonResponse({"detail": f"{status.phrase}."}, status=status)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json[header] = response[header]
            return json
        return response


class RefuseNULMiddleware:
    """
    A NUL character in the path or in a query parameter is a 400 naming where it was. PostgreSQL cannot store or
    even compare text holding one, so such a value would otherwise reach a query and fail there with a 500 (an
    admin list filter, the admin's autocomplete, a history URL); no slug, id, date or search ever holds one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            return self.refuse(request, "path")
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                return self.refuse(request, name.replace(NUL, "\\x00"))
        return self.get_response(request)

    def refuse(self, request, where):
        if is_api(request):
            return JsonResponse({where: [NUL_MESSAGE]}, status=400)
        return HttpResponseBadRequest(f"{where}: {NUL_MESSAGE}", content_type="text/plain; charset=utf-8")


class RefuseLargeBodiesMiddleware:
    """
    A request whose body is larger than any the app takes (DATA_UPLOAD_MAX_MEMORY_SIZE: the largest upload,
    SOURCE_MAX_BYTES, and room for a form's other fields) is a 413 before any of it is read. Django's own limit counts
    a form's fields, not its files: an upload of any size would first be written whole to a temporary file, and only
    then refused by the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a request as having no body
        if limit is None or length <= limit:
            return self.get_response(request)
        message = f"The request is {filesizeformat(length)}; at most {filesizeformat(limit)} is accepted."
        if is_api(request):
            return JsonResponse({"detail": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
