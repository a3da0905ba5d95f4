"""Migration 0011 upgrades a database that already holds pools: they keep their equal shares,
members and pledges, and the upgraded schema takes custom shares and refuses a pool funded
short of its target."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.models import Pool
from marketplace.pools.services import Pledge
from marketplace.providers.models import Service
from tests.database import app_on_empty_database
from tests.pools.helpers import balances, group_service, holder_with_budget, organisation, request


def test_0011_keeps_existing_pools_equal_and_takes_custom_shares(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        org = organisation()
        service = group_service()
        sam, sam_budget = holder_with_budget("Sam", organisation=org)
        equal = pools.start_pool(sam, sam.id, request(service), Pledge(sam_budget.id, "Sam"))
        db.session.commit()
        pool_id = equal.pool.id
        db.session.remove()

        downgrade(revision="0010")  # the database as it was before 0011, rows and all
        with db.engine.begin() as connection:
            assert "pool_places" not in sa.inspect(connection).get_table_names()
            assert connection.execute(sa.text("SELECT count(*) FROM pool_members")).scalar() == 1
        upgrade()

        pool = db.session.get(Pool, pool_id)
        assert (pool.share_rule, pool.places, pool.member_count) == ("equal", [], 1)
        assert pool.live_members[0].pledged_pence == 2_000
        assert balances(pool.live_members[0].budget).committed_pence == 2_000
        # The upgraded schema takes custom shares...
        dani, dani_budget = holder_with_budget("Dani", organisation=organisation(1))
        service = db.session.get(Service, pool.service_id)
        custom = pools.start_pool(dani, dani.id, request(service, shares_pence=(5_000, 1_000)),
                                  Pledge(dani_budget.id, "Dani"))
        db.session.commit()
        assert [p.share_pence for p in custom.pool.places] == [5_000, 1_000]
        # ...and refuses to fund an existing pool short of its target.
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE pools SET state = 'funded' WHERE id = :id"),
                               {"id": pool_id})
        db.session.rollback()
        assert db.session.get(Pool, pool_id).state == "open"
        db.session.remove()
        db.engine.dispose()
