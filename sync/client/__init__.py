"""The counter's side of sync: push the outbox, pull the server's changes, keep the token safe."""
