"""Use cases combining engines, ports and storage; usable without Qt."""
