"""Accounts: people, their roles, registration and login."""
