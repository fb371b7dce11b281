"""Gateway adapters: one class per gateway behind the GatewayAdapter protocol."""
