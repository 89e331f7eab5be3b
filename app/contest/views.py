"""Routes: being built."""
