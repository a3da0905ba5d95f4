"""The demand side of the commissioners' benchmark market (bench/generate_commissioning.py):
pools, reviews with moderators' decisions and reports, needs with quotes, and the anonymous
search log, all spread over the same 13 months as the orders.

- Pools: some confirmed share orders of poolable services are grouped (2 to 5 holders each)
  into funded pools, so spend has a "Pooled" route; others expired with released pledges.
- Reviews: about a third of confirmed orders are reviewed; 1.5% of services are reviewed
  poorly ("did not help") and 1% fall in the last 90 days, so "services to review" has members.
- Search log: 2,000,000 rows by default, more on weekdays and in the day, growing over the
  year; three quarters name a kind of support and four fifths an area (an authority or a
  district), with the filters people use (language, evenings, weekends, user-led, ...) and
  the specialism the words ask for, as the search page logs it ("for women", "lgbt"). About 8%
  find nothing and 10% only a few, more with a language filter.
"""
from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from bench.copy_rows import copy_rows
from bench.generate_commissioning import AUTHORITY_WEIGHTS, _weighted

STAR_WEIGHTS = {5: 46, 4: 29, 3: 11, 2: 7, 1: 7}
POOR_STARS = {5: 5, 4: 10, 3: 25, 2: 30, 1: 30}
HELPED_WEIGHTS = {"yes": 70, "partly": 20, "no": 10}
POOR_HELPED = {"yes": 15, "partly": 25, "no": 60}
SENTENCES = ("The sessions helped me get out of the house again.",
             "Friendly and patient, and always on time.",
             "Not quite what I expected from the description.",
             "The group was welcoming and nobody pushed me to talk.",
             "Cancelled twice at short notice, which was hard for me.")
LANGUAGE_WEIGHTS = {"ur": 25, "pa": 15, "pl": 15, "bn": 10, "ar": 10, "so": 8, "bsl": 7,
                    "zh": 5, "gu": 5}
#: (filter, share of searches using it, how much it narrows the results)
FLAGS = [("evenings", 0.07, 0.25), ("weekends", 0.05, 0.3), ("ulo", 0.03, 0.3),
         ("micro", 0.02, 0.5), ("poolable", 0.02, 0.1), ("free", 0.03, 0.1)]
WORDS = {
    "personal-assistance": ["personal assistant", "PA", "carer to help at home", "support worker"],
    "peer-support": ["peer support", "support group", "hearing voices group", "mens group"],
    "advocacy": ["advocacy", "advocate", "help with benefits appeal"],
    "support-planning": ["support planning", "broker", "help with my support plan"],
    "befriending": ["befriending", "someone to talk to", "lonely", "walking buddy"],
    "arts": ["art group", "photography", "pottery", "music group", "creative writing"],
    "sport-fitness": ["gym", "swimming", "football", "yoga", "walking group"],
    "learning": ["college course", "computer class", "english lessons", "cooking class"],
    "employment": ["job coach", "help finding work", "volunteering"],
    "transport": ["taxi", "transport to appointments", "bike"],
    "short-breaks": ["respite", "short break", "holiday"],
    "carers-support": ["carers group", "support for carers"],
    "housing": ["housing support", "tenancy help"],
    "practical-help": ["cleaner", "gardening", "shopping help", "childcare", "pet care"],
    "equipment": ["laptop", "bicycle", "gardening tools"],
    "wellbeing": ["massage", "mindfulness", "counselling"],
    "crisis-recovery": ["crisis support", "recovery college", "crisis plan"],
}
EXTRA = ["", "", "", " near me", " evenings", " weekend", " cheap", " for women", " in urdu",
         " for young people", " lgbt"]


def demand(connection, world, searches: int, rng: random.Random) -> dict:
    pools, members = _pools(connection, world, rng)
    reviews = _reviews(connection, world, rng)
    needs = _needs(connection, world, rng)
    logged = _search_log(connection, world, searches, rng)
    return {"pools": pools, "pool_members": members, "reviews": reviews, "needs": needs,
            "searches": logged}


