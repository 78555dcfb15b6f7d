"""Demo library: two book reviews, five published explainers and a draft, written for this project.

Book facts checked against the publisher's catalogue (Guilford Press): Denning & Little,
*Practicing Harm Reduction Psychotherapy*, 2nd ed., 2012, ISBN 978-1-4625-0216-5; *Over the
Influence*, 2nd ed., 2017, ISBN 978-1-4625-2864-6. Both ISBN-13 check digits pass
(tests/library/test_isbn.py). Naloxone facts: FDA, "Information about naloxone and nalmefene"
(2024) and SAMHSA Overdose Prevention and Response Toolkit (2023); see /work/shared/domain.md.
Standard drink: NIAAA, "What is a standard drink?" (14 g of alcohol). Spotting lines and test
strips: /work/shared/domain.md (harm reduction practices; crisis and overdose lines).
"""

from django.utils import timezone

from waypoint.library import actions
from waypoint.library.models import Article, BookReview, Topic

TOPICS = [
    ("What harm reduction is", "what-harm-reduction-is", "The basics, for anyone new to it."),
    ("Safer use", "safer-use", "Keeping safe while using: naloxone, never using alone, checking."),
    ("Moderation", "moderation", "Using less, on your own terms and limits."),
    ("Finding a therapist", "finding-a-therapist", "What to ask, and what good help looks like."),
    ("For clinicians", "for-clinicians", "Reading for therapists and counselors."),
]
ITEM_TOPICS = {
    "practicing-harm-reduction-psychotherapy": ["for-clinicians", "what-harm-reduction-is"],
    "over-the-influence": ["moderation", "what-harm-reduction-is", "safer-use"],
    "what-is-harm-reduction": ["what-harm-reduction-is"],
    "naloxone-basics": ["safer-use"],
    "finding-a-harm-reduction-therapist": ["finding-a-therapist", "what-harm-reduction-is"],
    "safer-use-basics": ["safer-use"],
    "moderation-on-your-own-terms": ["moderation"],
    "xylazine-what-to-know": ["safer-use"],
}
# Readers' stars per page (anonymous sessions), so the rating summary has something to show.
READER_STARS = {
    "over-the-influence": [5, 5, 4, 5, 3, 4],
    "naloxone-basics": [5, 5, 5, 4],
    "what-is-harm-reduction": [4, 5, 3],
}

PHRP = """\
Patt Denning and Jeannie Little set out the model most harm reduction therapists work from:
start where the person is, treat every substance on its own terms, and let the person's own goals
lead, whether that is stopping, using less, or using more safely.

## What is in it

- **The "drug, set and setting" frame** (after Norman Zinberg): what the substance does, what
  the person brings to it, and where and with whom they use.
- **Assessment as treatment.** The first sessions are a conversation about what each substance
  does *for* the person, not only what it costs them.
- **Working with more than one substance and more than one problem**, including trauma and
  mental health, at the same time rather than in sequence.
- **Goals along a spectrum**, from no change yet to moderation to stopping, revisited as life
  changes.

## What works well

The case material is honest about setbacks, and the authors treat a return to use as something
to understand together. The chapters on the therapeutic relationship are useful for any
clinician, harm reduction or not.

## What to know

It is a clinician's book: dense in places, and written mainly for US outpatient practice. It
predates the fentanyl era, so pair it with current overdose-prevention guidance.
"""

OTI = """\
The companion book for the people Denning and Little work with: readers who use drugs or
alcohol and want to think about it without being told what to do.

## What is in it

- A plain explanation of harm reduction and why "all or nothing" fails many people.
- Worksheets for looking at what each substance gives you and what it costs, per substance.
- Practical chapters on moderation, safer use, and what to do if you decide to stop.
- A chapter for family and friends.

## What works well

It speaks to the reader as an adult. The exercises are short enough to do between appointments,
and many of our clinicians hand it to clients early on.

## What to know

Some readers will want more on specific drugs; it is about change, not pharmacology. It is not a
substitute for medical advice on withdrawal, which can be dangerous with alcohol and
benzodiazepines.
"""

WHAT_IS = """\
Harm reduction is a way of helping people who use drugs or alcohol that starts with what *they*
want, not with a rule that they must stop.

## The basics

- **Any positive change counts.** Using less, using more safely, stopping one substance but not
  another, or stopping altogether are all real goals.
- **People first.** Someone who uses drugs is a person with a life, not a diagnosis. We do not
  use labels that reduce a person to their drug use.
- **Safety now.** Having someone with you when you use, carrying naloxone and checking
  combinations keep people alive while they work out what they want.
- **Choice and pace.** Goals can change. A return to use is information about what is hard, not
  a reason to give up on someone.

## In therapy

A harm reduction therapist asks what a substance does for you, what it costs, and what you would
like to be different. You set the goal for each substance; the therapist helps you get there and
helps you keep safe on the way.
"""

