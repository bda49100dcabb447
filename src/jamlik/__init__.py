"""Jämlik: a platform for a municipality's equality work."""
