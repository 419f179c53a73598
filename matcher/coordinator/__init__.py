"""The coordinator dashboard: review applicants, run matching, adjust and confirm pairs."""
