"""The recovery screens' names in the window's stack (entries and drill-downs share them)."""

QUEUE = "recoveryQueue"
SMART_COLLECT = "smartCollect"
ANALYTICS = "recoveryCaseAnalytics"
