"""Pools: budget holders buying one thing together, all or nothing (docs/pools.md)."""
