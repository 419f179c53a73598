"""Pairs: running the engine, storing proposals and coordinators' actions on pairs."""
