"""Does a public question read like someone in danger right now? A pure function, no ORM.

`reads_like_crisis(text, language)` is deliberately eager: a question wrongly marked urgent
costs a moderator a minute, a missed one can cost a life. It still tries not to fire on the
everyday idioms ("killing it", "me muero de risa") and on clear negations ("I'm not suicidal"),
so that the urgent mark keeps its meaning.

How it works, per language (English "en", Spanish "es"; anything else is checked with both):
1. Normalize: lower case, accents removed (so "suicidarme"/"suicidarmé", "esta"/"está" match
   alike), curly apostrophes straightened, whitespace collapsed.
2. Remove idioms and negated phrases (`_IGNORED`): "killing it", "dying to know", "not
   suicidal", "no soy suicida", "my mom is going to kill me if she finds out".
3. Look for any crisis phrase (`_CRISIS`) in what is left, in three groups: thoughts of suicide
   or self-harm, an overdose happening now (not breathing, will not wake up, blue lips), and
   danger from another person (a weapon, a threat, "I am not safe").

The phrase lists follow the warning signs in the 988 Suicide & Crisis Lifeline's "Know the
signs" (talking about wanting to die or to kill oneself, feeling there is no reason to live)
and the overdose signs in SAMHSA's Overdose Prevention and Response Toolkit (2023): not
breathing or slow breathing, unresponsive, blue or grey lips and fingertips. This is a
screening aid for a moderation queue, not an assessment; docs/public-site.md says so.
"""

import re
import unicodedata

# Phrases are regular expressions over normalized text (lower case, no accents).
_SELF = r"(?:my ?self|me)"
_PERSON = (
    r"(?:he|she|they|it|someone|somebody|my (?:friend|partner|boyfriend|girlfriend|husband|wife|"
    r"brother|sister|son|daughter|mom|dad|mother|father|roommate|cousin|buddy)|"
    r"(?:a|my) (?:friend|guy|girl|person))"
)

