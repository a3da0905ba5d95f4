from datetime import date

from tests.factories import make_provider, make_service


def test_a_provider_profile_lists_only_its_active_services(client, matches_schema):
    provider = make_provider(
        name="Wigan Peer Network", provider_type="ulo", is_user_led=True, staff_count=12,
        user_led_statement="Two thirds of our trustees use mental health services.",
        dbs_checked_on=date(2026, 1, 5), has_insurance=True, contact_phone="01942 000000",
        local_authority="wigan",
    )
    make_service(provider, title="Recovery college course")
    make_service(provider, title="Old drop-in", status="paused")

    response = client.get(f"/api/v1/providers/{provider.id}")

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    matches_schema("ProviderDetail", body)
    assert body["name"] == "Wigan Peer Network"
    assert body["is_user_led"] is True and body["is_micro"] is False
    assert body["provider_type"] == {"value": "ulo", "label": "User-led organisation"}
    assert body["dbs_checked_on"] == "2026-01-05"
    assert body["local_authority"] == {"value": "wigan", "label": "Wigan"}
    assert body["contact"]["phone"] == "01942 000000"
    assert [s["title"] for s in body["services"]] == ["Recovery college course"]
    assert "owner_id" not in body and "owner" not in body


def test_a_missing_provider_is_a_json_404(client, matches_schema):
    response = client.get("/api/v1/providers/424242")

    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    matches_schema("Error", body)
    assert body["error"]["code"] == "not_found"
