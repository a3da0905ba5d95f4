"""Generate a believable Greater Manchester market as plain dicts: no database, no app.

Invariants:
- Deterministic: everything is drawn from the random.Random passed in, and only lists and
  insertion-ordered dicts are iterated, so the same seed always gives the same market. The one
  exception is on purpose: DBS and insurance dates are fixed offsets from `today`, so that
  demo data loaded next year does not show lapsed insurance.
- Every value is valid for the models: categories, provider types, modes, units, languages
  and specialisms come from marketplace.vocabulary; areas from marketplace.areas; prices are
  int pence >= 0; only group services have a capacity or are poolable.
- Provider dicts hold Provider columns plus "number" (1-based), "owner_email" and
  "owner_name"; service dicts hold Service columns plus "provider_number".

The demo command (marketplace.demo.commands) and the benchmark generator
(bench.generate_market) both call generate_market; the benchmark adds a LongTail so that
100,000 descriptions do not repeat the same few hundred words.
"""
from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from marketplace.areas import LOCAL_AUTHORITIES
from marketplace.demo import words
from marketplace.times import london_today
from marketplace.vocabulary import (
    CATEGORIES,
    DELIVERY_MODES,
    LANGUAGES,
    PRICE_UNITS,
    PROVIDER_TYPES,
    SPECIALISMS,
    values,
)

#: Any seed gives a valid market; this one lands near the target shares (about 29% user-led,
#: 59% micro-providers, every category and community language well represented).
#: Kinds of service tried for a provider's next listing before a title is varied.
TITLE_ATTEMPTS = 3
DEMO_SEED = 20261159
DEMO_PROVIDER_COUNT = 160
DEMO_SERVICE_COUNT = 440

#: Share of providers of each type (relative weights).
PROVIDER_TYPE_WEIGHTS: dict[str, int] = {
    "personal-assistant": 20, "micro-enterprise": 22, "ulo": 19,
    "community-group": 15, "community-activity": 11, "larger-provider": 13,
}
#: How many services a provider of each type tends to list, relative to the others.
SERVICE_LOAD_BY_TYPE: dict[str, int] = {
    "personal-assistant": 1, "micro-enterprise": 3, "ulo": 5,
    "community-group": 3, "community-activity": 5, "larger-provider": 7,
}
#: Share of providers of each type that are user-led (all ULOs, some others).
USER_LED_SHARE: dict[str, float] = {"ulo": 1.0, "community-group": 0.4, "micro-enterprise": 0.1}
#: Share of services, other than each provider's first, that are paused (so every provider
#: still shows at least one active service).
PAUSED_SHARE = 0.04
RANDOM_SPECIALISMS = ["young-people", "older-people", "lgbt", "women-only", "men", "veterans",
                      "dual-diagnosis", "carers", "bme"]


@dataclass(frozen=True)
class Market:
    providers: list[dict]
    services: list[dict]


@dataclass
class _ProviderPlan:
    """A provider being generated, with what its services inherit."""
    fields: dict
    place: str
    authority: str
    district: str
    languages: list[str]
    user_led: bool
    #: The provider's main service: the first it lists, and what its name may be about.
    main_category: str
    main_kind: int
    #: Categories its other services mostly come from: the main one and those next to it.
    focus: list[str]
    #: True when the name is about the main service ("Pedal Power Salford"), so that its
    #: other services stay in the main category.
    named_for_main_kind: bool
    service_count: int = 1
    regulated: bool = False
    kinds_used: list[tuple[str, int]] = field(default_factory=list)
    #: Titles already listed: a provider never lists two services with one title.
    titles_used: set[str] = field(default_factory=set)


