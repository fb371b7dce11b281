"""pytest-qt: the case screen's Note... and Escalate... buttons."""
