"""Funding streams and their spending rules, budgets and instalments, managed-account
organisations, and support plans."""
