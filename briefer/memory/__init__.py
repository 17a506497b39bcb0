"""Memory across days: the history store, the commitments ledger, the history views, and the history stage
that the pipeline calls (`stage`)."""
