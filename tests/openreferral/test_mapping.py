"""What each service's record says: everything Pathways holds that the standard has a place
for, in that place, and Pathways' own facts in the documented pathways_* fields."""
from __future__ import annotations

from tests.openreferral.conftest import get_json


def record(client, feed_id, service) -> dict:
    return get_json(client, f"/openreferral/services/{feed_id('service', service.id)}")


def test_a_personal_assistants_service(client, market, feed_id):
    body = record(client, feed_id, market.pa_service)
    assert body["name"] == "Personal assistant for days out" and body["status"] == "active"
    assert body["url"].endswith(f"/services/{market.pa_service.id}")
    assert body["email"] == "amira.pa@example.org"
    assert body["accreditations"].startswith("DBS checked on ")
    assert body["organization"]["pathways_provider_type"] == "personal-assistant"
    assert body["cost_options"] == [{
        "id": feed_id("cost_option", market.pa_service.id),
        "service_id": body["id"], "amount": 16.5, "currency": "GBP",
        "amount_description": "£16.50 per hour", "pathways_amount_pence": 1650,
        "pathways_unit": "hour"}]
    assert [(each["name"], each["code"]) for each in body["languages"]] == [
        ("English", "en"), ("Urdu", "ur")]
    schedule, = body["schedules"]
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "WEEKLY", "MO,TU,WE,TH,FR", "08:00", "19:00")
    assert schedule["description"] == "Weekdays, 8am to 7pm"
    assert schedule["notes"] == "Runs in the evenings."
    assert [(area["name"], area["service_area"]) for area in body["service_areas"]] == [
        ("M14", "Postcode district M14, in Manchester"),
        ("M20", "Postcode district M20, in Manchester")]
    contact, = body["contacts"]
    assert contact["name"] == "Amira Khan"
    assert [phone["number"] for phone in contact["phones"]] == ["07700 900123"]
    location, = body["service_at_locations"]
    assert location["location"]["location_type"] == "physical"
    assert location["location"]["name"] == "In person in M14 and M20"
    assert location["location"]["accessibility"][0]["description"] == (
        "I drive and can help with a wheelchair.")
    assert [(each["link_type"], each["taxonomy_term"]["term"]) for each in body["attributes"]] == [
        ("main_category", "personal-assistance"), ("delivery_mode", "in-person")]
    # Not yet reviewed: no rating fields at all.
    assert not any(key.startswith("pathways_rating") or key == "pathways_helped_percent"
                   for key in body)


def test_a_user_led_groups_service(client, market, feed_id):
    body = record(client, feed_id, market.group)
    assert (body["minimum_age"], body["maximum_age"]) == (16, 25)
    assert body["eligibility_description"] == (
        "Especially for: Young people (16 to 25); LGBT+ people.")
    assert body["pathways_user_led"] is True and body["pathways_can_be_pooled"] is True
    assert body["pathways_group_places"] == 10 and body["pathways_evenings"] is True
    assert body["pathways_accepts_personal_budgets"] is True
    organization = body["organization"]
    assert organization["pathways_user_led"] is True
    assert organization["pathways_user_led_statement"] == (
        "Seven of our nine trustees use our groups.")
    assert organization["website"] == "https://peer-voices.example.org"
    assert "Insured until" in body["accreditations"]
    assert [each["link_type"] for each in body["attributes"]] == [
        "main_category", "other_category", "especially_for", "especially_for", "delivery_mode"]
    assert [area["uri"] for area in body["service_areas"]] == [
        "http://statistics.data.gov.uk/id/statistical-geography/E08000006"]


def test_an_online_service_and_a_free_one(client, market, feed_id):
    body = record(client, feed_id, market.online)
    assert [(each["location"]["location_type"], each["location"]["name"])
            for each in body["service_at_locations"]] == [("virtual", "Online"),
                                                          ("virtual", "By phone")]
    assert body["service_areas"] == []
    assert [each["code"] for each in body["languages"]] == ["en", "bfi"]
    assert body["cost_options"][0]["amount"] == 0
    assert body["cost_options"][0]["amount_description"] == "Free"
    schedule, = body["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU", "18:00", "00:00")


def test_words_we_cannot_read_stay_a_description(client, market, feed_id):
    body = record(client, feed_id, market.dropin)
    schedule, = body["schedules"]
    assert schedule == {"id": feed_id("schedule", market.dropin.id),
                        "service_id": body["id"], "description": "Ready when you are",
                        "attending_type": "In person"}
    identifier, = body["organization"]["organization_identifiers"]
    assert identifier["identifier"] == "1-123456789"
    assert body["accreditations"] == "Registered with the Care Quality Commission: 1-123456789."


def test_women_only_is_a_limit_and_weekends_are_said(client, market, feed_id):
    body = record(client, feed_id, market.arts)
    assert body["eligibility_description"] == "Women only."
    assert body["schedules"][0]["notes"] == "Runs at weekends."
    assert body["pathways_weekends"] is True


def test_ids_are_stable_and_read_back(client, market, feed_id):
    first = get_json(client, "/openreferral/services?full=true&per_page=50")
    again = get_json(client, "/openreferral/services?full=true&per_page=50")
    assert first == again
    assert first["contents"][0]["id"] == feed_id("service", market.pa_service.id)
