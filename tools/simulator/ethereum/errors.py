"""The messages Etherscan V2 and Blockscout really send (PROVIDERS.md, Ethereum)."""

from __future__ import annotations

OK = "OK"
NOTOK = "NOTOK"
NO_TRANSACTIONS = "No transactions found"
NO_INTERNAL_TRANSACTIONS = "No internal transactions found"
MAX_RATE_LIMIT = "Max rate limit reached, please use API Key for higher rate limit"
INVALID_API_KEY = "Invalid API Key"
MISSING_API_KEY = "Missing/Invalid API Key"
TOO_MANY_INVALID_KEYS = "Too many invalid api key attempts, please try again later"
MISSING_CHAINID = (
    "Missing or unsupported chainid parameter (required for v2 api), "
    "please see chainlist for the list of supported chainids"
)
V1_DEPRECATED = (
    "You are using a deprecated V1 endpoint, switch to Etherscan API V2 using "
    "https://docs.etherscan.io/v2-migration"
)
INVALID_ACTION = "Error! Missing Or invalid Action name"
INVALID_ADDRESS = "Error! Invalid address format"
# Not recorded: getblocknobytime with no block on the asked side of the time.
NO_CLOSEST_BLOCK = "Error! No closest block found"
BLOCKSCOUT_BLOCK_NOT_FOUND = "Block does not exist"
TEMPORARILY_UNAVAILABLE = (
    "Free API access is temporarily unavailable due to unusually high network activity. To "
    "maintain uninterrupted service, we recommend upgrading to a paid plan: "
    "https://etherscan.io/apis"
)
# Etherscan's recorded text names 10000 whatever the window; the simulator names its window.
RESULT_WINDOW_TOO_LARGE = (
    "Result window is too large, PageNo x Offset size must be less than or equal to {window}"
)

BLOCKSCOUT_INVALID_ADDRESS = "Invalid address format"
BLOCKSCOUT_MISSING_ADDRESS = "Query parameter 'address' is required"
BLOCKSCOUT_UNKNOWN_ACTION = "Unknown action"
BLOCKSCOUT_RANGE_NOT_PROCESSED = (
    "Some internal transactions within this block range have not yet been processed"
)
BLOCKSCOUT_TRANSACTION_NOT_PROCESSED = (
    "Internal transactions for this transaction have not been processed yet"
)
# Not recorded: what Blockscout's rate-limit plug answers with HTTP 429.
BLOCKSCOUT_TOO_MANY_REQUESTS = "Too Many Requests"

# HTTP errors come from the CDN in front of both explorers, as HTML.
HTTP_ERROR_REASONS = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}
ETHEREUM_FAULT_STATUSES = frozenset(HTTP_ERROR_REASONS)


def http_error_page(status: int) -> str:
    reason = HTTP_ERROR_REASONS[status]
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
