"""Solana JSON-RPC: an account-model cluster, its seeded addresses, the RPC and its admin."""
