"""The error bodies each provider really sends, by HTTP status."""

from __future__ import annotations

BLOCKED_MESSAGE = (
    "Your IP address is temporary blacklisted due to exceeding usage of API resources. "
    "Please apply for an API key by contacting us at info@blockchair.com"
)
# Only the 430 text is recorded verbatim (provider-samples); the others follow Blockchair's
# documentation of what each code means.
BLOCKCHAIR_MESSAGES = {
    400: "Invalid request",
    402: "Limit exceeded. Please upgrade your plan at https://blockchair.com/api/plans",
    404: "Unknown endpoint",
    429: "Too many requests. You have exceeded the request limit, please try again later",
    430: BLOCKED_MESSAGE,
    434: BLOCKED_MESSAGE,
    435: "Too many requests per second. Please slow down",
    500: "Internal server error, please try again later",
    503: "Service temporarily unavailable, please try again later",
}
INVALID_API_TOKEN = "Invalid API token. Please check your key or contact us at info@blockchair.com"
INVALID_ADDRESS = "Invalid address"
BLOCKCHAIR_FAULT_STATUSES = frozenset({402, 429, 430, 434, 435, 500, 503})

# mempool.space answers rate-limited clients with nginx's page, not JSON.
TOO_MANY_REQUESTS_HTML = (
    "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n"
    "<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
ESPLORA_MESSAGES = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
ESPLORA_FAULT_STATUSES = frozenset(ESPLORA_MESSAGES)
INVALID_BITCOIN_ADDRESS = "Invalid Bitcoin address"
TRANSACTION_NOT_FOUND = "Transaction not found"
INVALID_HEX_STRING = "Invalid hex string"
BLOCK_NOT_FOUND = "Block not found"
INVALID_NUMBER = "Invalid number"