_CRISIS = {
    "en": [
        # Suicide and self-harm.
        r"\bsuicidal\b",
        r"\b(?:commit|committing|attempt|attempting|consider(?:ing)?|planning|plan) suicide\b",
        r"\bthinking (?:about|of) (?:suicide|killing myself|ending (?:it|my life)|dying)\b",
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) "
        r"(?:myself|himself|herself|themselves|themself)\b",
        r"\bend (?:it all|my life|things)\b",
        r"\bending (?:it all|my life|things)\b",
        r"\btake my (?:own )?life\b",
        r"\b(?:want|wanna|going|gonna|ready) (?:to )?die\b",
        r"\bwanting to die\b",
        r"\bwish i (?:was|were) dead\b",
        r"\bbetter off dead\b",
        r"\bbetter off without me\b",
        r"\b(?:no|any) reason to (?:live|go on|keep going)\b",
        r"\bdon'?t want to (?:live|be alive|be here|wake up)\b",
        r"\bdo not want to (?:live|be alive|be here|wake up)\b",
        r"\b(?:life|living) (?:is|isn'?t) (?:not )?worth (?:it|living)\b",
        r"\bnot worth living\b",
        r"\boverdos(?:e|ing) on purpose\b",
        r"\bcan'?t (?:go on|do this anymore|keep going)\b",
        # An overdose happening now.
        rf"\b{_PERSON} (?:is|isn'?t|is not|'s|s|are|aren'?t|won'?t|can'?t|will not|cannot) "
        r"(?:not )?(?:breathing|waking up|wake up|responding|moving)\b",
        r"\bnot breathing\b",
        r"\bstopped breathing\b",
        r"\bbarely breathing\b",
        r"\bwon'?t wake up\b",
        r"\bcan'?t wake (?:him|her|them|my \w+|up)\b",
        r"\bunresponsive\b",
        r"\b(?:lips|fingers|face|skin) (?:are|is|turning|turned|look|looks|going) "
        r"(?:\w+ )?(?:blue|gr[ae]y|purple)\b",
        r"\bturning blue\b",
        r"\b(?:is|are|am|i'?m|he'?s|she'?s|they'?re) (?:overdosing|od'?ing)\b",
        r"\b(?:think|thinks|scared|afraid) (?:that )?(?:i|he|she|they|my \w+) "
        r"(?:am |is |are )?(?:overdosing|overdosed|od'?d|od'?ing|took too much|took too many)\b",
        r"\b(?:overdose|overdosing|od'?ing) (?:right )?now\b",
        r"\bhaving an overdose\b",
        r"\bi (?:just )?took (?:way )?too (?:much|many)\b",
        r"\bsnoring (?:and|but) (?:won'?t|can'?t|not)\b",
        # Danger from another person.
        rf"\b{_PERSON} (?:is |'s |s )?(?:going to|gonna|will|wants to|threatened to|"
        r"threatening to|trying to|tried to) (?:kill|hurt|shoot|stab) (?:me|us)\b",
        r"\b(?:has|have|got|pulled) a (?:gun|knife|weapon)\b",
        r"\b(?:i'?m|i am|we'?re|we are) not safe\b",
        r"\b(?:i'?m|i am|we'?re|we are) (?:in danger|scared for my life|afraid for my life)\b",
        r"\b(?:hitting|beating|choking|strangling) me\b",
        r"\b(?:hit|beat|choked|strangled) me (?:again|tonight|today|right now)\b",
    ],
    "es": [
        # Suicidio y autolesión.
        r"\bsuicid(?:arme|arse|a|io|ado)\b",
        r"\bpensamientos suicidas\b",
        r"\bideas suicidas\b",
        r"\b(?:me quiero|quiero|voy a|me voy a|pienso|pensando en|pense en) "
        r"(?:matar(?:me)?|morir(?:me)?|quitarme la vida|hacerme dano|cortarme)\b",
        r"\bmatar(?:me|se)\b",
        r"\bquitarse la vida\b",
        r"\bquitarme la vida\b",
        r"\bhacerme dano\b",
        r"\bno quiero (?:vivir|seguir viviendo|estar aqui|despertar|seguir)\b",
        r"\bacabar con (?:todo|mi vida)\b",
        r"\bterminar con (?:todo|mi vida)\b",
        r"\b(?:no vale|no tiene sentido) (?:la pena )?(?:vivir|seguir)\b",
        r"\bno tengo (?:razones|motivos|razon|motivo) para vivir\b",
        r"\bestar(?:ia|ian) mejor sin mi\b",
        r"\bmejor (?:muerto|muerta)\b",
        r"\bojala (?:estuviera|estuviese) (?:muerto|muerta)\b",
        r"\bya no (?:puedo|aguanto) mas\b",
        r"\bsobredosis a proposito\b",
        # Una sobredosis ahora.
        r"\bno (?:esta )?(?:respira|respirando|despierta|reacciona|responde|se mueve)\b",
        r"\bdejo de respirar\b",
        r"\bapenas respira\b",
        r"\bno (?:lo|la|los|las|le) (?:puedo|podemos) despertar\b",
        r"\b(?:labios|dedos|cara|piel) (?:estan |esta |se (?:ven|ve|pusieron|puso) )?"
        r"(?:azul(?:es)?|morad[oa]s?|gris(?:es)?)\b",
        r"\besta (?:azul|morad[oa])\b",
        r"\b(?:esta|estoy|estan) (?:teniendo )?(?:una )?sobredosis\b",
        r"\b(?:creo|pienso|temo|tengo miedo de) que (?:tiene|tuvo|tengo|esta teniendo|le dio) "
        r"una sobredosis\b",
        r"\bsobredosis (?:ahora|ahorita|ya)\b",
        r"\b(?:se esta|me estoy) muriendo\b",
        r"\btome demasiad[oa]s?\b",
        r"\binconsciente\b",
        # Peligro por otra persona.
        r"\b(?:me|nos) (?:va|van|quiere|quieren|amenaza|amenazo|amenazan) (?:a |con )?"
        r"(?:matar|pegar|hacer dano|lastimar)\b",
        r"\b(?:me|nos) (?:esta|estan) (?:pegando|golpeando|ahorcando|amenazando)\b",
        r"\b(?:tiene|tienen|saco) (?:un|una) (?:arma|pistola|cuchillo|navaja)\b",
        r"\bno (?:estoy|estamos) (?:a salvo|segur[oa]s?)\b",
        r"\b(?:estoy|estamos|corro|corremos) (?:en )?peligro\b",
    ],
}

