"""The Whoosh search index. This is the only module that imports whoosh.

Design overview
---------------
* One document per active service of an existing provider. Paused and deleted services have
  no document. Documents carry no stored fields: hits are loaded from the database by id.
* Text is analysed here, once, in Python (_words: lower case, stop words dropped; _stem:
  Snowball's English stemmer, cached), and handed to Whoosh as space-separated terms in "existence" fields (no
  positions, frequencies or lengths: relevance is computed from bitmasks, see below, so
  Whoosh's scorer never runs). Text fields are the four weight classes (title; tags; provider
  and category names; description and other details). "pairs" holds each field's adjacent
  stem pairs ("t:peer_support"), so a multi-word synonym is a term lookup, not a phrase
  search; a phrase of three or more words needs all its pairs in one field. "words" holds
  every word unstemmed: the dictionary for spelling suggestions. Filter values are
  existence terms too; service id, price (integer pence) and rating (integer centi-stars, -1
  when unrated) are per-document columns. Whoosh crashes on sortable floats, so nothing here
  is a float.
* Writers: every change goes through the index log (outbox.py); this node's upkeep
  (upkeep.py) applies it in position order through locked_for_writing(), which takes the
  Whoosh writer lock *before* the caller reads the log and the services, so whoever writes
  last writes the latest database state. Applying an entry twice is harmless (idempotent). The writer skips
  Whoosh's length statistics, keeps postings in compact arrays instead of pickled runs
  (_CompactPool) and writes non-compound segments (see _Engine.writer).
* Readers: each index directory has one process-wide _Engine holding an open Searcher, which
  is refreshed when another writer (thread or process) has committed. Everything derived
  from the index is held per *segment* (_Segment, keyed by segment id), as Python int
  bitmasks over the segment's document numbers: the documents holding each filter value, the
  common words, and the four sort orders cut into chunks with a mask each. A segment's
  documents never change and its deletions only grow, so these stay valid for the segment's
  life once ANDed with its current live mask; an edit adds a small segment and only that
  one costs anything. Large segments' caches are also written beside the index
  ("<segment id>.masks", marshal), so a new process loads them instead of recomputing, and
  Whoosh deletes them with their segment. A _Snapshot per searcher generation shifts the
  segments' filter masks into one document-number space (cheap), and pages through a sort
  order by merging the segments' orders.
* Text matching uses the same masks: a word's mask is the union of its postings per text
  field, cached per segment and per generation. Relevance is tiered, not BM25: a result
  scores, for each word typed, the weight of the best field it appears in (title 30, tags
  20, names 15, description and details 10; synonyms at 0.7 of that); ties go newest first.
* Thread safety: whoosh calls, snapshot building and cache fills run under the engine's
  lock (Whoosh's readers are not thread-safe); a repeated search is answered from the
  snapshot's result cache with no lock and no Whoosh call, after a stat of the index
  directory says nothing was committed (_Engine.fresh_snapshot). Index writes in one process
  are serialised by a second lock and across processes by Whoosh's file lock.
"""
from __future__ import annotations

import atexit
import bisect
import contextlib
import functools
import heapq
import itertools
import logging
import marshal
import os
import re
import threading
import time
import uuid
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from whoosh import columns, formats, writing
from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, KeywordAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, FieldType, Schema
from whoosh.index import LockError
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from marketplace import areas, vocabulary
from marketplace.search import partial
from marketplace.search.errors import IndexBusy
from marketplace.search.synonyms import QueryUnit

log = logging.getLogger(__name__)

#: Bump when the schema or the document shape changes: a new name means a new, empty index
#: (with a new index id), which each node's worker builds from the database. v3: Snowball's
#: English stemmer instead of Porter ("getting" -> "get", not "gett").
INDEX_NAME = "services_v3"
#: Log entries applied per index commit.
BATCH_SIZE = 500
#: Documents per chunk of a sorted order (see _Ordering).
CHUNK = 512
#: Price bands offered as the max_price facet, in pence.
PRICE_BANDS = (1000, 2000, 3000, 5000)
RATING_LEVELS = (4, 3, 2, 1)
FLAGS = ("ulo", "micro", "evenings", "weekends", "poolable")
#: Alternatives from the synonyms file score a little below the words typed.
SYNONYM_BOOST = 0.7
#: Word masks kept per segment and per generation (each up to size/8 bytes).
TEXT_CACHE_SIZE = 1024
QUERY_CACHE_SIZE = 256
#: Whole results (one page, total and facets) kept per generation for repeated searches.
RESULT_CACHE_SIZE = 512
#: A directory changed less than this long ago is always checked with Whoosh (see
#: _Engine.fresh_snapshot): file times are only as fine as the kernel's clock tick.
_SETTLED_NS = 1_000_000_000
#: In segments of at least FREQUENT_MIN_SEGMENT documents, masks for words found in at least
#: max(FREQUENT_MIN_DOCS, size // FREQUENT_SHARE) documents are built up front: they are the
#: expensive ones, and this bounds the cost of a first search for a common word.
FREQUENT_MIN_SEGMENT = 5000
FREQUENT_MIN_DOCS = 500
FREQUENT_SHARE = 100
#: Segments of at least this many documents have their caches written beside the index.
PERSIST_MIN_SEGMENT = 5000
_CACHE_VERSION = 2

