"""Generic search machinery over a whoosh 2.7.4 index: a derived cache of a versioned domain's revisions.

documents (what a domain hands in) · folding, syllables, analyzers (text → tokens) · schema, bulkwriter
(tokens → segments) · segments, postings, plan, query, highlight, fuzzy (searching) · index (one folder)
· source, sync (keeping it in step with the database). Domains supply documents (terms/documents.py);
nothing here imports a domain.
"""