class LongTail:
    """Samples words with Zipf-like weights (the word of rank r has weight 1 / r**exponent), the
    shape of word frequencies in real text, and strings them into short sentences.

    Ranks beyond the given vocabulary map to made-up but pronounceable words (like the street,
    venue and family names of a real directory), so the number of distinct words keeps growing
    with the number of documents as it does in real collections.
    """

    FRAMES = [
        "People tell us it helps with {0}, {1} and {2}.",
        "Ask us about {0} or {1}.",
        "We also talk about {0}, {1}, {2} and {3}.",
        "Sessions often touch on {0} and {1}.",
        "Good for {0}, {1} and {2}.",
    ]
    SYLLABLES = ["bar", "den", "ford", "ley", "wick", "ton", "ham", "mar", "lin", "sel", "ro",
                 "ca", "ve", "dun", "mo", "ber", "shaw", "ridge", "field", "hol", "ash", "brook",
                 "wood", "thorn", "ing", "ock", "ell", "rin", "tal", "ess"]

    def __init__(self, vocabulary: list[str], *, size: int = 200_000, exponent: float = 1.05):
        self.vocabulary = vocabulary
        self._ranks = range(max(size, len(vocabulary)))
        self._cumulative = list(itertools.accumulate(
            1.0 / (rank ** exponent) for rank in range(1, len(self._ranks) + 1)
        ))

    def word(self, rank: int) -> str:
        if rank < len(self.vocabulary):
            return self.vocabulary[rank]
        number, parts = rank - len(self.vocabulary) + len(self.SYLLABLES), []
        while number:
            number, digit = divmod(number, len(self.SYLLABLES))
            parts.append(self.SYLLABLES[digit])
        return "".join(reversed(parts))

    def sentence(self, rng: random.Random) -> str:
        frame = rng.choice(self.FRAMES)
        ranks = rng.choices(self._ranks, cum_weights=self._cumulative, k=4)
        return frame.format(*(self.word(rank) for rank in ranks))

    def sentences(self, rng: random.Random) -> str:
        return " ".join(self.sentence(rng) for _ in range(rng.randint(1, 3)))


def default_long_tail() -> LongTail:
    """Everyday words interleaved with the domain's own vocabulary, most frequent first."""
    from marketplace.demo.benchmark_words import SOURCE_WORDS

    merged: list[str] = []
    seen: set[str] = set()
    for pair in itertools.zip_longest(SOURCE_WORDS, words.EVERYDAY_WORDS):
        for word in pair:
            if word and word not in seen:
                seen.add(word)
                merged.append(word)
    return LongTail(merged)


def generate_market(
    rng: random.Random, *, providers: int, services: int, long_tail: LongTail | None = None,
    today: date = words.REFERENCE_DATE,
) -> Market:
    """A market of exactly `services` services spread over `providers` providers (each lists at
    least one; fewer providers if there are fewer services than providers)."""
    provider_count = max(1, min(providers, services))
    names_taken: set[str] = set()
    plans = [make_provider(rng, number, today, names_taken)
             for number in range(1, provider_count + 1)]
    cumulative = list(itertools.accumulate(
        SERVICE_LOAD_BY_TYPE[plan.fields["provider_type"]] for plan in plans
    ))
    for index in rng.choices(range(provider_count), cum_weights=cumulative,
                             k=max(0, services - provider_count)):
        plans[index].service_count += 1

    service_rows: list[dict] = []
    for plan in plans:
        for position in range(plan.service_count):
            service_rows.append(make_service(rng, plan, position=position, long_tail=long_tail))
        if plan.regulated:
            plan.fields["cqc_registration_number"] = f"1-{rng.randint(100000000, 999999999)}"
    return Market(providers=[plan.fields for plan in plans], services=service_rows)


def generate_demo_market(today: date | None = None) -> Market:
    return generate_market(random.Random(DEMO_SEED), providers=DEMO_PROVIDER_COUNT,
                           services=DEMO_SERVICE_COUNT, today=today or london_today())


