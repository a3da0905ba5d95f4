"""Public pages: home, how budgets work, health check."""
