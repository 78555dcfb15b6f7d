"""The medications page of a chart and its add/edit forms (staff), and the person's own
read-only list in the portal."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import client_required, staff_required
from waypoint.clients.access import get_client_for_user, portal_client_for_user
from waypoint.medications import actions
from waypoint.medications.forms import (
    AllergyForm,
    CoordinationNoteForm,
    DiagnosisForm,
    MedicationForm,
)
from waypoint.medications.models import Medication


@require_GET
@staff_required
def medication_list(request, pk):
    access = get_client_for_user(request.user, pk, page="medications")
    client = access.client
    today = client.organization.today()
    medications = list(client.medications.order_by("-started_on", "-id"))
    return TemplateResponse(
        request,
        "medications/medication_list.html",
        {
            "client": client,
            "current": [m for m in medications if m.is_current_on(today)],
            "past": [m for m in medications if not m.is_current_on(today)],
            "diagnoses": list(client.diagnoses.all()),
            "allergies": list(client.allergies.all()),
            "coordination": list(client.prescriber_contacts.all()),
            "can_write": access.can_write,
        },
    )


# (form class, action, heading, success message) per kind of entry.
ADD_FORMS = {
    "medication": (
        MedicationForm,
        actions.add_medication,
        "Add a medication",
        "Medication added.",
    ),
    "diagnosis": (DiagnosisForm, actions.add_diagnosis, "Add a diagnosis", "Diagnosis added."),
    "allergy": (AllergyForm, actions.add_allergy, "Add an allergy", "Allergy added."),
    "coordination": (
        CoordinationNoteForm,
        actions.add_coordination_note,
        "Note a contact with a prescriber",
        "Coordination note added.",
    ),
}
DATE_FIELD = {
    "medication": "started_on",
    "diagnosis": "noted_on",
    "allergy": "noted_on",
    "coordination": "occurred_on",
}


def _add(request, pk, kind):
    client = get_client_for_user(request.user, pk, write=True, page=f"{kind} add").client
    form_class, action, heading, done = ADD_FORMS[kind]
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={DATE_FIELD[kind]: client.organization.today()},
    )
    if request.method == "POST" and form.is_valid():
        action(client, by=request.user, **form.cleaned_data)
        messages.success(request, done)
        return redirect("medications-list", client.pk)
    return TemplateResponse(
        request,
        "medications/entry_form.html",
        {"form": form, "client": client, "heading": heading},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def medication_add(request, pk):
    return _add(request, pk, "medication")


@require_http_methods(["GET", "POST"])
@staff_required
def diagnosis_add(request, pk):
    return _add(request, pk, "diagnosis")


@require_http_methods(["GET", "POST"])
@staff_required
def allergy_add(request, pk):
    return _add(request, pk, "allergy")


@require_http_methods(["GET", "POST"])
@staff_required
def coordination_add(request, pk):
    return _add(request, pk, "coordination")


@require_http_methods(["GET", "POST"])
@staff_required
def medication_edit(request, pk, medication_pk):
    client = get_client_for_user(request.user, pk, write=True, page="medication edit").client
    medication = get_object_or_404(Medication, pk=medication_pk, client=client)
    form = MedicationForm(request.POST if request.method == "POST" else None, instance=medication)
    if request.method == "POST" and form.is_valid():
        actions.update_medication(form.instance, by=request.user, changed_fields=form.changed_data)
        messages.success(request, "Medication updated.")
        return redirect("medications-list", client.pk)
    return TemplateResponse(
        request,
        "medications/entry_form.html",
        {"form": form, "client": client, "heading": f"Edit {medication.name}"},
    )


@require_GET
@client_required
def portal_medications(request):
    """The person's own medications (current, starting later, earlier) and allergies, read-only.

    Not shown here: diagnoses and the care team's notes of contacts with prescribers."""
    client = portal_client_for_user(request.user, page="medications")
    today = client.organization.today()
    medications = list(Medication.objects.filter(client=client).order_by("-started_on", "-id"))
    return TemplateResponse(
        request,
        "medications/portal_medications.html",
        {
            "client": client,
            "current": [m for m in medications if m.is_current_on(today)],
            "upcoming": [m for m in medications if m.started_on > today],
            "earlier": [m for m in medications if m.stopped_on and m.stopped_on < today],
            "allergies": list(client.allergies.all()),
            "today": today,
        },
    )
