"""
Tokens of DRF's `rest_framework.authtoken`, which kept each key in clear, become hashed API tokens: their keys keep
working, and no key is left in clear.

knox finds a token by the digest of the key presented, and a digest can be computed from any key, so each old key is
stored as its digest (and its first characters), with its user and creation time, expiring API_TOKEN_DAYS from this
migration like a new token. Then the old table is dropped and the authtoken app's migrations and permissions are
forgotten, as `manage.py migrate authtoken zero` would have done before the app left INSTALLED_APPS. A database that
never had the table (a new one) is left as it is. Going back keeps the hashed tokens: their keys cannot be recovered.
"""

import datetime

from django.conf import settings
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

OLD_TABLE = "authtoken_token"


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expiry = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(connection.ops.quote_name, ['key', 'user_id', 'created']))} FROM {OLD_TABLE}"
        )
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            user_id=user_id,
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            expiry=expiry,
            name="issued before tokens were hashed",
        )
        # created is set on insert (auto_now_add): keep the old token's.
        ApiToken.objects.filter(pk=token.pk).update(created=created)
    schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(OLD_TABLE)}")
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()
    # Its permissions go with its content types (admin log entries that named them keep their text).
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_api_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
