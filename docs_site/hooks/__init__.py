"""MkDocs hooks, one per concern; mkdocs.yml names each file."""
