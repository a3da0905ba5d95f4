"""The Bacs payment file a finance team uploads to its bank, and its companion list of orders:
exact content, amounts written from pence as text, Bacs-safe names and references."""
import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.payouts import backends
from marketplace.payouts.models import PayoutRun
from tests.factories import make_provider, make_service, make_user
from tests.payouts.conftest import give_bank_details, login


def test_the_payment_file_has_one_line_per_provider_and_the_orders_file_one_per_order(app, market):
    zoe = make_provider(make_user("provider"), name="Zoë's Café & Co")
    give_bank_details(zoe, name="Zoë O'Brien-Smith", sort_code="401276", account_number="12345678")
    cafe = make_service(zoe, title="=Cuppa club", price_pence=333)
    art = market.order(market.sam, market.art, 2)  # 2 x 25.50
    walk = market.order(market.ali, market.walk, 1)  # 10.00
    cuppa = market.order(market.ali, cafe, 3)  # 3 x 3.33
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = db.session.scalars(sa.select(PayoutRun)).one()
    bright, zoes = sorted(run.items, key=lambda item: item.provider_id)

    # No file before the run is exported: the export is what commits the money.
    assert client.get(f"/managed/payouts/{run.id}/payment-file.csv").status_code == 409
    client.post(f"/managed/payouts/{run.id}/send")

    response = client.get(f"/managed/payouts/{run.id}/payment-file.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="payment-run-{run.id}-bank-file.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == (
        "Sort code,Account number,Account name,Amount,Reference\r\n"
        f"309457,00733445,BRIGHT DAYS CIC,61.00,PW{run.id:04d}-{bright.id:05d}\r\n"
        f"401276,12345678,ZOE OBRIEN-SMITH,9.99,PW{run.id:04d}-{zoes.id:05d}\r\n"
    )

    orders_csv = client.get(f"/managed/payouts/{run.id}/orders.csv").get_data(as_text=True)
    assert orders_csv == (
        "Payment reference,Order reference,Provider,Service,Amount\r\n"
        f"{bright.reference},ORDER-{art.id:06d},Bright Days,Art group,51.00\r\n"
        f"{bright.reference},ORDER-{walk.id:06d},Bright Days,Walk and talk,10.00\r\n"
        f"{zoes.reference},ORDER-{cuppa.id:06d},Zoë's Café & Co,'=Cuppa club,9.99\r\n"
    )


@pytest.mark.parametrize("pence, text", [(1, "0.01"), (10, "0.10"), (100, "1.00"),
                                         (123_456_789, "1234567.89")])
def test_amounts_are_written_from_pence_without_floats(pence, text):
    line = backends.LineToPay(item_id=1, run_id=1, provider_id=1, provider_name="P",
                              amount_pence=pence, reference="PW0001-00001", order_ids=(1,),
                              account_name="P", sort_code="123456", account_number="12345678")
    assert backends.BacsFileBackend.payment_file([line]).splitlines()[1].split(",")[3] == text


def test_names_and_references_fit_bacs():
    assert backends.bacs_safe("  Ünïcode   Ltd (UK) #1 ", 18) == "UNICODE LTD UK 1"
    assert backends.bacs_safe("A very long organisation name indeed", 18) == "A VERY LONG ORGANI"
    assert backends.payout_reference(12, 345) == "PW0012-00345"
    assert len(backends.payout_reference(9_999_999, 99_999_999)) == 18
    with pytest.raises(ValueError):
        backends.payout_reference(999_999_999, 999_999_999)


def test_a_connect_run_has_no_bank_file(app, market, gateway):
    app.config["PAYOUT_BACKEND"] = "stripe_connect"
    from marketplace.payouts.models import ProviderPayoutDetails

    details = db.session.scalars(sa.select(ProviderPayoutDetails)).one()
    details.stripe_account_id = "acct_1PgafTB7WZ01zgkW"
    db.session.commit()
    market.order(market.sam, market.art)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = db.session.scalars(sa.select(PayoutRun)).one()
    client.post(f"/managed/payouts/{run.id}/send")
    assert client.get(f"/managed/payouts/{run.id}/payment-file.csv").status_code == 404
