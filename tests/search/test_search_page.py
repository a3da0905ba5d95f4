import re
from html import unescape

from marketplace.extensions import db
from marketplace.search.models import SearchLogEntry
from tests.factories import make_provider, make_service


def _page(client, status=200, **params):
    response = client.get("/search", query_string=params)
    assert response.status_code == status
    return unescape(response.get_data(as_text=True))


def _links(page: str) -> dict[str, str]:
    """Link text (tags stripped, spaces squeezed) -> href."""
    found = {}
    for href, inner in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', page, flags=re.S):
        text = " ".join(re.sub(r"<[^>]+>", "", inner).split())
        found[text] = href
    return found


def _query(href: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(href).query))


def test_results_show_badges_prices_areas_and_ratings(client):
    ulo = make_provider(name="Oldham Hearing Voices", provider_type="ulo", is_user_led=True,
                        staff_count=6)
    service = make_service(ulo, title="Hearing voices group", price_pence=850,
                           price_unit="session", local_authorities=["oldham"],
                           delivery_modes=["in-person", "online"], poolable=True,
                           is_group=True, capacity=10)
    make_service(title="Personal assistant, mornings", category="personal-assistance",
                 price_pence=1600, price_unit="hour", rating_centi=430, review_count=7)

    page = _page(client)

    assert "2 services found" in page
    assert f'href="http://localhost/services/{service.id}">Hearing voices group</a>' in page
    assert f'/providers/{ulo.id}">Oldham Hearing Voices</a>' in page
    assert '<span class="badge badge-ulo">User-led organisation</span>' in page
    assert '<span class="badge badge-micro">Micro-provider</span>' in page
    assert '<span class="badge badge-pool">Can be pooled</span>' in page
    assert "£8.50 per session" in page and "£16.00 per hour" in page
    assert "Oldham" in page and "In person, Online" in page
    assert "Not yet rated" in page and "4.3 out of 5 (7 reviews)" in page
    # ULO and micro-provider are explained in plain words beside their filters
    assert "Run by the people who use its services" in page
    assert "8 or fewer staff" in page


def test_filters_narrow_the_results_and_show_facet_counts(client):
    for number in range(3):
        make_service(title=f"Peer group {number}", category="peer-support")
    make_service(title="Pottery evenings", category="arts", evenings=True)

    everything = _page(client)
    assert "4 services found" in everything
    assert "Peer support and self-help groups (3)" in everything
    assert "Arts and creative activities (1)" in everything
    assert "Evenings (1)" in everything

    narrowed = _page(client, category="arts")
    assert "1 service found" in narrowed
    assert "Pottery evenings" in narrowed and "Peer group 0" not in narrowed
    assert re.search(r'value="arts" checked', narrowed)


def test_each_applied_filter_has_a_link_that_removes_it(client):
    make_service(title="Evening art", category="arts", evenings=True)

    page = _page(client, q="art", category="arts", evenings="true", sort="price")
    links = _links(page)

    assert _query(links["Remove filter: Evenings"]) == {"q": "art", "category": "arts",
                                                         "sort": "price"}
    assert _query(links["Remove filter: Type of support: Arts and creative activities"]) == {
        "q": "art", "evenings": "true", "sort": "price"}
    assert _query(links["Clear all filters"]) == {"q": "art", "sort": "price"}


def test_no_results_page_suggests_how_to_widen_the_search(client):
    make_service(title="Befriending visits", category="befriending")

    page = _page(client, q="befreinding", category="befriending", weekends="true")
    links = _links(page)

    assert "0 services found" in page
    assert "Try widening your search" in page
    assert _query(links["Remove filter: Weekends"]) == {"q": "befreinding",
                                                        "category": "befriending"}
    assert _query(links["Clear all filters"]) == {"q": "befreinding"}
    assert _query(links["befriending"])["q"] == "befriending"
    assert "Did you mean" in page


def test_a_misspelling_offers_did_you_mean(client):
    make_service(title="Befriending visits", category="befriending")

    # Only found outside the area chosen: offered, not shown.
    page = _page(client, q="befreinding", area="bolton")

    suggestion = re.search(r'Did you mean <a href="([^"]+)">befriending</a>\?', page)
    assert suggestion
    assert _query(suggestion.group(1)) == {"q": "befriending", "area": "bolton"}


def test_a_bad_parameter_is_explained_beside_the_form_with_status_400(client):
    make_service(title="Cookery class")

    page = _page(client, status=400, q="cookery", category="knitting")

    assert "There is a problem" in page
    assert 'href="#filter-category"' in page
    assert "Choose a type of support from the list" in page
    assert "<title>Error: Search results for “cookery”" in page
    # the rest of the search still ran, without the part that was not understood
    assert "Cookery class" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchLogEntry)) == 0


def test_a_bad_area_is_shown_back_in_the_area_box(client):
    page = _page(client, status=400, area="Narnia")

    assert 'id="search-area-error"' in page
    assert 'value="Narnia"' in page
    assert 'aria-invalid="true"' in page


