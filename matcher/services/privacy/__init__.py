"""Privacy operations: purging a closed semester, rotating the data key."""