#: Text field -> relevance weight (see _tiers) and its prefix in the "pairs" field.
_WEIGHTS = {"title": 30, "tags": 20, "names": 15, "body": 10}
_PAIR_PREFIX = {"title": "t", "tags": "g", "names": "n", "body": "b"}
_TEXT_FIELDS = tuple(_WEIGHTS)
#: Filter parameter -> field holding its values.
_FILTER_FIELDS = {
    "category": "categories",
    "area": "areas",
    "mode": "modes",
    "language": "languages",
    "provider_type": "provider_type",
}
_KEYWORD_FIELDS = (*_FILTER_FIELDS.values(), "flags")
_ORDERS = ("newest", "price", "price-desc", "rating")
_BITS = tuple(1 << bit for bit in range(8))


class _Terms(FieldType):
    """Space-separated terms, already analysed, indexed by existence only."""

    def __init__(self):
        self.format = formats.Existence()
        self.analyzer = KeywordAnalyzer()
        self.scorable = False
        self.stored = False
        self.unique = False
        self.vector = None


class _UnscoredCodec(W3Codec):
    """Whoosh's codec without per-posting length statistics: nothing here scores with
    Whoosh, and collecting them looks up a (missing) length column for every posting
    written, about a third of the time a rebuild took. Segments record their codec by this
    class's import path: renaming it needs a new INDEX_NAME."""

    length_stats = False


class _CompactPool:
    """Stands in for the writer's PostingPool. Whoosh's pool pickles every posting to sorted
    run files once it passes its memory limit and merges them at commit: over half of a
    rebuild's time at 100,000 services. Every field here is existence-only (weight 1, no
    value), so a posting is just a document number: they are kept per term in compact arrays
    (4 bytes each) and sorted only at commit. Any other posting is kept whole, as before."""

    def __init__(self):
        self.fieldnames: set[str] = set()
        self._docnums: dict[str, dict[bytes, array]] = {}
        self._other: list[tuple] = []

    def add(self, item) -> None:
        fieldname, text, docnum, weight, value = item
        self.fieldnames.add(fieldname)
        if weight == 1 and not value and docnum >= 0:
            terms = self._docnums.get(fieldname)
            if terms is None:
                terms = self._docnums[fieldname] = {}
            found = terms.get(text)
            if found is None:
                terms[text] = array("I", (docnum,))
            else:
                found.append(docnum)
        else:
            self._other.append(item)

    def _plain(self):
        for fieldname in sorted(self._docnums):
            terms = self._docnums[fieldname]
            for text in sorted(terms):
                for docnum in sorted(terms[text]):
                    yield (fieldname, text, docnum, 1.0, None)

    def iter_postings(self):
        if not self._other:
            return self._plain()
        return heapq.merge(self._plain(), sorted(self._other), key=lambda item: item[:3])

    def cleanup(self) -> None:
        self._docnums.clear()
        self._other.clear()


def _schema() -> Schema:
    return Schema(
        key=ID(unique=True),
        service_id=COLUMN(columns.NumericColumn("q")),
        price_pence=COLUMN(columns.NumericColumn("q")),
        rating_centi=COLUMN(columns.NumericColumn("i", default=-1)),
        **{name: _Terms() for name in (*_TEXT_FIELDS, "pairs", "words", *_KEYWORD_FIELDS)},
    )


# --- analysis ----------------------------------------------------------------------------

#: Whoosh's default tokenizer pattern; with lower-casing and its stop list (words of two
#: letters or more) this is what Whoosh's StemmingAnalyzer did before stemming.
_TOKEN = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)


def _words(text: str) -> list[str]:
    return [
        word for word in (match.group().lower() for match in _TOKEN.finditer(text or ""))
        if len(word) >= 2 and word not in STOP_WORDS
    ]


_stem = functools.lru_cache(maxsize=200_000)(EnglishStemmer().stem)


def _tokens(text: str) -> tuple[str, ...]:
    """The stems a query text is looked up by (the same analysis as documents)."""
    return tuple(_stem(word) for word in _words(text))


# --- documents ---------------------------------------------------------------------------


def _document(service) -> dict:
    provider = service.provider
    categories = [service.category] + [
        value for value in (service.secondary_categories or []) if value != service.category
    ]
    served = areas.expand_served_areas(
        service.local_authorities or [], service.postcode_districts or []
    )
    flags = [
        name
        for name, on in (
            ("ulo", provider.is_user_led),
            ("micro", provider.is_micro),
            ("evenings", service.evenings),
            ("weekends", service.weekends),
            ("poolable", service.poolable),
        )
        if on
    ]
    # Each field is a list of parts; pairs never span two parts (two tags, say).
    parts = {
        "title": [service.title],
        "tags": list(service.tags or []),
        "names": [provider.name,
                  *(vocabulary.label(vocabulary.CATEGORIES, c) for c in categories)],
        "body": [
            service.description, service.schedule, service.accessibility,
            *(vocabulary.label(vocabulary.SPECIALISMS, s) for s in service.specialisms or []),
            *(vocabulary.label(vocabulary.LANGUAGES, lang) for lang in service.languages or []),
            vocabulary.label(vocabulary.PROVIDER_TYPES, provider.provider_type),
            *(areas.area_label(slug) for slug in service.local_authorities or []),
        ],
    }
    document = {
        "key": str(service.id),
        "service_id": service.id,
        "price_pence": int(service.price_pence),
        "rating_centi": -1 if service.rating_centi is None else int(service.rating_centi),
        "categories": " ".join(categories),
        "areas": " ".join(served),
        "modes": " ".join(service.delivery_modes or []),
        "languages": " ".join(service.languages or []),
        "provider_type": provider.provider_type,
        "flags": " ".join(flags),
    }
    all_words: dict[str, None] = {}
    pairs: dict[str, None] = {}
    for fieldname, texts in parts.items():
        stems: dict[str, None] = {}
        prefix = _PAIR_PREFIX[fieldname]
        for text in texts:
            words = _words(text)
            all_words.update(dict.fromkeys(words))
            part = [_stem(word) for word in words]
            stems.update(dict.fromkeys(part))
            pairs.update(dict.fromkeys(f"{prefix}:{a}_{b}" for a, b in zip(part, part[1:])))
        document[fieldname] = " ".join(stems)
    document["pairs"] = " ".join(pairs)
    document["words"] = " ".join(all_words)
    return document


