"""The commissioners' area: funding streams and their spending rules, managed-account
organisations and their staff, and budget allocations.

Every page is for the 'commissioner' role only. Commissioners decide who has which budget, so
they see allocations (person, stream, amount, route, period); they never see support plans or
what a person bought (special-category data).
"""
