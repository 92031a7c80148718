"""Repositories: one per aggregate, returning domain objects."""
