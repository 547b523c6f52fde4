"""Webhooks: events written with the changes that cause them, signed and delivered at least once."""
