"""The feed's search and day/time filters read words and schedule rules kept beside each
service (openreferral/upkeep.py): whatever a provider changes on their pages shows in the
feed at once, and migration 0029 works them out for services listed before it."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.openreferral.models import ServiceScheduleRule
from tests.database import app_on_empty_database, insert_ana_and_her_club
from tests.factories import make_provider, make_service, make_user
from tests.openreferral.conftest import get_json
from tests.providers.conftest import profile_form, service_form


def _names(client, query: str) -> list[str]:
    return [item["name"] for item in
            get_json(client, f"/openreferral/services?per_page=50&{query}")["contents"]]


def test_an_edited_listing_is_found_by_its_new_words_and_times_only(client, auth):
    owner = make_user("provider")
    service = make_service(make_provider(owner, name="Eccles Makers"),
                           title="Pottery mornings", schedule="Mondays 9am to 11am")
    db.session.commit()
    assert _names(client, "search=pottery") == ["Pottery mornings"]
    assert _names(client, "day=MO&start_time=09:00") == ["Pottery mornings"]

    auth.login(owner.email)
    response = client.post(f"/provider/services/{service.id}/edit", data=service_form(
        title="Photography walks", schedule="Saturdays 10am to noon", weekends=None))
    assert response.status_code == 302

    assert _names(client, "search=pottery") == []
    assert _names(client, "search=photograph") == ["Photography walks"]
    assert _names(client, "day=MO") == []
    assert _names(client, "day=SA&start_time=10:00&end_time=12:00") == ["Photography walks"]
    assert _names(client, "day=SA&start_time=10:30") == []


def test_renaming_the_organisation_changes_what_finds_its_services(client, auth):
    owner = make_user("provider")
    make_service(make_provider(owner, name="Eccles Makers"), title="Pottery mornings")
    db.session.commit()
    assert _names(client, "search=eccles makers") == ["Pottery mornings"]

    auth.login(owner.email)
    assert client.post("/provider/profile",
                       data=profile_form(name="Salford Clay Collective")).status_code == 302

    assert _names(client, "search=eccles") == []
    assert _names(client, "search=clay collective") == ["Pottery mornings"]


def test_a_deleted_service_takes_its_schedule_rules_with_it(app):
    service = make_service(schedule="Tuesdays 6pm to 8pm, Saturdays from 10am")
    db.session.commit()
    kept = db.session.execute(sa.select(ServiceScheduleRule.days, ServiceScheduleRule.opens_at,
                                        ServiceScheduleRule.closes_at)).all()
    assert kept == [("TU", 18 * 60, 20 * 60), ("SA", 10 * 60, None)]
    db.session.delete(service)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceScheduleRule)) == 0


def test_the_migration_works_out_words_and_rules_for_services_already_listed(
        migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0028")
        with db.engine.begin() as connection:
            insert_ana_and_her_club(connection)
            connection.execute(sa.text(
                "INSERT INTO services (id, provider_id, title, description, category, "
                "secondary_categories, tags, delivery_modes, local_authorities, "
                "postcode_districts, languages, specialisms, accessibility, schedule, "
                "evenings, weekends, price_pence, price_unit, is_group, poolable, status, "
                "review_count, created_at, updated_at) VALUES (7, 1, 'Life drawing', "
                "'Draw, chat; tea.', 'arts', '[]', '[\"sketch-club\"]', '[\"in-person\"]', "
                "'[\"salford\"]', '[]', '[\"en\"]', '[]', '', 'Thursdays 7pm to 9pm', true, "
                "true, 800, 'session', true, false, 'active', 0, '2026-01-02 10:00:00', "
                "'2026-01-02 10:00:00')"))
        upgrade(revision="0029")
        with db.engine.begin() as connection:
            words = connection.scalar(sa.text("SELECT words FROM service_feed_words "
                                              "WHERE service_id = 7"))
            assert words == " life drawing draw chat tea sketch club arts and creative activities anas art club "
            assert connection.execute(sa.text(
                "SELECT days, opens_at, closes_at FROM service_schedule_rules "
                "ORDER BY id")).all() == [("TH", 19 * 60, 21 * 60), ("SA,SU", None, None)]
        downgrade(revision="0028")
        with db.engine.begin() as connection:
            assert connection.scalar(sa.text("SELECT title FROM services")) == "Life drawing"
            tables = sa.inspect(connection).get_table_names()
            assert "service_schedule_rules" not in tables and "service_feed_words" not in tables
        db.engine.dispose()
