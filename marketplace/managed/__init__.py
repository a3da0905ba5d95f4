"""The managed-account organisation's staff area: approvals, disputes, the accounts it holds
and its settings. Staff (role account_manager) see only their own organisation's budgets and
orders."""
