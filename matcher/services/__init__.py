"""Every write goes through a service: they flush, never commit; the request or command commits once."""
