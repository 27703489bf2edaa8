"""XMPP: a raw stream over a socket."""
