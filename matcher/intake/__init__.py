"""The public side: the home page and the sign-up forms."""
