"""Encrypt every account's email (found by a keyed hash from now on) and drop client names.

The data step reads and writes the raw column: the field type now expects a Fernet token, and
existing rows still hold the address in clear.
"""

import waypoint.lib.fields
from django.db import migrations, models

PURPOSE = "account-email"


def encrypt_emails(apps, schema_editor):
    from waypoint.lib.encryption import blind_index, encrypt

    connection = schema_editor.connection
    table = schema_editor.quote_name("accounts_user")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, email FROM {table}")  # noqa: S608  # nosec B608 - fixed table name, values as parameters
        rows = cursor.fetchall()
        for pk, email in rows:
            if not email or email.startswith("gAAAAA"):
                continue
            cursor.execute(
                f"UPDATE {table} SET email = %s, email_digest = %s WHERE id = %s",  # noqa: S608  # nosec B608 - fixed table name, values as parameters
                [encrypt(email), blind_index(email, purpose=PURPOSE), pk],
            )
        # A client account shows the chart's (encrypted) name; it keeps none of its own.
        cursor.execute(f"UPDATE {table} SET full_name = '' WHERE role = 'client'")  # noqa: S608  # nosec B608 - fixed table name, values as parameters


def decrypt_emails(apps, schema_editor):
    from waypoint.lib.encryption import decrypt

    connection = schema_editor.connection
    table = schema_editor.quote_name("accounts_user")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, email FROM {table}")  # noqa: S608  # nosec B608 - fixed table name, values as parameters
        for pk, email in cursor.fetchall():
            if email and email.startswith("gAAAAA"):
                cursor.execute(
                    f"UPDATE {table} SET email = %s, email_digest = NULL WHERE id = %s",  # noqa: S608  # nosec B608 - fixed table name, values as parameters
                    [decrypt(email), pk],
                )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('clinics', '0002_require_staff_two_factor_default'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='user',
            options={'ordering': ['full_name', 'id']},
        ),
        migrations.AddField(
            model_name='user',
            name='email_digest',
            field=waypoint.lib.fields.BlindIndexField(editable=False, max_length=32, null=True, purpose='account-email', source='email', unique=True),
        ),
        migrations.AlterField(
            model_name='user',
            name='email',
            field=waypoint.lib.fields.EncryptedEmailField(digest_field='email_digest', max_length=254, unique=True, verbose_name='email address'),
        ),
        migrations.AlterField(
            model_name='user',
            name='full_name',
            field=models.CharField(blank=True, help_text='Staff only', max_length=150),
        ),
        migrations.RunPython(encrypt_emails, decrypt_emails),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'client'), _negated=True), ('full_name', ''), _connector='OR'), name='client_account_has_no_clear_name'),
        ),
    ]
