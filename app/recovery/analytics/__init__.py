"""Payment-method analytics and alerts: pure logic (categories, metrics, hysteresis, anomalies)."""
