"""Posts: what users write. Owned by this subgraph; authors live in the users subgraph."""
