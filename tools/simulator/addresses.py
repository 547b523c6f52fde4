"""Mainnet address parsing and the output scripts that addresses stand for."""

from __future__ import annotations

from dataclasses import dataclass

from tools.simulator import base58, bech32

P2PKH_VERSION = 0x00
P2SH_VERSION = 0x05
SEGWIT_HRP = "bc"


class InvalidAddress(ValueError):
    """Not a valid Bitcoin mainnet address."""


@dataclass(frozen=True, slots=True)
class OutputScript:
    """An address's locking script and the names each provider gives its type."""

    script_hex: str
    asm: str
    esplora_type: str
    blockchair_type: str

    @property
    def program_hex(self) -> str:
        """The hash or witness program inside the script."""
        if self.esplora_type == "p2pkh":
            return self.script_hex[6:-4]
        if self.esplora_type == "p2sh":
            return self.script_hex[4:-2]
        return self.script_hex[4:]


def _pushbytes(data_hex: str) -> str:
    return f"OP_PUSHBYTES_{len(data_hex) // 2} {data_hex}"


def p2pkh_script(key_hash: bytes) -> OutputScript:
    program = key_hash.hex()
    return OutputScript(
        script_hex=f"76a914{program}88ac",
        asm=f"OP_DUP OP_HASH160 {_pushbytes(program)} OP_EQUALVERIFY OP_CHECKSIG",
        esplora_type="p2pkh",
        blockchair_type="pubkeyhash",
    )


def p2sh_script(script_hash: bytes) -> OutputScript:
    program = script_hash.hex()
    return OutputScript(
        script_hex=f"a914{program}87",
        asm=f"OP_HASH160 {_pushbytes(program)} OP_EQUAL",
        esplora_type="p2sh",
        blockchair_type="scripthash",
    )


def witness_script(witness_version: int, program: bytes) -> OutputScript:
    program_hex = program.hex()
    length_hex = f"{len(program):02x}"
    if witness_version == 0:
        is_key_hash = len(program) == 20
        return OutputScript(
            script_hex=f"00{length_hex}{program_hex}",
            asm=f"OP_0 {_pushbytes(program_hex)}",
            esplora_type="v0_p2wpkh" if is_key_hash else "v0_p2wsh",
            blockchair_type="witness_v0_keyhash" if is_key_hash else "witness_v0_scripthash",
        )
    is_taproot = witness_version == 1 and len(program) == 32
    return OutputScript(
        script_hex=f"{0x50 + witness_version:02x}{length_hex}{program_hex}",
        asm=f"OP_PUSHNUM_{witness_version} {_pushbytes(program_hex)}",
        esplora_type="v1_p2tr" if is_taproot else "unknown",
        blockchair_type="witness_v1_taproot" if is_taproot else "witness_unknown",
    )


def op_return_script(data: bytes) -> OutputScript:
    data_hex = data.hex()
    return OutputScript(
        script_hex=f"6a{len(data):02x}{data_hex}",
        asm=f"OP_RETURN {_pushbytes(data_hex)}",
        esplora_type="op_return",
        blockchair_type="nulldata",
    )


def parse_address(text: str) -> OutputScript:
    """The output script of a mainnet address; raises InvalidAddress for anything else."""
    if text[:3].lower() == SEGWIT_HRP + "1":
        try:
            witness_version, program = bech32.decode_segwit(SEGWIT_HRP, text)
        except bech32.Bech32Error as error:
            raise InvalidAddress(text) from error
        return witness_script(witness_version, program)
    try:
        payload = base58.decode_check(text)
    except base58.Base58Error as error:
        raise InvalidAddress(text) from error
    if len(payload) != 21:
        raise InvalidAddress(text)
    if payload[0] == P2PKH_VERSION:
        return p2pkh_script(payload[1:])
    if payload[0] == P2SH_VERSION:
        return p2sh_script(payload[1:])
    raise InvalidAddress(text)


def normalize_address(text: str) -> str:
    """The canonical spelling: bech32 addresses are case-insensitive and stored lower-case."""
    parse_address(text)
    return text.lower() if text[:3].lower() == SEGWIT_HRP + "1" else text


def p2wpkh_address(key_hash: bytes) -> str:
    return bech32.encode_segwit(SEGWIT_HRP, 0, key_hash)


def p2pkh_address(key_hash: bytes) -> str:
    return base58.encode_check(bytes([P2PKH_VERSION]) + key_hash)
