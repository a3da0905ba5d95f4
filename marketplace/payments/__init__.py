"""Card payments through Stripe (stripe_gateway.py is the only module importing stripe),
webhooks, and payout runs that pay providers."""
