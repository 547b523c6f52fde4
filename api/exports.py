"""Files out and in, authenticated like the API: a wallet's transactions as CSV (streamed),
and the viewer's wallet labels as BIP-329 JSON lines."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api.access import request_viewer
from api.errors import BadRequest, NotFound
from api.runtime import runtime_of
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
    viewer = await request_viewer(request)
    address = request.query_params.get("address")
    if not address:
        raise BadRequest(
            "Say which wallet: /export/transactions.csv?address=<address>.",
            code=ErrorCode.INVALID_INPUT.value,
        )
    sessions = runtime_of(request).sessions
    view, problem = await wallet_reads.find_wallet(
        sessions, viewer=viewer, chain=Chain.BITCOIN, address=address
    )
    if view is None:
        assert problem is not None
        refusal = BadRequest if problem.code is ErrorCode.INVALID_ADDRESS else NotFound
        raise refusal(problem.message, code=problem.code.value)
    canonical = view.tracked.address
    return StreamingResponse(
        _csv_chunks(sessions, address_id=view.tracked.id),
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