def _weighted(rng: random.Random, weights: dict[str, int | float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_provider(rng: random.Random, number: int, today: date,
                  names_taken: set[str] | None = None) -> _ProviderPlan:
    """Provider number `number`; its name is not in names_taken (which it joins), so no two
    providers in a market share a name."""
    provider_type = _weighted(rng, PROVIDER_TYPE_WEIGHTS)
    authority = _weighted(rng, words.AUTHORITY_WEIGHTS)
    place, district = rng.choice(words.NEIGHBOURHOODS[authority])
    authority_name = LOCAL_AUTHORITIES[authority][0]
    first, surname = rng.choice(words.FIRST_NAMES), rng.choice(words.SURNAMES)
    context = {"place": place, "la": authority_name, "name": first, "surname": surname,
               "year": rng.randint(1995, 2022), "years": rng.randint(3, 20)}
    main_category = _weighted(rng, words.CATEGORY_WEIGHTS_BY_TYPE[provider_type])
    main_kind = rng.choice(_allowed_kinds(main_category, provider_type))
    kind = words.SERVICE_KINDS[main_category][main_kind]
    focus = [main_category] + [category for category in kind["secondary"]
                               if _allowed_kinds(category, provider_type, strict=True)]
    named_for_main_kind = (
        provider_type != "personal-assistant" and bool(kind.get("names"))
        and rng.random() < (0.5 if provider_type == "larger-provider" else 0.75)
    )
    names = kind["names"] if named_for_main_kind else words.PROVIDER_NAMES[provider_type]
    name = rng.choice(names).format(**context)
    if names_taken is not None:
        # Lazily: the numbered names are only made while the plainer ones are taken.
        candidates = itertools.chain((name, f"{name} ({place})"),
                                     (f"{name} ({place} {n})" for n in itertools.count(2)))
        name = next(candidate for candidate in candidates if candidate not in names_taken)
        names_taken.add(name)
    user_led = rng.random() < USER_LED_SHARE.get(provider_type, 0.0)
    staff = _staff_count(rng, provider_type)
    slug = _slug(name)
    is_sole_trader = provider_type == "personal-assistant"
    contact_name = f"{first} {surname}" if is_sole_trader or rng.random() < 0.5 else (
        f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.SURNAMES)}")
    has_dbs = is_sole_trader or rng.random() < (0.8 if provider_type == "micro-enterprise" else 0.3)
    insured = rng.random() < {"personal-assistant": 0.95, "community-group": 0.85}.get(
        provider_type, 1.0)
    million = rng.choice([1, 2, 5, 10])
    fields = {
        "number": number,
        "owner_email": f"{slug}-{number}@example.org",
        "owner_name": contact_name,
        "name": name,
        "provider_type": provider_type,
        "description": rng.choice(words.PROVIDER_DESCRIPTIONS[provider_type]).format(**context),
        "is_user_led": user_led,
        "user_led_statement": rng.choice(words.USER_LED_STATEMENTS) if user_led else "",
        "staff_count": staff,
        "dbs_checked_on": (today - timedelta(days=rng.randint(20, 900))
                           if has_dbs else None),
        "has_insurance": insured,
        "insurance_details": (
            f"Public liability £{million} million"
            + (" and employer's liability" if staff > 1 else "")
            + f" with {rng.choice(words.INSURERS)}"
        ) if insured else "",
        "insurance_expires_on": (today + timedelta(days=rng.randint(30, 360))
                                 if insured else None),
        "cqc_registration_number": "",
        "contact_name": contact_name,
        "contact_email": (f"{_slug(first)}.{_slug(surname)}@example.org" if is_sole_trader
                          else f"hello@{slug}.example.org"),
        "contact_phone": (f"07700 900{rng.randint(0, 999):03d}" if staff < 3
                          else f"0161 496 0{rng.randint(0, 999):03d}"),
        "website": "" if is_sole_trader or rng.random() < 0.3 else f"https://{slug}.example.org",
        "local_authority": authority,
        "postcode_district": district,
    }
    return _ProviderPlan(fields=fields, place=place, authority=authority, district=district,
                         languages=_provider_languages(rng, authority), user_led=user_led,
                         main_category=main_category, main_kind=main_kind, focus=focus,
                         named_for_main_kind=named_for_main_kind)


def _staff_count(rng: random.Random, provider_type: str) -> int:
    if provider_type == "personal-assistant":
        return 1
    if provider_type == "micro-enterprise":
        return rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8])  # micro: 8 or fewer
    if provider_type == "ulo":
        return rng.randint(2, 9) if rng.random() < 0.5 else rng.randint(10, 35)
    if provider_type == "community-group":
        return rng.randint(1, 9) if rng.random() < 0.6 else rng.randint(10, 20)
    if provider_type == "community-activity":
        return rng.randint(5, 9) if rng.random() < 0.1 else rng.randint(10, 80)
    return rng.randint(25, 400)


def _provider_languages(rng: random.Random, authority: str) -> list[str]:
    languages = ["en"]
    roll = rng.random()
    extra = 2 if roll < 0.04 else 1 if roll < 0.24 else 0
    weights = {code: weight * (3 if authority in boosted else 1)
               for code, weight, boosted in words.LANGUAGE_WEIGHTS}
    while extra:
        code = _weighted(rng, weights)
        if code not in languages:
            languages.append(code)
            extra -= 1
    return languages


def _allowed_kinds(category: str, provider_type: str, *, strict: bool = False) -> list[int]:
    """Indexes of the kinds of service in a category that this type of provider offers (any
    kind if none is marked for it, unless strict)."""
    kinds = words.SERVICE_KINDS[category]
    allowed = [i for i, kind in enumerate(kinds)
               if not kind["types"] or provider_type in kind["types"]]
    return allowed if allowed or strict else list(range(len(kinds)))


