"""Coordinator sign-in and sessions."""
