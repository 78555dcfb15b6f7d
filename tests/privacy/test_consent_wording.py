"""The consent's and the notice's legal wording, pinned to the regulation's text (issue #8).

Sources (stored copies of the eCFR text, 42 CFR part 2 as amended by the 2024 final rule,
89 FR 12472, Feb. 16, 2024):
- § 2.31(a)(4)(iii) and (a)(5): govregs.com, title42_chapterI_part2_subpartC_section2.31
  (a verbatim copy of the eCFR section); the carve-out also appears in § 2.33(b)(1).
- § 2.32(a)(1) Statement 1, opening paragraph: compliancecosmos.org, "§ 2.32 Notice and copy of
  consent to accompany disclosure" (verbatim). Items (i)-(iii) and the closing sentence could
  not be read in an official copy in this session; they match, word for word, two independent
  implementations of the 2024 Statement 1 (see docs/privacy.md, "Redisclosure notice").
"""

import pytest
from django.urls import reverse

from waypoint.privacy import notice
from waypoint.privacy.models import Purpose, RecipientKind

# 42 CFR 2.31(a)(4)(iii) (2024), verbatim.
RULE_2_31_A_4_III = (
    "(iii) Special instructions when designating certain recipients. If the recipient is a "
    "covered entity or business associate to whom a record (or information contained in a "
    "record) is disclosed for purposes of treatment, payment, or health care operations, a "
    "written consent must include the statement that the patient's record (or information "
    "contained in the record) may be redisclosed in accordance with the permissions contained "
    "in the HIPAA regulations, except for uses and disclosures for civil, criminal, "
    "administrative, and legislative proceedings against the patient."
)
# 42 CFR 2.33(b)(1) (2024), verbatim: the same carve-out, from the recipient's side.
RULE_2_33_B_1 = (
    "When disclosed for treatment, payment, and health care operations activities to a covered "
    "entity or business associate, such recipient may further disclose those records in "
    "accordance with the HIPAA regulations, except for uses and disclosures for civil, "
    "criminal, administrative, and legislative proceedings against the patient."
)
# 42 CFR 2.32(a)(1) Statement 1 (2024), opening paragraph, verbatim.
RULE_2_32_STATEMENT_1_LEAD = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies:"
)


def test_tpo_statement_is_the_rules_own_words():
    required = RULE_2_31_A_4_III.split("must include the statement that ")[1]
    assert required[0].upper() + required[1:] == notice.TPO_REDISCLOSURE_STATEMENT
    assert "except for uses and disclosures for civil, criminal, administrative, and " in (
        notice.TPO_REDISCLOSURE_STATEMENT
    )
    assert RULE_2_33_B_1.endswith(notice.TPO_REDISCLOSURE_STATEMENT.split("HIPAA regulations, ")[1])
    assert notice.TPO_REDISCLOSURE_CITATION.startswith("42 CFR 2.31(a)(4)(iii)")


def test_tpo_purpose_uses_the_rules_wording():
    # 42 CFR 2.31(a)(5)(ii): 'The statement, "for treatment, payment, and health care
    # operations" is a sufficient description of the purpose ...'
    assert Purpose.TPO.label == "For treatment, payment, and health care operations"
    assert "treatment, payment, and health care operations" in notice.REDISCLOSURE_RISK_STATEMENT


def test_notice_statement_1_lead_is_verbatim():
    assert notice.REDISCLOSURE_NOTICE_LEAD == RULE_2_32_STATEMENT_1_LEAD
    assert notice.REDISCLOSURE_NOTICE.startswith(RULE_2_32_STATEMENT_1_LEAD + "\n(i) ")
    assert notice.REDISCLOSURE_NOTICE_TAIL.endswith("(see 42 CFR 2.31).")


@pytest.mark.parametrize(
    "fields,shown",
    [
        ({"purpose": Purpose.TREATMENT}, True),
        ({"purpose": Purpose.TPO}, True),
        ({"purpose": Purpose.OTHER, "purpose_detail": "My court date"}, False),
        ({"purpose": Purpose.CLIENT_REQUEST}, False),
        (
            {
                "purpose": Purpose.CLIENT_REQUEST,
                "recipient_kind": RecipientKind.TREATING_PROVIDERS,
                "recipient_name": "",
            },
            True,
        ),
    ],
)
def test_consent_carries_the_statement_when_the_rule_requires(make_consent, fields, shown):
    consent = make_consent(**fields)
    assert consent.needs_tpo_redisclosure_statement is shown
    assert consent.tpo_redisclosure_statement == (
        notice.TPO_REDISCLOSURE_STATEMENT if shown else ""
    )


def test_portal_sign_page_shows_statement_with_citation(login, client_user, make_consent):
    consent = make_consent(signed=False, sent=True, purpose=Purpose.TPO)
    page = login(client_user).get(reverse("privacy-portal-sign", args=[consent.pk]))
    html = page.content.decode()
    assert "except for uses and disclosures for civil, criminal, administrative, and" in html
    assert "42 CFR 2.31(a)(4)(iii)" in html


def test_staff_consent_page_and_record_part_show_statement(
    login, clinician, client_chart, make_consent
):
    consent = make_consent(purpose=Purpose.TREATMENT)
    page = login(clinician).get(consent.get_absolute_url())
    assert "legislative proceedings against the patient" in page.content.decode()
    from waypoint.privacy.records import build_parts

    (part,) = [p for p in build_parts(client_chart) if p.key == "consents"]
    assert part.data[0]["redisclosure"] == notice.TPO_REDISCLOSURE_STATEMENT