def test_pagination_links_keep_every_filter(client, app):
    app.config["SEARCH_PAGE_SIZE"] = 2
    for number in range(5):
        make_service(title=f"Swimming lesson {number}", category="sport-fitness",
                     weekends=True)

    page = _page(client, q="swimming", weekends="true", page="2")
    links = _links(page)

    assert '<nav aria-label="Pages of results">' in page
    assert re.search(r'aria-current="page"><span class="visually-hidden">Page </span>2</a>',
                     page)
    expected = {"q": "swimming", "weekends": "true"}
    assert _query(links["Previous page"]) == expected | {"page": "1"}
    assert _query(links["Next page"]) == expected | {"page": "3"}
    assert _query(links["Page 3"]) == expected | {"page": "3"}


def test_the_title_reflects_the_query(client):
    assert "<title>Find support – Pathways</title>" in _page(client)
    assert "<title>Search results for “gym” – Pathways</title>" in _page(client, q="gym")


def test_every_search_is_logged_without_identity(client):
    make_service(title="Cycling club", category="sport-fitness")

    _page(client, q="cycling", area="M6 5AB", micro="true")

    entry = db.session.scalar(db.select(SearchLogEntry))
    assert entry.channel == "web"
    assert entry.query_text == "cycling"
    assert entry.area == "M6"  # the full postcode is never kept
    assert entry.result_count == 1
    columns = set(SearchLogEntry.__table__.columns.keys())
    assert not columns & {"user_id", "session_id", "ip_address", "postcode"}


def test_the_forms_work_without_javascript(client):
    make_service(title="Gym sessions with a buddy", category="sport-fitness")

    page = _page(client, q="gym", category="sport-fitness")

    assert "Gym sessions with a buddy" in page
    assert page.count('method="get"') == 3  # search box, filters, sort
    # each form carries the rest of the search, so pressing any button keeps it
    assert '<input type="hidden" name="category" value="sport-fitness">' in page
    assert '<input type="hidden" name="q" value="gym">' in page
    assert "<script" not in page


def test_the_any_choices_of_the_filter_form_leave_a_clean_address(client):
    response = client.get("/search?q=gym&category=&area=&mode=&evenings=true&page=")

    assert response.status_code == 302
    assert _query(response.headers["Location"]) == {"q": "gym", "evenings": "true"}
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchLogEntry)) == 0


def test_a_page_past_the_end_points_back_to_the_last_page(client, app):
    app.config["SEARCH_PAGE_SIZE"] = 2
    for number in range(3):
        make_service(title=f"Choir practice {number}")

    page = _page(client, q="choir", page="7")
    links = _links(page)

    assert "3 services found" in page
    assert "There are only 2 pages of results." in page
    assert _query(links["Go to the last page"]) == {"q": "choir", "page": "2"}
    assert _query(links["Previous page"]) == {"q": "choir", "page": "2"}


def test_a_holders_own_notices_never_reach_another_visitors_search_page(app, client):
    """The search page body is kept per query for speed; a holder's spending-rule notices are
    theirs alone, so they are never kept for, or shown to, anyone else."""
    from marketplace.budgets import services as budget_services
    from marketplace.extensions import db
    from tests.factories import PASSWORD, make_funded_budget, make_service, make_user

    make_service(title="Watercolour group", category="arts")
    holder = make_user("holder")
    budget = make_funded_budget(holder)
    budget_services.set_spending_rule(budget.stream, category="arts",
                                      reason="the arts grant pays for arts classes here")
    db.session.commit()
    notice = "be used for this because the arts grant pays for arts classes here"
    holder_client = app.test_client()
    holder_client.post("/login", data={"email": holder.email, "password": PASSWORD})
    assert notice in holder_client.get("/search?q=watercolour").get_data(as_text=True)
    assert notice not in client.get("/search?q=watercolour").get_data(as_text=True)


def test_results_come_first_with_the_filters_behind_a_disclosure(client):
    page = client.get("/search?q=support").get_data(as_text=True)
    assert '<a class="skip-to-results" href="#results-heading">Skip to results</a>' in page
    assert '<details class="filters filter-disclosure">' in page  # closed: no "open"
    assert page.index("Skip to results") < page.index('id="filters-heading"')
    problem = client.get("/search?q=support&page=0").get_data(as_text=True)
    assert '<details class="filters filter-disclosure" open>' in problem


def test_a_search_that_asks_for_a_specialism_logs_it_and_still_searches_the_words(client):
    make_service(title="Armed forces veterans walking group", category="sport-fitness")

    page = _page(client, q="Veterans walking")
    _page(client, q="Women only peer group")
    _page(client, q="menopause support")  # "men" inside a word asks for nothing

    assert "Armed forces veterans walking group" in page  # the words still find it
    asked = db.session.execute(db.select(SearchLogEntry.query_text, SearchLogEntry.specialism)
                               .order_by(SearchLogEntry.id)).all()
    assert asked == [("Veterans walking", "veterans"),
                     ("Women only peer group", "women-only"), ("menopause support", None)]
