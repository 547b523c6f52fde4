"""The JSON rows Etherscan V2 and Blockscout send: every number a decimal string.

Blockscout's differences: keys sorted, no `functionName`, one confirmation fewer; internal rows
carry `transactionHash`, a flat `index` and `callType` instead of `hash` and `traceId`."""

from __future__ import annotations

from tools.simulator.ethereum.chain import BYZANTIUM_HEIGHT, GENESIS_TIME, EthereumChain
from tools.simulator.ethereum.model import EthTransaction, InternalCall, Withdrawal

Row = dict[str, str]
# Gas the transactions ahead of a position in its block are taken to have used.
GAS_PER_EARLIER_POSITION = 37_411


def receipt_status(tx: EthTransaction) -> str:
    if tx.block_number < BYZANTIUM_HEIGHT:
        return ""
    return "0" if tx.failed else "1"


def etherscan_transaction(chain: EthereumChain, tx: EthTransaction) -> Row:
    return {
        "blockNumber": str(tx.block_number),
        "blockHash": chain.block_hash(tx.block_number),
        "timeStamp": str(chain.block_time(tx.block_number)),
        "hash": tx.hash,
        "nonce": str(tx.nonce),
        "transactionIndex": str(tx.position),
        "from": tx.sender,
        "to": tx.recipient,
        "value": str(tx.value_wei),
        "gas": str(tx.gas_limit),
        "gasPrice": str(tx.gas_price_wei),
        "input": tx.input,
        "methodId": tx.method_id,
        "functionName": tx.function_name,
        "contractAddress": tx.contract_address,
        "cumulativeGasUsed": str(tx.gas_used + GAS_PER_EARLIER_POSITION * tx.position),
        "txreceipt_status": receipt_status(tx),
        "gasUsed": str(tx.gas_used),
        "confirmations": str(chain.confirmations(tx.block_number)),
        "isError": "1" if tx.failed else "0",
    }


def genesis_row(chain: EthereumChain, address: str, value_wei: int) -> Row:
    """Etherscan's pseudo-row for a genesis allocation; its `hash` is not a hash."""
    return {
        "blockNumber": "0",
        "blockHash": "",
        "timeStamp": str(GENESIS_TIME),
        "hash": f"GENESIS_{address[2:]}",
        "nonce": "",
        "transactionIndex": "0",
        "from": "GENESIS",
        "to": address,
        "value": str(value_wei),
        "gas": "0",
        "gasPrice": "0",
        "input": "",
        "methodId": "",
        "functionName": "",
        "contractAddress": "",
        "cumulativeGasUsed": "0",
        "txreceipt_status": "",
        "gasUsed": "0",
        "confirmations": str(chain.confirmations(0)),
        "isError": "0",
    }


def blockscout_transaction(chain: EthereumChain, tx: EthTransaction) -> Row:
    row = etherscan_transaction(chain, tx)
    del row["functionName"]
    row["confirmations"] = str(chain.confirmations(tx.block_number) - 1)
    return dict(sorted(row.items()))


def _call_failed(tx: EthTransaction, call: InternalCall) -> bool:
    return tx.failed or call.failed


def etherscan_internal(chain: EthereumChain, tx: EthTransaction, call: InternalCall) -> Row:
    create = call.kind == "create"
    failed = _call_failed(tx, call)
    return {
        "blockNumber": str(tx.block_number),
        "timeStamp": str(chain.block_time(tx.block_number)),
        "hash": tx.hash,
        "from": call.sender,
        "to": "" if create else call.recipient,
        "value": str(call.value_wei),
        "contractAddress": call.recipient if create else "",
        "input": "",
        "type": call.kind,
        "gas": str(call.gas),
        "gasUsed": str(call.gas_used),
        "traceId": call.trace_id,
        "isError": "1" if failed else "0",
        "errCode": "Reverted" if failed else "",
    }


def blockscout_internal(chain: EthereumChain, tx: EthTransaction, call: InternalCall) -> Row:
    create = call.kind == "create"
    failed = _call_failed(tx, call)
    return {
        "blockNumber": str(tx.block_number),
        "callType": "" if create else "call",
        "contractAddress": call.recipient if create else "",
        "errCode": "Reverted" if failed else "",
        "from": call.sender,
        "gas": str(call.gas),
        "gasUsed": str(call.gas_used),
        "index": str(call.index),
        "input": "" if create else (call.input or "0x"),
        "isError": "1" if failed else "0",
        "timeStamp": str(chain.block_time(tx.block_number)),
        "to": call.recipient,
        "transactionHash": tx.hash,
        "type": call.kind,
        "value": str(call.value_wei),
    }


def withdrawal_row(chain: EthereumChain, withdrawal: Withdrawal) -> Row:
    """`amount` is in Gwei, not wei."""
    return {
        "withdrawalIndex": str(withdrawal.withdrawal_index),
        "validatorIndex": str(withdrawal.validator_index),
        "address": withdrawal.address,
        "amount": str(withdrawal.amount_gwei),
        "blockNumber": str(withdrawal.block_number),
        "timestamp": str(chain.block_time(withdrawal.block_number)),
    }
