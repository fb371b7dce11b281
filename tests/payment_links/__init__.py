"""Payment links: tokens, the service on a real recovery database, the page in Chromium."""
