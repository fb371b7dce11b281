"""A simulated world of consumers and gateways that recovery policies are judged against."""