def _choose_kind(rng: random.Random, plan: _ProviderPlan, position: int) -> tuple[str, dict]:
    provider_type = plan.fields["provider_type"]
    if position == 0:
        category, index = plan.main_category, plan.main_kind
    else:
        if plan.named_for_main_kind:
            # "Pedal Power Salford" lists more bikes, sometimes something else about bikes.
            category = plan.main_category
            if rng.random() < 0.7:
                plan.kinds_used.append((category, plan.main_kind))
                return category, words.SERVICE_KINDS[category][plan.main_kind]
        elif rng.random() < 0.5:
            category = rng.choice(plan.focus)
        else:
            category = _weighted(rng, words.CATEGORY_WEIGHTS_BY_TYPE[provider_type])
        allowed = _allowed_kinds(category, provider_type, strict=True)
        if not allowed:
            category = plan.main_category
            allowed = _allowed_kinds(category, provider_type)
        # Otherwise a provider rarely lists the same kind of service twice.
        fresh = [i for i in allowed if (category, i) not in plan.kinds_used] or allowed
        index = rng.choice(fresh)
    plan.kinds_used.append((category, index))
    return category, words.SERVICE_KINDS[category][index]


def make_service(rng: random.Random, plan: _ProviderPlan, *, position: int = 0,
                 long_tail: LongTail | None = None) -> dict:
    """The provider's service number `position` (0 is its main service)."""
    provider = plan.fields
    for _ in range(TITLE_ATTEMPTS):  # prefer a kind whose plain titles are not all taken
        category, kind = _choose_kind(rng, plan, position)
        if any("{" in title or _upper_first(title) not in plan.titles_used
               for title in kind["titles"]):
            break

    context = {"place": plan.place, "la": LOCAL_AUTHORITIES[plan.authority][0],
               "provider": provider["name"], "day": rng.choice(words.DAYS),
               "name": provider["contact_name"].split()[0]}
    for key, options in kind.get("fill", {}).items():
        context[key] = rng.choice(options)
        context[f"{key}_title"] = _upper_first(context[key])

    specialisms = _specialisms(rng, plan, kind)
    modes = list(rng.choice(kind["modes"]))
    schedule_kind = rng.choice(kind["schedules"])
    schedule, evenings, weekends = rng.choice(words.SCHEDULES[schedule_kind])
    group = kind.get("group")
    low, high, step = kind["price"]
    price = low + step * rng.randint(0, (high - low) // step)
    if kind["unit"] == "month" and price and rng.random() < 0.5:
        price -= 1  # £24.99 a month, as gyms price it

    sentences = [rng.choice(kind["intros"]),
                 rng.choice(words.AUDIENCE_SENTENCES[specialisms[0] if specialisms else ""])]
    sentences += rng.sample(kind["details"], k=min(len(kind["details"]), rng.randint(1, 2)))
    if plan.user_led:
        sentences.append(rng.choice(words.USER_LED_SENTENCES))
    sentences.append(rng.choice(words.GENERIC_CLOSERS))
    description = " ".join(sentences).format(**context)
    if long_tail is not None:
        description += " " + long_tail.sentences(rng)

    languages = list(plan.languages)
    if "deaf" in specialisms and "bsl" not in languages:
        languages.append("bsl")
    if kind.get("regulated"):
        plan.regulated = True

    # Lower case, as the listing form stores tags.
    tags = list(dict.fromkeys(tag.format(**context).lower() for tag in kind["tags"]))
    secondary = [c for c in kind["secondary"] if c != category]
    return {
        "provider_number": provider["number"],
        "title": _distinct_title(rng, plan, kind, context),
        "description": description,
        "category": category,
        "secondary_categories": (rng.sample(secondary, k=1)
                                 if secondary and rng.random() < 0.4 else []),
        "tags": tags,
        "delivery_modes": modes,
        **_served_areas(rng, plan, modes, kind),
        "languages": languages,
        "specialisms": specialisms,
        "accessibility": _accessibility(rng, modes, kind, group),
        "schedule": schedule.format(**context),
        "evenings": evenings,
        "weekends": weekends,
        "price_pence": price,
        "price_unit": kind["unit"],
        "is_group": group is not None,
        "capacity": rng.randint(*group) if group else None,
        "poolable": bool(group) and rng.random() < kind.get("poolable", 0.0),
        "status": "paused" if position and rng.random() < PAUSED_SHARE else "active",
        "rating_centi": None,
        "review_count": 0,
    }


def _distinct_title(rng: random.Random, plan: _ProviderPlan, kind: dict, context: dict) -> str:
    """A title from the kind that this provider has not used, varied by place or day if every
    one of the kind's titles is taken."""
    options = [_upper_first(title.format(**context)) for title in kind["titles"]]
    fresh = [title for title in options if title not in plan.titles_used]
    candidates = [rng.choice(fresh)] if fresh else [
        rng.choice(options) + suffix
        for suffix in (f" in {context['place']}", f" on {context['day']}s")
    ]
    candidates += [f"{options[0]} ({number})" for number in range(2, 100)]
    title = next(title for title in candidates if title not in plan.titles_used)
    plan.titles_used.add(title)
    return title


def _specialisms(rng: random.Random, plan: _ProviderPlan, kind: dict) -> list[str]:
    if kind.get("specialism"):
        return [kind["specialism"]]
    chosen: list[str] = []
    if "bsl" in plan.languages and rng.random() < 0.7:
        chosen.append("deaf")
    community = [code for code in plan.languages if code not in ("en", "bsl", "cy")]
    if community and rng.random() < 0.6:
        chosen.append("bme")
    if rng.random() < 0.22:
        pick = rng.choice(RANDOM_SPECIALISMS)
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _served_areas(rng: random.Random, plan: _ProviderPlan, modes: list[str],
                  kind: dict) -> dict[str, list[str]]:
    authority = plan.authority
    provider_type = plan.fields["provider_type"]
    if "in-person" not in modes:
        return {"local_authorities": list(LOCAL_AUTHORITIES), "postcode_districts": []}
    if provider_type == "larger-provider":
        neighbours = words.NEIGHBOURS[authority]
        others = rng.sample(neighbours, k=rng.randint(1, len(neighbours)))
        return {"local_authorities": [authority] + others, "postcode_districts": []}
    if kind["unit"] == "item":
        return {"local_authorities": [authority] + words.NEIGHBOURS[authority][:1],
                "postcode_districts": []}
    if provider_type in ("personal-assistant", "micro-enterprise") and rng.random() < 0.6:
        nearby = [d for d in LOCAL_AUTHORITIES[authority][1] if d != plan.district]
        districts = [plan.district] + rng.sample(nearby, k=min(len(nearby), rng.randint(1, 3)))
        return {"local_authorities": [], "postcode_districts": districts}
    served = [authority]
    if rng.random() < 0.2:
        served.append(rng.choice(words.NEIGHBOURS[authority]))
    return {"local_authorities": served, "postcode_districts": []}


def _accessibility(rng: random.Random, modes: list[str], kind: dict, group) -> str:
    if "delivery" in kind["schedules"]:
        where = "item"
    elif "in-person" in modes:
        flexible = kind["schedules"][0] == "flexible" and not group
        where = kind.get("access") or ("home" if flexible else "venue")
    else:
        where = modes[0]
    notes = words.ACCESSIBILITY_NOTES[where]
    return " ".join(rng.sample(notes, k=min(len(notes), rng.randint(1, 2))))


def check_market(market: Market) -> None:
    """Raise ValueError if any generated value falls outside the fixed vocabularies."""
    known = {
        "category": set(values(CATEGORIES)), "mode": set(values(DELIVERY_MODES)),
        "unit": set(values(PRICE_UNITS)), "language": set(values(LANGUAGES)),
        "specialism": set(values(SPECIALISMS)), "type": set(values(PROVIDER_TYPES)),
    }
    districts = {d for _, ds in LOCAL_AUTHORITIES.values() for d in ds}
    for provider in market.providers:
        _require(provider["provider_type"] in known["type"], provider)
        _require(provider["local_authority"] in LOCAL_AUTHORITIES, provider)
    for service in market.services:
        _require(service["category"] in known["category"], service)
        _require(set(service["secondary_categories"]) <= known["category"], service)
        _require(set(service["delivery_modes"]) <= known["mode"], service)
        _require(service["price_unit"] in known["unit"], service)
        _require(set(service["languages"]) <= known["language"], service)
        _require(set(service["specialisms"]) <= known["specialism"], service)
        _require(set(service["local_authorities"]) <= set(LOCAL_AUTHORITIES), service)
        _require(set(service["postcode_districts"]) <= districts, service)
        _require(service["price_pence"] >= 0 and isinstance(service["price_pence"], int), service)
        _require(service["is_group"] or not (service["capacity"] or service["poolable"]), service)


def _require(condition: bool, row: dict) -> None:
    if not condition:
        raise ValueError(f"generated row outside the vocabularies: {row}")
