"""Files out and in, authenticated like the API: a wallet's transactions as CSV (streamed),
and the viewer's wallet labels as BIP-329 JSON lines."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from addresses import display_address
from api.access import request_viewer
from api.errors import BadRequest, NotFound
from api.runtime import runtime_of
from db.models import Chain, Transaction, confirmations
from db.session import SessionFactory
from resolvers import labels as label_files
from resolvers import transactions as transaction_reads
from resolvers import wallets as wallet_reads
from resolvers.chains import CHAIN_DETAILS, SUPPORTED_CHAINS
from resolvers.errors import ErrorCode


def csv_columns(chain: Chain) -> list[object]:
    """The header: the exact amount in coins is named after the chain's symbol (`amount_btc`,
    `amount_ltc`, `amount_doge`, `amount_bch`, `amount_eth`, `amount_sol`); `amount_sat` and
    `fee` are in base units (`fee` empty when the wallet paid none or the provider does not say);
    `failed` is `true` for a transaction that failed on chain (only its fee moved)."""
    return [
        "txid",
        "block_height",
        "time",
        "amount_sat",
        f"amount_{CHAIN_DETAILS[chain].symbol.lower()}",
        "confirmations",
        "fee",
        "failed",
    ]


async def transactions_csv(request: Request) -> Response:
    viewer = await request_viewer(request)
    address = request.query_params.get("address")
    if not address:
        raise BadRequest(
            "Say which wallet: /export/transactions.csv?address=<address>.",
            code=ErrorCode.INVALID_INPUT.value,
        )
    chain = _chain_parameter(request.query_params.get("chain"))
    sessions = runtime_of(request).sessions
    view, problem = await wallet_reads.find_wallet(
        sessions, viewer=viewer, chain=chain, address=address
    )
    if view is None:
        assert problem is not None
        refusal = NotFound if problem.code is ErrorCode.NOT_FOUND else BadRequest
        raise refusal(problem.message, code=problem.code.value)
    # CashAddr's prefix ends in ":", which file systems refuse in names.
    shown = display_address(view.tracked.chain, view.tracked.address)
    file_name = f"transactions-{shown.replace(':', '-')}.csv"
    return StreamingResponse(
        _csv_chunks(sessions, chain=view.tracked.chain, address_id=view.tracked.id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def _chain_parameter(text: str | None) -> Chain | None:
    """`?chain=LITECOIN`; absent: the one chain on which the viewer tracks the address."""
    if text is None or not text.strip():
        return None
    try:
        return Chain[text.strip().upper()]
    except KeyError:
        names = ", ".join(chain.value for chain in SUPPORTED_CHAINS)
        raise BadRequest(
            f"Unknown chain {text.strip()!r}: use one of {names}.",
            code=ErrorCode.INVALID_INPUT.value,
        ) from None


async def _csv_chunks(
    sessions: SessionFactory, *, chain: Chain, address_id: int
) -> AsyncIterator[str]:
    yield _csv_text([csv_columns(chain)])
    tip = await transaction_reads.tip_height(sessions, chain=chain)
    decimals = CHAIN_DETAILS[chain].decimals
    async for chunk in transaction_reads.all_transactions(sessions, address_id=address_id):
        yield _csv_text([_csv_row(transaction, tip, decimals) for transaction in chunk])


def _csv_row(transaction: Transaction, tip: int | None, decimals: int) -> list[object]:
    return [
        transaction.txid,
        "" if transaction.block_height is None else transaction.block_height,
        "" if transaction.tx_time is None else transaction.tx_time.isoformat(),
        transaction.amount_sat,
        coin_text(transaction.amount_sat, decimals),
        confirmations(transaction.block_height, tip),
        "" if transaction.fee is None else transaction.fee,
        "true" if transaction.failed else "false",
    ]


def coin_text(amount: int, decimals: int) -> str:
    """Base units as an exact coin decimal string with all the chain's fraction digits:
    coin_text(-1500, 8) -> "-0.00001500"."""
    whole, fraction = divmod(abs(amount), 10**decimals)
    return f"{'-' if amount < 0 else ''}{whole}.{fraction:0{decimals}d}"


def _csv_text(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


async def labels_jsonl(request: Request) -> Response:
    viewer = await request_viewer(request)
    lines = await label_files.export_labels(runtime_of(request).sessions, viewer=viewer)
    return Response(
        "".join(line + "\n" for line in lines),
        media_type="application/jsonl; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="labels.jsonl"'},
    )


async def import_labels_jsonl(request: Request) -> Response:
    viewer = await request_viewer(request)
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(
            "The file is not UTF-8 text. Nothing was applied.", code=ErrorCode.INVALID_INPUT.value
        ) from None
    try:
        records = label_files.parse_labels(text)
    except label_files.MalformedLabelsError as error:
        raise BadRequest(
            str(error), code=ErrorCode.INVALID_INPUT.value, extra={"line": error.line}
        ) from error
    report = await label_files.apply_labels(
        runtime_of(request).sessions, viewer=viewer, records=records
    )
    return JSONResponse(
        {
            "applied": report.applied,
            "skipped": len(report.skipped),
            "skippedLines": [{"line": s.line, "reason": s.reason} for s in report.skipped],
        }
    )


def export_routes() -> list[Route]:
    return [
        Route("/export/transactions.csv", transactions_csv, methods=["GET"]),
        Route("/export/labels.jsonl", labels_jsonl, methods=["GET"]),
        Route("/import/labels.jsonl", import_labels_jsonl, methods=["POST"]),
    ]
