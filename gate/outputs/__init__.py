"""Files the gate writes: reports, documents and the evidence package, whole or
not at all."""
