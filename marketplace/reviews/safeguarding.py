"""Words about suicide, self-harm, abuse, neglect and not being safe.

A review with any of them goes to a person, and is never published or rejected by itself;
its author is shown SAFEGUARDING_HELP at once. The phrases err on the side of a person reading
the review: "it hurt me to leave" or "this commute will kill me" are held too, because a
missed cry for help costs far more than a moderator's minute. "Abuse" in any sense is held
("abuse of power" is itself a safeguarding matter in care; "alcohol abuse" may hide harm).
Things that only sound alike are left alone: "a safe place", "the session killed the boredom",
"killing time", "cutting costs".
"""
from __future__ import annotations

import re

from marketplace.reviews.findings import Finding, Kind, finding_at

SAFEGUARDING_HELP = (
    "Thank you for telling us. It sounds like things may be hard right now. "
    "You do not have to cope alone. "
    "You can talk to Samaritans on 116 123. It is free, and someone is there day and night. "
    "For urgent help with your mental health, call NHS 111 and choose option 2. "
    "In an emergency, call 999. "
    "A person from our team will read what you wrote."
)

_SELF = r"(?:my|him|her|them|your|our)sel(?:f|ves)|themself"
_ME = r"(?:me|us)"

#: (what it is about, for the moderator; the phrases). A space means any spacing; each
#: phrase must start and end at a word's edge.
PHRASES: list[tuple[str, list[str]]] = [
    ("suicide", [
        r"suicid(?:e|es|al|ally)",
        rf"(?:kill|kills|killed|killing) (?:{_SELF})",
        rf"(?:end|ends|ended|ending) (?:it all|my life|my own life|{_SELF})",
        r"(?:take|takes|took|taken|taking) (?:my|his|her|their) (?:own )?life",
        r"(?:want|wants|wanted|wanting) to die",
        r"(?:going|gonna) to die",
        r"wish(?:ed)? (?:i|i'd|i had) (?:was|were|been) (?:dead|never born)",
        r"better off dead",
        r"(?:no|not any|any) (?:reason|point) (?:to live|in living|in going on)",
        r"not worth living",
        r"(?:can't|cannot|can not|couldn't|could not) go on",
        r"(?:don't|do not|didn't|did not|doesn't|does not) want to (?:live|be alive|be here|go on)",
        r"(?:hang|hanged|hanging) (?:" + _SELF + ")",
        r"overdos(?:e|es|ed|ing)",
        r"(?:too many|all my|a load of|loads of) (?:pills|tablets)",
    ]),
    ("self-harm", [
        r"self[- ]?(?:harm|harms|harmed|harming|injury|injuries|injure|injuring)",
        rf"(?:harm|harms|harmed|harming|hurt|hurts|hurting) {_SELF}",
        rf"(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|hit|hits|hitting|punch|punched|"
        rf"punching|scratch|scratched|scratching|starve|starved|starving) {_SELF}",
        r"cut (?:my|his|her|their) (?:arms?|wrists?|legs?|skin)",
    ]),
    ("abuse or violence", [
        r"abus(?:e|es|ed|ing|ive|er|ers)",
        r"(?:kill|kills|killed|killing) (?:me|us|him|her|them|you|someone|somebody)",
        rf"(?:hit|hits|hitting|punch|punches|punched|kick|kicks|kicked|slap|slaps|slapped|beat|"
        rf"beats|beaten|beating|push|pushed|shove|shoved|grab|grabbed|choke|choked|strangle|"
        rf"strangled|hurt|hurts|hurting|harm|harmed|harming|assault|assaulted|threaten|"
        rf"threatened|threatening|bully|bullied|bullying|punish|punished|restrain|restrained) "
        rf"{_ME}",
        r"(?:shout|shouts|shouted|shouting|scream|screamed|screaming|swore|swearing) at " + _ME,
        r"(?:scared|afraid|frightened|terrified) of (?:him|her|them|the staff|my carer|my worker)",
        r"(?:touch|touched|touching) " + _ME + r" (?:inappropriately|where|without)",
        r"rap(?:e|ed|es|ing|ist|ists)",
        r"sexual(?:ly)? (?:assault|assaulted|abuse|abused|harassed|harassment)",
        r"molest(?:ed|ing|er|ers)?",
        r"groom(?:ed|ing) " + _ME,
        r"violen(?:t|ce)",
        r"bruis(?:e|es|ed|ing)",
        r"(?:take|takes|took|taken|taking|stole|steal|steals|stealing|stolen|keep|keeps|kept) "
        r"(?:all )?(?:of )?(?:my|our) (?:money|cash|benefits|pension|bank card|card|wages)",
        r"(?:stole|steal|steals|stealing|stolen) from " + _ME,
    ]),
    ("neglect", [
        r"neglect(?:s|ed|ing|ful)?",
        rf"left {_ME} (?:alone )?(?:without|with no)",
        rf"(?:lock|locked|locks|locking) {_ME} (?:in|out|up)",
        rf"(?:wouldn't|would not|won't|will not|didn't|did not) let {_ME} (?:leave|go|eat|out)",
        r"(?:didn't|did not|never|wouldn't|would not) (?:give|gave) me my (?:medication|meds|"
        r"tablets|food)",
    ]),
    ("not being safe", [
        r"(?:not|never|don't feel|didn't feel|do not feel|did not feel) safe",
        r"unsafe",
        r"in danger",
    ]),
]


def _compile(phrase: str) -> re.Pattern[str]:
    spaced = phrase.replace(" ", r"\s+")
    return re.compile(rf"(?<!\w)(?:{spaced})(?!\w)", re.IGNORECASE)


_PATTERNS = [(about, _compile(p)) for about, phrases in PHRASES for p in phrases]


def find_safeguarding(text: str) -> list[Finding]:
    # Curly apostrophes become straight ones, one character for one, so spans stay true.
    plain = text.replace("\u2019", "'").replace("\u2018", "'")
    found: dict[tuple[int, int], Finding] = {}
    for about, pattern in _PATTERNS:
        for match in pattern.finditer(plain):
            span = match.span()
            if not any(s <= span[0] and span[1] <= e for s, e in found):
                found[span] = finding_at(Kind.SAFEGUARDING, text, *span, f"Words about {about}")
    return _without_contained(found)


def _without_contained(found: dict[tuple[int, int], Finding]) -> list[Finding]:
    spans = sorted(found, key=lambda span: (span[0], -span[1]))
    kept: list[Finding] = []
    for start, end in spans:
        if kept and kept[-1].start <= start and end <= kept[-1].end:
            continue
        kept.append(found[(start, end)])
    return kept
