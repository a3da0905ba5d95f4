"""Providers and their service listings."""
