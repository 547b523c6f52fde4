"""SQLAlchemy models: accounts and API tokens, tracked addresses, wallets, sync jobs, prices,
webhooks and their deliveries."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.amounts import Amount
from db.types import BigIntId, DecimalText, UTCDateTime

# Unconfirmed transactions sort above every block height; NULL heights would break keyset
# tuple comparisons, so the page order uses this key instead of `block_height`.
UNCONFIRMED_SORT_KEY = 2**62

LABEL_MAX_LENGTH = 100

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def sort_key_for(block_height: int | None) -> int:
    return UNCONFIRMED_SORT_KEY if block_height is None else block_height


def confirmations(block_height: int | None, tip: int | None) -> int:
    if block_height is None:
        return 0
    # A tip older than the block (a sync saw the block before the tip was stored) still counts 1.
    return max(tip if tip is not None else block_height, block_height) - block_height + 1


class Chain(enum.Enum):
    BITCOIN = "BITCOIN"
    LITECOIN = "LITECOIN"
    DOGECOIN = "DOGECOIN"
    BITCOIN_CASH = "BITCOIN_CASH"
    ETHEREUM = "ETHEREUM"
    SOLANA = "SOLANA"

    @property
    def slug(self) -> str:
        """The chain's name in URLs and provider APIs: "bitcoin-cash" (Blockchair's path
        segment and CoinGecko's coin id alike)."""
        return self.value.lower().replace("_", "-")


# Chains whose amounts, and sums of them, can outgrow 64 bits (wei): their sums go through
# `db.amounts.exact_sum`; the others keep the database's native SUM.
BIG_AMOUNT_CHAINS = frozenset({Chain.ETHEREUM})
TXID_MAX_LENGTH = 128


class PriceSource(enum.Enum):
    """Where a price came from: CoinGecko (the refresh job) or Blockchair (read by syncs)."""

    COINGECKO = "COINGECKO"
    BLOCKCHAIR = "BLOCKCHAIR"


class SyncStatus(enum.Enum):
    PENDING = "PENDING"
    SYNCING = "SYNCING"
    SYNCED = "SYNCED"
    ERROR = "ERROR"


