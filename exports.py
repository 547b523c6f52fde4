"""Files out and in, authenticated like the API: a wallet's transactions as CSV (streamed),
and the viewer's wallet labels as BIP-329 JSON lines."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from access import (
    TooManyRequests,
    Unauthenticated,
    error_response,
    refusal_response,
    request_viewer,
)
from db.models import Chain, Transaction
from db.session import SessionFactory
from resolvers import labels as label_files
from resolvers import transactions as transaction_reads
from resolvers import wallets as wallet_reads
from resolvers.errors import ErrorCode

CSV_COLUMNS: list[object] = [
    "txid",
    "block_height",
    "time",
    "amount_sat",
    "amount_btc",
    "confirmations",
]
SATOSHI_PER_BTC = 100_000_000


async def transactions_csv(request: Request) -> Response:
    try:
        viewer = await request_viewer(request)
    except (Unauthenticated, TooManyRequests) as error:
        return refusal_response(error)
    address = request.query_params.get("address")
    if not address:
        return _error(400, "Say which wallet: /export/transactions.csv?address=<address>.")
    sessions = request.app.state.runtime.sessions
    view, problem = await wallet_reads.find_wallet(
        sessions, viewer=viewer, chain=Chain.BITCOIN, address=address
    )
    if view is None:
        assert problem is not None
        status = 400 if problem.code is ErrorCode.INVALID_ADDRESS else 404
        return _error(status, problem.message, problem.code)
    canonical = view.address.address
    return StreamingResponse(
        _csv_chunks(sessions, address_id=view.address.id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="transactions-{canonical}.csv"'},
    )


async def _csv_chunks(sessions: SessionFactory, *, address_id: int) -> AsyncIterator[str]:
    yield _csv_text([CSV_COLUMNS])
    tip = await transaction_reads.tip_height(sessions, chain=Chain.BITCOIN)
    async for chunk in transaction_reads.all_transactions(sessions, address_id=address_id):
        yield _csv_text([_csv_row(transaction, tip) for transaction in chunk])


def _csv_row(transaction: Transaction, tip: int | None) -> list[object]:
    return [
        transaction.txid,
        "" if transaction.block_height is None else transaction.block_height,
        "" if transaction.tx_time is None else transaction.tx_time.isoformat(),
        transaction.amount_sat,
        btc_text(transaction.amount_sat),
        transaction_reads.confirmations(transaction.block_height, tip),
    ]


def btc_text(amount_sat: int) -> str:
    """Satoshi as an exact BTC decimal string with 8 fraction digits: -1500 -> "-0.00001500"."""
    whole, fraction = divmod(abs(amount_sat), SATOSHI_PER_BTC)
    return f"{'-' if amount_sat < 0 else ''}{whole}.{fraction:08d}"


def _csv_text(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


async def labels_jsonl(request: Request) -> Response:
    try:
        viewer = await request_viewer(request)
    except (Unauthenticated, TooManyRequests) as error:
        return refusal_response(error)
    lines = await label_files.export_labels(request.app.state.runtime.sessions, viewer=viewer)
    return Response(
        "".join(line + "\n" for line in lines),
        media_type="application/jsonl; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="labels.jsonl"'},
    )


async def import_labels_jsonl(request: Request) -> Response:
    try:
        viewer = await request_viewer(request)
    except (Unauthenticated, TooManyRequests) as error:
        return refusal_response(error)
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "The file is not UTF-8 text. Nothing was applied.")
    try:
        records = label_files.parse_labels(text)
    except label_files.MalformedLabelsError as error:
        return _error(400, str(error), extra={"line": error.line})
    report = await label_files.apply_labels(
        request.app.state.runtime.sessions, viewer=viewer, records=records
    )
    return JSONResponse(
        {
            "applied": report.applied,
            "skipped": len(report.skipped),
            "skippedLines": [{"line": s.line, "reason": s.reason} for s in report.skipped],
        }
    )


def _error(
    status: int,
    message: str,
    code: ErrorCode = ErrorCode.INVALID_INPUT,
    extra: dict[str, object] | None = None,
) -> JSONResponse:
    return error_response(status, message, code.value, extra=extra)


def export_routes() -> list[Route]:
    return [
        Route("/export/transactions.csv", transactions_csv, methods=["GET"]),
        Route("/export/labels.jsonl", labels_jsonl, methods=["GET"]),
        Route("/import/labels.jsonl", import_labels_jsonl, methods=["POST"]),
    ]
