"""
The API's filter backend: django-filter's, with a browsable-API filter form that never loads a whole table.

django-filter renders a foreign-key filter (`site`, `site_id`, `cause`, ...) as a <select> of every record of the
related table: on a list page of the browsable API that was one query, and one <option>, per site (10,000 of them
in the benchmark's data). Here those filters are text inputs (a slug or an id, as the API takes them); filters with
a fixed vocabulary (severity, country) keep their drop-downs, which cost no query.
"""

from django import forms
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for field in filterset.form.fields.values():
            if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
                field.widget = forms.TextInput(attrs={"placeholder": "slug or id"})
        return loader.get_template(self.template).render({"filter": filterset}, request)
