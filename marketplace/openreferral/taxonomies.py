"""Our fixed lists, published as HSDS taxonomies: categories, who a service is especially for,
how it is delivered and what kind of provider runs it.

Each taxonomy and term has a feed id made from its stable vocabulary value (ids.py), so the
ids are the same on every request and after a restart. Services link to terms through HSDS
attributes (mapping.py), which is what `taxonomy_term_id` and `taxonomy_id` filter on.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from marketplace import vocabulary
from marketplace.openreferral import ids

#: What each category holds, in a sentence, for directories that show term descriptions.
CATEGORY_DESCRIPTIONS = {
    "personal-assistance": "Personal assistants and support workers who help with daily life, "
                           "at home and out and about.",
    "peer-support": "Groups and one-to-one support from people with lived experience.",
    "advocacy": "Independent help to speak up, be heard and know your rights.",
    "support-planning": "Help to plan how to use a personal budget, and brokers who arrange "
                        "support.",
    "befriending": "Befriending, social groups and activities for people who feel alone.",
    "arts": "Art, music, photography, writing and other creative activities.",
    "sport-fitness": "Gyms, sport, walking and outdoor activities.",
    "learning": "Courses and classes, from college to skills for daily life.",
    "employment": "Help to find, get back to or keep work and volunteering.",
    "transport": "Getting about: travel training, lifts and transport.",
    "short-breaks": "Short breaks and respite, for the person and for carers.",
    "carers-support": "Support for unpaid carers.",
    "housing": "Help to find and keep a home and manage a tenancy.",
    "practical-help": "Help at home: cleaning, gardening, shopping and pet care.",
    "equipment": "Things bought with a budget: computers, bicycles, tools and other goods.",
    "wellbeing": "Therapies and activities for wellbeing: massage, mindfulness, relaxation.",
    "crisis-recovery": "Planning for crisis and recovery, and support after a crisis.",
}


@dataclass(frozen=True)
class Taxonomy:
    #: Our name for it, used in ids and the link_type of attributes.
    key: str
    name: str
    description: str
    #: The vocabulary it publishes: (value, label) pairs.
    choices: tuple[tuple[str, str], ...]
    #: The /search parameter that filters on its values, if any (for each term's term_uri).
    search_parameter: str | None = None

    @property
    def id(self) -> str:
        return ids.make("taxonomy", 0, ids.sub_code("taxonomy", self.key))


@dataclass(frozen=True)
class Term:
    taxonomy: Taxonomy
    value: str
    label: str

    @property
    def id(self) -> str:
        return ids.make("taxonomy_term", 0,
                        ids.sub_code("taxonomy_term", f"{self.taxonomy.key}:{self.value}"))

    @property
    def description(self) -> str:
        if self.taxonomy.key == "categories":
            return CATEGORY_DESCRIPTIONS.get(self.value, self.label)
        return f"{self.taxonomy.name}: {self.label}."


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy("categories", "Pathways categories",
             "The kinds of support listed on Pathways. Each service has one main category and "
             "may have others.", tuple(vocabulary.CATEGORIES), "category"),
    Taxonomy("especially-for", "Pathways: especially for",
             "The people a service is especially for (its specialisms). Only 'Women only' "
             "limits who may use it.", tuple(vocabulary.SPECIALISMS)),
    Taxonomy("delivery-modes", "Pathways delivery modes",
             "How a service is delivered: in person, online or by phone.",
             tuple(vocabulary.DELIVERY_MODES), "mode"),
    Taxonomy("provider-types", "Pathways provider types",
             "The kind of organisation or person that provides a service.",
             tuple(vocabulary.PROVIDER_TYPES), "provider_type"),
)
TAXONOMY_BY_KEY = {taxonomy.key: taxonomy for taxonomy in TAXONOMIES}

ids.check_distinct("taxonomy", [taxonomy.key for taxonomy in TAXONOMIES])
ids.check_distinct("taxonomy_term", [f"{taxonomy.key}:{value}" for taxonomy in TAXONOMIES
                                     for value, _ in taxonomy.choices])


def terms(taxonomy: Taxonomy | None = None) -> list[Term]:
    """Every term, taxonomy by taxonomy in the order people see them on the site."""
    chosen = [taxonomy] if taxonomy else TAXONOMIES
    return [Term(each, value, label) for each in chosen for value, label in each.choices]


def term(taxonomy_key: str, value: str) -> Term:
    taxonomy = TAXONOMY_BY_KEY[taxonomy_key]
    return Term(taxonomy, value, vocabulary.label(list(taxonomy.choices), value))


def find_taxonomy(feed_id: str) -> Taxonomy | None:
    parsed = ids.parse(feed_id)
    if parsed is None or parsed.kind != "taxonomy" or parsed.number != 0:
        return None
    return next((taxonomy for taxonomy in TAXONOMIES
                 if ids.sub_code("taxonomy", taxonomy.key) == parsed.sub), None)


def find_term(feed_id: str) -> Term | None:
    parsed = ids.parse(feed_id)
    if parsed is None or parsed.kind != "taxonomy_term" or parsed.number != 0:
        return None
    return next((each for each in terms() if ids.sub_code(
        "taxonomy_term", f"{each.taxonomy.key}:{each.value}") == parsed.sub), None)


def taxonomy_body(taxonomy: Taxonomy, *, with_terms: bool = True) -> dict:
    body = {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "uri": url_for("open_data.page", _external=True, _anchor=f"taxonomy-{taxonomy.key}"),
        "version": "1",
    }
    if with_terms:
        body["taxonomy_terms"] = [term_body(each) for each in terms(taxonomy)]
    return body


def term_body(each: Term) -> dict:
    body = {
        "id": each.id,
        "name": each.label,
        "description": each.description,
        "taxonomy": each.taxonomy.name,
        "taxonomy_id": each.taxonomy.id,
        "term": each.value,
    }
    if each.taxonomy.search_parameter:
        body["term_uri"] = url_for("search.search", _external=True,
                                   **{each.taxonomy.search_parameter: each.value})
    return body
