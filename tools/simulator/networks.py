"""The UTXO chains the simulator serves and what sets them apart: address formats and timing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Network:
    """One coin: `name` is Blockchair's path segment (`/litecoin/...`)."""

    name: str
    display_name: str
    p2pkh_versions: tuple[int, ...]
    p2sh_versions: tuple[int, ...]
    segwit_hrp: str | None
    cashaddr_prefix: str | None
    genesis_time: int
    block_interval_seconds: int
    initial_tip_height: int
    block_hash_zero_prefix: int
    first_subsidy_sat: int
    # None: the subsidy never halves (Dogecoin's flat reward).
    halving_interval: int | None
    blockchair_servers: str

    @property
    def keys_dashboards_by_request(self) -> bool:
        """Blockchair keys Bitcoin Cash dashboards by the exact string sent (legacy or CashAddr
        with or without prefix), so the key need not be the canonical spelling."""
        return self.cashaddr_prefix is not None


# How each coin names itself and its addresses: display name, P2PKH and P2SH version bytes,
# bech32 segwit prefix, CashAddr prefix, Blockchair's `context.servers`. Litecoin's 0x05 (`3...`)
# is the older P2SH prefix, still valid and byte-identical to Bitcoin's.
_NAMING: dict[str, tuple[str, tuple[int, ...], tuple[int, ...], str | None, str | None, str]] = {
    "bitcoin": ("Bitcoin", (0x00,), (0x05,), "bc", None, "API4,BTC5"),
    "litecoin": ("Litecoin", (0x30,), (0x32, 0x05), "ltc", None, "API4,LTC0"),
    "dogecoin": ("Dogecoin", (0x1E,), (0x16,), None, None, "API4,DOGE0"),
    "bitcoin-cash": ("Bitcoin Cash", (0x00,), (0x05,), None, "bitcoincash", "API4,BCH0"),
}
# Each coin's clock and money: genesis time, block interval (s), tip height at start, zero hex
# digits leading a block hash, first block subsidy (sat), halving interval (None: never).
_TIMING: dict[str, tuple[int, int, int, int, int, int | None]] = {
    "bitcoin": (1_231_006_505, 600, 880_000, 19, 5_000_000_000, 210_000),
    "litecoin": (1_317_972_665, 150, 2_900_000, 12, 5_000_000_000, 840_000),
    "dogecoin": (1_386_325_540, 60, 5_700_000, 10, 1_000_000_000_000, None),
    "bitcoin-cash": (1_231_006_505, 600, 905_000, 16, 5_000_000_000, 210_000),
}


def _network(name: str) -> Network:
    display_name, p2pkh, p2sh, segwit_hrp, cashaddr_prefix, servers = _NAMING[name]
    genesis_time, interval, tip, zeros, subsidy, halving = _TIMING[name]
    return Network(
        name=name,
        display_name=display_name,
        p2pkh_versions=p2pkh,
        p2sh_versions=p2sh,
        segwit_hrp=segwit_hrp,
        cashaddr_prefix=cashaddr_prefix,
        genesis_time=genesis_time,
        block_interval_seconds=interval,
        initial_tip_height=tip,
        block_hash_zero_prefix=zeros,
        first_subsidy_sat=subsidy,
        halving_interval=halving,
        blockchair_servers=servers,
    )


NETWORKS = {name: _network(name) for name in _NAMING}
BITCOIN = NETWORKS["bitcoin"]
LITECOIN = NETWORKS["litecoin"]
DOGECOIN = NETWORKS["dogecoin"]
BITCOIN_CASH = NETWORKS["bitcoin-cash"]
# The chains besides Bitcoin, created on first use so Bitcoin-only tests do not pay for them.
OTHER_NETWORKS = (LITECOIN, DOGECOIN, BITCOIN_CASH)


def network_named(name: str) -> Network:
    network = NETWORKS.get(name)
    if network is None:
        raise ValueError(f"unknown chain {name!r}; known: {', '.join(NETWORKS)}")
    return network
