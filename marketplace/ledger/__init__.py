"""The double-entry ledger: every movement of money, in integer pence. No routes."""