def _pools(connection, world, rng: random.Random) -> tuple[int, int]:
    from marketplace.pools.models import Pool, PoolMember

    by_service: dict[int, list[tuple]] = {}
    for order in world.orders:
        if order[7] == "confirmed" and order[3][6] and rng.random() < 0.3:
            by_service.setdefault(order[3][0], []).append(order)
    pools, members = [], []
    for service_orders in by_service.values():
        while len(service_orders) >= 2:
            size = min(len(service_orders), rng.randint(2, 5))
            chosen, service_orders = service_orders[:size], service_orders[size:]
            if len({order[1] for order in chosen}) < size:
                continue
            service = chosen[0][3]
            funded = max(order[5] for order in chosen)
            pool_id = len(pools) + 1
            pools.append(_pool(world, pool_id, service, chosen[0][1], "funded", funded,
                               sum(o[4] * service[3] for o in chosen), size))
            for order in chosen:
                total = order[4] * service[3]
                members.append({"id": len(members) + 1, "pool_id": pool_id, "holder_id": order[1],
                                "budget_id": order[2], "display_name": f"Member {order[1]}",
                                "pledged_pence": total, "share_pence": total, "route": order[8],
                                "state": "paid", "pledged_by_id": order[1], "order_id": order[0],
                                "created_at": order[5], "updated_at": funded})
    for _ in range(len(pools) // 2 + 1):
        poolable = [s for s in world.services if s[6]] or world.services
        service = rng.choice(poolable)
        ended = world.start + timedelta(seconds=rng.uniform(0, (world.end - world.start)
                                                              .total_seconds()))
        pool_id = len(pools) + 1
        pools.append(_pool(world, pool_id, service, None, "expired", ended, service[3] * 4, 0))
        joined = rng.sample(world.budgets, rng.randint(1, 3))
        pools[-1]["started_by_id"] = joined[0].holder_id
        for budget in joined:
            members.append({"id": len(members) + 1, "pool_id": pool_id,
                            "holder_id": budget.holder_id, "budget_id": budget.id,
                            "display_name": f"Member {budget.holder_id}",
                            "pledged_pence": service[3] * 2, "route": budget.route,
                            "state": "released", "pledged_by_id": budget.holder_id,
                            "created_at": ended - timedelta(days=10), "updated_at": ended,
                            "ended_at": ended})
    copy_rows(connection, Pool.__table__, pools)
    copy_rows(connection, PoolMember.__table__, members)
    return len(pools), len(members)


def _pool(world, pool_id, service, started_by, state, moment, target, size) -> dict:
    return {"id": pool_id, "service_id": service[0], "provider_id": service[1],
            "started_by_id": started_by or world.commissioner_id, "title": service[5][:160],
            "sessions": 1, "unit_price_pence": service[3], "price_unit": service[4],
            "target_pence": target, "min_members": 2, "max_members": max(size, 2) + 2,
            "member_count": size, "deadline_at": moment + timedelta(days=3),
            "local_authority": service[7], "category": service[2],
            "invite_token_hash": hashlib.sha256(f"bench-pool-{pool_id}".encode()).hexdigest(),
            "state": state, "funded_at": moment if state == "funded" else None,
            "ended_at": moment if state == "expired" else None,
            "created_at": moment - timedelta(days=14), "updated_at": moment}


def _reviews(connection, world, rng: random.Random) -> int:
    from marketplace.reviews.models import REPORT_REASONS, Review, ReviewAction, ReviewReport

    service_ids = sorted({s[0] for s in world.services})
    poor = set(rng.sample(service_ids, len(service_ids) * 15 // 1000))
    falling = set(rng.sample(service_ids, len(service_ids) // 100))
    recent = world.end - timedelta(days=90)
    reviews, actions, reports = [], [], []
    for order_id, holder_id, _, service, _, _, settled, state, _ in world.orders:
        if state != "confirmed" or rng.random() > 0.35:
            continue
        written = settled + timedelta(days=rng.uniform(0.1, 10))
        if written >= world.end:
            continue
        bad = service[0] in poor or (service[0] in falling and written >= recent)
        roll = rng.random()
        review_state = "published" if roll < 0.92 else "held" if roll < 0.95 else \
            "rejected" if roll < 0.98 else "withdrawn"
        published = min(written + timedelta(hours=rng.uniform(0, 48)), world.end) \
            if review_state == "published" else None
        review_id = len(reviews) + 1
        reviews.append({"id": review_id, "order_id": order_id, "service_id": service[0],
                        "provider_id": service[1], "holder_id": holder_id,
                        "written_by_id": holder_id,
                        "stars": _weighted(rng, POOR_STARS if bad else STAR_WEIGHTS),
                        "helped": _weighted(rng, POOR_HELPED if bad else HELPED_WEIGHTS),
                        "text": rng.choice(SENTENCES),
                        "shown_as": rng.choice(["name", "anonymous"]), "state": review_state,
                        "held_reasons": [], "created_at": written,
                        "updated_at": published or written, "published_at": published})
        decided = published or written + timedelta(days=1)
        if review_state == "rejected" or (published and rng.random() < 0.04):
            actions.append({"id": len(actions) + 1, "review_id": review_id,
                            "actor_id": world.commissioner_id,
                            "action": "reject" if review_state == "rejected" else "publish",
                            "reason": "", "created_at": min(decided, world.end)})
        if published and rng.random() < 0.01:
            made = min(published + timedelta(days=rng.uniform(0, 30)), world.end)
            report_state = rng.choice(["open", "kept", "kept", "removed"])
            reports.append({"id": len(reports) + 1, "review_id": review_id,
                            "reporter_id": rng.choice(world.holders)[0], "by_provider": False,
                            "reason": rng.choice(REPORT_REASONS)[0], "words": "",
                            "state": report_state, "created_at": made,
                            "decided_at": None if report_state == "open" else made})
    copy_rows(connection, Review.__table__, reviews)
    copy_rows(connection, ReviewAction.__table__, actions)
    copy_rows(connection, ReviewReport.__table__, reports)
    return len(reviews)


def _needs(connection, world, rng: random.Random, count: int = 6000) -> int:
    from marketplace import areas
    from marketplace.needs.models import Need, Quote

    by_category: dict[str, list[tuple]] = {}
    for service in world.services:
        by_category.setdefault(service[2], []).append(service)
    categories = sorted(by_category)
    span = (world.end - world.start).total_seconds()
    needs, quotes = [], []
    for number in range(1, count + 1):
        holder_id, authority, district = rng.choice(world.holders)
        authority = authority or rng.choice(sorted(areas.LOCAL_AUTHORITIES))
        posted = world.start + timedelta(seconds=rng.uniform(0, span))
        category = rng.choice(categories)
        low = rng.randrange(1000, 10000, 500)
        age = (world.end - posted).days
        state = "open" if age < 60 else rng.choice(["closed", "expired", "accepted"])
        needs.append({"id": number, "holder_id": holder_id, "posted_by_id": holder_id,
                      "words": f"Looking for {rng.choice(WORDS[category])} near me",
                      "category": category, "local_authority": authority,
                      "postcode_district": district if district else "",
                      "language": _weighted(rng, LANGUAGE_WEIGHTS) if rng.random() < 0.08 else "",
                      "timing": rng.choice(["daytime", "evenings", "weekends", "any"]),
                      "budget_low_pence": low, "budget_high_pence": low * 3, "state": state,
                      "created_at": posted, "updated_at": posted,
                      "ended_at": None if state == "open" else posted + timedelta(days=60)})
        if rng.random() < 0.55:
            offers = rng.sample(by_category[category], min(3, rng.randint(1, 3),
                                                         len(by_category[category])))
            for service in {s[1]: s for s in offers}.values():
                quotes.append({"id": len(quotes) + 1, "need_id": number,
                               "provider_id": service[1], "service_id": service[0],
                               "price_pence": service[3], "price_unit": service[4],
                               "sessions": rng.randint(1, 8), "message": "",
                               "expires_on": (posted + timedelta(days=30)).date(),
                               "state": "live", "created_at": posted + timedelta(days=2),
                               "updated_at": posted + timedelta(days=2)})
    copy_rows(connection, Need.__table__, needs)
    copy_rows(connection, Quote.__table__, quotes)
    return len(needs)


def _search_log(connection, world, count: int, rng: random.Random) -> int:
    from marketplace import areas
    from marketplace.search.models import SearchLogEntry

    supply: dict[tuple[str, str], int] = {}
    for authority, indexes in world.by_authority.items():
        for index in indexes:
            key = (world.services[index][2], authority)
            supply[key] = supply.get(key, 0) + 1
    categories = sorted(WORDS)
    authorities = list(areas.LOCAL_AUTHORITIES)
    weights = [_day_weight(world.start + timedelta(days=d), d / (world.end - world.start).days)
               for d in range((world.end - world.start).days + 1)]
    days = rng.choices(range(len(weights)), weights=weights, k=count)
    hours = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.5, 3, 4, 4.5, 4.5, 4, 4, 4, 3.8, 3.5, 3.2,
             3, 3, 2.8, 2.2, 1.4, 0.6]

    def rows():
        for number, day in enumerate(sorted(days), start=1):
            moment = world.start.replace(hour=0, minute=0, second=0) + timedelta(
                days=day, hours=rng.choices(range(24), weights=hours)[0],
                seconds=rng.uniform(0, 3600))
            if moment >= world.end:
                moment = world.end - timedelta(seconds=rng.uniform(1, 3600))
            yield {"id": number, **_search(rng, moment, categories, authorities, supply)}

    return copy_rows(connection, SearchLogEntry.__table__, rows())


def _day_weight(moment: datetime, through: float) -> float:
    weekday = moment.weekday()
    return (0.6 if weekday == 6 else 0.7 if weekday == 5 else 1.0) * (0.8 + 0.4 * through)


def _search(rng, moment, categories, authorities, supply) -> dict:
    from marketplace import areas
    from marketplace.search.search_log import asked_specialism

    filters: dict[str, str] = {}
    category = rng.choice(categories) if rng.random() < 0.75 else None
    area = None
    if rng.random() < 0.82:
        authority = _weighted(rng, AUTHORITY_WEIGHTS)
        area = authority if rng.random() < 0.55 else rng.choice(
            areas.LOCAL_AUTHORITIES[authority][1])
        filters["area"] = area
    if category:
        filters["category"] = category
    narrowing = 1.0
    if rng.random() < 0.06:
        filters["language"] = _weighted(rng, LANGUAGE_WEIGHTS)
        narrowing *= 0.03
    for name, share, narrows in FLAGS:
        if rng.random() < share:
            filters[name] = "true"
            narrowing *= narrows
    if rng.random() < 0.04:
        filters["max_price"] = str(rng.choice([10, 15, 20, 30]))
        narrowing *= 0.4
    words = "" if rng.random() < 0.15 else \
        rng.choice(WORDS[category or rng.choice(categories)]) + rng.choice(EXTRA)
    authority = (area if area in areas.LOCAL_AUTHORITIES
                 else areas.DISTRICT_TO_AUTHORITY.get(area)) if area else None
    base = sum(supply.get((c, a), 0) for c in ([category] if category else categories)
               for a in ([authority] if authority else authorities))
    if area and area not in areas.LOCAL_AUTHORITIES:
        base //= 3
    roll = rng.random()
    if roll < 0.08:
        found = 0
    elif roll < 0.18:
        found = rng.randint(1, 3)
    else:
        found = int(base * narrowing * (0.2 if words else 1.0) * rng.uniform(0.3, 1.5))
    return {"query_text": words, "filters": filters, "area": area, "result_count": found,
            "specialism": asked_specialism(words),
            "channel": "api" if rng.random() < 0.2 else "web", "created_at": moment}
