"""What each chain accepts: extended-key version bytes (SLIP-132) and address encodings."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from db.models import Chain
from hd.errors import HdInputError
from hd.script_kinds import ScriptKind


class KeyNetwork(enum.Enum):
    BITCOIN = "Bitcoin"
    LITECOIN = "Litecoin"
    DOGECOIN = "Dogecoin"
    TESTNET = "testnet"


@dataclass(frozen=True)
class KeyVersion:
    """One registered version: the 4 bytes, the prefix they give, and what they announce."""

    prefix: str
    version: int
    network: KeyNetwork
    private: bool
    # The script the prefix announces; None for xpub-like prefixes (P2PKH, P2SH or anything).
    script: ScriptKind | None = None


_P2SH_P2WPKH = ScriptKind.P2SH_P2WPKH
_P2WPKH = ScriptKind.P2WPKH
_P2SH_P2WSH = ScriptKind.P2SH_P2WSH_SORTEDMULTI
_P2WSH = ScriptKind.P2WSH_SORTEDMULTI
_BTC = KeyNetwork.BITCOIN
_TEST = KeyNetwork.TESTNET

# SLIP-132 (satoshilabs/slips slip-0132.md), BIP-49/84, and Dogecoin Core's chainparams (dgub).
KEY_VERSIONS: Final[tuple[KeyVersion, ...]] = (
    KeyVersion("xpub", 0x0488B21E, _BTC, private=False),
    KeyVersion("ypub", 0x049D7CB2, _BTC, private=False, script=_P2SH_P2WPKH),
    KeyVersion("zpub", 0x04B24746, _BTC, private=False, script=_P2WPKH),
    KeyVersion("Ypub", 0x0295B43F, _BTC, private=False, script=_P2SH_P2WSH),
    KeyVersion("Zpub", 0x02AA7ED3, _BTC, private=False, script=_P2WSH),
    KeyVersion("Ltub", 0x019DA462, KeyNetwork.LITECOIN, private=False),
    KeyVersion("Mtub", 0x01B26EF6, KeyNetwork.LITECOIN, private=False, script=_P2SH_P2WPKH),
    KeyVersion("dgub", 0x02FACAFD, KeyNetwork.DOGECOIN, private=False),
    KeyVersion("tpub", 0x043587CF, _TEST, private=False),
    KeyVersion("upub", 0x044A5262, _TEST, private=False, script=_P2SH_P2WPKH),
    KeyVersion("vpub", 0x045F1CF6, _TEST, private=False, script=_P2WPKH),
    KeyVersion("Upub", 0x024289EF, _TEST, private=False, script=_P2SH_P2WSH),
    KeyVersion("Vpub", 0x02575483, _TEST, private=False, script=_P2WSH),
    KeyVersion("ttub", 0x0436F6E1, _TEST, private=False),
    KeyVersion("xprv", 0x0488ADE4, _BTC, private=True),
    KeyVersion("yprv", 0x049D7878, _BTC, private=True, script=_P2SH_P2WPKH),
    KeyVersion("zprv", 0x04B2430C, _BTC, private=True, script=_P2WPKH),
    KeyVersion("Yprv", 0x0295B005, _BTC, private=True, script=_P2SH_P2WSH),
    KeyVersion("Zprv", 0x02AA7A99, _BTC, private=True, script=_P2WSH),
    KeyVersion("Ltpv", 0x019D9CFE, KeyNetwork.LITECOIN, private=True),
    KeyVersion("Mtpv", 0x01B26792, KeyNetwork.LITECOIN, private=True, script=_P2SH_P2WPKH),
    KeyVersion("dgpv", 0x02FAC398, KeyNetwork.DOGECOIN, private=True),
    KeyVersion("tprv", 0x04358394, _TEST, private=True),
    KeyVersion("uprv", 0x044A4E28, _TEST, private=True, script=_P2SH_P2WPKH),
    KeyVersion("vprv", 0x045F18BC, _TEST, private=True, script=_P2WPKH),
    KeyVersion("Uprv", 0x024285B5, _TEST, private=True, script=_P2SH_P2WSH),
    KeyVersion("Vprv", 0x02575048, _TEST, private=True, script=_P2WSH),
    KeyVersion("ttpv", 0x0436EF7D, _TEST, private=True),
)
KEY_VERSION_BY_BYTES: Final = {key.version: key for key in KEY_VERSIONS}
KEY_VERSION_BY_PREFIX: Final = {key.prefix: key for key in KEY_VERSIONS}
# Descriptors always carry these bytes (BIP-380: script-type versions are a layer violation).
XPUB_VERSION: Final = KEY_VERSION_BY_PREFIX["xpub"]


@dataclass(frozen=True)
class ChainParams:
    chain: Chain
    name: str
    key_network: KeyNetwork
    p2pkh_version: int
    p2sh_version: int | None
    bech32_hrp: str | None
    scripts: tuple[ScriptKind, ...]
    # Public prefixes a user of this chain pastes: its own, and Bitcoin's that its wallets use.
    key_prefixes: frozenset[str]

    def supports(self, script: ScriptKind) -> bool:
        return script in self.scripts


# The probe order of a bare xpub-like key: the most common script first (issue 14).
_PROBE_ORDER: Final = (ScriptKind.P2WPKH, ScriptKind.P2PKH, ScriptKind.P2SH_P2WPKH, ScriptKind.P2TR)
_BITCOIN_PREFIXES: Final = frozenset({"xpub", "ypub", "zpub", "Ypub", "Zpub"})

CHAIN_PARAMS: Final[dict[Chain, ChainParams]] = {
    Chain.BITCOIN: ChainParams(
        chain=Chain.BITCOIN,
        name="Bitcoin",
        key_network=KeyNetwork.BITCOIN,
        p2pkh_version=0x00,
        p2sh_version=0x05,
        bech32_hrp="bc",
        scripts=tuple(ScriptKind),
        key_prefixes=_BITCOIN_PREFIXES,
    ),
    # Litecoin activated taproot, but no published vector pins its `ltc1p` addresses, and few
    # Litecoin wallets derive BIP-86 accounts: P2TR stays off until one can be checked.
    Chain.LITECOIN: ChainParams(
        chain=Chain.LITECOIN,
        name="Litecoin",
        key_network=KeyNetwork.LITECOIN,
        p2pkh_version=0x30,
        p2sh_version=0x32,
        bech32_hrp="ltc",
        scripts=tuple(kind for kind in ScriptKind if kind is not ScriptKind.P2TR),
        key_prefixes=_BITCOIN_PREFIXES | {"Ltub", "Mtub"},
    ),
    Chain.DOGECOIN: ChainParams(
        chain=Chain.DOGECOIN,
        name="Dogecoin",
        key_network=KeyNetwork.DOGECOIN,
        p2pkh_version=0x1E,
        p2sh_version=None,
        bech32_hrp=None,
        scripts=(ScriptKind.P2PKH,),
        key_prefixes=frozenset({"xpub", "dgub"}),
    ),
}


def chain_params(chain: Chain) -> ChainParams:
    """The chain's parameters; HdInputError for a chain without HD wallets."""
    params = CHAIN_PARAMS.get(chain)
    if params is None:
        raise HdInputError("HD wallets are supported on Bitcoin, Litecoin and Dogecoin")
    return params


def probe_order(params: ChainParams) -> tuple[ScriptKind, ...]:
    """The script kinds to probe for a bare xpub-like key on this chain, in order."""
    return tuple(kind for kind in _PROBE_ORDER if params.supports(kind))
