"""
The libraries whose internals the project leans on (the API's fast path and schema on DRF's, django-filter's and
drf-spectacular's; the admin's permission and input checks on the views and commands of django-simple-history,
django-import-export and django-axes) are capped in pyproject.toml, so that an install never takes a release the
suite has not run against: a new one is taken with `make lock`, then the suite.
"""

import tomllib

from packaging.requirements import Requirement

from . import ROOT

LEANED_ON = {
    "djangorestframework",
    "django-filter",
    "drf-spectacular",
    "django-simple-history",
    "django-import-export",
    "django-axes",
}


def test_every_library_the_project_leans_on_is_capped():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = {(r := Requirement(line)).name: r for line in project["dependencies"]}
    uncapped = [
        name
        for name in sorted(LEANED_ON)
        if not any(spec.operator in ("<", "<=", "==", "~=") for spec in requirements[name].specifier)
    ]
    assert not uncapped, f"capped below their next release in pyproject.toml: {uncapped}"
