"""The public service and provider pages: the details people need to choose, escaped as typed,
and paused services hidden from everyone but their provider."""
from __future__ import annotations

from datetime import date

from tests.factories import make_provider, make_service, make_user


def _detailed_service():
    provider = make_provider(
        name="Salford Peer Voices", provider_type="ulo", is_user_led=True,
        user_led_statement="Members elect the board.\n\nMost trustees use our groups.",
        staff_count=4, dbs_checked_on=date(2025, 3, 4), has_insurance=True,
        insurance_details="Public liability", insurance_expires_on=date(2030, 1, 31),
        cqc_registration_number="1-123456789", contact_name="Jo Bloggs",
        contact_email="jo@example.org", contact_phone="0161 496 0000",
        website="https://www.example.org", postcode_district="M6",
    )
    return make_service(
        provider, title="Photography walks",
        description="We walk and take photographs.\n\nCameras can be borrowed.\nAsk us.",
        category="arts", secondary_categories=["befriending"], delivery_modes=["in-person", "online"],
        local_authorities=["salford"], postcode_districts=["M14"], languages=["en", "ur"],
        specialisms=["lgbt"], accessibility="Step-free routes.", schedule="Saturdays 10am",
        weekends=True, evenings=True, price_pence=1500, price_unit="session", is_group=True,
        capacity=8, poolable=True,
    )


def test_the_service_page_shows_everything_a_person_needs_to_choose(client):
    service = _detailed_service()
    response = client.get(f"/services/{service.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Photography walks</h1>" in page
    assert f'href="/providers/{service.provider.id}">Salford Peer Voices</a>' in page
    for text in [
        "User-led organisation", "Micro-provider", "Group service: can be pooled",
        "£15.00 per session", "Arts and creative activities", "Befriending and social activities",
        "<p>We walk and take photographs.</p>", "Cameras can be borrowed.<br>Ask us.",
        "In person, Online", "Salford, M14", "English, Urdu", "LGBT+ people",
        "Step-free routes.", "Saturdays 10am (evenings and weekends)", "8",
        "Checked on 4 March 2025", "Insured until 31 January 2030", "1-123456789",
        "Jo Bloggs", 'href="mailto:jo@example.org"', "0161 496 0000",
        'href="https://www.example.org"', "Salford, M6", "Not yet rated",
    ]:
        assert text in page, text


def test_the_rating_line_counts_reviews(client):
    rated = make_service(rating_centi=430, review_count=12)
    one = make_service(rating_centi=500, review_count=1)
    assert "4.3 out of 5 from 12 reviews" in client.get(f"/services/{rated.id}").get_data(as_text=True)
    assert "5.0 out of 5 from 1 review<" in client.get(f"/services/{one.id}").get_data(as_text=True)


def test_what_people_typed_is_escaped_never_run(client):
    provider = make_provider(name="<b>Bold</b> & co", website="javascript:alert(1)")
    service = make_service(provider, title="<script>alert('x')</script>",
                           description="<img src=x onerror=alert(1)>")
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page
    assert 'href="javascript:' not in page  # only http(s) web addresses become links
    provider_page = client.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert "<b>Bold</b>" not in provider_page and 'href="javascript:' not in provider_page


def test_a_paused_service_is_hidden_from_everyone_but_its_provider(client, auth):
    service = make_service(status="paused", title="Quiet hour")
    assert client.get(f"/services/{service.id}").status_code == 404
    auth.login(make_user("holder").email)
    assert client.get(f"/services/{service.id}").status_code == 404
    auth.logout()
    auth.login(make_provider().owner.email)
    assert client.get(f"/services/{service.id}").status_code == 404
    auth.logout()
    auth.login(service.provider.owner.email)
    own = client.get(f"/services/{service.id}")
    assert own.status_code == 200
    assert "Paused: not shown in search." in own.get_data(as_text=True)


def test_unknown_services_and_providers_are_a_not_found_page(client):
    for url in ["/services/999999", "/providers/999999", "/services/abc"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)


def test_the_provider_page_shows_the_profile_and_only_active_services(client):
    service = _detailed_service()
    provider = service.provider
    make_service(provider, title="Hidden pause", status="paused")
    make_service(provider, title="Online chat", delivery_modes=["online"], local_authorities=[],
                 price_pence=0, price_unit="hour")
    response = client.get(f"/providers/{provider.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Salford Peer Voices</h1>" in page
    assert "Run by the people who use it" in page
    assert "<p>Members elect the board.</p>" in page
    assert "User-led organisation" in page and "Micro-provider" in page
    assert "8 or fewer staff" in page
    assert f'href="/services/{service.id}">Photography walks</a>' in page
    assert "Online chat" in page and "Anywhere (online)" in page
    assert "Hidden pause" not in page


def test_a_provider_that_is_not_user_led_shows_no_board_statement_or_badge(client):
    provider = make_provider(name="Big Care Ltd", provider_type="larger-provider", staff_count=40)
    page = client.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert "Run by the people who use it" not in page
    assert "badge-ulo" not in page and "badge-micro" not in page
    assert "Big Care Ltd has no services listed at the moment." in page
    assert "This provider has not given contact details yet." not in page  # factory gives email


def test_the_service_page_explains_dbs_insurance_micro_provider_and_brokerage(client):
    provider = make_provider(staff_count=1, is_user_led=True, dbs_checked_on=None,
                             has_insurance=False)
    service = make_service(provider, category="support-planning")
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    for question, meaning in (
            ("What is a DBS check?", "looks at a person’s criminal record"),
            ("What does this insurance cover?", "Public liability insurance pays out if"),
            ("What is a micro-provider?", "8 or fewer staff"),
            ("What is brokerage?", "helps you plan your support and arrange it"),
            ("What does user-led mean?", "run by people who use support like this")):
        assert f"<summary>{question}</summary>" in page and meaning in page
    assert "DBS check</dt>\n<dd>Not given" in page