NALOXONE = """\
Naloxone (brand names include Narcan) reverses an opioid overdose for a while. In the US the
nasal spray is sold without a prescription, and many pharmacies and harm reduction programs give
it away.

## Signs of an opioid overdose

- Cannot be woken, or will not respond to their name or a firm rub on the breastbone
- Slow, shallow or no breathing; snoring or gurgling sounds
- Blue or grey lips and fingertips; pinpoint pupils

## What to do

1. **Call your local emergency number** (911 in the US). Many places have Good Samaritan laws
   that protect people who call for help at an overdose.
2. **Give naloxone**: one spray into one nostril.
3. **Give rescue breaths** if you know how, or put the person on their side.
4. **Stay with them.** If there is no response after 2 to 3 minutes, give another dose.
   Naloxone can wear off before the opioids do, so the person needs watching even after they
   wake.

## Good to know

Naloxone only works on opioids, including fentanyl, but it does no harm if the overdose is from
something else, so give it when in doubt. It can bring on withdrawal; expect the person to feel
sick and upset, and keep them company.
"""

SAFER_USE = """\
Whatever you decide about using, some habits make it much less likely that you get hurt. None of
them asks you to stop.

## Never use alone

Most overdose deaths happen when nobody is there to help. If you can, use with someone you trust
who has naloxone and knows the signs of an overdose, and take turns. If you have to use alone, a
**spotting line** stays on the phone with you and sends help to your address if you stop
answering: Never Use Alone in the US, the National Overdose Response Service in Canada (numbers
on our helplines page).

## Check what you have

- **Fentanyl test strips** show whether fentanyl is in a sample of pills, powder or crystal. A
  negative strip does not prove a drug is safe, and strips do not measure how much is there.
- Some programs offer **drug checking** with a spectrometer, which can find other substances too.
- Start with a small amount of anything new, and go slowly.

## After a break, start low

Tolerance drops within days of using less or not at all: after a stay in hospital, jail or
treatment, or a stretch without. The amount you used to take can now be an overdose. Use much
less than before, and have someone with naloxone nearby.

## Mixing

Opioids, alcohol, benzodiazepines and other sedatives each slow breathing; together they can stop
it. Check a combination on this site before you mix, and leave more time between doses.

## New supplies

Your own new needles, syringes, cookers, pipes and straws every time prevent HIV, hepatitis C and
skin infections. Harm reduction programs and many pharmacies give them out, along with naloxone.
"""

MODERATION = """\
Moderation means using less, or less often, on limits you set yourself. It is a real goal in
harm reduction therapy, not a step on the way to something else, and it can be set for one
substance while another goal stays in place for the next.

## Setting your own limits

- **Pick the numbers yourself**: how much on a day you use, and how many days a week. For alcohol,
  a standard drink is the unit (in the US, 14 grams of alcohol: a 12-ounce beer, a 5-ounce glass
  of wine, or a 1.5-ounce shot).
- **Plan the situations**: where, with whom, and what you will do instead when a limit is reached.
- **Count, at least for a while.** A one-minute daily check-in shows what is happening, and shows
  every day you kept to your plan.

## When a day goes over

A day over the limit is information, not failure. Look at what was different: the people, the
place, the feelings, the time of day. Many people adjust the plan, and some decide that for a
particular substance, stopping is easier than cutting down. Both are your choice.

## When moderation is not safe

With some health conditions, in pregnancy, with certain medications, or after alcohol withdrawal
with seizures, even small amounts carry real risk. Stopping alcohol suddenly after heavy daily
drinking can be dangerous: talk to a doctor first.
"""

FINDING = """\
A harm reduction therapist works with you on the goals you choose, substance by substance, and
does not require you to stop using before you can get help.

## Questions to ask before a first appointment

1. **"Do I have to stop using to work with you?"** A harm reduction therapist will say no.
2. **"How do you decide on goals?"** Listen for: together, and they can change.
3. **"What happens if I use more than I planned?"** A good answer treats it as something to
   understand together, not a reason to end therapy.
4. **"Do you work with mental health and medications too?"** Many people live with depression,
   anxiety or trauma alongside their substance use; it helps when one person sees the whole
   picture and talks with your prescriber.
5. **"Who sees my records?"** In the US, substance use treatment records have extra legal
   protection (42 CFR Part 2): they should not be shared without your written consent, except in
   a few situations the therapist can explain.

## Where to look

Ask a local harm reduction program or syringe services program whom they trust. Look for
therapists who name harm reduction or "moderation" in their approach, and who offer a short
first call. Be wary of any "helpline" that will not say who answers it: some are paid to send
callers to particular treatment centers. Our helplines page says who answers each line.
"""


