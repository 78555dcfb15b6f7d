"""`reads_like_crisis`: many phrasings both ways, in English and Spanish (accents optional)."""

import pytest

from waypoint.questions.crisis import normalize, reads_like_crisis

EN_CRISIS = [
    "I've been feeling suicidal all week and I don't know who to tell.",
    "I want to kill myself",
    "i keep thinking about killing myself after I drink",
    "How do I stop wanting to die?",
    "I think everyone would be better off without me.",
    "Sometimes I wish I was dead",
    "I'm planning to end it all tonight",
    "I don't want to live anymore",
    "There is no reason to live since she left",
    "I'm going to take my own life",
    "I cut myself again last night and it won't stop",
    "I want to overdose on purpose",
    "My friend is not breathing what do I do",
    "My boyfriend won't wake up after using",
    "He's not breathing and his lips are blue",
    "I can't wake him up, he took something",
    "She is unresponsive after smoking",
    "Her lips are turning blue right now",
    "I think my friend is overdosing",
    "I think I took too much, my heart is racing",
    "someone is overdosing in the bathroom",
    "My partner is going to kill me when he gets home, he said so",
    "He has a gun and he is threatening us",
    "I'm not safe at home tonight",
    "My husband is hitting me",
    "I am in danger and need help",
    "Life is not worth living.",
    "I can't go on like this",
    "My roommate stopped breathing",
    "He's snoring but won't respond to his name",
    "I'm not suicidal. But I do want to die.",  # the second sentence stands on its own
    "My brother keeps saying he wants to kill himself",
]

EN_NOT_CRISIS = [
    "I'm not suicidal, I just want to drink less on weekends.",
    "I have never been suicidal but my anxiety is bad",
    "No suicidal thoughts, only cravings in the evening.",
    "I'm not thinking about suicide, I want help with moderation goals",
    "I would never hurt myself, I just want safer ways to use",
    "Our team is killing it at harm reduction outreach",
    "This hangover is killing me",
    "I'm dying to know whether fentanyl test strips work on pills",
    "My mom is going to kill me if she finds out I smoke",
    "What are the signs of an overdose?",
    "How does naloxone reverse an opioid overdose?",
    "My back is killing me since I stopped taking pills",
    "I overdosed on coffee this morning, ha",
    "I don't want to die from an overdose, how do I use more safely?",
    "Is it safe to mix alcohol and benzodiazepines?",
    "How do I talk to my therapist about my use?",
    "Can I set a moderation goal for alcohol instead of stopping?",
    "Where can I get naloxone for free?",
    "What do suicide prevention programs say about drinking?",
    "Does a return to use mean I failed?",
    "How long does fentanyl stay in the body?",
    "I'm dead tired after night shifts and drink to sleep",
    "I need something to kill the time in the evenings besides drinking",
    "My friend overdosed two years ago and survived; how do I support her now?",
    "Could I die from mixing alcohol with xanax? I want to know the risks.",
    "Is kratom safe with my antidepressant?",
    "Killing it at my job, but I drink too much after work",
    "My son would never hurt himself, but he drinks a lot",
    "",
]

ES_CRISIS = [
    "Quiero suicidarme",
    "quiero suicidarme, ya no puedo más",
    "He tenido pensamientos suicidas toda la semana",
    "Me quiero matar",
    "Estoy pensando en quitarme la vida",
    "No quiero vivir más",
    "No quiero seguir viviendo así",
    "Quiero acabar con todo",
    "Mi familia estaría mejor sin mí",
    "Ojalá estuviera muerta",
    "No tengo razones para vivir",
    "Voy a hacerme daño otra vez",
    "Mi amigo no respira, ¿qué hago?",
    "mi amigo no respira que hago",
    "Mi novio no despierta después de usar",
    "No lo puedo despertar",
    "Tiene los labios azules",
    "Sus labios están morados",
    "Creo que está teniendo una sobredosis",
    "creo que tiene una sobredosis ahora mismo",
    "Está inconsciente en el baño",
    "Tomé demasiadas pastillas",
    "Mi pareja me va a matar, lo dijo hoy",
    "Tiene un cuchillo y me amenaza",
    "No estoy a salvo en mi casa",
    "Estoy en peligro",
    "Me está pegando ahora",
    "SUICIDARME es lo único que pienso",
    "Dejó de respirar hace un minuto",
    "Mi hermana dice que quiere matarse",
]

