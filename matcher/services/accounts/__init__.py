"""Coordinator accounts: who may sign in, their passwords and sessions."""
