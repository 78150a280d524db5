"""
External identifiers and site extents in the two roles: curators add, change, delete and view them; researchers
view them. Added to the groups 0003_roles made, without touching their other permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["siteidentifier", "actoridentifier", "periodidentifier", "siteextent"]
ROLE_ACTIONS = {"Curator": ["add", "change", "delete", "view"], "Researcher": ["view"]}


def add_identifier_permissions(apps, schema_editor):
    # As in 0003_roles: on a fresh database the permissions of the new models do not exist yet.
    records = apps.get_app_config("records")
    models_module = getattr(records, "models_module", None)
    records.models_module = models_module or True
    try:
        create_permissions(records, apps=apps, verbosity=0)
    finally:
        records.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLE_ACTIONS.items():
        codenames = [f"{action}_{model}" for model in MODELS for action in actions]
        permissions = list(Permission.objects.filter(content_type__app_label="records", codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Cannot extend the {name} group: permissions missing: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def remove_identifier_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(content_type__app_label="records", content_type__model__in=MODELS)
    for group in Group.objects.filter(name__in=ROLE_ACTIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("records", "0014_identifiers_and_site_extents")]

    operations = [migrations.RunPython(add_identifier_permissions, remove_identifier_permissions)]