ES_NOT_CRISIS = [
    "No soy suicida, solo quiero beber menos",
    "No tengo pensamientos suicidas, pero tengo ansiedad",
    "Nunca he pensado en suicidarme, quiero ayuda con la moderación",
    "No quiero morir por una sobredosis, ¿cómo uso de forma más segura?",
    "Me muero de risa con mi terapeuta",
    "Me muero por saber si las tiras reactivas funcionan",
    "Estoy muerta de cansancio después del trabajo",
    "Mi mamá me va a matar si se entera de que fumo",
    "Este trabajo me está matando",
    "Necesito matar el tiempo por las noches",
    "¿Cuáles son las señales de una sobredosis?",
    "¿Cómo funciona la naloxona?",
    "¿Es peligroso mezclar alcohol y benzodiacepinas?",
    "¿Dónde consigo naloxona gratis?",
    "¿Cómo hablo con mi terapeuta sobre mi consumo?",
    "¿Puedo tener una meta de moderación con el alcohol?",
    "¿Las tiras reactivas detectan fentanilo en pastillas?",
    "Una recaída no significa que fracasé, ¿verdad?",
    "Mi hermano tuvo una sobredosis hace años y ahora está bien",
    "El calor me está matando",
    "¿Cuánto tiempo dura el efecto del fentanilo?",
    "Me duele la cabeza cuando dejo de beber café",
    "Quiero dejar de fumar marihuana entre semana",
    "¿Qué hago si tengo antojos por la noche?",
    "No fue una sobredosis, solo se mareó",
    "¿Es seguro el kratom con antidepresivos?",
    "Mi hermano nunca pensó en matarse, pero bebe mucho",
]


@pytest.mark.parametrize("text", EN_CRISIS)
def test_english_crisis_phrasings_read_like_crisis(text):
    assert reads_like_crisis(text, "en") is True


@pytest.mark.parametrize("text", EN_NOT_CRISIS)
def test_english_everyday_phrasings_do_not(text):
    assert reads_like_crisis(text, "en") is False


@pytest.mark.parametrize("text", ES_CRISIS)
def test_spanish_crisis_phrasings_read_like_crisis(text):
    assert reads_like_crisis(text, "es") is True


@pytest.mark.parametrize("text", ES_NOT_CRISIS)
def test_spanish_everyday_phrasings_do_not(text):
    assert reads_like_crisis(text, "es") is False


def test_enough_phrasings_each_way():
    assert min(len(EN_CRISIS), len(EN_NOT_CRISIS), len(ES_CRISIS), len(ES_NOT_CRISIS)) >= 25


@pytest.mark.parametrize(
    "text", ["Quiero suicidarme", "quiero suicidarme", "QUIERO SUICIDARMÉ", "no estoy a salvo"]
)
def test_spanish_accents_and_case_are_optional(text):
    assert reads_like_crisis(text, "es") is True


def test_unknown_language_checks_both_sets_of_rules():
    assert reads_like_crisis("mi amigo no respira", "fr") is True
    assert reads_like_crisis("I want to kill myself", "") is True
    assert reads_like_crisis("Where can I get naloxone?", "fr") is False


def test_region_codes_are_read_as_their_language():
    assert reads_like_crisis("Quiero matarme", "es-MX") is True


def test_normalize_strips_accents_and_curly_apostrophes():
    assert normalize("  Él  DIJO: “don’t”  ") == "el dijo: don't"
