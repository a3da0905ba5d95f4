"""Enquiries before buying: a holder asks a provider a question (docs/enquiries.md)."""
