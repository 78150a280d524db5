"""Helpers for the admin tests: users in each role, and records made quickly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from heritage.records.models import DamageReport, DisturbanceCause, Site

PASSWORD = "a-test-password-of-no-value"


def make_user(username, *, group=None, superuser=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username=username, password=PASSWORD, email=f"{username}@example.org")
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_sites(count, *, prefix="site"):
    return Site.objects.bulk_create(
        Site(slug=f"{prefix}-{i}", name=f"Site {i}", kind="monument", country="SY") for i in range(count)
    )


def make_damage_reports(count, *, site=None, cause=None, status="reported"):
    site = site or make_sites(1, prefix="damaged")[0]
    cause = (
        cause
        or DisturbanceCause.objects.get_or_create(
            slug="test-cause", defaults={"label": "Test cause", "category_id": "military-armed-conflict"}
        )[0]
    )
    reports = []
    for i in range(count):
        report = DamageReport(
            slug=f"report-{site.slug}-{i}",
            site=site,
            cause=cause,
            severity="possibly_damaged",
            certainty="low",
            occurred=f"2015-{i % 12 + 1:02d}",
            status=status,
        )
        report.save()
        reports.append(report)
    return reports
