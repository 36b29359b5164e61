"""Releases: immutable snapshots held as release ranges on each domain's revision rows."""
