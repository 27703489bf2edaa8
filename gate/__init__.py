"""signal-gate: is every integration of this service really tested?"""

__version__ = "0.1.0"
