"""Goodbyes, arrangements and means kept at hand, read over the whole message (issue 10,
round 24).

Written from kinds of language the matcher missed on sentences it had not seen (not from those
sentences): each sign is two parts that punctuation often splits, so it is read over the whole
message, like `message_sign` in crisis_intent.py.

- An arrangement made for after one is gone (a pet given away, letters written for the children,
  affairs put in order, belongings given away, goodbyes said, thanks "for everything") and a
  word of finality ("im ready", "its time", "nothing keeping me", "where im going", "ya estoy
  lista", "no es tu culpa"): strong. Letters for one's family alone, with no everyday reason in
  the message (a move, a trip, surgery, a birthday, "see you next week"): strong too ("ya
  escribi las cartas para mis hijos"); any other arrangement alone: soft, the patient is asked
  "are you safe right now?".
- Means kept within reach: pills saved up, stockpiled, hidden or "enough" of them ("i have
  enough of my meds stored", "tengo guardadas muchas pastillas"): strong; only kept ("he
  guardado mis medicinas"): soft. A gun, a rope or a blade loaded, in one's hand, in front of
  one or thought about ("the gun in my nightstand and i keep thinking about it"): strong; in a
  drawer or just bought: soft. Never with a reason that makes it everyday (a trip, a pill
  organizer, a locked safe, hunting, cooking) or a negation just before ("im not saving pills").

Pure: regular expressions over the matcher's normalised words, joined by spaces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.crisis_words import PILLS


def _words(alternatives: str) -> str:
    return "(?:" + alternatives.replace("_", " ") + ")"


_NEGATED = frozenset(
    [
        "no",
        "not",
        "never",
        "dont",
        "doesnt",
        "didnt",
        "havent",
        "hasnt",
        "wont",
        "wouldnt",
        "isnt",
        "arent",
        "wasnt",
        "nunca",
        "jamas",
        "ni",
        "sin",
    ]
)

_KIN = (
    "kids|children|child|daughter|daughters|son|sons|boys|girls|family|wife|husband|partner"
    "|mom|mum|mother|dad|father|parents|sister|sisters|brother|brothers|grandchildren|grandkids"
    "|nieces|nephews|friends|best_friend|everyone|loved_ones|hijos|hijas|hijo|hija|familia|mama"
    "|papa|padres|esposo|esposa|marido|hermanos|hermana|hermano|nietos|nietas|amigos|todos"
)
_PET = (
    "dog|dogs|cat|cats|pet|pets|puppy|puppies|kitten|kittens|bird|birds|parrot|rabbit|rabbits"
    "|bunny|bunnies|hamster|fish|horse|tortoise|turtle|perro|perros|perrito|perra|gato|gatos"
    "|gatito|gata|mascota|mascotas|loro|pajaro|conejo|conejos"
)
_PET_AWAY = re.compile(
    rf"(?:^| )(?:(?:gave|given|giving|give) (?:away )?(?:my|our) (?:[a-z]+ )?{_words(_PET)}"
    rf"|(?:rehomed|rehoming|rehome|surrendered) (?:my |our |the )?(?:[a-z]+ )?{_words(_PET)}"
    rf"|put (?:my|our) (?:[a-z]+ )?{_words(_PET)} up for adoption"
    rf"|took (?:my|our) (?:[a-z]+ )?{_words(_PET)} to the (?:shelter|pound)"
    rf"|found (?:a |an )?(?:good |new |loving |forever )?homes? for (?:my|our|the) (?:[a-z]+ )?"
    rf"{_words(_PET)}"
    rf"|(?:regale|regalo|di|deje|entregue) (?:a )?(?:mi|mis|el|la|los) {_words(_PET)}"
    rf"|(?:encontre|busque) (?:un )?(?:hogar|casa|dueno) para (?:mi|mis) {_words(_PET)}"
    rf"|(?:taking|take|takes|keep|keeping|adopt|adopting|adopted|have|gets|get) (?:my|our|the)"
    rf" (?:[a-z]+ )?{_words(_PET)} (?:for good|forever|from now on)"
    rf"|(?:se (?:queda|quedara|va a quedar|lleva|llevara|va a llevar)) con (?:mi|mis) "
    rf"{_words(_PET)} (?:para siempre|de ahora en adelante))(?= |$)"
)
# Weaker: a pet or a child handed over or cared for later; an arrangement only with finality.
_HANDED_OVER = re.compile(
    rf"(?:^| )(?:(?:left|leaving|leave) (?:my |the )?(?:[a-z]+ )?(?:{_words(_PET)}) with"
    rf"|(?:put|left|leaving|set) (?:out )?(?:the |my )?(?:cat |dog |pet )?food (?:and water )?"
    rf"(?:out )?for (?:a week|the week|a few days|days|weeks)"
    rf"|(?:taking|take|takes|keep|keeping|adopt|adopting|have|gets|get|feeds|feed"
    rf"|walks|look after|looks after|take care of|takes care of) (?:my|our|the) (?:[a-z]+ )?"
    rf"(?:{_words(_PET)}|{_words(_KIN)})"
    rf"|(?:se (?:queda|quedara|va a quedar|lleva|llevara|va a llevar)) con (?:mi|mis) "
    rf"{_words(_PET)}|cuiden (?:a|de) (?:mi|mis))(?= |$)"
)
_CARE_ASKED = re.compile(
    rf"(?:^| )(?:make sure|promise|please) (?:that )?(?:someone|somebody|you|they|my [a-z]+)"
    rf" (?:will )?(?:feeds|feed|looks after|look after|takes care of|take care of|walks|walk)"
    rf" (?:my|our) (?:[a-z]+ )?{_words(_PET)}(?= |$)"
)
_LETTERS = re.compile(
    rf"(?:^| )(?:(?:letter|letters|note|notes|cards|videos|goodbye letters|carta|cartas|nota"
    rf"|notas) (?:[a-z]+ )?(?:for|to|para|a) (?:each of |all of |everyone in )?(?:my|mis|mi)"
    rf" {_words(_KIN)}"
    rf"|(?:wrote|written|writing) (?:everyone|everybody|each of them|all of them|each of my"
    rf" [a-z]+) (?:a |an )?(?:letter|letters|note|notes)"
    rf"|(?:wrote|written|writing|left|le escribi a|escribi a) (?:my|each of my|mi|mis)"
    rf" {_words(_KIN)} (?:a |an |una |unas )?(?:letter|letters|note|notes|carta|cartas)"
    rf"|(?:wrote|written|writing|finished|left|sealed|recorded) (?:a |the |some )?(?:letter"
    rf"|letters|note|notes|video|videos) (?:to|for) (?:each of |all of )?(?:my {_words(_KIN)}"
    rf"|everyone|everybody|us|all of us|us all)|(?:cartas|carta|notas) para todos"
    rf"|(?:escribi|escrito|deje|termine) (?:[a-z]+ ){{0,2}}?(?:carta|cartas|nota|notas) (?:[a-z]+ )?"
    rf"(?:para|a) (?:cada uno de |todos )?(?:mis|mi) {_words(_KIN)})(?= |$)"
)
_AFFAIRS = re.compile(
    r"(?:^| )(?:(?:affairs|everything|things|papers|paperwork|finances|accounts|business|house)"
    r" (?:are |is )?(?:all )?in order|tying up loose ends|tied up (?:all )?(?:the |my )?loose ends"
    r"|(?:updated|wrote|finished|signed|made) my will|my wills? (?:is )?(?:done|signed|ready"
    r"|finished)|left instructions (?:about|for)"
    r"|(?:arranged|sorted|organized|organised|settled|planned) (?:everything|it all|my funeral"
    r"|the funeral)|instructions for (?:the|my) funeral|passwords (?:are )?(?:written|in|for)"
    r"|asuntos (?:ya )?(?:estan )?en orden|(?:deje|dejo|tengo|esta) todo (?:arreglado|en orden"
    r"|listo|resuelto|organizado)|(?:hice|firme|actualice) (?:mi|el) testamento)(?= |$)"
)
_CLOSED = re.compile(
    r"(?:^| )(?:(?:made|making|make) (?:the )?(?:arrangements|plans|provisions) for (?:my|the)"
    r" (?:[a-z]+ )?(?:cat|cats|dog|dogs|pet|pets|kids|children|funeral|things|stuff)|(?:closed|cancelled|canceled|cancele|cerre|cancelado|cerrado) (?:all )?(?:of )?"
    r"(?:my|mis) (?:[a-z]+ )?(?:accounts|account|phone|contract|subscriptions|lease|cuentas|cuenta"
    r"|contrato|suscripciones)|paid off (?:all )?(?:my )?(?:bills|debts|everything)|ya pague todo"
    r"|signed (?:everything|it all|the house|my house) over|power of attorney|who gets what"
    r"|quien se queda con (?:que|cada cosa)|(?:my|the) (?:note|notes|letter|letters) (?:is|are)"
    r" (?:written|done|finished|ready))(?= |$)"
)
_GIVEAWAY = re.compile(
    r"(?:^| )(?:(?:gave|given|giving|give|donated|donating) (?:away )?(?:all |most |some |the rest )?"
    r"(?:of )?my (?:[a-z]+ )?(?:things|stuff|belongings|possessions|clothes|books|guitar|jewelry"
    r"|jewellery|furniture|records|art|paintings|savings|money)(?: away)?"
    r"|(?:gave|given|giving|donated|donating) away (?:all|most|everything|the rest)"
    r"|(?:gave|given|giving) (?:my |a |her |his )?(?:[a-z]+ )?(?:my|her|his) (?:[a-z]+ )?(?:ring"
    r"|watch|jewelry|jewellery|necklace|guitar|car|bracelet)"
    r"|(?:she|he|you|they|my [a-z]+) (?:can|could|gets to|get to|will) (?:have|keep) (?:all )?my"
    r" (?:[a-z]+ )?(?:car|jewelry|jewellery|things|stuff|house|ring|watch|guitar|clothes)"
    r"|(?:regale|regalando|regalado|regala|done|donado) (?:todas |todos |casi todas )?(?:mis|mi|sus"
    r"|su) (?:cosas"
    r"|ropa|libros|pertenencias|joyas))(?= |$)"
)
_GOODBYES = re.compile(
    r"(?:^| )(?:(?:i|ive|i have|im|already|just) (?:already |just |now )?(?:said|saying|say)"
    r" (?:all )?my goodbyes|(?:said|saying|say) goodbye to (?:everyone|everybody|all of you"
    r"|my (?:family|kids|children|parents|mom|dad|friends))|(?:me despedi|me estoy despidiendo"
    r"|me he despedido) de (?:todos|mi familia|mis hijos|mis amigos))(?= |$)"
)
_THANKS = re.compile(
    r"(?:^| )(?:thanks?(?: you)?(?: all| everyone| guys| so much)? for everything|gracias"
    r"(?: a todos)? por todo)(?= |$)"
)
# Any thanks: with an unmistakable word of finality, a goodbye.
_ANY_THANKS = re.compile(r"(?:^| )(?:thanks|thank you|thank|gracias|grateful|agradecid[oa])(?= |$)")
# Sorry and love said with a goodbye: "perdon por todo. los quiero. adios".
_SORRY = re.compile(
    r"(?:^| )(?:sorry for (?:everything|wasting|being|all)|sorry (?:that )?i (?:couldnt|wasnt"
    r"|failed|let)|forgive me|perdon por todo|perdonenme|perdoname|lo siento por todo)(?= |$)"
)
_LOVE = re.compile(
    r"(?:^| )(?:i love you all|love you all|los quiero|las quiero|te quiero|los amo|te amo"
    r"|i love you guys|tell them i love)(?= |$)"
)
# A goodbye sent, and nobody can reach the person now.
_BYE_SENT = re.compile(
    r"(?:^| )(?:saying goodbye|said goodbye|to say goodbye|despidiendose|se despidio)(?= |$)"
)
_UNREACHABLE = re.compile(
    r"(?:^| )(?:cannot reach|cant reach|can not reach|not answering|isnt answering|wont answer"
    r"|no contesta|no responde|no lo encuentro|no la encuentro)(?= |$)"
)
# Finality: strong with an arrangement; with thanks only the unmistakable ones.
_FINAL_CLEAR = re.compile(
    r"(?:^| )(?:nothing (?:left )?(?:keeping|holding|to keep|to hold) me(?: here)?|nothing left"
    r"|where im going|when im gone|after im gone|once im gone|wont (?:need|be needing) (?:them|it"
    r"|any of it|anything)|(?:its|it was|this is) not (?:your|anyones) fault|you did your best"
    r"|this is it|this is goodbye|no falta nada|ya no (?:falta|queda) nada|(?:no es|no fue)"
    r" (?:tu|su|vuestra) culpa|cuando (?:ya )?no (?:este|estoy)|por si no estoy|where i am going"
    r"|take care of (?:them|her|him|my [a-z]+) for me|cuiden (?:a|de)"
    r" (?:mi|mis)|(?:i|ill) wont be back(?! (?:on|in|at|for|until|till|next|after|tomorrow|today|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday))|(?:im )?not coming back(?! (?:to|for"
    r"|until|till|on|in|next|after))|no voy a (?:regresar"
    r"|volver)|(?:will not|wont) need you|im going now|im leaving tonight|ya me voy(?! a )"
    r"|(?:not going to|wont|will not) be around (?:after|much longer|anymore|for long|soon)"
    r"|by the time you read|its (?:almost|nearly) time"
    r"|(?:not much|nothing) left to do|then i can (?:go|rest)|rest for good|finished after this"
    r"|cuando me vaya|no (?:las |los |lo |la )?(?:voy|va|vamos) a necesitar|dont feel bad"
    r"|no se sientan mal|no te sientas mal|no me busquen|dont look for me|dont come looking"
    r"|dont try to find me|(?:wont|will not) be coming (?:to )?(?:any more|anymore|again)"
    r"|(?:wont|will not) need (?:my|any|another|more) (?:appointments?"
    r"|sessions?|visits?) (?:anymore|again|ever))(?= |$)"
)
_FINAL = re.compile(
    r"(?:^| )(?:(?<!not )(?<!never )(?:im|i am|i feel) (?:ready|at peace)(?: now)?"
    r"|(?<!not )ready now|(?<!not )ready to go|(?<!not )its time|(?<!not )it is time|time to go"
    r"|goodbye (?:everyone|all|forever|for good)|bye everyone|farewell|adios (?:a todos|para siempre)"
    r"|(?<!no )ya estoy (?:lista|listo)"
    r"|(?<!no )estoy (?:lista|listo)|ya es hora|es hora)(?= |$)"
)
# Everyday reasons for the same arrangements.
_REASON = re.compile(
    r"(?:^| )(?:moving|move|moved|movers|new apartment|new place|new job|trip|travel|traveling|travelling"
    r"|vacation|holiday|holidays|deploy|deployed|deployment|surgery|operation|procedure"
    r"|birthday|birthdays|christmas|graduation|wedding|tradition|anniversary|retire|retiring"
    r"|retirement|allergic|allergy|allergies|landlord|baby|pregnant|see you|see ya|for now"
    r"|go home|going home|head home|ir a casa|irme a casa"
    r"|mudanza|mudo|mudamos|mudarme|viaje|vacaciones|cirugia|operacion|cumpleanos|navidad|boda"
    r"|nos vemos|la proxima|hasta pronto|hasta luego|alergia|alergico|alergica|bebe|embarazada"
    r"|jubilo|jubilacion|great session|the nurse|the staff|the team|lovely|amazing"
    r"|helped me so much|feel so much better|me siento mucho mejor|see you all|my old|our old"
    r"|dont need|do not need|donation|donations|for the weekend|for the week|for a few days"
    r"|while im|while i am|pet sitting|dog sitting|sitter|boarding|kennel|last infusion"
    r"|last session|last treatment|transferring|transfer|closer to home|insurance|congressman"
    r"|mientras|fin de semana|ultima sesion|ultima infusion|sick note|doctors note|work note"
    r"|employer|school|until|till|hasta|anyone want|litter|working|works|helping|helped"
    r"|working great|feel great|feeling great|mejor|thank you letter|thank you card"
    r"|agradecimiento|gratitude|holidays)(?= |$)"
)
# A plain goodbye: with thanks for everything, asked about.
_BYE = re.compile(r"(?:^| )(?:goodbye|goodbyes|bye|farewell|adios|despedirme|say goodbye)(?= |$)")

_PILL_WORDS = _words(
    PILLS + "|pastillas|pildoras|medicinas|medicamentos|insulina|morfina|tabs|benzos|oxys"
    "|clonazepam|lorazepam|alprazolam|diazepam|sertraline|zoloft|prozac|fluoxetine|lexapro"
    "|escitalopram|wellbutrin|bupropion|mirtazapine|remeron|lamotrigine|lamictal|olanzapine"
    "|zyprexa|abilify|aripiprazole|risperidone|propranolol|hydroxyzine|benadryl|opioids"
    "|dilaudid|hydromorphone|spray|nasal_spray|sprays|vials|heart_pills|stash|stockpile"
)
_HOARD = (
    "saved|saving|stockpiled|stockpiling|hoarded|hoarding|stashed|stashing|hidden|hid|hiding"
    "|squirreled|put_aside|set_aside|piled_up|been_keeping|kept_back|held_back|holding_back"
    "|collecting|gathering|gathered|putting_aside|setting_aside|saving_up|holding_onto|hanging_onto"
)
_PILLS_SAVED = re.compile(
    rf"(?:^| )(?:(?:i|ive|im|been|have|had|i have|i had) (?:[a-z]+ )?{_words(_HOARD)}"
    rf" (?:[a-z]+ ){{0,4}}?{_PILL_WORDS}"
    rf"|{_PILL_WORDS} (?:[a-z]+ ){{0,3}}?(?:saved up|stockpiled|hoarded|stashed|hidden|put aside"
    rf"|set aside|squirreled away|stashed away|piled up|kept aside)"
    rf"|(?:have|got|ive got|theres|there are|now have|has|had) enough (?:of )?(?:my |the |those"
    rf" |his |her )?(?:[a-z]+ )?{_PILL_WORDS}(?! (?:for|until|till|to last|through|left))"
    rf"|(?:stash|pile|stockpile|hoard|heap|supply) of (?:my )?(?:[a-z]+ )?{_PILL_WORDS}"
    rf"|(?:tengo|he|tenia|ya tengo) (?:[a-z]+ )?(?:guardadas|guardados|escondidas|escondidos"
    rf"|juntadas|juntas|acumuladas|ahorradas|suficientes|muchas) (?:[a-z]+ ){{0,2}}?"
    rf"{_PILL_WORDS}"
    rf"|{_PILL_WORDS} (?:[a-z]+ ){{0,2}}?(?:guardadas|escondidas|escondido|juntas|juntadas"
    rf"|acumuladas|ahorradas)"
    rf"|(?:junte|acumule|escondi|ahorre|he juntado|he acumulado|he escondido|he ahorrado"
    rf"|juntando|acumulando|escondiendo|ahorrando) (?:[a-z]+ ){{0,3}}?{_PILL_WORDS}"
    rf"|(?:keeping|kept|saving|saved|hoarding|hoarded) (?:[a-z]+ ){{0,3}}?{_PILL_WORDS} instead of"
    rf"|(?:stash|stockpile|hoard|supply) is (?:big enough|enough|ready|complete)"
    rf"|{_PILL_WORDS} (?:[a-z]+ ){{0,4}}?(?:its|it is|thats|is|are) enough(?! for)"
    rf"|(?:hiding|hidden|hid) (?:it|them) from (?:my|his|her) [a-z]+)(?= |$)"
)
# "a bottle of oxy i never took. ive been saving them for a reason"
_SAVED_FOR = re.compile(
    r"(?:^| )(?:saving|saved|keeping|kept|hoarding) (?:them|it|those) for (?:a reason|something"
    r"|the right (?:time|moment|night)|when im ready|tonight)(?= |$)"
)
_PILLS_KEPT = re.compile(
    rf"(?:^| )(?:(?:stocked|stocking) up on (?:[a-z]+ )?{_PILL_WORDS}|(?:weeks|months) (?:worth )?of (?:my )?(?:[a-z]+ )?{_PILL_WORDS}"
    rf"|{_PILL_WORDS} (?:[a-z]+ ){{0,4}}?(?:under my (?:bed|mattress|pillow)|in a (?:shoebox|sock"
    rf"|box|bag)|that nobody knows about|nobody knows about|no one knows about)|(?:stored|storing|kept them|keeping them|kept all|keeping all|guardado|guarde"
    rf"|guardo|guardando) (?:[a-z]+ ){{0,3}}?{_PILL_WORDS}|{_PILL_WORDS} (?:[a-z]+ ){{0,3}}?"
    rf"(?:stored|kept|guardadas|guardados))(?= |$)"
)
_SAVED_A_LIFE = re.compile(
    r"(?:^| )(?:saved|save|saving|salvaron|salvo) (?:my|his|her|mi) (?:life|vida)"
)
_WEAPON = re.compile(
    r"(?:^| )(?:gun|guns|pistol|handgun|rifle|shotgun|firearm|revolver|rope|noose|pistola"
    r"|arma|escopeta|rifle|cuerda|soga)(?= |$)"
)
_AT_HAND_CLEAR = re.compile(
    r"(?:^| )(?:loaded|cargada|cargado|in my hand|in my hands|in front of me|next to me|beside me"
    r"|on my lap|under my pillow|right here|with me now|keep thinking about (?:it|using it)"
    r"|cant stop thinking about it|thinking about (?:it|using it)|know where the (?:bullets|ammo"
    r"|shells|key|keys) (?:are|is)|pienso en (?:ella|el|usarla"
    r"|usarlo)|en la mano|frente a mi|al lado|junto a mi|conmigo)(?= |$)"
)
_AT_HAND = re.compile(
    r"(?:^| )(?:(?:in|inside) (?:my|the) (?:[a-z]+ )?(?:drawer|nightstand|night stand|bedside"
    r"|room|bag|purse|car|closet|garage|glovebox)|(?:bought|got|purchased|ordered) (?:a|some|the"
    r"|my)|compre|tengo (?:la|el|una|un)|en (?:el|mi) (?:cajon|buro|cuarto|carro|bolso|closet"
    r"|garaje))(?= |$)"
)
# Everyday reasons for pills kept or a gun at home.
_SAFE = re.compile(
    r"(?:^| )(?:trip|travel|traveling|travelling|vacation|holiday|organizer|organiser|pill box"
    r"|pillbox|pharmacy|refill|refills|insurance|shortage|prescription ran out|dispose|disposal"
    r"|disposed|take back|drop off|returned|got rid|threw|flushed|locked|lock|lockbox|safe"
    r"|gun safe|trigger lock|hunting|range|camping|climbing|swing|sailing|boat|tow|gym|kitchen"
    r"|cooking|chef|recipe|viaje|vacaciones|pastillero|farmacia|seguro|tirar|tire|deseche"
    r"|candado|caja fuerte|llave|caceria|jump rope|skipping rope|snowstorm|storm|flu season|cold season|winter|holidays|the holidays|to last|take back|take-back|cocina|botiquin|medicine cabinet|fridge|nevera|refri|until my next|hasta la proxima|hasta mi proxima|next appointment|gave (?:them|it) to|my wife has|my husband has"
    r"|keeps them|for the month|del mes|a month|al mes)(?= |$)"
)


_HANGING_POINT = re.compile(
    r"(?:^| )(?:tree|beam|rafter|rafters|hook|closet rod|door frame|banister|railing|arbol|viga"
    r"|gancho)(?= |$)"
)
_PILLS_AT_HAND = re.compile(
    rf"(?:^| ){_PILL_WORDS} (?:[a-z]+ ){{0,3}}?(?:in front of me|in my hand|next to me|beside me"
    rf"|right here|aqui enfrente|enfrente|en la mano|a mi lado|conmigo)(?= |$)"
)
_KNOW = re.compile(
    r"(?:^| )(?:someone (?:to |should |would )?know|someone knows|alguien supiera|alguien sepa"
    r"|just telling|solo queria decir|decided|decidi|ready|lista|listo)(?= |$)"
)


def _present(pattern: re.Pattern[str], text: str, *, inside: bool = True) -> bool:
    """A match of `pattern` in `text` without a negation among the two words before it (nor,
    if `inside`, in it: "have not saved any pills"; finality is often said with one)."""
    for found in pattern.finditer(text):
        before = text[: found.start()].split()[-2:]
        if _NEGATED.isdisjoint(before) and (
            not inside or _NEGATED.isdisjoint(found.group().split())
        ):
            return True
    return False


def farewell_sign(words: Sequence[str], clause: str) -> tuple[str, str] | None:
    """("strong" or "soft", what was read) for an arrangement or means at hand; None if none."""
    text = " ".join(word for word in words if word != clause)
    arranged = next(
        (
            label
            for label, pattern in (
                ("a pet given away", _PET_AWAY),
                ("letters for the family", _LETTERS),
                ("affairs put in order", _AFFAIRS),
                ("belongings given away", _GIVEAWAY),
                ("goodbyes said", _GOODBYES),
                ("accounts closed, things signed over", _CLOSED),
            )
            if _present(pattern, text)
        ),
        None,
    )
    if _REASON.search(text):
        arranged = None
    final = _present(_FINAL_CLEAR, text, inside=False) or _present(_FINAL, text)
    arrangements = sum(
        1
        for pattern in (_PET_AWAY, _LETTERS, _AFFAIRS, _GIVEAWAY, _GOODBYES, _CLOSED)
        if _present(pattern, text)
    )
    if arranged is not None:
        if final or arrangements >= 2:
            return "strong", f"{arranged}, and ready"
        # Letters for one's family need no more ("i wrote letters to my kids", as the English
        # phrases of crisis_phrases_self_harm_means.py read them); the rest is asked about.
        return ("strong" if arranged == "letters for the family" else "soft"), arranged
    if final and _present(_HANDED_OVER, text) and not _REASON.search(text):
        return "strong", "a pet or family handed over, and ready"
    if _present(_CARE_ASKED, text) and not _REASON.search(text):
        return "soft", "care asked for a pet"
    finals = [found.group() for found in _FINAL_CLEAR.finditer(text)]
    if (
        (_present(_ANY_THANKS, text) or len(set(finals)) >= 2)
        and finals
        and not _REASON.search(text)
    ):
        return "strong", "thanks or a goodbye, and final"
    if _BYE_SENT.search(text) and _UNREACHABLE.search(text):
        return "strong", "a goodbye sent, and unreachable"
    if _SORRY.search(text) and _BYE.search(text) and not _REASON.search(text):
        return (
            ("strong", "sorry, love and goodbye")
            if _LOVE.search(text)
            else ("soft", "sorry and goodbye")
        )
    if _present(_THANKS, text) and (final or _BYE.search(text)) and not _REASON.search(text):
        return "soft", "thanks for everything, and goodbye"
    return _means_sign(text)


def _means_sign(text: str) -> tuple[str, str] | None:
    if _SAFE.search(text):
        return None
    if not _SAVED_A_LIFE.search(text):
        if _present(_PILLS_SAVED, text) or (
            _present(_SAVED_FOR, text) and re.search(rf"(?:^| ){_PILL_WORDS}(?= |$)", text)
        ):
            return "strong", "pills saved up"
        if _present(_PILLS_KEPT, text):
            return "soft", "pills kept"
    if _WEAPON.search(text) and _HANGING_POINT.search(text):
        return "strong", "a rope and where to hang it"
    if _PILLS_AT_HAND.search(text) and _KNOW.search(text):
        return "strong", "pills at hand, and someone should know"
    if _WEAPON.search(text):
        if _present(_AT_HAND_CLEAR, text):
            return "strong", "the means at hand"
        if _present(_AT_HAND, text):
            return "soft", "the means within reach"
    return None
