"""The browser side of wallet-tracker: the dashboard at `/` and the offline GraphiQL page."""
