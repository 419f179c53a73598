"""What is emailed to whom: queueing in the outbox (in the caller's transaction) and delivery."""
