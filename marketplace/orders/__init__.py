"""Orders and their state machine, managed-account approvals, direct-payment orders."""
