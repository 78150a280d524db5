"""
The OpenAPI schema: it generates without a warning, it is valid OpenAPI 3, it documents every filter and format,
and a bounded schemathesis run of every operation (reads and writes, with a curator's token) against the app finds
no 5xx and no response that breaks it.
"""

import json

import pytest
import schemathesis
import yaml
from django import urls
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular import renderers
from drf_spectacular.views import SpectacularAPIView
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient, APIRequestFactory
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from heritage.records.api.common.served_schema import SchemaView, _made_once
from heritage.records.api.urls import published, router

from ..conftest import table_counts
from .base import yaml_of
from .conftest import token_client


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    """The served schema, as anyone reads it: fetched once for the module, as it is made from the code alone."""
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml_of(response.content)


def test_spectacular_validates_without_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` passes: every view, filter and field is understood."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 0


def test_schema_is_valid_openapi(openapi):
    """The served schema passes openapi-spec-validator."""
    validate(openapi)
    assert openapi["openapi"].startswith("3.")


def test_every_parameter_is_described(openapi):
    """Every query parameter of every operation (filters, ordering, pagination, format) has a description."""
    undocumented = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and not parameter.get("description")
    ]
    assert not undocumented


def test_formats_are_documented(openapi):
    """
    Lists and records document JSON and CSV, and sites, damage reports, threats and occupations GeoJSON, both as
    `format` values and as response types.
    """
    for path, operations in openapi["paths"].items():
        if "get" not in operations:
            continue  # an action, such as a damage report's status move
        operation = operations["get"]
        media_types = set(operation["responses"]["200"]["content"])
        if path.endswith("/text/"):  # a source's text, exactly
            assert media_types == {"text/plain"}
            continue
        if path.endswith("/original/"):  # a source's original document, as received
            assert media_types == {"application/octet-stream"}
            continue
        if path == "/api/v1/deletions/":  # the change feed's tombstones: JSON
            assert media_types == {"application/json"}
            continue
        if path == "/api/v1/feeds/damage-reports.atom":
            assert media_types == {"application/atom+xml"}
            continue
        if path.startswith("/api/v1/releases/"):  # the packages themselves are the releases' other format
            assert media_types == ({"application/zip"} if path.endswith("/file/") else {"application/json"})
            continue
        formats = next(p for p in operation["parameters"] if p["name"] == "format")["schema"]["enum"]
        if path.startswith(("/api/v1/sites/", "/api/v1/damage-reports/", "/api/v1/threats/", "/api/v1/occupations/")):
            assert set(formats) == {"json", "csv", "geojson"}
            assert media_types == {"application/json", "text/csv", "application/geo+json"}
        else:
            assert set(formats) == {"json", "csv"}
            assert media_types == {"application/json", "text/csv"}


def test_enums_are_in_the_schema(openapi):
    """Choice fields appear as named enums, with every value."""
    schemas = openapi["components"]["schemas"]
    assert set(schemas["SeverityEnum"]["enum"]) == {
        "destroyed",
        "severely_damaged",
        "moderately_damaged",
        "possibly_damaged",
        "no_visible_damage",
        "not_assessed",
    }
    assert "not_applicable" in schemas["CertaintyEnum"]["enum"]
    severity = next(
        p for p in openapi["paths"]["/api/v1/damage-reports/"]["get"]["parameters"] if p["name"] == "severity"
    )
    assert severity["schema"]["type"] == "array" and "destroyed" in severity["schema"]["items"]["enum"]


@pytest.mark.parametrize(
    ("schema", "field", "endpoint"),
    [
        ("Event", "kind", "/api/v1/event-types/"),
        ("Source", "kind", "/api/v1/source-types/"),
        ("Site", "condition", "/api/v1/site-conditions/"),
        ("DisturbanceCause", "category", "/api/v1/disturbance-categories/"),
    ],
)
def test_terms_are_slugs_of_their_vocabulary_endpoint(openapi, schema, field, endpoint):
    """A managed vocabulary is not a fixed enum: the field is a slug, and its description names the endpoint that
    lists the terms (which curators extend), itself in the schema."""
    prop = openapi["components"]["schemas"][schema]["properties"][field]
    assert prop["type"] == "string" and "enum" not in prop
    assert endpoint in prop["description"]
    assert endpoint in openapi["paths"]
    unit = openapi["components"]["schemas"]["Threat"]["properties"]["quantity"]["properties"]["unit"]
    assert "enum" not in unit and "/api/v1/quantity-units/" in unit["description"]


def test_docs_pages_work_offline(anonymous):
    """Swagger UI and Redoc load their assets from our own static files (drf-spectacular-sidecar), not a CDN."""
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = anonymous.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_the_served_schema_is_made_once_and_is_the_same_for_everyone(anonymous, researcher, curator, monkeypatch):
    """
    Served from the schema made once per process, and rendered once per media type: what drf-spectacular's own view
    makes, whoever asks.
    """
    made = json.loads(
        SpectacularAPIView.as_view()(APIRequestFactory().get("/api/v1/schema/?format=json")).render().content
    )
    _made_once.cache_clear()
    dumps = []
    monkeypatch.setattr(renderers, "dump", lambda *args, **kwargs: dumps.append(1) or yaml.dump(*args, **kwargs))
    for client in (anonymous, researcher, curator):
        assert client.get("/api/v1/schema/?format=json").json() == made
        assert yaml_of(client.get("/api/v1/schema/").content) == made
    assert (_made_once.cache_info().misses, _made_once.cache_info().hits) == (1, 5)
    assert len(dumps) == 1
    # Each media type its own bytes: JSON indented as asked, the same schema.
    indented = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json; indent=2").content
    assert indented.startswith(b'{\n  "openapi"') and json.loads(indented) == made
    assert anonymous.get("/api/v1/schema/?format=json").content.startswith(b'{\n    "openapi"')  # four: the default


def test_the_schema_view_given_other_endpoints_describes_those():
    """
    Given `patterns` (or `urlconf`), the schema view describes those endpoints, as drf-spectacular's own view does,
    and the project's kept schema is neither served for them nor made again.
    """
    periods = next(viewset for prefix, viewset, _ in router.registry if prefix == "periods")
    one = SimpleRouter()
    one.register("periods", periods, basename="period")
    patterns = [urls.path("api/v1/", urls.include(one.urls))]
    _made_once.cache_clear()
    _made_once(None, "en-us", False)  # the project's, kept
    request = APIRequestFactory().get("/api/v1/schema/?format=json")
    served = json.loads(SchemaView.as_view(patterns=patterns)(request).render().content)
    assert set(served["paths"]) == {"/api/v1/periods/", "/api/v1/periods/{slug}/"}
    assert served == json.loads(SpectacularAPIView.as_view(patterns=patterns)(request).render().content)
    assert (_made_once.cache_info().misses, _made_once.cache_info().hits) == (1, 0)


# --- schemathesis -------------------------------------------------------------------------------------------------

# Examples per operation: enough to try every filter and field a few times, few enough to keep the run under a minute
# (56 operations). Writes get fewer: each one is a transaction, and most of what they try is refused early.
READ_EXAMPLES = 20
WRITE_EXAMPLES = 15
NEGATIVE_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """
    Calls through the real WSGI handler end with Django closing the database connection (close_old_connections on
    request_started/request_finished), which on PostgreSQL would throw away the test's transaction and its data.
    Django's own test client disconnects that handler for the same reason; so does this fixture, for the run.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def record_of(operation):
    """
    The model and lookup field behind an operation's path (`/api/v1/damage-reports/{slug}/`), or None outside the
    records' resources (the change feed's deletions and Atom feed).
    """
    prefix = operation.path.removeprefix("/api/v1/").split("/")[0]
    registry = router.registry + published.registry
    viewset = next((viewset for registered, viewset, _ in registry if registered == prefix), None)
    return None if viewset is None else (viewset.serializer_class.Meta.model, viewset.lookup_field)


def aim_at_real_records(case, data):
    """
    Half of the cases that address a record are pointed at an existing one, and half of those send its current
    ETag: random slugs and random If-Match values alone would only ever reach the 404 and 412 branches, never the
    validation and saving of a real edit or deletion.
    """
    if record_of(case.operation) is None:
        return
    model, lookup_field = record_of(case.operation)
    parameter = "id" if lookup_field == "pk" else lookup_field
    if not case.path_parameters or not data.draw(st.booleans(), label="real record"):
        return
    records = list(model.objects.order_by("pk")[:20])
    if not records:
        return
    record = data.draw(st.sampled_from(records), label="record")
    case.path_parameters[parameter] = getattr(record, lookup_field)
    if case.method.upper() != "GET" and data.draw(st.booleans(), label="current ETag"):
        case.headers = {**(case.headers or {}), "If-Match": f'"{record.version}"'}


def run_every_operation(mode, examples, checks, *, after_each=None):
    """
    Drive every operation of the schema with Hypothesis (`operation.as_strategy()`), with a token that may add,
    change, delete and view, and return the status codes seen, by method. Driven directly rather than through
    schemathesis' pytest plugin, so that the run sees the test database that the `world` fixture fills.
    """
    # Django's WSGI handler, as heritage.wsgi serves it, without that module's tuning of the serving process.
    api = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in api.get_all_operations()]
    methods = [operation.method.upper() for operation in operations]
    # List and record of fifteen resources (six of them vocabularies), and a source's text and original; create,
    # update, partial update and delete of each; the workflow's status move of a damage report and of a threat; the
    # releases' list, record and file; and the change feed's deletions and Atom feed.
    assert (methods.count("GET"), methods.count("POST"), len(operations)) == (37, 17, 99)
    token = token_client(f"fuzzer-{mode.value}", "add", "change", "delete", "view").credentials_header

    statuses = {}
    for operation in operations:
        count = examples["GET"] if operation.method.upper() == "GET" else examples["write"]

        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        @settings(
            max_examples=count,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case, data):
            aim_at_real_records(case, data)
            before = table_counts() if case.method.upper() != "GET" else None
            response = case.call_and_validate(headers=token, checks=checks)
            statuses.setdefault(case.method.upper(), []).append(response.status_code)
            if response.status_code >= 400 and before is not None:
                assert table_counts() == before, f"a refused {case.method} {case.path} wrote something"

        run()
    return statuses


@pytest.mark.long
def test_every_operation_conforms_to_the_schema(world, wsgi_keeps_the_test_connection, unthrottled):
    """
    A bounded schemathesis run over the whole schema: for every operation, reads and writes, whatever schemathesis
    generates within the schema (filters, ordering, pages, formats, record bodies, batches, If-Match values, NUL
    characters in strings), sent with a token that may add, change, delete and view, the answer is no 5xx, has a
    documented status and media type, and matches the schema; a refused write writes nothing.
    """
    statuses = run_every_operation(
        schemathesis.GenerationMode.POSITIVE, {"GET": READ_EXAMPLES, "write": WRITE_EXAMPLES}, CHECKS
    )
    # The run really exercised the app: successes and refusals of reads, and writes that got past the preconditions.
    assert 200 in statuses["GET"] and {400, 404} & set(statuses["GET"])
    assert 201 in statuses["POST"] and 400 in statuses["POST"]
    assert 412 in statuses["PATCH"] + statuses["PUT"] and 200 in statuses["PATCH"] + statuses["PUT"]
    assert {204, 409} & set(statuses["DELETE"])


@pytest.mark.long
def test_every_operation_refuses_what_the_schema_forbids(world, wsgi_keeps_the_test_connection, unthrottled):
    """
    Schemathesis' negative mode: parameters and bodies that break the schema on purpose (wrong types, values out of
    range or outside an enum, missing required fields, extra nesting). Every answer is a 4xx, never a 5xx, and a
    refused write leaves every table as it was.
    """
    statuses = run_every_operation(
        schemathesis.GenerationMode.NEGATIVE,
        {"GET": NEGATIVE_EXAMPLES, "write": NEGATIVE_EXAMPLES},
        [not_a_server_error],
    )
    refused = [code for codes in statuses.values() for code in codes if 400 <= code < 500]
    assert len(refused) > 100


def test_dates_and_years_are_described_as_they_are_read_and_written(openapi):
    """A period's years: integers in responses, an integer or "300 BCE" in requests; a report's inferred date."""
    schemas = openapi["components"]["schemas"]
    assert schemas["Period"]["properties"]["start_earliest"]["type"] == "integer"
    assert [s["type"] for s in schemas["PeriodRequest"]["properties"]["start_earliest"]["oneOf"]] == [
        "integer",
        "string",
    ]
    assert set(schemas["Period"]["properties"]["historical_years"]["properties"]) == {
        "start_earliest",
        "start_latest",
        "stop_earliest",
        "stop_latest",
    }
    assert "historical_years" not in schemas["PeriodRequest"]["properties"]
    for name in ("DamageReport", "DamageReportRequest"):
        assert schemas[name]["properties"]["occurred_inferred"]["type"] == "boolean"
        assert schemas[name]["properties"]["dating_note"]["type"] == "string"
