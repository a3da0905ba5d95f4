"""Offensive words, from better-profanity's maintained list (this module is the only one
importing better_profanity).

Words are matched whole, so "Scunthorpe", "cocktail" and "assistant" are fine; the library's
spellings with symbols ("sh1t", "fvck") count. Its list was written for general chat and holds
many words a review on this site uses innocently: about health and bodies, drink and drugs
(recovery services), who people are ("gay", "queer"), mild exclamations ("hell", "crap"),
British words ("pasty", "niggle", "spick and span") and names ("Len", "Paddy", "Wang").
EVERYDAY_WORDS takes those out. Words about violence and rape ("kill", "raped") are taken out
too: safeguarding.py sends them to a person as safeguarding, not as bad language. A few British
insults the list lacks are added. "pissed" stays in (it means angry or drunk here, and is rude
either way): "I was pissed off" is held for a moderator, who may publish it as it is.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from better_profanity import Profanity

from marketplace.reviews.findings import Finding, Kind, finding_at

EVERYDAY_WORDS = frozenset("""
    anus areole breasts clitoris erection foreskin glans hymen labia menses menstruate
    menstruation nipple nipples organ oral orally ovary ovum ovums penile penis pms pubic
    rectal rectum scrotum semen sperm stroke tampon testes testical testicle testis urinal
    urine uterus vagina vulva womb vomit pee hiv herpes facial
    drunk ganja hemp heroin hooch hootch meth opiate opium pcp peyote pot reefer rum scag skag
    souse soused stoned toke valium vodka weed extacy extasy
    gay gays lesbians queer queers transsexual sex sexual virgin
    crap damn god hell omg lmao fat ugly stupid dummy dopey jerk jerked prude
    kill murder rape raped raping rapist molest
    flange hoar len nappy niggle pasty pastie paddy pawn pollock potty puss revue rump sandbar
    seaman seamen slave slope spick strip screw screwed screwing suck sucked sucking hump
    thrust tinkle toots tramp wad whiz willies willy woody wang dong guido yury gai arian
    undies muff maxi massa
""".split())
BRITISH_INSULTS = ("slag", "slags", "nonce", "nonces", "spastic", "spaz", "nutter")

_profanity = Profanity()
_profanity.load_censor_words(whitelist_words=sorted(EVERYDAY_WORDS))
_profanity.add_censor_words(list(BRITISH_INSULTS))

# The library compares each word with ~900 listed ones; its spelling variants swap one
# character for one, so only listed words of the same length can match, and a phrase
# ("blow job") only listed phrases.
_BY_LENGTH: dict[tuple[int, bool], list] = defaultdict(list)
for _word in _profanity.CENSOR_WORDSET:
    _BY_LENGTH[len(str(_word)), " " in str(_word)].append(_word)
_LONGEST_PHRASE = 1 + max(str(word).count(" ") for word in _profanity.CENSOR_WORDSET)

# A word as the library sees one: letters, digits and its stand-in symbols ("$h1t", "f*ck").
_WORD = re.compile(r"(?:[^\W_]|[@$*!+])+(?:['’][^\W\d_]+)?")


def is_offensive(word: str) -> bool:
    return _is_listed(word.lower())


@lru_cache(maxsize=8192)
def _is_listed(word: str) -> bool:
    return any(word == listed for listed in _BY_LENGTH.get((len(word), " " in word), ()))


def find_abuse(text: str) -> list[Finding]:
    words = list(_WORD.finditer(text))
    found = []
    index = 0
    while index < len(words):
        span = _offensive_span(text, words, index)
        if span is None:
            index += 1
            continue
        found.append(finding_at(Kind.ABUSE, text, *span, "An offensive word"))
        while index < len(words) and words[index].start() < span[1]:
            index += 1
    return found


def _offensive_span(text: str, words: list[re.Match[str]], index: int) -> tuple[int, int] | None:
    """The longest offensive word or phrase starting at words[index] ("blow job" is two
    words), or None. The library also joins words apart by spaces ("an al"); this does not."""
    start = words[index].start()
    for last in range(min(len(words), index + _LONGEST_PHRASE) - 1, index, -1):
        pairs = zip(words[index:last], words[index + 1:last + 1])
        gaps = [text[a.end():b.start()] for a, b in pairs]
        parts = [w.group() for w in words[index:last + 1]]
        if all(gap.isspace() for gap in gaps) and is_offensive(" ".join(parts)):
            return start, words[last].end()
        # "hand-job", "f.u.c.k": joined as the library joins them.
        if all(gap in ("-", "_", ".") for gap in gaps) and (
            is_offensive("".join(parts)) or is_offensive(" ".join(parts))
        ):
            return start, words[last].end()
    word = words[index].group()
    if is_offensive(word):
        return start, words[index].end()
    # "shit's", "fuck!" and "*fuck*" as the library lists them.
    leading, core = _BARE.fullmatch(word).group(1, 2)
    if core and is_offensive(core):
        return start + len(leading), start + len(leading) + len(core)
    return None


_BARE = re.compile(r"([!*+]*)(.*?)(?:[!*+]*|['’]s)")
