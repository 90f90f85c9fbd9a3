"""The outside world behind the ports: brokers, market data, CSV, secrets, clock."""
