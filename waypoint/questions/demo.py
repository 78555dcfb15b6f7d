"""Demo questions: ten answered and published (three in Spanish), one waiting, one urgent.

Written for this project. Facts: naloxone and fentanyl, FDA "Information about naloxone and
nalmefene" (2024) and SAMHSA Overdose Prevention and Response Toolkit (2023); over-the-counter
naloxone nasal spray, FDA approval of March 29, 2023; fentanyl test strips, CDC "Fentanyl test
strips: a harm reduction strategy" (2023: one line means fentanyl was found, two lines means it
was not; other drugs such as xylazine are not detected); alcohol and benzodiazepines, FDA Drug
Safety Communication on opioids and benzodiazepines (2016) and the benzodiazepine labels'
warning on alcohol; moderation limits, NIAAA *Rethinking Drinking*; tolerance after a break,
/work/shared/domain.md §5.
"""

import datetime

from django.utils import timezone

from waypoint.questions import actions
from waypoint.questions.crisis import reads_like_crisis

PUBLISHED = [
    {
        "language": "en",
        "title": "Does naloxone work on fentanyl?",
        "question": "My friends mostly use pills that might have fentanyl in them. Does "
        "naloxone still work, or is fentanyl too strong for it?",
        "answer": """\
**Yes: naloxone reverses a fentanyl overdose.** It works on every opioid, fentanyl included.

- Call your local emergency number first (911 in the US).
- Give one spray in one nostril. If there is no response after 2 to 3 minutes, give a second
  dose in the other nostril. Fentanyl overdoses sometimes need more than one.
- Give rescue breaths if you know how, or put the person in the recovery position.
- Stay with them: naloxone wears off in 30 to 90 minutes and the overdose can come back.

Naloxone does not reverse alcohol, benzodiazepines or xylazine, so call for help even after
giving it.""",
        "tags": ["naloxone", "fentanyl", "overdose"],
        "days_ago": 40,
    },
    {
        "language": "en",
        "title": "How do I use fentanyl test strips?",
        "question": "I got some fentanyl test strips from the syringe program. How do I "
        "actually use them, and what do the lines mean?",
        "answer": """\
Follow the instructions that came with your strips; most work like this:

1. Dissolve a small amount of the drug in a clean container with water. For pills, use the
   whole pill crushed, because fentanyl is not spread evenly through a pill.
2. Dip the wavy end of the strip in the water for about 15 seconds.
3. Lay it flat and wait a few minutes.

**One line means fentanyl was found. Two lines means it was not.** A negative result is not a
promise of safety: strips do not find every fentanyl-like drug or say how much there is, and
they do not detect xylazine or nitazenes. Carry naloxone and try not to use alone.""",
        "tags": ["fentanyl", "test strips"],
        "days_ago": 33,
    },
    {
        "language": "en",
        "title": "Is it dangerous to drink alcohol while taking Xanax?",
        "question": "I take alprazolam for panic attacks and sometimes drink at parties. How "
        "risky is that?",
        "answer": """\
It is one of the riskier combinations. Alcohol and benzodiazepines such as alprazolam (Xanax)
both slow breathing, and together the effect is much stronger than either alone; blackouts
and falls are common too.

If you do combine them: take less of both than you would alone, space them apart, do not mix in
opioids or other sedatives, and be with someone who knows what you took. Naloxone will not
reverse alcohol or a benzodiazepine, so if someone cannot be woken, call emergency services.

Your prescriber can talk through your dose and options with you, without judgment; it is worth
telling them that you drink.""",
        "tags": ["alcohol", "benzodiazepines", "combinations"],
        "days_ago": 27,
    },
    {
        "language": "en",
        "title": "Can my goal be to drink less instead of quitting?",
        "question": "Everyone tells me I have to stop completely. I just want to drink less "
        "during the week. Is that a real goal?",
        "answer": """\
Yes. Moderation is a real goal, and many people reach it. Harm reduction therapy starts from
what *you* want to change.

Things that help:

- **A specific limit**: how many drinks, on which days. NIAAA's *Rethinking Drinking* describes
  low-risk limits you can compare your own with.
- **A diary** of what you drink, so you and your therapist can see what works.
- **Planning the hard moments**: what you will do instead at the times you usually drink.

If moderation turns out harder than expected, that is information, not failure; you can
change the goal at any time.""",
        "tags": ["alcohol", "moderation"],
        "days_ago": 21,
    },
    {
        "language": "en",
        "title": "How do I talk to my therapist about my use?",
        "question": "I am scared that if I tell my therapist how much I really use, she will "
        "stop seeing me or tell someone. How do I bring it up?",
        "answer": """\
It is a common worry. A few things that may help:

- **Ask first how it works**: "What happens if I tell you about my drug use?" A harm
  reduction therapist expects to talk about use and will not end therapy because of it.
- **Ask about privacy.** Substance use treatment records in the US have extra protection
  (42 CFR Part 2); your therapist can explain what stays private and the rare exceptions.
- **Start with what you want help with**, not with the whole history: "I want to feel less
  anxious without drinking so much."

You decide how much to say, and when.""",
        "tags": ["therapy"],
        "days_ago": 16,
    },
    {
        "language": "en",
        "title": "Why is a break from opioids risky?",
        "question": "I have been in jail for two months and have not used. What should I "
        "know before I get out?",
        "answer": """\
**Your tolerance drops quickly during a break**, and the amount you used before can now be
enough to overdose. The weeks after release from jail, hospital or treatment carry the
highest risk.

- Use much less than before, and go slowly.
- Do not use alone; if you must, call a spotting line such as Never Use Alone
  (1-800-484-3731 in the US).
- Carry naloxone and tell someone where it is.
- Ask about methadone or buprenorphine, which lower overdose risk a lot; many programs start
  them at release.""",
        "tags": ["overdose", "tolerance", "opioids"],
        "days_ago": 11,
    },
    {
        "language": "en",
        "title": "I used again after three months. Did I fail?",
        "question": "I was doing so well and then I used again last weekend. Does that mean "
        "everything I did was for nothing?",
        "answer": """\
No. A return to use is common and it does not erase what you learned in those three months.

It can help to look at it with curiosity rather than blame: what was happening before, what
the use gave you, and what you might want to do differently next time. Bring it to your next
session; it is exactly the kind of thing therapy is for.

If you used opioids again after a break, remember that your tolerance is lower now.""",
        "tags": ["return to use", "therapy"],
        "days_ago": 7,
    },
    {
        "language": "es",
        "title": "¿Dónde consigo naloxona?",
        "question": "¿Dónde puedo conseguir naloxona? No tengo seguro médico.",
        "answer": """\
En Estados Unidos, la naloxona en aerosol nasal se vende **sin receta** en farmacias desde
2023. También se consigue **gratis** en muchos departamentos de salud y programas de reducción
de daños, y algunos la envían por correo.

Pida dos dosis: con el fentanilo a veces se necesita más de una. Guárdela a temperatura
ambiente y cuente a las personas cercanas dónde está.""",
        "tags": ["naloxona"],
        "days_ago": 30,
    },
    {
        "language": "es",
        "title": "¿Qué hago si alguien no responde después de usar opioides?",
        "question": "¿Cómo sé si mi amigo tiene una sobredosis y qué hago mientras llega la "
        "ambulancia?",
        "answer": """\
Señales de una sobredosis de opioides: no responde cuando le habla o le frota el pecho,
respira muy lento o ronca de forma extraña, y tiene los labios o las uñas azules o grises.

1. Llame al número de emergencias (911 en EE. UU.).
2. Dé una dosis de naloxona en una fosa nasal; si no responde en 2 o 3 minutos, otra dosis.
3. Dé respiraciones de rescate o póngalo de lado (posición de recuperación).
4. Quédese con él: la naloxona dura menos que muchos opioides.""",
        "tags": ["naloxona", "sobredosis"],
        "days_ago": 18,
    },
    {
        "language": "es",
        "title": "¿Puedo consumir menos en lugar de dejarlo por completo?",
        "question": "Quiero fumar menos marihuana entre semana, pero no dejarla. ¿Eso cuenta "
        "como una meta?",
        "answer": """\
Sí. En la terapia de reducción de daños, usted decide qué quiere cambiar: dejar una sustancia,
consumir menos o consumir de forma más segura son metas reales.

Ayuda ponerse una meta concreta (por ejemplo, solo los fines de semana), anotar lo que consume
y hablar con su terapeuta de los momentos difíciles. Si la meta no funciona, se puede cambiar.""",
        "tags": ["moderación", "terapia"],
        "days_ago": 4,
    },
]

PENDING = (
    "Is it safe to take gabapentin while I am on methadone? My doctor prescribed both but I "
    "feel very sleepy in the mornings."
)
URGENT = "I took too many pills an hour ago and I can't stop shaking, I am alone"


def populate(ctx) -> None:
    now = timezone.now()
    answerers = [ctx.users["clinician"], ctx.users["clinician2"], ctx.users["supervisor"]]
    for number, entry in enumerate(PUBLISHED):
        at = now - datetime.timedelta(days=entry["days_ago"])
        question = actions.receive_question(
            text=entry["question"],
            language=entry["language"],
            consent_to_publish=True,
            at=at - datetime.timedelta(days=2),
        )
        actions.answer_question(
            question,
            by=answerers[number % len(answerers)],
            answer=entry["answer"],
            publish=True,
            title=entry["title"],
            public_question=entry["question"],
            new_tags=entry["tags"],
            at=at,
        )
    actions.receive_question(
        text=PENDING, language="en", email="asker@example.org", consent_to_publish=True
    )
    actions.receive_question(
        text=URGENT, language="en", urgent=reads_like_crisis(URGENT, "en"), consent_to_publish=False
    )
