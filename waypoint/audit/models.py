"""The audit trail: an append-only, HMAC-chained record of every access to client data.

Rows store ids and labels rather than foreign keys, so that deleting or purging a record never
breaks its history. Labels never contain clinical content or names of clients: the object label
is a chart number or a record type. Field values of changes live in django-simple-history tables,
whose columns keep the encrypted field types; the audit row names only which fields changed.

Each row links to the one before: `entry_hash` is an HMAC-SHA256, under the key named by
`key_id` (from AUDIT_HMAC_KEYS, kept outside the database), of the previous row's hash and this
row's canonical content. Rows written before the upgrade have an empty `key_id` and a plain
SHA-256, which anyone who can write to the database could recompute (docs/security.md).
"""

import hashlib
import hmac
import json

from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"
    DISCLOSE = "disclose", "Disclosed"
    DENIED = "denied", "Access denied"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    ACCOUNT = "account", "Account change"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("audit events are append-only")

    def delete(self):
        raise TypeError("audit events are append-only")

    def for_client(self, client_id: int):
        return self.filter(client_id=client_id)

    def for_organization(self, organization_id: int):
        return self.filter(organization_id=organization_id)


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True)
    # Id of the AUDIT_HMAC_KEYS key that links this row; "" = legacy SHA-256 (before HMAC).
    key_id = models.CharField(max_length=32, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")

    def canonical_payload(self) -> bytes:
        fields = {
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "actor_role": self.actor_role,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "client_id": self.client_id,
            "detail": self.detail,
            "ip_address": self.ip_address,
            "path": self.path,
        }
        if self.key_id:  # legacy rows were hashed without it; keyed rows cover their key id
            fields["key_id"] = self.key_id
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC-SHA256 under `key` of the previous hash and this row; None: legacy SHA-256."""
        message = self.previous_hash.encode() + self.canonical_payload()
        if key is None:
            return hashlib.sha256(message).hexdigest()
        return hmac.new(key, message, hashlib.sha256).hexdigest()
