"""Rowbook: a spreadsheet-like, read-only web view over PostgreSQL databases."""

__version__ = "0.1.5"