# The items in the order they are saved (their ids follow it). `days_ago`: published that many
# days before the demo is built; None: a draft.
REVIEWS = [
    dict(
        title="Practicing Harm Reduction Psychotherapy",
        slug="practicing-harm-reduction-psychotherapy",
        authors="Patt Denning and Jeannie Little",
        publisher="Guilford Press",
        year=2012,
        edition="2nd edition",
        isbn="9781462502165",
        publisher_url="https://www.guilford.com/books/Practicing-Harm-Reduction-Psychotherapy/Denning-Little/9781462502165",
        reviewer="Luis Romero",
        reviewer_credentials="LMFT, harm reduction therapist",
        rating=5,
        audience="Therapists, counselors and students who work with people who use drugs",
        summary=(
            "The standard clinical text on harm reduction therapy: integrative, practical, "
            "and respectful of the people it describes."
        ),
        body=PHRP,
        days_ago=40,
    ),
    dict(
        title="Over the Influence",
        slug="over-the-influence",
        authors="Patt Denning and Jeannie Little",
        publisher="Guilford Press",
        year=2017,
        edition="2nd edition",
        isbn="9781462528646",
        publisher_url="https://www.guilford.com/books/Over-the-Influence/Denning-Little/9781462528646",
        reviewer="Maya Chen",
        reviewer_credentials="LCSW",
        rating=4,
        audience="People who use drugs or alcohol, and their families and friends",
        summary=(
            "A self-help book that treats the reader as an adult: worksheets for working out "
            "your own goals, substance by substance."
        ),
        body=OTI,
        days_ago=25,
    ),
]
ARTICLES = [
    dict(
        title="What is harm reduction?",
        slug="what-is-harm-reduction",
        authors="Sam Okafor, PsyD",
        audience="Anyone: people who use drugs, families, and professionals new to it",
        summary="Help that starts from what you want, with safety along the way.",
        body=WHAT_IS,
        days_ago=60,
    ),
    dict(
        title="Naloxone basics: reversing an opioid overdose",
        slug="naloxone-basics",
        authors="Maya Chen, LCSW",
        audience="Anyone who uses opioids or is around people who do",
        summary="How to spot an opioid overdose and use naloxone nasal spray, step by step.",
        body=NALOXONE,
        days_ago=10,
    ),
    dict(
        title="Finding a harm reduction therapist",
        slug="finding-a-harm-reduction-therapist",
        authors="Luis Romero, LMFT",
        audience="People looking for a therapist, and the people who care about them",
        summary="Questions to ask before you book a first appointment, and where to look.",
        body=FINDING,
        days_ago=5,
    ),
    dict(
        title="Safer use: habits that keep you alive",
        slug="safer-use-basics",
        authors="Maya Chen, LCSW",
        audience="People who use drugs, and anyone who uses with them",
        summary="Never use alone, check what you have, start low after a break, new supplies.",
        body=SAFER_USE,
        days_ago=18,
    ),
    dict(
        title="Moderation: using less, on your own terms",
        slug="moderation-on-your-own-terms",
        authors="Sam Okafor, PsyD",
        audience="Anyone thinking about cutting down on alcohol or another drug",
        summary="Setting your own limits, planning the situations, and what a day over means.",
        body=MODERATION,
        days_ago=32,
    ),
    dict(
        title="Xylazine: what to know (draft)",
        slug="xylazine-what-to-know",
        authors="Maya Chen, LCSW",
        audience="People who use opioids",
        summary="What xylazine is, why naloxone still matters, and wound care.",
        body="Draft: waiting for the wound-care section.",
        days_ago=None,
    ),
]


def _item(model, now, *, days_ago, **fields):
    if days_ago is None:
        return model(published=False, **fields)
    return model(published=True, published_at=now - timezone.timedelta(days=days_ago), **fields)


def populate(ctx):
    admin = ctx.users["admin"]
    editor = ctx.users["clinician2"]
    actions.grant_editor(editor, by=admin)
    now = timezone.now()
    items = [_item(BookReview, now, **fields) for fields in REVIEWS] + [
        _item(Article, now, **fields) for fields in ARTICLES
    ]
    topics = {
        slug: Topic.objects.create(name=name, slug=slug, description=description)
        for name, slug, description in TOPICS
    }
    for item in items:
        item.full_clean()
        actions.save_item(
            item,
            by=editor if item.kind == "review" else admin,
            topics=[topics[slug] for slug in ITEM_TOPICS.get(item.slug, [])],
        )
    # A second revision, so the history page shows a change.
    naloxone = next(i for i in items if i.slug == "naloxone-basics")
    naloxone.summary = "How to spot an opioid overdose and give naloxone nasal spray, step by step."
    actions.save_item(naloxone, by=admin)
    for item in items:
        for n, stars in enumerate(READER_STARS.get(item.slug, [])):
            actions.rate_item(item, stars=stars, session_key=f"demo-reader-{item.slug}-{n}")
