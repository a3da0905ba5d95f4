"""Search: the Whoosh index (index.py is the only module importing whoosh), its outbox, the
search service used by pages and API, and the anonymous search log."""
