"""Paying providers: payout details, payout runs (Bacs file or Stripe Connect), the provider's
view of being paid, and the managed-account reconciliation."""
