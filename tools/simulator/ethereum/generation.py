"""Deterministic random Ethereum histories: transfers in and out, contract calls with internal
refunds, relayed (internal-only) payments, failed calls, self-sends and contract creations."""

from __future__ import annotations

from random import Random

from tools.simulator.ethereum.chain import BYZANTIUM_HEIGHT, CREATION_INPUT, EthereumChain
from tools.simulator.ethereum.model import GWEI, EthTransaction, InternalCall

ETHER = 10**18
TRANSFER_GAS = 21_000
# Positions in a block an address's transactions are spread over.
BLOCK_POSITIONS = 240
SWAP_INPUT = "0x3593564c" + "0" * 56 + "60"
APPROVE_INPUT = "0x095ea7b3" + "0" * 24 + "7f5c764cbc14f9669b88837ca1490cca17c31607"
SWAP_FUNCTION = "execute(bytes commands,bytes[] inputs,uint256 deadline)"
APPROVE_FUNCTION = "approve(address spender,uint256 amount)"


def counterparty(rng: Random) -> str:
    return "0x" + rng.randbytes(20).hex()


class HistoryWriter:
    """Builds one address's transactions in height order, keeping its balance non-negative."""

    def __init__(self, chain: EthereumChain, address: str, rng: Random, balance_wei: int) -> None:
        self.chain = chain
        self.address = address
        self.rng = rng
        self.balance_wei = balance_wei
        self.written: list[EthTransaction] = []

    def _gas_price(self, height: int) -> int:
        return self.rng.randint(1 * GWEI, 60 * GWEI) + self.rng.randrange(GWEI)

    def _add(self, tx: EthTransaction) -> EthTransaction:
        self.balance_wei += tx.net_amount(self.address)
        if self.balance_wei < 0:
            raise ValueError("a generated history would overdraw its address")
        self.written.append(tx)
        return tx

    def _new(self, height: int, position: int, **fields: object) -> EthTransaction:
        rng = self.rng
        defaults: dict[str, object] = {
            "hash": "0x" + rng.randbytes(32).hex(),
            "block_number": height,
            "position": position,
            "sender": self.address,
            "recipient": counterparty(rng),
            "value_wei": 0,
            "gas_limit": TRANSFER_GAS,
            "gas_used": TRANSFER_GAS,
            "gas_price_wei": self._gas_price(height),
            "failed": False,
            "nonce": 0,
        }
        defaults.update(fields)
        if defaults["sender"] == self.address:
            defaults["nonce"] = self.chain.next_nonce(self.address)
        else:
            defaults["nonce"] = rng.randrange(5_000_000)
        return EthTransaction(**defaults)  # type: ignore[arg-type]

    def receive(self, height: int, position: int, value_wei: int) -> EthTransaction:
        return self._add(
            self._new(
                height,
                position,
                sender=counterparty(self.rng),
                recipient=self.address,
                value_wei=value_wei,
            )
        )

    def send(
        self, height: int, position: int, value_wei: int, *, recipient: str | None = None
    ) -> EthTransaction:
        payee = recipient or counterparty(self.rng)
        return self._add(self._new(height, position, recipient=payee, value_wei=value_wei))

    def self_send(self, height: int, position: int, value_wei: int) -> EthTransaction:
        return self._add(self._new(height, position, recipient=self.address, value_wei=value_wei))

    def swap_with_refund(self, height: int, position: int, refund_wei: int) -> EthTransaction:
        """A sends 0 to a router, pays the fee and gets ETH back through an internal call."""
        router = counterparty(self.rng)
        gas_used = self.rng.randint(120_000, 260_000)
        refund = InternalCall(
            sender=counterparty(self.rng),
            recipient=self.address,
            value_wei=refund_wei,
            trace_id="0_1_1_1",
            index=self.rng.randint(2, 40),
            gas=self.rng.randint(30_000, 60_000),
        )
        # A trace that reverted inside a successful call moves nothing.
        reverted = InternalCall(
            sender=router,
            recipient=self.address,
            value_wei=refund_wei // 3 + 1,
            trace_id="0_2",
            index=refund.index + 1,
            failed=True,
        )
        calls = (refund, reverted) if self.rng.random() < 0.2 else (refund,)
        return self._add(
            self._new(
                height,
                position,
                recipient=router,
                gas_limit=gas_used + 40_000,
                gas_used=gas_used,
                input=SWAP_INPUT,
                function_name=SWAP_FUNCTION,
                internal=calls,
            )
        )

    def relayed_receive(self, height: int, position: int, value_wei: int) -> EthTransaction:
        """A relayer calls a contract that pays A: A is in no `from`/`to`, pays no fee."""
        contract = counterparty(self.rng)
        payout = InternalCall(
            sender=contract,
            recipient=self.address,
            value_wei=value_wei,
            trace_id="0_1",
            index=1,
            gas=401_930,
        )
        return self._add(
            self._new(
                height,
                position,
                sender=counterparty(self.rng),
                recipient=contract,
                gas_limit=450_000,
                gas_used=self.rng.randint(90_000, 200_000),
                input=SWAP_INPUT,
                function_name=SWAP_FUNCTION,
                internal=(payout,),
            )
        )

    def failed_call(self, height: int, position: int, value_wei: int) -> EthTransaction:
        """Reverted: the fee is charged, the value stays. Before Byzantium all gas is used."""
        gas_limit = self.rng.randint(40_000, 90_000)
        gas_used = gas_limit if height < BYZANTIUM_HEIGHT else self.rng.randint(21_500, gas_limit)
        return self._add(
            self._new(
                height,
                position,
                value_wei=value_wei,
                gas_limit=gas_limit,
                gas_used=gas_used,
                failed=True,
                input=APPROVE_INPUT,
                function_name=APPROVE_FUNCTION,
            )
        )

    def create_contract(
        self, height: int, position: int, *, failed: bool = False
    ) -> EthTransaction:
        gas_limit = 24_000 if failed else self.rng.randint(90_000, 400_000)
        tx_hash = "0x" + self.rng.randbytes(32).hex()
        return self._add(
            self._new(
                height,
                position,
                hash=tx_hash,
                recipient="",
                gas_limit=gas_limit,
                gas_used=gas_limit if failed else gas_limit * 4 // 5,
                failed=failed,
                input=CREATION_INPUT,
                contract_address=counterparty(self.rng),
            )
        )

    def random_payment(self, height: int, position: int) -> EthTransaction:
        """Mostly receives and sends; the odd swap, relayed payment, failure or creation."""
        rng = self.rng
        amount = int(10 ** rng.uniform(14.5, 19.0))
        roll = rng.random()
        fee_room = 400_000 * 61 * GWEI
        can_spend = self.balance_wei > amount + fee_room
        if roll < 0.40 or not can_spend:
            return self.receive(height, position, amount)
        if roll < 0.75:
            return self.send(height, position, amount)
        if roll < 0.84:
            return self.swap_with_refund(height, position, amount // 7)
        if roll < 0.92:
            return self.relayed_receive(height, position, amount // 5)
        if roll < 0.96:
            return self.failed_call(height, position, 0 if rng.random() < 0.5 else amount)
        if roll < 0.98:
            return self.self_send(height, position, amount)
        return self.create_contract(height, position)


def generate_history(
    chain: EthereumChain,
    address: str,
    rng: Random,
    *,
    transaction_count: int,
    first_height: int,
    last_height: int,
    balance_wei: int = 0,
) -> list[EthTransaction]:
    """Transactions at random heights in the range (several in a block when dense), recorded."""
    writer = HistoryWriter(chain, address, rng, balance_wei)
    heights = sorted(rng.randint(first_height, last_height) for _ in range(transaction_count))
    start = 0
    while start < len(heights):
        end = start
        while end < len(heights) and heights[end] == heights[start]:
            end += 1
        positions = sorted(rng.sample(range(BLOCK_POSITIONS), end - start))
        for position in positions:
            writer.random_payment(heights[start], position)
        start = end
    chain.record(writer.written)
    return writer.written
