"""The docs site: its MkDocs hooks, the editor's checks and the testers' checklists.

They read pages through the guide runner's page model (guide_runner.page);
the runner never imports from here."""
