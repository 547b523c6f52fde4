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


BITCOIN = Network(
    name="bitcoin",
    display_name="Bitcoin",
    p2pkh_versions=(0x00,),
    p2sh_versions=(0x05,),
    segwit_hrp="bc",
    cashaddr_prefix=None,
    genesis_time=1_231_006_505,
    block_interval_seconds=600,
    initial_tip_height=880_000,
    block_hash_zero_prefix=19,
    first_subsidy_sat=5_000_000_000,
    halving_interval=210_000,
    blockchair_servers="API4,BTC5",
)
LITECOIN = Network(
    name="litecoin",
    display_name="Litecoin",
    p2pkh_versions=(0x30,),
    # 0x05 (`3...`) is the older P2SH prefix, still valid and byte-identical to Bitcoin's.
    p2sh_versions=(0x32, 0x05),
    segwit_hrp="ltc",
    cashaddr_prefix=None,
    genesis_time=1_317_972_665,
    block_interval_seconds=150,
    initial_tip_height=2_900_000,
    block_hash_zero_prefix=12,
    first_subsidy_sat=5_000_000_000,
    halving_interval=840_000,
    blockchair_servers="API4,LTC0",
)
DOGECOIN = Network(
    name="dogecoin",
    display_name="Dogecoin",
    p2pkh_versions=(0x1E,),
    p2sh_versions=(0x16,),
    segwit_hrp=None,
    cashaddr_prefix=None,
    genesis_time=1_386_325_540,
    block_interval_seconds=60,
    initial_tip_height=5_700_000,
    block_hash_zero_prefix=10,
    first_subsidy_sat=1_000_000_000_000,
    halving_interval=None,
    blockchair_servers="API4,DOGE0",
)
BITCOIN_CASH = Network(
    name="bitcoin-cash",
    display_name="Bitcoin Cash",
    p2pkh_versions=(0x00,),
    p2sh_versions=(0x05,),
    segwit_hrp=None,
    cashaddr_prefix="bitcoincash",
    genesis_time=1_231_006_505,
    block_interval_seconds=600,
    initial_tip_height=905_000,
    block_hash_zero_prefix=16,
    first_subsidy_sat=5_000_000_000,
    halving_interval=210_000,
    blockchair_servers="API4,BCH0",
)
NETWORKS = {network.name: network for network in (BITCOIN, LITECOIN, DOGECOIN, BITCOIN_CASH)}
# The chains besides Bitcoin, created on first use so Bitcoin-only tests do not pay for them.
OTHER_NETWORKS = (LITECOIN, DOGECOIN, BITCOIN_CASH)


def network_named(name: str) -> Network:
    network = NETWORKS.get(name)
    if network is None:
        raise ValueError(f"unknown chain {name!r}; known: {', '.join(NETWORKS)}")
    return network
