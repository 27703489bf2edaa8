"""Matrix: the client-server API."""
