"""Statements: every movement with a running balance and who did it; CSV and printable."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from marketplace.budgets import statements
from marketplace.ledger import services as ledger
from marketplace.times import LONDON
from tests.budgets.helpers import (
    allocate,
    backdate,
    grant,
    login,
    release,
    reserve,
    settle,
)
from tests.factories import make_provider, make_user


def rows_of(html: str) -> list[list[str]]:
    body = re.search(r'<table class="statement">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append(
            [
                re.sub(
                    r"\s+",
                    " ",
                    re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", "", c),
                ).strip()
                for c in cells
            ]
        )
    return rows


def test_statement_lists_movements_newest_first_with_running_balance_and_who(client, holder):
    budget = allocate(holder)[0]
    broker = make_user("supporter", name="Jo Broker")
    grant(holder, broker, ["view", "buy"])
    provider = make_provider()
    reserve(budget, 2000, "Order 1: art group, money set aside", actor=holder)
    reserve(
        budget, 1000, "Order 2: gardening tools, money set aside", actor=broker, on_behalf_of=holder
    )
    settle(budget, 2000, provider, "Order 1 paid to Salford Arts")
    release(budget, 1000, "Order 2 cancelled: money back")

    login(client, holder)
    response = client.get(f"/budget/{budget.id}/statement")
    assert response.status_code == 200
    rows = rows_of(response.get_data(as_text=True))
    assert [row[1] for row in rows] == [
        "Order 2 cancelled: money back",
        "Order 1 paid to Salford Arts",
        "Order 2: gardening tools, money set aside",
        "Order 1: art group, money set aside",
        "Instalment of your %s budget for 1 April 2026" % budget.stream.name,
    ]
    # money in, money out, set aside, available after
    assert [row[2:6] for row in rows] == [
        ["£10.00", "", "-£10.00", "£17.15"],
        ["", "", "-£20.00", "£7.15"],
        ["", "£10.00", "+£10.00", "£7.15"],
        ["", "£20.00", "+£20.00", "£17.15"],
        ["£37.15", "", "", "£37.15"],
    ]
    assert rows[2][6] == "by Jo Broker on behalf of Sam Patel"
    assert rows[3][6] == "by Sam Patel"
    assert rows[0][6] == "automatically by Pathways"
    assert rows[0][5] == "£%d.%02d" % divmod(ledger.budget_balances(budget.id).available_pence, 100)


def test_statement_pages_hold_fifty_rows_and_carry_the_balance_across(client, holder):
    budget = allocate(holder)[0]
    for number in range(60):
        reserve(budget, 10, f"Order {number}")
    login(client, holder)
    first = client.get(f"/budget/{budget.id}/statement").get_data(as_text=True)
    rows = rows_of(first)
    assert len(rows) == 50
    assert rows[0][1] == "Order 59" and rows[-1][1] == "Order 10"
    older = re.search(r'href="([^"]*before=\d+[^"]*)">Older movements', first).group(1)
    second_html = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    second = rows_of(second_html)
    assert [row[1] for row in second][:10] == [f"Order {n}" for n in range(9, -1, -1)]
    assert second[-1][1].startswith("Instalment")
    # running balance continues exactly where the first page stopped
    assert rows[0][5] == "£31.15"  # 37.15 less sixty times 10p
    assert rows[-1][5] == "£36.05" and second[0][5] == "£36.15"
    assert second[-1][5] == "£37.15"
    assert "Older movements" not in second_html
    assert "Newest movements" in second_html


def test_statement_keyset_page_function_matches_offset_reading(app, holder):
    budget = allocate(holder)[0]
    for number in range(7):
        reserve(budget, 100 + number, f"Order {number}")
    pages, before = [], None
    while True:
        page = statements.statement_page(budget, before=before, page_size=3)
        pages.append([row.description for row in page.rows])
        if page.next_before is None:
            break
        before = page.next_before
    assert [len(p) for p in pages] == [3, 3, 2]
    flat = [d for p in pages for d in p]
    assert flat == [f"Order {n}" for n in range(6, -1, -1)] + [flat[-1]]
    assert len(set(flat)) == 8


def test_statement_filtered_by_dates(client, holder):
    budget = allocate(holder)[0]
    march = reserve(budget, 100, "In March")
    april = reserve(budget, 200, "In April")
    may = reserve(budget, 300, "In May")
    # The last minute of March and the first of May in London (BST: UTC+1).
    backdate(march, datetime(2026, 3, 31, 23, 59, tzinfo=LONDON))
    backdate(april, datetime(2026, 4, 15, 10, 0, tzinfo=LONDON))
    backdate(may, datetime(2026, 5, 1, 0, 0, tzinfo=LONDON))
    login(client, holder)
    html = client.get(f"/budget/{budget.id}/statement?start=2026-04-01&end=2026-04-30").get_data(
        as_text=True
    )
    rows = rows_of(html)
    assert [row[1] for row in rows] == ["In April"]
    # the balance shown is as it was then, not today's
    assert rows[0][5] == "£34.15"  # 37.15 - 1.00 (March) - 2.00 (April); May comes later
    csv_text = client.get(
        f"/budget/{budget.id}/statement.csv?start=2026-04-01&end=2026-04-30"
    ).get_data(as_text=True)
    assert [line["What happened"] for line in csv.DictReader(io.StringIO(csv_text))] == ["In April"]


def test_a_bad_date_range_is_explained(client, holder):
    budget = allocate(holder)[0]
    login(client, holder)
    response = client.get(f"/budget/{budget.id}/statement?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400
    assert (
        "The &#39;to&#39; date must be the same as or after the &#39;from&#39; date"
        in response.get_data(as_text=True)
    )
    response = client.get(f"/budget/{budget.id}/statement?start=yesterday")
    assert response.status_code == 400
    assert "Enter a real date, for example 27 3 2026" in response.get_data(as_text=True)
    response = client.get(f"/budget/{budget.id}/statement.csv?start=31-31-2026")
    assert response.status_code == 400
    assert "Enter a real date" in response.get_data(as_text=True)


def test_statement_csv_has_the_same_rows_in_pounds_as_text(client, holder):
    budget = allocate(holder)[0]
    broker = make_user("supporter", name="Jo Broker")
    grant(holder, broker, ["view", "buy"])
    reserve(budget, 1250, '=HYPERLINK("http://evil") order', actor=broker, on_behalf_of=holder)
    release(budget, 5, "Part of the order back")
    login(client, holder)
    response = client.get(f"/budget/{budget.id}/statement.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="statement-budget-{budget.id}.csv"' in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == statements.STATEMENT_CSV_HEADER
    assert lines[1][2:] == [
        "Part of the order back",
        "0.05",
        "",
        "-0.05",
        "24.70",
        "automatically by Pathways",
    ]
    assert lines[2][2:] == [
        '\'=HYPERLINK("http://evil") order',
        "",
        "12.50",
        "12.50",
        "24.65",
        "by Jo Broker on behalf of Sam Patel",
    ]
    assert lines[3][3:7] == ["37.15", "", "", "37.15"]
    assert len(lines) == 4


def test_printable_statement_has_every_row_and_no_page_navigation(client, holder):
    budget = allocate(holder)[0]
    for number in range(55):
        reserve(budget, 1, f"Order {number}")
    login(client, holder)
    response = client.get(f"/budget/{budget.id}/statement/print")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(rows_of(html)) == 56
    assert "Older movements" not in html
    assert "css/budgets.css" in html  # the print stylesheet hides the site's header and forms
    assert "Sam Patel" in html


def test_a_supporter_with_view_reads_the_statement_under_people(client, holder):
    budget = allocate(holder)[0]
    sister = make_user("supporter", name="Asha Patel")
    grant(holder, sister, ["view"])
    login(client, sister)
    response = client.get(f"/people/{holder.id}/budget/{budget.id}/statement")
    assert response.status_code == 200
    assert "Instalment" in response.get_data(as_text=True)
    assert client.get(f"/people/{holder.id}/budget/{budget.id}/statement.csv").status_code == 200
    # the holder id in the address must be the budget's holder
    other = make_user("holder")
    assert client.get(f"/people/{other.id}/budget/{budget.id}/statement").status_code == 404
