"""
The managed vocabularies in the two roles: curators add, change, delete (a term no record uses) and view terms;
researchers view them. Added to the groups 0003_roles made, without touching their other permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TERM_MODELS = [
    "eventtype",
    "quantityunit",
    "sourcetype",
    "disturbancecategory",
    "disturbancecause",
    "sitecondition",
]
ROLE_ACTIONS = {"Curator": ["add", "change", "delete", "view"], "Researcher": ["view"]}


def add_term_permissions(apps, schema_editor):
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
        codenames = [f"{action}_{model}" for model in TERM_MODELS for action in actions]
        permissions = list(Permission.objects.filter(content_type__app_label="records", codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Cannot extend the {name} group: permissions missing: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def remove_term_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    terms = Permission.objects.filter(
        content_type__app_label="records", content_type__model__in=[m for m in TERM_MODELS if m != "disturbancecause"]
    )
    for group in Group.objects.filter(name__in=ROLE_ACTIONS):
        group.permissions.remove(*terms)


class Migration(migrations.Migration):
    dependencies = [("records", "0012_vocab_terms")]

    operations = [migrations.RunPython(add_term_permissions, remove_term_permissions)]
