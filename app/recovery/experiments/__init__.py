"""A/B experiments on recovery strategies: design, sticky assignment, statistics, recommendation."""
