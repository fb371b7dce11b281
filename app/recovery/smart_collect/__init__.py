"""Smart Collect: income patterns, collection windows and bands, retries, signals, segments."""
