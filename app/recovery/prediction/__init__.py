"""The prediction models (failure, recovery odds, churn): features, training and promotion."""
