"""Fixtures for the supporter pages."""

from __future__ import annotations

import pytest

from tests.factories import make_user


@pytest.fixture
def holder(app):
    return make_user("holder", name="Sam Patel")
