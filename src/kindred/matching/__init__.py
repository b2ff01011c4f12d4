"""Matching: the pure engine (`engine`) that ranks, explains and assigns; no Django here."""
