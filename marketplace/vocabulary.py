"""The fixed lists people choose from: categories, provider types, delivery modes, languages.

Each list is (value stored and used in URLs, plain-English label). Values are stable: the API,
the search index and saved links depend on them.
"""
from __future__ import annotations

import os

CATEGORIES: list[tuple[str, str]] = [
    ("personal-assistance", "Personal assistance"),
    ("peer-support", "Peer support and self-help groups"),
    ("advocacy", "Advocacy"),
    ("support-planning", "Support planning and brokerage"),
    ("befriending", "Befriending and social activities"),
    ("arts", "Arts and creative activities"),
    ("sport-fitness", "Sport, fitness and outdoors"),
    ("learning", "Learning and courses"),
    ("employment", "Employment support"),
    ("transport", "Transport and travel"),
    ("short-breaks", "Short breaks and respite"),
    ("carers-support", "Carers' support"),
    ("housing", "Housing and tenancy support"),
    ("practical-help", "Practical help at home"),
    ("equipment", "Equipment and goods"),
    ("wellbeing", "Wellbeing and therapies"),
    ("crisis-recovery", "Crisis and recovery planning"),
]

PROVIDER_TYPES: list[tuple[str, str]] = [
    ("ulo", "User-led organisation"),
    ("micro-enterprise", "Micro-enterprise"),
    ("personal-assistant", "Sole-trader personal assistant"),
    ("community-group", "Community group"),
    ("larger-provider", "Larger provider"),
    ("community-activity", "Community activity (gym, college, club)"),
]

DELIVERY_MODES: list[tuple[str, str]] = [
    ("in-person", "In person"),
    ("online", "Online"),
    ("phone", "By phone"),
]

PRICE_UNITS: list[tuple[str, str]] = [
    ("hour", "per hour"),
    ("session", "per session"),
    ("item", "per item"),
    ("month", "per month"),
]
#: Units only an order can have, never a service: a member's share of a funded pool.
ORDER_ONLY_UNITS: list[tuple[str, str]] = [("pool_share", "as a share of a group purchase")]

LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("bsl", "British Sign Language"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("bn", "Bengali"),
    ("gu", "Gujarati"),
    ("pl", "Polish"),
    ("ar", "Arabic"),
    ("so", "Somali"),
    ("zh", "Cantonese"),
    ("ro", "Romanian"),
    ("cy", "Welsh"),
]

SPECIALISMS: list[tuple[str, str]] = [
    ("bme", "Black and minority ethnic communities"),
    ("lgbt", "LGBT+ people"),
    ("young-people", "Young people (16 to 25)"),
    ("older-people", "Older people"),
    ("women-only", "Women only"),
    ("men", "Men's groups"),
    ("carers", "Carers"),
    ("veterans", "Armed forces veterans"),
    ("deaf", "Deaf and hard of hearing people"),
    ("hearing-voices", "People who hear voices"),
    ("dual-diagnosis", "Mental health and drug or alcohol use"),
]

#: Words in a search that ask for a specialism, read from the query into the search log only
#: (they still search as text). Longest phrase first wins; "men" alone is too common a word.
SPECIALISM_WORDS: dict[str, str] = {
    "bme": "bme", "bame": "bme", "black": "bme", "asian": "bme", "ethnic minority": "bme",
    "lgbt": "lgbt", "lgbtq": "lgbt", "gay": "lgbt", "lesbian": "lgbt", "trans": "lgbt",
    "queer": "lgbt",
    "young people": "young-people", "young person": "young-people", "youth": "young-people",
    "teenager": "young-people", "teenagers": "young-people",
    "older people": "older-people", "older person": "older-people", "elderly": "older-people",
    "women": "women-only", "women only": "women-only", "womens": "women-only",
    "men only": "men", "mens group": "men", "mens": "men",
    "carer": "carers", "carers": "carers",
    "veteran": "veterans", "veterans": "veterans", "armed forces": "veterans",
    "ex forces": "veterans",
    "deaf": "deaf", "hard of hearing": "deaf",
    "hearing voices": "hearing-voices", "hear voices": "hearing-voices",
    "dual diagnosis": "dual-diagnosis", "drug": "dual-diagnosis", "drugs": "dual-diagnosis",
    "alcohol": "dual-diagnosis",
}

#: What an outcome in a support plan is about: the areas of wellbeing in the Care Act 2014,
#: section 1(2), in plain words, so commissioners can see which needs purchases meet.
OUTCOME_THEMES: list[tuple[str, str]] = [
    ("mental-health", "Mental and emotional wellbeing"),
    ("physical-health", "Physical health"),
    ("relationships", "Family, friends and relationships"),
    ("community", "Being part of my community"),
    ("work-learning", "Work, learning and volunteering"),
    ("daily-life", "Everyday life and being in control"),
    ("home", "Home and where I live"),
    ("money", "Money"),
    ("safety", "Feeling safe"),
    ("dignity", "Being treated with dignity"),
]

SORTS: list[tuple[str, str]] = [
    ("relevance", "Best match"),
    ("price", "Price: lowest first"),
    ("price-desc", "Price: highest first"),
    ("rating", "Rating: highest first"),
]

#: A micro-provider has this many staff or fewer: Community Catalysts count 8 or fewer workers.
#: A setting (the environment variable of the same name), read once at start because search
#: flags and the API's descriptions are built from it; reindex search after changing it.
MICRO_PROVIDER_MAX_STAFF = int(os.environ.get("MICRO_PROVIDER_MAX_STAFF", "8"))
#: How every page and the API say it.
MICRO_PROVIDER_SIZE = f"{MICRO_PROVIDER_MAX_STAFF} or fewer staff"


def label(choices: list[tuple[str, str]], value: str | None) -> str:
    return dict(choices).get(value or "", value or "")


def values(choices: list[tuple[str, str]]) -> list[str]:
    return [value for value, _ in choices]
