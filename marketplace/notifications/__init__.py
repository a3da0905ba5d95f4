"""In-app notifications and the email outbox (captured locally in development and tests)."""
