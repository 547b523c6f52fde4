"""Mainnet address parsing and the output scripts that addresses stand for."""

from __future__ import annotations

from dataclasses import dataclass

from tools.simulator import base58, bech32, cashaddr
from tools.simulator.networks import BITCOIN, Network


class InvalidAddress(ValueError):
    """Not a valid mainnet address of the chain asked about."""


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


# The opcodes of the scripts below, by the names Esplora's asm gives them.
OPCODES = {
    "OP_0": 0x00,
    **{f"OP_PUSHNUM_{number}": 0x50 + number for number in range(1, 17)},
    "OP_RETURN": 0x6A,
    "OP_DUP": 0x76,
    "OP_EQUAL": 0x87,
    "OP_EQUALVERIFY": 0x88,
    "OP_HASH160": 0xA9,
    "OP_CHECKSIG": 0xAC,
}
DATA = "<data>"
# Each provider's name for a witness program's type, by witness version and program length.
WITNESS_TYPES = {
    (0, 20): ("v0_p2wpkh", "witness_v0_keyhash"),
    (0, 32): ("v0_p2wsh", "witness_v0_scripthash"),
    (1, 32): ("v1_p2tr", "witness_v1_taproot"),
}
UNKNOWN_WITNESS_TYPES = ("unknown", "witness_unknown")


def _script(template: str, data: bytes, esplora_type: str, blockchair_type: str) -> OutputScript:
    """A script of opcodes around one push of `data`, given as asm with DATA for the push."""
    data_hex = data.hex()
    words = template.split()
    return OutputScript(
        script_hex="".join(
            f"{len(data):02x}{data_hex}" if word == DATA else f"{OPCODES[word]:02x}"
            for word in words
        ),
        asm=" ".join(
            f"OP_PUSHBYTES_{len(data)} {data_hex}" if word == DATA else word for word in words
        ),
        esplora_type=esplora_type,
        blockchair_type=blockchair_type,
    )


def p2pkh_script(key_hash: bytes) -> OutputScript:
    template = f"OP_DUP OP_HASH160 {DATA} OP_EQUALVERIFY OP_CHECKSIG"
    return _script(template, key_hash, "p2pkh", "pubkeyhash")


def p2sh_script(script_hash: bytes) -> OutputScript:
    return _script(f"OP_HASH160 {DATA} OP_EQUAL", script_hash, "p2sh", "scripthash")


def witness_script(witness_version: int, program: bytes) -> OutputScript:
    opcode = "OP_0" if witness_version == 0 else f"OP_PUSHNUM_{witness_version}"
    types = WITNESS_TYPES.get((witness_version, len(program)), UNKNOWN_WITNESS_TYPES)
    return _script(f"{opcode} {DATA}", program, *types)


def op_return_script(data: bytes) -> OutputScript:
    return _script(f"OP_RETURN {DATA}", data, "op_return", "nulldata")


def parse_address(text: str, network: Network = BITCOIN) -> OutputScript:
    """The output script of a mainnet address; raises InvalidAddress for anything else."""
    hrp = network.segwit_hrp
    if hrp is not None and text[: len(hrp) + 1].lower() == hrp + "1":
        try:
            witness_version, program = bech32.decode_segwit(hrp, text)
        except bech32.Bech32Error as error:
            raise InvalidAddress(text) from error
        return witness_script(witness_version, program)
    if network.cashaddr_prefix is not None and _looks_like_cashaddr(text):
        try:
            address_type, hash_bytes = cashaddr.decode(text, network.cashaddr_prefix)
        except cashaddr.CashAddrError as error:
            raise InvalidAddress(text) from error
        if address_type == cashaddr.P2PKH_TYPE:
            return p2pkh_script(hash_bytes)
        return p2sh_script(hash_bytes)
    try:
        payload = base58.decode_check(text)
    except base58.Base58Error as error:
        raise InvalidAddress(text) from error
    if len(payload) != 21:
        raise InvalidAddress(text)
    if payload[0] in network.p2pkh_versions:
        return p2pkh_script(payload[1:])
    if payload[0] in network.p2sh_versions:
        return p2sh_script(payload[1:])
    raise InvalidAddress(text)


def _looks_like_cashaddr(text: str) -> bool:
    """CashAddr payloads start with q, p, z or r and are 42 characters after any prefix."""
    payload = text.rpartition(":")[2]
    return ":" in text or (len(payload) == 42 and payload[:1].lower() in "qpzr")


def normalize_address(text: str, network: Network = BITCOIN) -> str:
    """The canonical spelling: bech32 addresses are case-insensitive and stored lower-case;
    Bitcoin Cash addresses are stored as prefixed lower-case CashAddr, whatever was sent."""
    script = parse_address(text, network)
    if network.cashaddr_prefix is not None:
        return cashaddr_of(script, network)
    hrp = network.segwit_hrp
    if hrp is not None and text[: len(hrp) + 1].lower() == hrp + "1":
        return text.lower()
    return text


def cashaddr_of(script: OutputScript, network: Network) -> str:
    assert network.cashaddr_prefix is not None
    address_type = cashaddr.P2PKH_TYPE if script.esplora_type == "p2pkh" else cashaddr.P2SH_TYPE
    return cashaddr.encode(network.cashaddr_prefix, address_type, bytes.fromhex(script.program_hex))


def legacy_address(script: OutputScript, network: Network) -> str:
    """The Base58Check spelling of a P2PKH or P2SH script."""
    versions = network.p2pkh_versions if script.esplora_type == "p2pkh" else network.p2sh_versions
    return base58.encode_check(bytes([versions[0]]) + bytes.fromhex(script.program_hex))


def p2wpkh_address(key_hash: bytes, network: Network = BITCOIN) -> str:
    assert network.segwit_hrp is not None
    return bech32.encode_segwit(network.segwit_hrp, 0, key_hash)


def p2pkh_address(key_hash: bytes, network: Network = BITCOIN) -> str:
    if network.cashaddr_prefix is not None:
        return cashaddr.encode(network.cashaddr_prefix, cashaddr.P2PKH_TYPE, key_hash)
    return base58.encode_check(bytes([network.p2pkh_versions[0]]) + key_hash)
