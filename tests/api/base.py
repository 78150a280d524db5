"""
Generic API tests in the manner of NetBox's `APIViewTestCases`: a concrete test class names its resource and the
data to create and change, and inherits list, detail, 404, formats and the permission matrix.

    class TestSites(APIResourceTests):
        basename = "site"
        model = Site
        create_data = {...}          # a valid POST body (may be a method taking the test's `world`)
        update_data = {...}          # a valid PATCH body
"""

import csv
import io

import pytest
import yaml
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from heritage.records.api.common.renderers import csv_columns

from ..conftest import table_counts

# A value no representation holds: sent in a read-only field, it is a change, never an echo.
CHANGED = {"changed": "by the client"}


def content_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def yaml_of(content):
    """YAML read safely by libyaml (PyYAML's C loader): the Python loader takes seconds for the schema."""
    return yaml.load(content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def if_match(client, url):
    """The If-Match header for a write to `url`: the ETag of the record as `client` reads it now."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {"HTTP_IF_MATCH": response["ETag"]}


def csv_rows(response):
    return list(csv.reader(io.StringIO(content_of(response).decode("utf-8"))))


class APIResourceTests:
    basename: str
    model: type
    lookup_field = "slug"
    writable = True
    create_data: dict = {}
    update_data: dict = {}

    # --- helpers --------------------------------------------------------------------------------------------------

    def list_url(self):
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj):
        return reverse(f"api:{self.basename}-detail", kwargs={self.lookup_field: getattr(obj, self.lookup_field)})

    def any_object(self):
        return self.model.objects.order_by("pk").first()

    def get_create_data(self, world):
        return dict(self.create_data)

    def serializer(self):
        from heritage.records.api.urls import router

        viewset = next(viewset for _, viewset, basename in router.registry if basename == self.basename)
        return viewset.serializer_class()

    # --- reading --------------------------------------------------------------------------------------------------

    def test_list_returns_every_object(self, world, anonymous):
        """GET on the list returns every record, paginated, each with its API url."""
        response = anonymous.get(self.list_url(), {"page_size": 500})
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        body = response.json()
        public = self.model.objects.visible_to(AnonymousUser())
        assert body["count"] == public.count() > 0
        assert {row["id"] for row in body["results"]} == set(public.values_list("pk", flat=True))
        assert all(row["url"].startswith("http://testserver/api/v1/") for row in body["results"])

    def test_detail_returns_the_object(self, world, anonymous):
        """GET on a record's URL returns that record, its `url` is that URL, and its ETag is its version."""
        obj = self.any_object()
        response = anonymous.get(self.detail_url(obj))
        assert response.status_code == 200, response.content
        assert response["ETag"] == f'"{obj.version}"'
        assert response.json()["id"] == obj.pk
        assert response.json()["url"] == f"http://testserver{self.detail_url(obj)}"

    def test_unknown_record_is_404(self, world, anonymous):
        """A URL naming no record is a JSON 404."""
        url = self.detail_url(self.any_object()).replace(
            f"/{getattr(self.any_object(), self.lookup_field)}/", "/999999/" if self.lookup_field == "pk" else "/nope/"
        )
        response = anonymous.get(url)
        assert response.status_code == 404
        assert "detail" in response.json()

    def test_browsers_get_html_and_clients_get_json(self, world, anonymous):
        """JSON is the default renderer; the browsable API is for clients that ask for HTML."""
        assert anonymous.get(self.list_url(), HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"
        assert anonymous.get(self.list_url(), HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")

    def test_csv_list_streams_every_matching_row(self, world, anonymous):
        """?format=csv streams a header and one row per record, unpaginated (page_size=1 is ignored)."""
        response = anonymous.get(self.list_url(), {"format": "csv", "page_size": 1})
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = csv_rows(response)
        # The serializer's columns, and after `citations` the groups of citation columns (test_exports.py).
        assert [column for column in rows[0] if not column.startswith("citation_")] == csv_columns(self.serializer())
        public = self.model.objects.visible_to(AnonymousUser())
        assert len(rows) == 1 + public.count()
        assert {int(row[0]) for row in rows[1:]} == set(public.values_list("pk", flat=True))

    def test_csv_detail(self, world, anonymous):
        """?format=csv on a record gives its header and its one row, with the plain (not ?format=csv) url."""
        obj = self.any_object()
        response = anonymous.get(self.detail_url(obj), {"format": "csv"})
        assert response.status_code == 200
        rows = csv_rows(response)
        assert len(rows) == 2
        assert rows[1][rows[0].index("url")] == f"http://testserver{self.detail_url(obj)}"

    # --- the permission matrix ------------------------------------------------------------------------------------

    @pytest.mark.parametrize("who", ["anonymous", "researcher", "curator"])
    def test_everyone_reads(self, world, request, who):
        """Anonymous clients, researchers and curators may all read lists and records."""
        client = request.getfixturevalue(who)
        assert client.get(self.list_url()).status_code == 200
        assert client.get(self.detail_url(self.any_object())).status_code == 200

    @pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("researcher", 403)])
    def test_readers_cannot_write(self, world, request, who, expected):
        """Writes without credentials are 401; with a read-only token 403; nothing changes."""
        client = request.getfixturevalue(who)
        before = self.model.objects.count()
        obj = self.any_object()
        assert client.post(self.list_url(), self.get_create_data(world), format="json").status_code == expected
        assert client.patch(self.detail_url(obj), self.update_data, format="json").status_code == expected
        assert client.delete(self.detail_url(obj)).status_code == expected
        assert self.model.objects.count() == before

    def test_curator_creates_and_changes_but_cannot_delete(self, world, curator):
        """A curator's token creates (201) and changes (200) records, through full validation; deleting is 403."""
        if not self.writable:
            assert curator.post(self.list_url(), {}, format="json").status_code == 405
            return
        response = curator.post(self.list_url(), self.get_create_data(world), format="json")
        assert response.status_code == 201, response.content
        created = self.model.objects.get(pk=response.json()["id"])
        assert response["ETag"] == f'"{created.version}"'
        response = curator.patch(
            self.detail_url(created), self.update_data, format="json", HTTP_IF_MATCH=response["ETag"]
        )
        assert response.status_code == 200, response.content
        for name, value in self.update_data.items():
            assert response.json()[name] == value
        assert response["ETag"] == f'"{created.version + 1}"'
        assert (
            curator.delete(self.detail_url(created), **if_match(curator, self.detail_url(created))).status_code == 403
        )
        assert self.model.objects.filter(pk=created.pk).exists()

    def test_put_back_what_was_read_changes_nothing(self, world, curator):
        """A record's JSON, PUT back as read (summaries, date and quantity objects included), is accepted unchanged."""
        obj = self.any_object()
        read = curator.get(self.detail_url(obj))
        before = read.json()
        if not self.writable:
            assert curator.put(self.detail_url(obj), before, format="json").status_code == 405
            return
        response = curator.put(self.detail_url(obj), before, format="json", HTTP_IF_MATCH=read["ETag"])
        assert response.status_code == 200, response.content
        after = response.json()
        assert {k: v for k, v in after.items() if k != "last_updated"} == {
            k: v for k, v in before.items() if k != "last_updated"
        }

    def test_deleting_needs_the_delete_permission(self, world, curator, deleter):
        """A token with the delete permission deletes (204) a record nothing refers to."""
        if not self.writable:
            assert deleter.delete(self.detail_url(self.any_object())).status_code == 405
            return
        created = curator.post(self.list_url(), self.get_create_data(world), format="json").json()
        obj = self.model.objects.get(pk=created["id"])
        assert deleter.delete(self.detail_url(obj), **if_match(deleter, self.detail_url(obj))).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()

    # --- strict writes: nothing sent is ignored -------------------------------------------------------------------

    def read_only_fields(self):
        return [name for name, field in self.serializer().fields.items() if field.read_only]

    def test_unknown_fields_are_refused(self, world, curator):
        """A POST or PATCH with a key the resource does not have is a 400 naming it; nothing is written."""
        if not self.writable:
            assert curator.post(self.list_url(), {"no_such_field": 1}, format="json").status_code == 405
            return
        obj = self.any_object()
        before, version = table_counts(), obj.version
        body = {**self.get_create_data(world), "no_such_field": 1}
        response = curator.post(self.list_url(), body, format="json")
        assert response.status_code == 400, response.content
        assert response.json() == {"no_such_field": ["Unknown field."]}
        url = self.detail_url(obj)
        response = curator.patch(url, {**self.update_data, "no_such_field": 1}, format="json", **if_match(curator, url))
        assert response.status_code == 400, response.content
        assert response.json() == {"no_such_field": ["Unknown field."]}
        assert table_counts() == before
        obj.refresh_from_db()
        assert obj.version == version

    def test_read_only_fields_refuse_changed_values(self, world, curator):
        """
        Each read-only field (id, url, timestamps, derived values), sent with a value other than the record's, is a
        400 naming it, in a PATCH and in a POST (where there is no record to echo); nothing is written.
        """
        read_only = self.read_only_fields()
        assert {"id", "url"} <= set(read_only)
        if not self.writable:
            return
        obj = self.any_object()
        url = self.detail_url(obj)
        shown = curator.get(url).json()
        before, version = table_counts(), obj.version
        for name in read_only:
            response = curator.patch(url, {name: CHANGED}, format="json", **if_match(curator, url))
            assert response.status_code == 400, (name, response.content)
            assert list(response.json()) == [name]
            assert "not writable" in response.json()[name][0]
            body = {**self.get_create_data(world), name: shown.get(name, CHANGED)}
            response = curator.post(self.list_url(), body, format="json")
            assert response.status_code == 400, (name, response.content)
            assert list(response.json()) == [name]
        assert table_counts() == before
        obj.refresh_from_db()
        assert obj.version == version

    def test_read_only_fields_sent_back_unchanged_are_accepted(self, world, curator):
        """A PATCH echoing every read-only field as read, with a change beside them, applies the change."""
        if not self.writable:
            return
        obj = self.any_object()
        url = self.detail_url(obj)
        read = curator.get(url)
        echo = {name: read.json()[name] for name in self.read_only_fields() if name in read.json()}
        response = curator.patch(url, {**echo, **self.update_data}, format="json", HTTP_IF_MATCH=read["ETag"])
        assert response.status_code == 200, response.content
        for name, value in self.update_data.items():
            assert response.json()[name] == value
