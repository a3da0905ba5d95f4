"""The page envelope every ORUK list answers with, its fields named exactly as the standard's
Page schema names them (components.schemas.Page of its OpenAPI document)."""
from __future__ import annotations

from marketplace.openreferral.params import Paging


def page_body(contents: list[dict], total: int, paging: Paging) -> dict:
    """total_items: how many match; total_pages: pages of per_page; page_number: this page
    (from 1); size: how many are on this page; empty: none are. A page past the last is
    empty, and still says how many there are."""
    total_pages = -(-total // paging.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def page_of(items: list, paging: Paging) -> list:
    """This page of a list held in memory (taxonomies, terms)."""
    return items[paging.offset:paging.offset + paging.per_page]
