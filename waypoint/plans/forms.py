"""One form for both plans, staff or portal: a box per section, one short item per line."""

from django import forms
from django.utils.translation import gettext, gettext_noop

from waypoint.plans import guide

# Plain English; translated when the form is made (a Spanish-speaking client's portal form).
REQUIRED_MESSAGE = gettext_noop("Write at least one item: a complete plan needs this section.")


def split_items(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PlanForm(forms.Form):
    """Sections of one plan kind; `sections` limits the form to those (the client's share).

    `client_may_edit` (the checkboxes of which sections the client may edit) is staff-only.
    """

    def __init__(self, *args, kind: str, sections=None, current=None, staff=True, plan=None, **kw):
        super().__init__(*args, **kw)
        self.plan_guide = guide.guide(kind)
        stored = current.sections() if current else {}
        wanted = set(sections) if sections is not None else None
        for section in self.plan_guide.sections:
            if wanted is not None and section.key not in wanted:
                continue
            self.fields[section.key] = forms.CharField(
                label=section.title,
                required=section.required,
                help_text=gettext("One per line. %(example)s") % {"example": section.prompt},
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": 3000}),
                error_messages={"required": gettext(REQUIRED_MESSAGE)},
                initial="\n".join(stored.get(section.key, [])),
            )
        if staff:
            self.fields["client_may_edit"] = forms.MultipleChoiceField(
                label="Sections the client may edit in the portal",
                choices=[(s.key, s.title) for s in self.plan_guide.sections],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=plan.client_may_edit if plan is not None else [],
            )

    def clean(self):
        cleaned = super().clean()
        for section in self.plan_guide.sections:
            if section.key not in self.fields or section.key not in cleaned:
                continue
            items = split_items(cleaned[section.key])
            if section.required and not items:
                self.add_error(section.key, gettext(REQUIRED_MESSAGE))
                continue
            if len(items) > guide.MAX_ITEMS:
                self.add_error(
                    section.key,
                    gettext("Keep it to %(most)s items or fewer, one per line.")
                    % {"most": guide.MAX_ITEMS},
                )
            too_long = [i for i in items if len(i) > guide.MAX_ITEM_LENGTH]
            if too_long:
                self.add_error(
                    section.key,
                    gettext(
                        "Keep each item under %(most)s characters "
                        "(start a new line for the next one)."
                    )
                    % {"most": guide.MAX_ITEM_LENGTH},
                )
        return cleaned

    def items(self) -> dict[str, list[str]]:
        return {
            s.key: split_items(self.cleaned_data[s.key])
            for s in self.plan_guide.sections
            if s.key in self.fields
        }
