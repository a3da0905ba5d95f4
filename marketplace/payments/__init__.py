"""Card payments through Stripe (stripe_gateway.py is the only module importing stripe),
refunds and webhooks. Paying providers is marketplace/payouts."""
