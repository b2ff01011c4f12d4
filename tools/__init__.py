"""Tooling that is not part of Kindred: import-linter contract types used by `make lint`."""
