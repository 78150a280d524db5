"""Helpers for the admin tests: users in each role, and records made quickly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from heritage.records.models import DamageReport, DisturbanceCause, Site, Threat

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


def a_cause():
    return DisturbanceCause.objects.get_or_create(
        slug="test-cause", defaults={"label": "Test cause", "category_id": "military-armed-conflict"}
    )[0]


def make_damage_reports(count, *, site=None, cause=None, status="reported"):
    site = site or make_sites(1, prefix="damaged")[0]
    cause = cause or a_cause()
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


def make_threats(count, *, site=None, status="reported"):
    site = site or make_sites(1, prefix="threatened")[0]
    threats = []
    for i in range(count):
        threat = Threat(
            slug=f"threat-{site.slug}-{i}",
            site=site,
            cause=a_cause(),
            endangers="site",
            certainty="low",
            observed=f"2016-{i % 12 + 1:02d}",
            status=status,
        )
        threat.save()
        threats.append(threat)
    return threats


def make_records(model, count, **kwargs):
    """`count` uncited damage reports or threats (`model`), reported unless `status` says otherwise."""
    return (make_damage_reports if model is DamageReport else make_threats)(count, **kwargs)