class JobStatus(enum.Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
# The predicate of the one-active-job index; an upsert must name it literally to target it.
ACTIVE_JOB_PREDICATE = "status IN ('QUEUED', 'RUNNING')"


def _enum_column(enum_class: type[enum.Enum]) -> Enum:
    return Enum(enum_class, native_enum=False, length=16, validate_strings=True)


# SQLite reuses the highest rowid after a delete; ids clients see must never name another row.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class ApiToken(Base):
    """A bearer token of an account; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TrackedAddress(Base):
    """One address on one chain, synced once however many accounts watch it."""

    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("chain", "address"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    chain: Mapped[Chain] = mapped_column(_enum_column(Chain))
    address: Mapped[str] = mapped_column(String(100))
    confirmed_balance_sat: Mapped[int] = mapped_column(Amount(), default=0)
    unconfirmed_balance_sat: Mapped[int] = mapped_column(Amount(), default=0)
    total_received_sat: Mapped[int] = mapped_column(Amount(), default=0)
    total_sent_sat: Mapped[int] = mapped_column(Amount(), default=0)
    transaction_count: Mapped[int] = mapped_column(Integer, default=0)
    sync_status: Mapped[SyncStatus] = mapped_column(
        _enum_column(SyncStatus), default=SyncStatus.PENDING
    )
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sync_error: Mapped[str | None] = mapped_column(Text)
    # Every confirmed transaction up to this height is stored: incremental syncs start above it.
    synced_height: Mapped[int | None] = mapped_column(Integer)
    # Provider-specific position of an interrupted sync, so a retry resumes instead of restarting.
    sync_resume_cursor: Mapped[str | None] = mapped_column(Text)
    # The earliest moment from which the transactions' running balances are stale (a sync
    # wrote or removed rows there); NULL when all are exact. The end of a sync recomputes them.
    balances_stale_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Wallet(Base):
    """An account's view of an address: its label and when it was added."""

    __tablename__ = "wallets"
    __table_args__ = (
        UniqueConstraint("account_id", "address_id"),
        Index(None, "address_id"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id", ondelete="RESTRICT"))
    label: Mapped[str | None] = mapped_column(String(LABEL_MAX_LENGTH))
    # HD wallets: the extended key or descriptor as this account added it, in canonical form
    # (`address_id` then names the whole HD wallet, see HdWallet); NULL for ADDRESS wallets.
    added_as: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class HdWallet(Base):
    """An HD wallet, synced once however many accounts watch it.

    Its `address_id` is a TrackedAddress that stands for the whole wallet (its `address` is
    `hd:` and a digest of the descriptor and gap limit): the wallet's netted history, one
    row per transaction, balances, running balances and sync jobs live there, so every read
    that works for an address works for an HD wallet. The addresses it derives are ordinary
    tracked addresses, listed in HdWalletAddress.
    """

    __tablename__ = "hd_wallets"

    address_id: Mapped[int] = mapped_column(
        ForeignKey("addresses.id", ondelete="CASCADE"), primary_key=True
    )
    # Canonical: one `<0;1>/*` multipath descriptor with its checksum.
    descriptor: Mapped[str] = mapped_column(Text)
    gap_limit: Mapped[int] = mapped_column(Integer)


class HdWalletAddress(Base):
    """One derived address an HD wallet watches: keychain 0 receive, 1 change."""

    __tablename__ = "hd_wallet_addresses"
    __table_args__ = (Index(None, "address_id"),)

    wallet_address_id: Mapped[int] = mapped_column(
        ForeignKey("hd_wallets.address_id", ondelete="CASCADE"), primary_key=True
    )
    keychain: Mapped[int] = mapped_column(Integer, primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id", ondelete="RESTRICT"))


class Transaction(Base):
    """A transaction as seen from one address, with that address's net amount."""

    __tablename__ = "transactions"
    __table_args__ = (
        UniqueConstraint("address_id", "txid"),
        # Newest-first keyset pages scan this index backwards.
        Index("ix_transactions_page", "address_id", "sort_key", "id"),
        # Flows sum amounts over time ranges, and balance history finds the running balance
        # at a moment, from this index alone.
        Index(
            "ix_transactions_time",
            "address_id",
            "tx_time",
            "id",
            "block_height",
            "amount_sat",
            "balance_after_sat",
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id", ondelete="CASCADE"))
    # Bitcoin-like txids are 64 hex digits, Ethereum hashes 66 characters, Solana signatures
    # up to 88.
    txid: Mapped[str] = mapped_column(String(TXID_MAX_LENGTH))
    block_height: Mapped[int | None] = mapped_column(Integer)
    sort_key: Mapped[int] = mapped_column(BigInteger)
    # Block time once confirmed; first-seen time while unconfirmed, when known.
    tx_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amount_sat: Mapped[int] = mapped_column(Amount())
    # What this address paid for the transaction, base units; NULL when it paid none or the
    # provider does not say (Bitcoin-like history pages do not say which input paid it).
    fee: Mapped[int | None] = mapped_column(Amount())
    # Failed on chain (Ethereum, Solana): only the fee moved.
    failed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The confirmed balance right after this transaction, in (tx_time, id) order; NULL while
    # unconfirmed. Exact unless the address's `balances_stale_from` says otherwise.
    balance_after_sat: Mapped[int | None] = mapped_column(Amount())
    # Set by every sync pass that saw the row; a full pass deletes rows it did not see.
    sync_pass: Mapped[int | None] = mapped_column(BigInteger)


class SyncJob(Base):
    __tablename__ = "sync_jobs"
    __table_args__ = (
        Index(None, "address_id", "id"),
        # At most one queued or running job per address, whoever asks.
        Index(
            "uq_sync_jobs_active_address",
            "address_id",
            unique=True,
            sqlite_where=text(ACTIVE_JOB_PREDICATE),
            postgresql_where=text(ACTIVE_JOB_PREDICATE),
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id", ondelete="CASCADE"))
    requested_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    status: Mapped[JobStatus] = mapped_column(_enum_column(JobStatus), default=JobStatus.QUEUED)
    provider: Mapped[str | None] = mapped_column(String(32))
    fetched_transactions: Mapped[int] = mapped_column(Integer, default=0)
    expected_transactions: Mapped[int | None] = mapped_column(Integer)
    # Fraction done (0.0 to 1.0) for syncs that cannot know their transaction count (they page
    # by block or by slot); NULL: derived from the two counts above.
    progress: Mapped[float | None] = mapped_column(Float)
    # HD wallets: derived addresses whose activity the scan has checked so far.
    addresses_scanned: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The worker running the job renews the heartbeat after each page; a stale one is re-queued.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which run holds the job: a re-queued job's old run cannot write once another claimed it.
    claim_token: Mapped[str | None] = mapped_column(String(32))


class ChainTip(Base):
    """What the latest sync learnt of a chain: the block height confirmations are counted
    from, and the market price the provider quoted (a decimal string, exact as sent)."""

    __tablename__ = "chain_tips"

    chain: Mapped[Chain] = mapped_column(_enum_column(Chain), primary_key=True)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    market_price_usd: Mapped[str | None] = mapped_column(String(40))
    market_price_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CoinPrice(Base):
    """The last price of one coin of a chain in a currency, as one source quoted it, exact.

    CoinGecko's quotes live here. Blockchair's, read with an address by the syncs, are still in
    `ChainTip.market_price_usd`; `resolvers.fiat` picks the fresher of the two."""

    __tablename__ = "coin_prices"

    chain: Mapped[Chain] = mapped_column(_enum_column(Chain), primary_key=True)
    currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    source: Mapped[PriceSource] = mapped_column(_enum_column(PriceSource), primary_key=True)
    price: Mapped[Decimal] = mapped_column(DecimalText)
    # When the source says the price was current (CoinGecko's `last_updated_at`).
    price_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When we read it; the fresher source is the one read last.
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookEvent(enum.Enum):
    TRANSACTION_NEW = "TRANSACTION_NEW"
    TRANSACTION_CONFIRMED = "TRANSACTION_CONFIRMED"
    TRANSACTION_DROPPED = "TRANSACTION_DROPPED"
    SYNC_FAILED = "SYNC_FAILED"
    PING = "PING"

    @property
    def type_name(self) -> str:
        """The event's `type` in a delivery's body: "transaction.new", "sync.failed", "ping"."""
        first, _, rest = self.value.lower().partition("_")
        return f"{first}.{rest}" if rest else first


class DeliveryStatus(enum.Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


PENDING_DELIVERY_PREDICATE = "status = 'PENDING'"


class Webhook(Base):
    """An endpoint of an account's that is sent signed events of one wallet or all of them."""

    __tablename__ = "webhooks"
    __table_args__ = (Index(None, "account_id"), Index(None, "wallet_id"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("accounts.id", ondelete="CASCADE"))
    # Only this wallet's events; NULL: every wallet of the account. A webhook of one wallet
    # goes with it.
    wallet_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("wallets.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(Text)
    # The WebhookEvent names it is sent, comma-separated.
    events: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why it is not enabled: turned off, or disabled after deliveries kept failing.
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    # The signing secret (whsec_...), sealed with the server key (workers.webhooks.secret_box).
    secret_sealed: Mapped[str] = mapped_column(Text)
    # Deliveries that ended FAILED since the last one that succeeded.
    failed_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class WebhookDelivery(Base):
    """One event for one webhook: written in the database transaction of the change that causes
    it (an outbox), then sent by the workers, in order per webhook, until it succeeds or every
    attempt of the retry schedule failed."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(None, "webhook_id", "id"),
        # Each webhook's oldest pending delivery, which is the one sent next.
        Index(
            "ix_webhook_deliveries_pending",
            "webhook_id",
            "id",
            sqlite_where=text(PENDING_DELIVERY_PREDICATE),
            postgresql_where=text(PENDING_DELIVERY_PREDICATE),
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("webhooks.id", ondelete="CASCADE"))
    # `webhook-id`: the same in every attempt, so receivers can drop a repeat.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event: Mapped[WebhookEvent] = mapped_column(
        Enum(WebhookEvent, native_enum=False, length=24, validate_strings=True)
    )
    # The JSON body, exactly as sent.
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The first 1 KB of the last answer.
    last_response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A worker sending it holds it until then; a worker killed mid-send lets it go this way.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