# Removed before the crisis phrases are looked for: idioms and clear negations.
_IGNORED = {
    "en": [
        # Idioms.
        r"\bkill(?:ing|ed|s)? it\b",
        r"\b(?:killing|kill) (?:the|my|a) (?:time|pain|buzz|vibe|mood|craving|cravings|"
        r"hangover|battery|bottle|game)\b",
        r"\b(?:\w+ )?(?:is|are|'s|s|was) killing me\b",
        r"\bkill for\b",
        r"\b(?:dying|die) (?:to|for) (?:know|try|see|hear|get|have|go)\b",
        r"\bdying (?:of|from) (?:laughter|embarrassment|boredom|curiosity)\b",
        r"\b(?:could|would|almost) (?:have )?died (?:of|from|laughing)\b",
        r"\bdead (?:tired|serious|end|ringer|set)\b",
        r"\b(?:going to|gonna|will) kill me (?:if|when) (?:\w+ ){0,2}"
        r"(?:finds?|found|sees?|knows?|hears?) (?:out|about)\b",
        r"\boverdos(?:e|ed|ing) on (?:coffee|caffeine|sugar|netflix|tv|work|candy|chocolate)\b",
        # Questions about the signs, asked for someone else's sake, not a crisis now.
        r"\b(?:signs|symptoms|sign) of (?:an )?overdose\b",
        # Negations.
        r"\b(?:not|never|no longer|isn'?t|wasn'?t|aren'?t|am not|i'?m not|not been|never been|"
        r"never felt|don'?t feel|do not feel) (?:\w+ ){0,2}suicidal\b",
        r"\bno (?:suicidal )?(?:thoughts|plans|intention|intent) (?:of|about|to) "
        r"(?:suicide|killing myself|hurting myself|harming myself|dying)\b",
        r"\bno suicidal (?:thoughts|ideas|feelings|plans)\b",
        r"\b(?:not|never) (?:\w+ ){0,2}(?:thinking|thought) (?:about|of) "
        r"(?:suicide|killing myself|ending (?:it|my life)|dying)\b",
        r"\b(?:not|never|wouldn'?t|won'?t|would never|will never) (?:\w+ ){0,2}"
        r"(?:kill|hurt|harm) (?:myself|himself|herself|themselves|themself)\b",
        r"\b(?:don'?t|do not|never) want to die\b",
        r"\bnot (?:going|gonna|trying) to die\b",
        r"\bnot (?:\w+ ){0,2}(?:overdosing|having an overdose)\b",
    ],
    "es": [
        # Modismos.
        r"\bme muero (?:de|por) \w+\b",
        r"\bmuert[oa]s? de (?:risa|hambre|sueno|cansancio|sed|frio|calor|miedo|verguenza)\b",
        r"\bmatar el (?:tiempo|rato|antojo|dolor|hambre)\b",
        r"\b(?:me esta|me estan|me) (?:matando|mata) (?:el|la|los|las|este|esta|de) "
        r"(?:trabajo|calor|dolor|risa|espalda|pies|cabeza|tarea|curiosidad|hambre|\w+)\b",
        r"\b(?:el|la|este|esta|mi) \w+ me (?:esta )?(?:matando|mata)\b",
        r"\bme va a matar si\b",
        r"\bme van a matar si\b",
        r"\bsi se entera(?:n)? me (?:va|van) a matar\b",
        r"\b(?:senales|sintomas|signos) de (?:una )?sobredosis\b",
        # Negaciones.
        r"\bno (?:soy|estoy|me siento) (?:\w+ ){0,1}suicida\b",
        r"\bno (?:tengo|he tenido|tuve) (?:ningun(?:a|o)? )?(?:pensamientos|ideas) suicidas\b",
        r"\b(?:no|nunca|jamas) (?:\w+ ){0,3}(?:suicidar(?:me|se)|matar(?:me|se)|"
        r"quitar(?:me|se) la vida|hacerme dano|cortarme)\b",
        r"\bno (?:me )?quiero morir(?:me)?\b",
        r"\bno (?:es|fue) (?:una )?sobredosis\b",
    ],
}

_COMPILED = {
    lang: (
        [re.compile(p) for p in _IGNORED[lang]],
        [re.compile(p) for p in _CRISIS[lang]],
    )
    for lang in _CRISIS
}


def normalize(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces; sentences kept apart by a
    full stop so that a negation in one sentence never cancels the next."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"[“”«»\"]", " ", text)
    text = re.sub(r"[¿¡]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _reads_like_crisis_in(text: str, language: str) -> bool:
    ignored, crisis = _COMPILED[language]
    for sentence in re.split(r"[.!?;\n]+", text):
        for pattern in ignored:
            sentence = pattern.sub(" | ", sentence)
        if any(pattern.search(sentence) for pattern in crisis):
            return True
    return False


def reads_like_crisis(text: str, language: str) -> bool:
    """True when the text reads like suicide, self-harm, an overdose now or danger now.

    `language` is "en" or "es" (a region such as "es-mx" is fine); any other value checks the
    text against both languages' rules."""
    normalized = normalize(text)
    if not normalized:
        return False
    base = (language or "").lower().split("-")[0]
    languages = [base] if base in _COMPILED else list(_COMPILED)
    return any(_reads_like_crisis_in(normalized, lang) for lang in languages)
