"""Harm reduction therapy groups: open, low-threshold groups with a roster, sessions, attendance
and group notes.

The model is the open harm reduction therapy group (Little J. 2006, "Harm Reduction Therapy
Groups: Engaging Drinkers and Drug Users in a Process of Change" [the article's published title,
quoted exactly], J Groups Addict Recov 1(1):69-93, doi:10.1300/J384v01n01_05): no abstinence
requirement, members who use different substances and are at different stages of change, and
drop-ins from the clinic's clients welcome.

- `TherapyGroup`: a name, a topic/description, facilitators (staff). Named so as not to clash
  with `django.contrib.auth`'s Group.
- `Membership`: a chart on the roster, with join and (once they leave) leave dates.
- `GroupSession`: a date, a topic, and the **shared part** of the group note (themes, process;
  encrypted). The shared part is about the group as a whole and may name members, so it is
  never filed to any chart, record download or disclosure.
- `Attendance`: one chart at one session (present, drop-in, absent) and the **member's own part**
  of the group note (encrypted). Only this part is filed to the member's chart.

See docs/groups.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from waypoint.lib.fields import EncryptedTextField


class TherapyGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Groups a staff member may open: their organization's groups they facilitate; admins
        (who see every chart) see every group of the organization."""
        from waypoint.accounts.roles import Permission

        if not user.is_authenticated or not user.is_active or not user.is_clinic_staff:
            return self.none()
        groups = self.filter(organization_id=user.organization_id)
        if user.can(Permission.SEE_ALL_CHARTS):
            return groups
        return groups.filter(pk__in=self.model.objects.filter(facilitators=user).values("pk"))


class TherapyGroup(models.Model):
    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.CASCADE, related_name="therapy_groups"
    )
    # Staff-written labels about the group, not about a person (no client is named here).
    name = models.CharField(max_length=100)
    description = models.TextField("topic and description", blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups"
    )
    is_active = models.BooleanField("meeting", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TherapyGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="therapy_group_name_unique_per_org"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"Group #{self.pk}"


class MembershipQuerySet(models.QuerySet):
    def on(self, day):
        """Rows on the roster that day: joined on or before it, not left before it."""
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))

    def current(self):
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="memberships")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="group_memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_leaves_after_joining",
            ),
            models.UniqueConstraint(
                fields=["group", "client"],
                condition=Q(left_on__isnull=True),
                name="membership_one_open_per_group_and_chart",
            ),
        ]

    def __str__(self):
        return f"Membership #{self.pk}"

    def audit_label(self) -> str:
        return f"Group membership #{self.pk}"


class GroupSession(models.Model):
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("date")
    topic = models.CharField(max_length=150, blank=True)
    # The shared part of the group note: themes and process. Never filed to a chart.
    shared_note = EncryptedTextField("themes and process", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "held_on"], name="group_session_one_per_day")
        ]

    def __str__(self):
        return f"{self.group.name}, {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("groups-session", args=[self.group_id, self.pk])

    def audit_label(self) -> str:
        return f"Group session #{self.pk}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    DROP_IN = "drop_in", "Drop-in"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="group_attendance"
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    # The member's own part of the group note: filed to their chart, and only theirs.
    member_note = EncryptedTextField("note for this member", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "id"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"], name="attendance_one_per_session_and_chart"
            )
        ]

    def __str__(self):
        return f"Attendance #{self.pk}"

    def audit_label(self) -> str:
        return f"Group attendance #{self.pk}"
