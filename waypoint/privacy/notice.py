"""The notice that must accompany every disclosure, and the statements a consent must carry.

Text of 42 CFR 2.32(a)(1), "Statement 1", as amended by the 2024 final rule (HHS, "Confidentiality
of Substance Use Disorder (SUD) Patient Records", 89 FR 12472, February 16, 2024; effective
April 16, 2024). The regulation allows the short Statement 2 instead; Waypoint always prints the
full Statement 1 because it also tells the recipient what they may and may not do. Federal
regulation text is in the public domain; it is reproduced verbatim and must not be paraphrased.
Have counsel compare it with the current eCFR text when the rule changes.

42 CFR 2.32(b) (2024) also requires each disclosure made with consent to carry a copy of the
consent or a clear explanation of its scope: the disclosure document prints the consent's scope.
"""

from django.utils.translation import gettext_noop

REDISCLOSURE_NOTICE_CITATION = "42 CFR 2.32(a)(1), as amended 89 FR 12472 (Feb. 16, 2024)"

REDISCLOSURE_NOTICE_LEAD = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony "
    "that describes the information contained in this record, in any civil, criminal, "
    "administrative, or legislative proceedings by any Federal, State, or local authority, "
    "against the patient, unless authorized by the consent of the patient, except as provided at "
    "42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any other use or disclosure of this "
    "record unless at least one of the following applies:"
)

REDISCLOSURE_NOTICE_ITEMS = (
    "Further use or disclosure is expressly permitted by the written consent of the individual "
    "whose information is being disclosed in this record or as otherwise permitted by 42 CFR "
    "part 2.",
    "You are a covered entity or business associate and have received the record for treatment, "
    "payment, or health care operations, or",
    "You have received the record from a covered entity or business associate as permitted by "
    "45 CFR part 164, subparts A and E.",
)

REDISCLOSURE_NOTICE_TAIL = (
    "A general authorization for the release of medical or other information is NOT sufficient "
    "to meet the required elements of written consent to further use or redisclose the record "
    "(see 42 CFR 2.31)."
)

# The whole notice as plain text (CSV exports, tests, anything that is not HTML).
REDISCLOSURE_NOTICE = "\n".join(
    [
        REDISCLOSURE_NOTICE_LEAD,
        *(
            f"({n}) {item}"
            for n, item in zip(("i", "ii", "iii"), REDISCLOSURE_NOTICE_ITEMS, strict=True)
        ),
        REDISCLOSURE_NOTICE_TAIL,
    ]
)

# 42 CFR 2.31(a)(4)(iii), as amended 89 FR 12472 (Feb. 16, 2024): "If the recipient is a covered
# entity or business associate to whom a record (or information contained in a record) is
# disclosed for purposes of treatment, payment, or health care operations, a written consent
# must include the statement that the patient's record (or information contained in the record)
# may be redisclosed in accordance with the permissions contained in the HIPAA regulations,
# except for uses and disclosures for civil, criminal, administrative, and legislative
# proceedings against the patient." The statement is the regulation's own words, verbatim.
TPO_REDISCLOSURE_CITATION = "42 CFR 2.31(a)(4)(iii), as amended 89 FR 12472 (Feb. 16, 2024)"
TPO_REDISCLOSURE_STATEMENT = (
    "The patient's record (or information contained in the record) may be redisclosed in "
    "accordance with the permissions contained in the HIPAA regulations, except for uses and "
    "disclosures for civil, criminal, administrative, and legislative proceedings against the "
    "patient."
)

# Statements shown to the client with every consent they sign (42 CFR 2.31(a)(6) and (a)(10)).
# Waypoint's own words (not the regulation's), so the portal shows them in the client's
# language (`privacy.portal`); the consent document and staff pages keep the English.
REVOCATION_STATEMENT = gettext_noop(
    "You may revoke (cancel) this consent at any time, except for information already shared "
    "because we relied on it. Revoke it on your page in the portal (the “Revoke” button) or "
    "tell your care team in writing."
)
REDISCLOSURE_RISK_STATEMENT = gettext_noop(
    "Information shared under this consent may be shared again by the recipient and may no "
    "longer be protected by 42 CFR part 2 (for example, once a health care provider or health "
    "plan receives it for treatment, payment, and health care operations, HIPAA rules apply, "
    "except that it may not be used against you in civil, criminal, administrative, or "
    "legislative proceedings)."
)
REFUSAL_STATEMENT = gettext_noop(
    "You do not have to sign. Your care with us does not depend on it: if you do not sign, we "
    "will not share this information with the recipient, and they may not be able to coordinate "
    "with us about your care."
)
