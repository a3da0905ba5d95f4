"""Moments for the clock tests, written as a person in London or a server in UTC would say them."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from marketplace.times import LONDON, UTC


def utc(*fields) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def london(*fields, fold: int = 0) -> datetime:
    """London wall time; fold=1 is the second 01:xx on the night the clocks go back."""
    return datetime(*fields, tzinfo=LONDON, fold=fold)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
