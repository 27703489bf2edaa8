"""Signal service: turns market data into trading signals for SDK clients.

The package is the demo subject of signal-gate: each module under
``app/clients`` talks to one other service, each module under ``app/api``
serves one kind of caller, and ``signal-gate.yml`` maps them onto the
integration matrix.
"""
