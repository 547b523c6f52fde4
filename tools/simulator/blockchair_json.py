"""Blockchair's JSON bodies: address dashboards, stats, the `context` block and error bodies."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple

from tools.simulator.addresses import cashaddr_of, legacy_address, parse_address
from tools.simulator.chain import Chain
from tools.simulator.ledger import MEMPOOL
from tools.simulator.networks import BITCOIN, Network
from tools.simulator.summary import AddressSummary, TxoStats, summarize

API_STATUS = {
    "version": "2.0.95-ie",
    "last_major_update": "2022-11-07 02:00:00",
    "next_major_update": None,
    "documentation": "https://blockchair.com/api/docs",
    "notice": "Try out our new API v.3: https://3xpl.com/data",
}
CACHE_DURATION_SECONDS = 60
ERROR_SERVERS = "API4"
SATOSHI_PER_BITCOIN = 100_000_000


class Paging(NamedTuple):
    """A dashboard's `?limit=` and `?offset=`, each (transactions, UTXOs)."""

    limits: tuple[int, int]
    offsets: tuple[int, int]


@lru_cache(maxsize=65_536)
def timestamp(unix_time: int) -> str:
    """Blockchair's `YYYY-MM-DD HH:MM:SS`, UTC."""
    return datetime.fromtimestamp(unix_time, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def optional_timestamp(unix_time: int | None) -> str | None:
    return None if unix_time is None else timestamp(unix_time)


def usd(amount_sat: int, price_usd: float, *, digits: int | None = 4) -> int | float:
    """A USD value as Blockchair writes it: the integer 0 for nothing, a float otherwise."""
    if amount_sat == 0:
        return 0
    value = amount_sat / SATOSHI_PER_BITCOIN * price_usd
    return value if digits is None else round(value, digits)


def _cache(chain: Chain) -> dict[str, Any]:
    since = chain.tip_time + 120
    return {
        "live": True,
        "duration": CACHE_DURATION_SECONDS,
        "since": timestamp(since),
        "until": timestamp(since + CACHE_DURATION_SECONDS),
        "time": None,
    }


def context(
    chain: Chain,
    price_usd: float,
    *,
    rows: int,
    request_cost: float,
    results: int = 1,
    limit: str | None = None,
    offset: str | None = None,
    source: str = "D",
    optimized: bool | None = None,
) -> dict[str, Any]:
    """The `context` of a successful answer; timings are made up but depend only on the rows."""
    query_time = 0.0105 + 0.0000021 * rows
    render_time = 0.0004 + 0.0000008 * rows
    body: dict[str, Any] = {"code": 200, "source": source}
    if limit is not None:
        body["limit"] = limit
    if offset is not None:
        body["offset"] = offset
    body["results"] = results
    if optimized is not None:
        body["optimized"] = optimized
    body.update(
        {
            "state": chain.tip_height,
            "market_price_usd": price_usd,
            "cache": _cache(chain),
            "api": dict(API_STATUS),
            "servers": chain.network.blockchair_servers,
            "time": round(query_time, 9),
            "render_time": round(render_time, 9),
            "full_time": round(query_time + render_time, 9),
            "request_cost": request_cost,
        }
    )
    return body


def error_body(chain: Chain, price_usd: float, code: int, message: str) -> dict[str, Any]:
    """`{"data": null, "context": {"code": ..., "error": ...}}` as Blockchair sends it."""
    return {
        "data": None,
        "context": {
            "code": code,
            "error": message,
            "market_price_usd": price_usd,
            "cache": _cache(chain),
            "api": dict(API_STATUS),
            "servers": ERROR_SERVERS,
            "time": None,
            "render_time": 0.0014319419860839844,
            "full_time": 0.0014319419860839844,
            "request_cost": 1,
        },
    }


def address_object(
    address: str,
    summary: AddressSummary,
    price_usd: float,
    *,
    with_transaction_count: bool = True,
    network: Network = BITCOIN,
) -> dict[str, Any]:
    """`data.{address}.address`: the empty object (`type: null`, zeros) for unused addresses."""
    total = summary.total_stats
    used = total.tx_count > 0
    script = parse_address(address, network)
    body: dict[str, Any] = {
        "type": script.blockchair_type if used else None,
        "script_hex": script.script_hex if used else "",
        "balance": summary.balance_sat,
        "balance_usd": usd(summary.balance_sat, price_usd, digits=None),
        "received": total.funded_txo_sum,
        "received_usd": usd(total.funded_txo_sum, price_usd),
        "spent": total.spent_txo_sum,
        "spent_usd": usd(total.spent_txo_sum, price_usd),
        "output_count": total.funded_txo_count,
        "unspent_output_count": len(summary.utxos),
        "first_seen_receiving": optional_timestamp(summary.first_seen_receiving),
        "last_seen_receiving": optional_timestamp(summary.last_seen_receiving),
        "first_seen_spending": optional_timestamp(summary.first_seen_spending),
        "last_seen_spending": optional_timestamp(summary.last_seen_spending),
    }
    if with_transaction_count:
        body["scripthash_type"] = None
        body["transaction_count"] = total.tx_count
    if network.cashaddr_prefix is not None:
        body["formats"] = {
            "legacy": legacy_address(script, network),
            "cashaddr": cashaddr_of(script, network).partition(":")[2],
        }
    return body


def _block_id(chain: Chain, number: int) -> int:
    height = chain.ledger.height(number)
    return -1 if height == MEMPOOL else height


def address_dashboard(
    chain: Chain,
    price_usd: float,
    address: str,
    paging: Paging,
    *,
    transaction_details: bool,
) -> dict[str, Any]:
    """`/bitcoin/dashboards/address/{address}`: transactions newest first, mempool first."""
    limits, offsets = paging
    summary = summarize(chain, address)
    history = chain.history(address)
    numbers = list(islice(history.newest_first(), offsets[0], offsets[0] + limits[0]))
    transactions: list[Any]
    if transaction_details:
        transactions = [
            {
                "block_id": _block_id(chain, number),
                "hash": chain.ledger.txid(number),
                "time": timestamp(chain.transaction_time(number)),
                "balance_change": chain.ledger.net_amount(number, address),
            }
            for number in numbers
        ]
    else:
        transactions = [chain.ledger.txid(number) for number in numbers]
    utxos = summary.utxos[offsets[1] : offsets[1] + limits[1]]
    return {
        "data": {
            address: {
                "address": address_object(address, summary, price_usd, network=chain.network),
                "transactions": transactions,
                "utxo": [
                    {
                        "block_id": -1 if utxo.height == MEMPOOL else utxo.height,
                        "transaction_hash": chain.ledger.txid(utxo.number),
                        "index": utxo.vout,
                        "value": utxo.value_sat,
                    }
                    for utxo in utxos
                ],
            }
        },
        "context": context(
            chain,
            price_usd,
            rows=len(transactions) + len(utxos),
            request_cost=2 if transaction_details else 1,
            limit=f"{limits[0]},{limits[1]}",
            offset=f"{offsets[0]},{offsets[1]}",
        ),
    }


def _newest_first_across(chain: Chain, addresses: Sequence[str]) -> Iterator[int]:
    """Every transaction of the set once, newest first (mempool first)."""

    def key(number: int) -> tuple[int, int]:
        height = chain.ledger.height(number)
        return (height if height != MEMPOOL else chain.tip_height + 1, number)

    merged = heapq.merge(
        *(chain.history(address).newest_first() for address in addresses), key=key, reverse=True
    )
    previous = None
    for number in merged:
        if number != previous:
            yield number
        previous = number


def addresses_dashboard(
    chain: Chain,
    price_usd: float,
    addresses: Sequence[str],
    paging: Paging,
    *,
    transaction_details: bool = False,
) -> dict[str, Any]:
    """`/bitcoin/dashboards/addresses/{a},{b},...`: totals for the set plus used addresses;
    each transaction once, with details its net for the whole set."""
    limits, offsets = paging
    summaries = {address: summarize(chain, address) for address in addresses}
    used = {
        address: summary for address, summary in summaries.items() if summary.total_stats.tx_count
    }
    every_transaction = list(_newest_first_across(chain, list(used)))
    numbers = every_transaction[offsets[0] : offsets[0] + limits[0]]
    total = sum((summary.total_stats for summary in used.values()), TxoStats())
    received, spent = total.funded_txo_sum, total.spent_txo_sum

    def earliest(values: list[int | None]) -> str | None:
        known = [value for value in values if value is not None]
        return optional_timestamp(min(known, default=None))

    def latest(values: list[int | None]) -> str | None:
        known = [value for value in values if value is not None]
        return optional_timestamp(max(known, default=None))

    utxos = sorted(
        ((address, utxo) for address, summary in used.items() for utxo in summary.utxos),
        key=lambda pair: (
            pair[1].height if pair[1].height != MEMPOOL else chain.tip_height + 1,
            pair[1].number,
            pair[1].vout,
        ),
        reverse=True,
    )[offsets[1] : offsets[1] + limits[1]]
    return {
        "data": {
            "set": {
                "address_count": len(addresses),
                "balance": received - spent,
                "balance_usd": usd(received - spent, price_usd, digits=None),
                "received": received,
                "spent": spent,
                "output_count": total.funded_txo_count,
                "unspent_output_count": sum(len(summary.utxos) for summary in used.values()),
                "first_seen_receiving": earliest(
                    [summary.first_seen_receiving for summary in used.values()]
                ),
                "last_seen_receiving": latest(
                    [summary.last_seen_receiving for summary in used.values()]
                ),
                "first_seen_spending": earliest(
                    [summary.first_seen_spending for summary in used.values()]
                ),
                "last_seen_spending": latest(
                    [summary.last_seen_spending for summary in used.values()]
                ),
                "transaction_count": len(every_transaction),
            },
            "addresses": {
                address: address_object(
                    address,
                    summary,
                    price_usd,
                    with_transaction_count=False,
                    network=chain.network,
                )
                for address, summary in used.items()
            },
            "transactions": _set_transactions(chain, list(used), numbers)
            if transaction_details
            else [chain.ledger.txid(number) for number in numbers],
            "utxo": [
                {
                    "block_id": -1 if utxo.height == MEMPOOL else utxo.height,
                    "transaction_hash": chain.ledger.txid(utxo.number),
                    "index": utxo.vout,
                    "value": utxo.value_sat,
                    "address": address,
                }
                for address, utxo in utxos
            ],
        },
        "context": context(
            chain,
            price_usd,
            rows=len(numbers) + len(utxos),
            request_cost=round(1 + 0.1 * (len(addresses) - 1) + transaction_details, 1),
            results=len(addresses),
            optimized=False,
            limit=f"{limits[0]},{limits[1]}",
            offset=f"{offsets[0]},{offsets[1]}",
        ),
    }


def _set_transactions(
    chain: Chain, addresses: Sequence[str], numbers: Sequence[int]
) -> list[dict[str, Any]]:
    """`?transaction_details=true` items: `balance_change` is the net for the whole set,
    counted by outpoint, so internal change cancels and a transfer inside it is minus the fee."""
    address_ids = chain.ledger.address_ids(addresses)
    return [
        {
            "block_id": _block_id(chain, number),
            "hash": chain.ledger.txid(number),
            "time": timestamp(chain.transaction_time(number)),
            "balance_change": chain.ledger.set_net_amount(number, address_ids),
        }
        for number in numbers
    ]


def _circulation_sat(height: int, network: Network = BITCOIN) -> int:
    interval = network.halving_interval
    if interval is None:
        return (height + 1) * network.first_subsidy_sat
    total = 0
    subsidy = network.first_subsidy_sat
    start = 0
    while start <= height and subsidy:
        end = min(height + 1, start + interval)
        total += (end - start) * subsidy
        start += interval
        subsidy //= 2
    return total


def _subsidy_sat(height: int, network: Network) -> int:
    if network.halving_interval is None:
        return network.first_subsidy_sat
    return network.first_subsidy_sat >> (height // network.halving_interval)


def stats(chain: Chain, price_usd: float) -> dict[str, Any]:
    """`/bitcoin/stats`: network figures derived from the tip, so they are deterministic."""
    tip = chain.tip_height
    circulation = _circulation_sat(tip, chain.network)
    mempool = chain.mempool
    subsidy = _subsidy_sat(tip, chain.network)
    network = chain.network
    interval = network.block_interval_seconds
    blocks_24h = 86_400 // interval
    grown = tip - network.initial_tip_height
    next_retarget = chain.block_time(tip) + interval * (2016 - tip % 2016)
    return {
        "data": {
            "blocks": tip + 1,
            "transactions": 1_100_000_000 + 3_000 * grown,
            "outputs": 3_000_000_000 + 8_000 * grown,
            "circulation": circulation,
            "blocks_24h": blocks_24h,
            "transactions_24h": 432_000,
            "difficulty": 126_982_285_146_989.3,
            "volume_24h": 52_300_000_000_000,
            "mempool_transactions": len(mempool),
            "mempool_size": 250 * len(mempool),
            "mempool_tps": 3.1833333333333336,
            "mempool_total_fee_usd": round(
                sum(chain.ledger.fee(number) for number in mempool)
                / SATOSHI_PER_BITCOIN
                * price_usd,
                4,
            ),
            "best_block_height": tip,
            "best_block_hash": chain.block_hash(tip),
            "best_block_time": timestamp(chain.block_time(tip)),
            "blockchain_size": 700_000_000_000 + 1_500_000 * grown,
            "average_transaction_fee_24h": 1_450,
            "inflation_24h": blocks_24h * subsidy,
            "median_transaction_fee_24h": 620,
            "cdd_24h": 4_115_243.876_543_21,
            "largest_transaction_24h": {
                "hash": chain.ledger.txid(0) if len(chain.ledger) else "0" * 64,
                "value_usd": 512_345_678,
            },
            "nodes": 21_345,
            "hashrate_24h": "912345678901234567890",
            "inflation_usd_24h": usd(blocks_24h * subsidy, price_usd),
            "average_transaction_fee_usd_24h": usd(1_450, price_usd),
            "median_transaction_fee_usd_24h": usd(620, price_usd),
            "market_price_usd": price_usd,
            "market_price_btc": 1,
            "market_price_usd_change_24h_percentage": 0.41837,
            "market_cap_usd": int(circulation / SATOSHI_PER_BITCOIN * price_usd),
            "market_dominance_percentage": 61.72,
            "next_retarget_time_estimate": timestamp(next_retarget),
            "next_difficulty_estimate": 127_500_000_000_000,
            "countdowns": [],
            "suggested_transaction_fee_per_byte_sat": 4,
        },
        "context": context(chain, price_usd, rows=1, request_cost=1, source="A"),
    }