def _indexable_services(session: so.Session):
    from marketplace.providers.models import Provider, Service

    return (
        sa.select(Service)
        .join(Provider, Service.provider_id == Provider.id)
        .where(Service.status == "active")
        .options(so.contains_eager(Service.provider))
    )


# --- bitmask helpers ---------------------------------------------------------------------


def _docnums(reader, fieldname: str, text: str) -> list[int]:
    """Document numbers of a term's postings in one segment, deleted documents included
    (callers AND with the live mask)."""
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return []
    if isinstance(matcher, FilterMatcher):  # the segment's deletions: we mask them ourselves
        matcher = matcher.child
    if not hasattr(matcher, "_read_ids"):
        return list(matcher.all_ids())
    # whoosh-reloaded 2.7.5's block reader: take whole blocks of ids rather than stepping a
    # posting at a time (the public all_ids() is about five times slower).
    found: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        found.extend(matcher._ids[matcher._i:])
        matcher._next_block()
    return found


def _mask(docnums: Iterable[int], size: int) -> int:
    """An int with bit d set for each d in docnums (all < size)."""
    bits = bytearray((size >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= _BITS[docnum & 7]
    return int.from_bytes(bits, "little")


def _sort_keys(name: str, ids: list[int], prices: list[int], ratings: list[int]):
    """The full sort key of document d in order name, as a function of d."""
    if name == "price":
        return lambda d: (prices[d], -ids[d])
    if name == "price-desc":
        return lambda d: (-prices[d], -ids[d])
    if name == "rating":
        # Unrated (-1) sorts after every rating, then newest first.
        return lambda d: (-ratings[d] if ratings[d] >= 0 else 1, -ids[d])
    return lambda d: -ids[d]  # "newest": the order when nothing is typed, and within a tier


class _Ordering:
    """A segment's documents (deleted ones too) in one sort order, cut into chunks of CHUNK
    with a mask each, so a page is found by counting bits per chunk, not by scanning."""

    def __init__(self, docnums: list[int], keys: list, size: int):
        self.docnums = docnums
        #: The leading sort key at each position, for bisecting ("how many cost at most X").
        self.keys = keys
        self.size = size
        self.chunks = [
            _mask(docnums[start:start + CHUNK], size) for start in range(0, len(docnums), CHUNK)
        ]
        self._prefixes: dict[int, int] = {}

    def prefix_mask(self, count: int) -> int:
        """The first count documents of this order, as a mask."""
        if count not in self._prefixes:
            whole = count // CHUNK
            mask = 0
            for chunk in self.chunks[:whole]:
                mask |= chunk
            mask |= _mask(self.docnums[whole * CHUNK:count], self.size)
            if len(self._prefixes) > 64:
                self._prefixes.clear()
            self._prefixes[count] = mask
        return self._prefixes[count]

    def page(self, result: int, offset: int, limit: int) -> list[int]:
        """The documents of result at positions offset to offset + limit in this order."""
        found: list[int] = []
        seen = 0
        result_bytes = None
        for number, chunk in enumerate(self.chunks):
            count = (chunk & result).bit_count()
            if seen + count <= offset:
                seen += count
                continue
            if result_bytes is None:
                result_bytes = result.to_bytes((self.size >> 3) + 1, "little")
            for docnum in self.docnums[number * CHUNK:(number + 1) * CHUNK]:
                if result_bytes[docnum >> 3] & _BITS[docnum & 7]:
                    if seen >= offset:
                        found.append(docnum)
                        if len(found) == limit:
                            return found
                    seen += 1
        return found


class _Segment:
    """What one segment's reader gave us, computed (or loaded from its cache file) once per
    segment id. Masks may include documents deleted since: callers AND with the live mask."""

    def __init__(self, reader, cache_path: str | None):
        self.size = size = reader.doc_count_all()
        loaded = _load_cache(cache_path, size) if cache_path else None
        if loaded is None:
            loaded = self._compute(reader)
            if cache_path:
                _save_cache(cache_path, loaded)
        self.terms: dict[tuple[str, str], int] = loaded["terms"]
        self.service_ids: list[int] = loaded["service_ids"]
        self.prices: list[int] = loaded["prices"]
        self.ratings: list[int] = loaded["ratings"]
        #: (field, tokens) -> mask of documents containing the word or phrase; common words
        #: are kept for the segment's life, others in a bounded LRU.
        self.frequent: dict[tuple[str, tuple[str, ...]], int] = loaded["frequent"]
        self.text: OrderedDict[tuple[str, tuple[str, ...]], int] = OrderedDict()
        self.orders: dict[str, _Ordering] = {}
        for name, docnums in loaded["orders"].items():
            leading = _sort_keys(name, self.service_ids, self.prices, self.ratings)
            keys = [leading(d) for d in docnums]
            if name != "newest":
                keys = [key[0] for key in keys]
            self.orders[name] = _Ordering(docnums, keys, size)

    def _compute(self, reader) -> dict:
        size = self.size
        indexed = set(reader.indexed_field_names())
        terms = {}
        for fieldname in _KEYWORD_FIELDS:
            if fieldname in indexed:
                for raw in reader.lexicon(fieldname):
                    value = raw.decode("utf-8")
                    terms[(fieldname, value)] = _mask(_docnums(reader, fieldname, value), size)

        def column(name: str) -> list[int]:
            return list(reader.column_reader(name)) if size else []

        ids, prices, ratings = column("service_id"), column("price_pence"), column("rating_centi")
        frequent = {}
        if size >= FREQUENT_MIN_SEGMENT:
            threshold = max(FREQUENT_MIN_DOCS, size // FREQUENT_SHARE)
            for fieldname in _TEXT_FIELDS:
                if fieldname not in indexed:
                    continue
                for raw, info in reader.iter_field(fieldname):
                    if info.doc_frequency() >= threshold:
                        token = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                        frequent[(fieldname, (token,))] = _mask(
                            _docnums(reader, fieldname, token), size
                        )
        orders = {
            name: sorted(range(size), key=_sort_keys(name, ids, prices, ratings))
            for name in _ORDERS
        }
        return {"terms": terms, "service_ids": ids, "prices": prices, "ratings": ratings,
                "frequent": frequent, "orders": orders}

    def text_mask(self, reader, fieldname: str, tokens: tuple[str, ...]) -> int:
        key = (fieldname, tokens)
        found = self.frequent.get(key)
        if found is not None:
            return found
        found = self.text.get(key)
        if found is not None:
            self.text.move_to_end(key)
            return found
        if len(tokens) == 1:
            found = _mask(_docnums(reader, fieldname, tokens[0]), self.size)
        else:
            # A phrase: every adjacent pair of its stems, in this field.
            prefix = _PAIR_PREFIX[fieldname]
            found = -1
            for a, b in zip(tokens, tokens[1:]):
                found &= _mask(_docnums(reader, "pairs", f"{prefix}:{a}_{b}"), self.size)
                if not found:
                    break
        self.text[key] = found
        if len(self.text) > TEXT_CACHE_SIZE:
            self.text.popitem(last=False)
        return found


def _cache_path(directory: str, reader) -> str | None:
    if reader.doc_count_all() < PERSIST_MIN_SEGMENT:
        return None
    # Named like the segment's own files, so Whoosh deletes it along with the segment.
    return os.path.join(directory, f"{reader.segment().segment_id()}.masks")


def _load_cache(path: str, size: int) -> dict | None:
    try:
        with open(path, "rb") as handle:
            loaded = marshal.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as error:
        log.warning("Ignoring unreadable search cache %s: %s", path, error)
        return None
    if not isinstance(loaded, dict) or loaded.get("version") != (_CACHE_VERSION, size):
        return None
    try:
        # marshal reads big ints 15 bits at a time (over a second for 100,000 documents);
        # bytes and arrays load at memory speed.
        return {
            "terms": {key: int.from_bytes(raw, "little") for key, raw in loaded["terms"].items()},
            "frequent": {
                key: int.from_bytes(raw, "little") for key, raw in loaded["frequent"].items()
            },
            "orders": {name: _from_array(raw) for name, raw in loaded["orders"].items()},
            **{name: _from_array(loaded[name]) for name in ("service_ids", "prices", "ratings")},
        }
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        log.warning("Ignoring unreadable search cache %s: %s", path, error)
        return None


def _from_array(raw: bytes) -> list[int]:
    values = array("q")
    values.frombytes(raw)
    return values.tolist()


def _save_cache(path: str, computed: dict) -> None:
    directory, name = os.path.split(path)
    # A dot file: Whoosh's clean-up ignores it, and os.replace makes the switch atomic.
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.{threading.get_ident()}")
    nbytes = (len(computed["service_ids"]) >> 3) + 1
    encoded = {
        "version": (_CACHE_VERSION, len(computed["service_ids"])),
        "terms": {key: mask.to_bytes(nbytes, "little") for key, mask in computed["terms"].items()},
        "frequent": {
            key: mask.to_bytes(nbytes, "little") for key, mask in computed["frequent"].items()
        },
        "orders": {name: array("q", docnums).tobytes()
                   for name, docnums in computed["orders"].items()},
        **{name: array("q", computed[name]).tobytes()
           for name in ("service_ids", "prices", "ratings")},
    }
    try:
        with open(temporary, "wb") as handle:
            marshal.dump(encoded, handle)
        os.replace(temporary, path)
    except OSError as error:  # a read-only index directory: just recompute next time
        log.warning("Could not write search cache %s: %s", path, error)
        try:
            os.remove(temporary)
        except OSError:
            pass


def _live_mask(reader, size: int) -> int:
    everything = (1 << size) - 1
    if not reader.has_deletions():
        return everything
    return everything ^ _mask(reader.deleted_docs_set, size)


@dataclass
class _Leaf:
    reader: object
    offset: int
    segment: _Segment
    live: int


class _Snapshot:
    """Everything derived from one searcher generation: the segments' masks shifted into one
    document-number space and ANDed with their live masks. Built under the engine lock; the
    lazily filled caches are also only touched under it."""

    def __init__(self, searcher, segment_cache: dict[str, _Segment], directory: str,
                 number: int = 0):
        self.searcher = searcher
        #: Unique in the process: a new number means the index changed.
        self.number = number
        #: (params, units, offset, limit, with_facets) -> IndexResult for this generation.
        #: Read without the lock (a dict lookup is atomic), written under it.
        self.results: dict[tuple, IndexResult] = {}
        self.size = searcher.doc_count_all()
        self.nbytes = (self.size >> 3) + 1
        self.terms: dict[tuple[str, str], int] = {}
        self.service_ids: list[int] = []
        self.prices: list[int] = []
        self.ratings: list[int] = []
        self.live = 0
        self.leaves: list[_Leaf] = []
        used: set[str] = set()
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            size = reader.doc_count_all()
            if not size:
                continue
            segment_id = reader.segment().segment_id()
            used.add(segment_id)
            segment = segment_cache.get(segment_id)
            if segment is None:
                segment = segment_cache[segment_id] = _Segment(
                    reader, _cache_path(directory, reader)
                )
            live = _live_mask(reader, size)
            self.leaves.append(_Leaf(reader, offset, segment, live))
            self.live |= live << offset
            for key, mask in segment.terms.items():
                self.terms[key] = self.terms.get(key, 0) | ((mask & live) << offset)
            # Offsets are contiguous, so the per-document lists line up with docnums.
            self.service_ids.extend(segment.service_ids)
            self.prices.extend(segment.prices)
            self.ratings.extend(segment.ratings)
        for segment_id in set(segment_cache) - used:
            del segment_cache[segment_id]
        self._bounds: dict[tuple[str, int], int] = {}
        self.forget_queries()

    def forget_queries(self) -> None:
        self._text: OrderedDict = OrderedDict()
        self._queries: OrderedDict = OrderedDict()
        self.results = {}

    def remember(self, key: tuple, result: IndexResult) -> None:
        if len(self.results) >= RESULT_CACHE_SIZE:
            self.results = {}  # replaced, not cleared: lock-free readers hold the old one
        self.results[key] = result

    def term(self, fieldname: str, value: str) -> int:
        return self.terms.get((fieldname, value), 0)

    def text_mask(self, fieldname: str, tokens: tuple[str, ...]) -> int:
        key = (fieldname, tokens)
        found = self._text.get(key)
        if found is None:
            found = 0
            for leaf in self.leaves:
                local = leaf.segment.text_mask(leaf.reader, fieldname, tokens)
                found |= (local & leaf.live) << leaf.offset
            self._text[key] = found
            if len(self._text) > TEXT_CACHE_SIZE:
                self._text.popitem(last=False)
        return found

    def page(self, order: str, result: int, offset: int, limit: int) -> list[int]:
        """Documents of result (a mask of live documents) at positions offset to offset +
        limit in the given order: each segment's first offset + limit, merged."""
        parts = []
        for leaf in self.leaves:
            local = (result >> leaf.offset) & leaf.live
            if local:
                parts.append((leaf, local))
        if len(parts) == 1:
            leaf, local = parts[0]
            return [leaf.offset + d for d in leaf.segment.orders[order].page(local, offset, limit)]
        key = _sort_keys(order, self.service_ids, self.prices, self.ratings)
        runs = [
            [leaf.offset + d for d in leaf.segment.orders[order].page(local, 0, offset + limit)]
            for leaf, local in parts
        ]
        merged = heapq.merge(*runs, key=key)
        return [d for _, d in zip(range(offset + limit), merged)][offset:]

    def _bounded(self, order: str, bound: int) -> int:
        """Live documents whose leading key in order is at most bound."""
        key = (order, bound)
        found = self._bounds.get(key)
        if found is None:
            found = 0
            for leaf in self.leaves:
                ordering = leaf.segment.orders[order]
                count = bisect.bisect_right(ordering.keys, bound)
                found |= (ordering.prefix_mask(count) & leaf.live) << leaf.offset
            if len(self._bounds) > 64:
                self._bounds.clear()
            self._bounds[key] = found
        return found

    def price_at_most(self, pence: int) -> int:
        return self._bounded("price", pence)

    def rating_at_least(self, stars: int) -> int:
        # The rating order's leading keys are -rating for rated documents, 1 for unrated.
        return self._bounded("rating", -stars * 100)

    def query(self, units: tuple[QueryUnit, ...]) -> tuple[int, list[list[tuple[int, int]]]]:
        """(mask of documents matching every unit, per unit its levels): a unit's levels are
        (weight, mask) pairs, best first, putting each matching document in the level of the
        best field it matched in (see _WEIGHTS)."""
        cached = self._queries.get(units)
        if cached is not None:
            self._queries.move_to_end(units)
            return cached
        matched = self.live
        all_levels = []
        for unit in units:
            options = [(unit.text, 1.0)] + [(alt, SYNONYM_BOOST) for alt in unit.alternatives]
            by_weight: dict[int, int] = {}
            for text, boost in options:
                tokens = _tokens(text)
                if not tokens:
                    continue
                for fieldname in _TEXT_FIELDS:
                    weight = round(_WEIGHTS[fieldname] * boost)
                    mask = self.text_mask(fieldname, tokens)
                    if mask:
                        by_weight[weight] = by_weight.get(weight, 0) | mask
            if not any(_tokens(text) for text, _ in options):
                continue  # only stop words: the unit asks for nothing
            levels, covered = [], 0
            for weight in sorted(by_weight, reverse=True):
                level = by_weight[weight] & ~covered
                if level:
                    levels.append((weight, level))
                    covered |= level
            matched &= covered
            all_levels.append(levels)
        found = (matched, all_levels)
        self._queries[units] = found
        if len(self._queries) > QUERY_CACHE_SIZE:
            self._queries.popitem(last=False)
        return found


# --- queries -----------------------------------------------------------------------------


def has_searchable_words(units: Iterable[QueryUnit]) -> bool:
    """False when every word is a stop word ("the", "and"): such a query matches everything."""
    return any(
        _tokens(text) for unit in units for text in (unit.text, *unit.alternatives)
    )


def _tiers(levels_per_unit: list[list[tuple[int, int]]], result: int) -> list[tuple[int, int]]:
    """Split result into (score, mask) tiers, best first. Scores are integers (the sum over
    the units of the weight of the best field matched) so tiers compare exactly."""
    scores = {0: result}
    for levels in levels_per_unit:
        combined: dict[int, int] = {}
        for score, mask in scores.items():
            for weight, level in levels:
                both = mask & level
                if both:
                    combined[score + weight] = combined.get(score + weight, 0) | both
        scores = combined
    return sorted(scores.items(), reverse=True)


# --- the engine --------------------------------------------------------------------------


class _Engine:
    def __init__(self, directory: str):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        if whoosh_index.exists_in(directory, indexname=INDEX_NAME):
            self.index = whoosh_index.open_dir(directory, indexname=INDEX_NAME)
        else:
            try:
                self.index = whoosh_index.create_in(directory, _schema(), indexname=INDEX_NAME)
            except LockError:  # another process is creating it right now
                time.sleep(0.5)
                self.index = whoosh_index.open_dir(directory, indexname=INDEX_NAME)
        #: Serialises whoosh reads and snapshot building in this process.
        self.lock = threading.RLock()
        #: Serialises index writes in this process (Whoosh's file lock does across processes).
        self.write_lock = threading.Lock()
        self.searcher = None
        self.snapshot: _Snapshot | None = None
        self._seen_change: int | None = None
        self.segments: dict[str, _Segment] = {}
        self.index_id = _read_or_create_index_id(directory)
        #: Known to hold a built index (upkeep.ensure_ready): set once, never cleared, since
        #: a rebuild replaces the documents in one commit and readers keep the old ones till then.
        self.ready = False

    def current(self) -> _Snapshot:
        """The snapshot for the newest committed generation. Call with self.lock held."""
        if self.searcher is None:
            self.searcher = self.index.searcher()
        elif not self.searcher.up_to_date():
            # Not searcher.refresh(): whoosh-reloaded 2.7.5 reuses a segment's reader when the
            # segment id is unchanged, so deletions made since (every edit deletes the old
            # document) stay visible. A fresh searcher is cheap; segment masks are cached.
            old, self.searcher = self.searcher, self.index.searcher()
            old.close()
        if self.snapshot is None or self.snapshot.searcher is not self.searcher:
            self.snapshot = _Snapshot(self.searcher, self.segments, self.directory,
                                      next(_snapshot_numbers))
        return self.snapshot

    def fresh_snapshot(self) -> _Snapshot:
        """The current snapshot, taking the lock only if the index may have changed. Every
        commit (from any process) writes a new table of contents into the directory, which
        changes its modification time; a time unchanged since the last look, and more than a
        clock tick old, means no commit since. Otherwise Whoosh is asked (current())."""
        snapshot = self.snapshot
        try:
            changed_at = os.stat(self.directory).st_mtime_ns
        except OSError:
            changed_at = None
        if (snapshot is not None and changed_at is not None and changed_at == self._seen_change
                and time.time_ns() - changed_at > _SETTLED_NS):
            return snapshot
        with self.lock:
            snapshot = self.current()
            self._seen_change = changed_at
            return snapshot

    def writer(self, timeout: float):
        # Not compound: opening a reader on a compound segment copies each of its files
        # into memory (about 0.1 s at 100,000 services), and every edit opens a new reader.
        writer = self.index.writer(timeout=timeout, delay=0.05, codec=_UnscoredCodec(),
                                   compound=False)
        writer.pool.cleanup()
        writer.pool = _CompactPool()
        return writer

    def close(self) -> None:
        with self.lock:
            if self.searcher is not None:
                self.searcher.close()
            self.searcher = self.snapshot = None


def _read_or_create_index_id(directory: str) -> str:
    """The id this index is known by in search_index_positions, kept in its directory (named
    for INDEX_NAME, so a new schema is a new index; not named like Whoosh's own files, so its
    clean-up leaves it alone). Created exclusively, so two processes agree on one id."""
    path = os.path.join(directory, f"node-{INDEX_NAME}.id")
    try:
        with open(path, "x") as handle:
            handle.write(str(uuid.uuid4()))
    except FileExistsError:
        pass
    for _ in range(50):
        with open(path) as handle:
            found = handle.read().strip()
        if found:
            return found
        time.sleep(0.01)  # another process created it and is still writing it
    raise OSError(f"{path} stays empty")


_engines: OrderedDict[str, _Engine] = OrderedDict()
_engines_lock = threading.Lock()
_MAX_ENGINES = 8  # tests make one index directory each; keep file handles bounded


@atexit.register
def _close_engines() -> None:
    """Close every open searcher at exit (segments are separate files, held open)."""
    with _engines_lock:
        while _engines:
            _, engine = _engines.popitem()
            engine.close()


_real_paths: dict[str, str] = {}
#: Snapshot numbers, unique in the process (an engine closed and reopened for the same
#: directory must not reuse a generation that callers cached things under).
_snapshot_numbers = itertools.count(1)


def _engine() -> _Engine:
    configured = current_app.config["SEARCH_INDEX_DIR"]
    directory = _real_paths.get(configured)
    if directory is None:  # realpath is a system call per path component: once per path
        directory = _real_paths[configured] = os.path.realpath(configured)
    with _engines_lock:
        engine = _engines.get(directory)
        if engine is None:
            engine = _engines[directory] = _Engine(directory)
            while len(_engines) > _MAX_ENGINES:
                _, old = _engines.popitem(last=False)
                old.close()
        else:
            _engines.move_to_end(directory)
        return engine


def init_app(app) -> None:
    """Make sure the index exists (creating an empty one if needed) and install the hook that
    applies the log after each commit that appended entries."""
    from marketplace.search import outbox

    from marketplace.search import upkeep

    outbox.install_commit_hook()
    with app.app_context():
        _engine()
        upkeep.adopt_if_market_empty()


def forget_query_caches() -> None:
    """Drop cached word and query results in this process, keeping filter masks and sort
    orders: for benchmarks that must measure queries as if never seen before."""
    with _engines_lock:
        engines = list(_engines.values())
    for engine in engines:
        with engine.lock:
            if engine.snapshot is not None:
                engine.snapshot.forget_queries()
            for segment in engine.segments.values():
                segment.text.clear()


def health() -> str:
    """"ok" when this node's index directory is open and readable (no search is run: the
    health check must stay cheap; upkeep.status says whether it is current)."""
    try:
        os.stat(_engine().directory)  # still there (opening it read its table of contents)
        return "ok"
    except Exception as error:  # health reports, it does not raise
        return f"error: {error.__class__.__name__}: {error}"


def index_id() -> str:
    """This node's index id (kept in its directory; a new directory is a new index)."""
    return _engine().index_id


def is_ready() -> bool:
    """Known (in this process) to hold a built index: searches may run on it."""
    return _engine().ready


def mark_ready() -> None:
    _engine().ready = True


def has_documents() -> bool:
    return _engine().index.doc_count_all() > 0


# --- writing -----------------------------------------------------------------------------


class IndexWriting:
    """This node's index, locked for writing (see locked_for_writing()). Each commit opens a
    new Whoosh writer for the next batch; one left uncommitted is cancelled at the end."""

    def __init__(self, engine: _Engine, timeout: float):
        self._engine = engine
        self._timeout = timeout
        self._writer = None

    def _current_writer(self):
        if self._writer is None:
            try:
                self._writer = self._engine.writer(self._timeout)
            except LockError as error:
                raise IndexBusy("The search index is being written by another process") from error
        return self._writer

    def write_services(self, session: so.Session, service_ids: Iterable[int]) -> None:
        """Rewrite each service's document from the database, or remove it if the service is
        gone, paused or its provider deleted."""
        from marketplace.providers.models import Service

        wanted = sorted(set(service_ids))
        writer = self._current_writer()
        found = {
            service.id: service
            for service in session.scalars(
                _indexable_services(session).where(Service.id.in_(wanted))
            )
        }
        for service_id in wanted:
            service = found.get(service_id)
            if service is None:
                writer.delete_by_term("key", str(service_id))
            else:
                writer.update_document(**_document(service))

    def replace_with_all_services(self, session: so.Session) -> int:
        """Stage every indexable service as the whole new index (commit(replace=True));
        returns how many."""
        from marketplace.providers.models import Service

        writer = self._current_writer()
        count = 0
        services = session.scalars(
            _indexable_services(session).order_by(Service.id),
            execution_options={"yield_per": 1000},
        )
        for service in services:
            writer.add_document(**_document(service))
            count += 1
        return count

    def commit(self, *, replace: bool = False) -> None:
        writer, self._writer = self._current_writer(), None
        if replace:
            writer.commit(mergetype=writing.CLEAR)
            # Derive (and write beside the index) the new segments' masks now, so neither
            # the first search nor a newly started web process pays for it.
            with self._engine.lock:
                self._engine.current()
        else:
            writer.commit()

    def cancel(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.cancel()


@contextlib.contextmanager
def locked_for_writing(*, timeout: float = 30.0):
    """Lock this node's index for writing (threads of this process, then other processes
    through Whoosh's file lock); raises IndexBusy if not free within timeout. Read the log
    and the services only once inside, so the last writer writes the newest state."""
    engine = _engine()
    if not engine.write_lock.acquire(timeout=timeout):
        raise IndexBusy("The search index is being written by another thread")
    try:
        session = IndexWriting(engine, timeout)
        session._current_writer()  # take the file lock now, before the caller reads
        try:
            yield session
        finally:
            session.cancel()
    finally:
        engine.write_lock.release()


# --- searching ---------------------------------------------------------------------------


@dataclass
class IndexResult:
    service_ids: list[int]
    total: int
    #: facet name -> {value: count}; see services.search_services for the names.
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: (index directory, snapshot number): changes whenever the index does, so callers may
    #: cache what they derive from a result (the hits' rows) until it changes. Shared by
    #: every caller of a cached result: treat as read-only.
    generation: tuple[str, int] = ("", 0)
    #: What callers derive from this result alone (facet lists, the spelling suggestion),
    #: kept with it in the result cache.
    derived: dict = field(default_factory=dict)
    #: How many of total match every word; the rest match most of them (partial.py).
    full_total: int = 0


def search(params, units: tuple[QueryUnit, ...], *, offset: int, limit: int,
           with_facets: bool = True) -> IndexResult:
    """Find the documents matching units (AND of units, each an OR of its alternatives) and
    every filter in params (a SearchParams), followed by those matching most of the units
    (partial.py); return one page of service ids, the totals and, if asked, facet counts
    over the whole result set."""
    engine = _engine()
    key = (params, units, offset, limit, with_facets)
    found = engine.fresh_snapshot().results.get(key)
    if found is not None:  # a repeated search: no lock, no whoosh call
        return found
    with engine.lock:
        snapshot = engine.current()
        filters = _filter_mask(snapshot, params)
        if units and has_searchable_words(units):
            matched, levels = snapshot.query(units)
            full = filters & matched
            groups = partial.tiers(levels, filters & ~full, snapshot.live.bit_count())
            if params.sort == "relevance":
                groups = _tiers(levels, full) + groups
            else:
                groups = [(0, full), (0, functools.reduce(int.__or__, (m for _, m in groups), 0))]
        else:
            full = filters
            groups = [(0, full)]
        result = functools.reduce(int.__or__, (mask for _, mask in groups), full)
        total = result.bit_count()
        docnums: list[int] = []
        if limit and total > offset:
            order = "newest" if params.sort == "relevance" else params.sort
            docnums = _page_of_groups(snapshot, order, groups, offset, limit)
        facets = _facet_counts(snapshot, result) if with_facets else {}
        found = IndexResult([snapshot.service_ids[d] for d in docnums], total, facets,
                            (engine.directory, snapshot.number), full_total=full.bit_count())
        snapshot.remember(key, found)
        return found


def _filter_mask(snapshot: _Snapshot, params) -> int:
    mask = snapshot.live
    for name, fieldname in _FILTER_FIELDS.items():
        value = getattr(params, name)
        if value:
            mask &= snapshot.term(fieldname, value)
    for name in FLAGS:
        if getattr(params, name):
            mask &= snapshot.term("flags", name)
    if params.free:
        mask &= snapshot.price_at_most(0)
    if params.max_price_pence is not None:
        mask &= snapshot.price_at_most(params.max_price_pence)
    if params.min_rating is not None:
        mask &= snapshot.rating_at_least(params.min_rating)
    return mask


def _page_of_groups(snapshot: _Snapshot, order: str, groups, offset: int,
                    limit: int) -> list[int]:
    """One page of the documents of groups ((score, mask) pairs, in the order shown), each
    group in the given sort order."""
    found: list[int] = []
    for _, mask in groups:
        count = mask.bit_count()
        if offset >= count:
            offset -= count
            continue
        found += snapshot.page(order, mask, offset, limit - len(found))
        offset = 0
        if len(found) == limit:
            break
    return found


def _facet_counts(snapshot: _Snapshot, result: int) -> dict[str, dict[str, int]]:
    def counts(fieldname: str, values: Iterable[str]) -> dict[str, int]:
        return {value: (snapshot.term(fieldname, value) & result).bit_count() for value in values}

    facets = {
        "category": counts("categories", vocabulary.values(vocabulary.CATEGORIES)),
        "area": counts("areas", areas.LOCAL_AUTHORITIES),
        "mode": counts("modes", vocabulary.values(vocabulary.DELIVERY_MODES)),
        "language": counts("languages", vocabulary.values(vocabulary.LANGUAGES)),
        "provider_type": counts("provider_type", vocabulary.values(vocabulary.PROVIDER_TYPES)),
        "max_price": {
            str(band): (snapshot.price_at_most(band) & result).bit_count() for band in PRICE_BANDS
        },
        "min_rating": {
            str(stars): (snapshot.rating_at_least(stars) & result).bit_count()
            for stars in RATING_LEVELS
        },
    }
    for name in FLAGS:
        facets[name] = {"true": (snapshot.term("flags", name) & result).bit_count()}
    facets["free"] = {"true": (snapshot.price_at_most(0) & result).bit_count()}
    return facets


def unmatched_words(units: tuple[QueryUnit, ...]) -> list[str]:
    """Words typed (not synonym entries) found in no document at all: likely misspellings."""
    engine = _engine()
    with engine.lock:
        searcher = engine.current().searcher
        found = []
        for unit in units:
            if unit.known or " " in unit.text or len(unit.text) < 3 or unit.text.isdigit():
                continue
            tokens = _tokens(unit.text)
            if tokens and not any(
                searcher.doc_frequency(name, token) for name in _TEXT_FIELDS for token in tokens
            ):
                found.append(unit.text)
        return found


def correct_word(word: str) -> str | None:
    """The indexed word closest to word (fewest edits, then most documents), or None."""
    engine = _engine()
    with engine.lock:
        snapshot = engine.current()
        searcher = snapshot.searcher
        for distance in (1, 2):
            candidates: set[str] = set()
            for leaf, _ in searcher.leaf_searchers():
                reader = leaf.reader()
                if reader.doc_count_all() and "words" in reader.indexed_field_names():
                    candidates.update(reader.terms_within("words", word, distance, prefix=1))
            candidates.discard(word)
            if candidates:
                return max(
                    sorted(candidates), key=lambda c: searcher.doc_frequency("words", c)
                )
        return None


def indexed_documents() -> dict[int, dict]:
    """service id -> the filter values and columns of its live document, for consistency
    checks (tests, operators): {"price_pence", "rating_centi", "<keyword field>": set}."""
    engine = _engine()
    with engine.lock:
        snapshot = engine.current()
        documents: dict[int, dict] = {}
        live_bytes = snapshot.live.to_bytes(snapshot.nbytes, "little")
        for docnum in range(snapshot.size):
            if live_bytes[docnum >> 3] & _BITS[docnum & 7]:
                service_id = snapshot.service_ids[docnum]
                if service_id in documents:
                    raise AssertionError(f"service {service_id} is indexed twice")
                documents[service_id] = {
                    "price_pence": snapshot.prices[docnum],
                    "rating_centi": snapshot.ratings[docnum],
                    **{name: set() for name in _KEYWORD_FIELDS},
                }
        for (fieldname, value), mask in snapshot.terms.items():
            mask_bytes = mask.to_bytes(snapshot.nbytes, "little")
            for docnum in range(snapshot.size):
                if mask_bytes[docnum >> 3] & _BITS[docnum & 7]:
                    documents[snapshot.service_ids[docnum]][fieldname].add(value)
        return documents


def expected_document(service) -> dict:
    """What indexed_documents() should report for a service, built from the database row."""
    document = _document(service)
    return {
        "price_pence": document["price_pence"],
        "rating_centi": document["rating_centi"],
        **{name: set(document[name].split()) for name in _KEYWORD_FIELDS},
    }
