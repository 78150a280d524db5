"""
The two roles, as groups created on every fresh database (no hand set-up).

Curator: adds, changes and views every record and citation, deletes records (their history stays) but never a
source, a citation or a damage report, runs the verification workflow and imports; no user administration.
Researcher: views only.
Re-running is harmless: the groups' permissions are set, not appended.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_MODELS = [
    "actor",
    "actoralias",
    "citation",
    "damagereport",
    "designation",
    "disturbancecause",
    "event",
    "eventfigure",
    "eventparticipant",
    "occupation",
    "period",
    "site",
    "sitename",
    "siteperiod",
    "source",
    "structure",
    "threat",
]
# Evidence is not deleted by curators. A source's text underlies every citation of it, and deleting a citation would
# silently uncite the records that rest on it: curators correct them instead. A damage report is retracted through
# the workflow (it stays visible to curators, with its history) rather than deleted.
NOT_DELETED_BY_CURATORS = {"source", "citation", "damagereport"}
WORKFLOW_PERMISSIONS = ["change_status_damagereport"]


def curator_codenames():
    codenames = []
    for model in RECORD_MODELS:
        codenames += [f"add_{model}", f"change_{model}", f"view_{model}"]
        if model not in NOT_DELETED_BY_CURATORS:
            codenames.append(f"delete_{model}")
    return codenames + WORKFLOW_PERMISSIONS


def researcher_codenames():
    return [f"view_{model}" for model in RECORD_MODELS]


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate finishes (post_migrate); on a fresh database they do not exist
    # yet, so create them now for the records app.
    # create_permissions() skips an app config without a models module, which the migration state's stub lacks.
    records = apps.get_app_config("records")
    models_module = getattr(records, "models_module", None)
    records.models_module = models_module or True
    try:
        create_permissions(records, apps=apps, verbosity=0)
    finally:
        records.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Curator", curator_codenames()), ("Researcher", researcher_codenames())):
        permissions = list(Permission.objects.filter(content_type__app_label="records", codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Cannot create the {name} group: permissions missing: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Curator", "Researcher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("records", "0002_history_and_status_workflow"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
