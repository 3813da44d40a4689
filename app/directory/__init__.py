"""The public directory: what the public may see, search, results, kiosk, sharing, counts."""
