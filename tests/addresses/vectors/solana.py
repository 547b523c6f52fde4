"""Solana addresses: base58 that decodes to exactly 32 bytes, stored as given."""

from __future__ import annotations

from db.models import Chain
from tests.addresses.vectors import ChainVectors, stored_as_given

TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"

ACCEPTED = [
    # PROVIDERS.md: 32 times '1' is 32 zero bytes (the System Program).
    "11111111111111111111111111111111",
    # The SPL Token program and the wrapped-SOL mint (43 characters).
    TOKEN_PROGRAM,
    "So11111111111111111111111111111111111111112",
    # A zero byte and 31 bytes 0xff: 32 bytes behind a leading '1'.
    "14uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofL",
    # 32 times 0xff: y ≥ p, so no ed25519 point; off-curve addresses (PDAs) hold SOL too.
    "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG",
]

# (address, a fragment of the message that refuses it)
REFUSED_WITH_REASON = [
    # Base58 is case-sensitive: upper case brings in 'O' and 'I', which base58 leaves out.
    (TOKEN_PROGRAM.upper(), "Invalid base58 character 'O'"),
    # PROVIDERS.md: 31 times '1' is 31 zero bytes.
    ("1111111111111111111111111111111", "Solana address decodes to 31 bytes, not 32"),
    ("111111111111111111111111111111111", "Solana address decodes to 33 bytes, not 32"),
    ("2K3n5t4wSaF5mj27Tw9vStXWLWyRjjiH5Cp3CFLpKVCr1c", "decodes to 33 bytes, not 32"),
    ("JJEfe6DcPM2ziB2vfUWDV6aHVerXRGkv3TcyvJUNGHZz", "decodes to 33 bytes, not 32"),
    ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D", "decodes to 31 bytes, not 32"),
    ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ50A", "Invalid base58 character '0'"),
    ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5lA", "Invalid base58 character 'l'"),
    ("", "Address is empty"),
    (" TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "whitespace"),
]

SOLANA = ChainVectors(
    chain=Chain.SOLANA, accepted=stored_as_given(ACCEPTED), refused=REFUSED_WITH_REASON
)
