"""Gradient checks users can run on their own functions and ops."""
