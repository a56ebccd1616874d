"""What the last test run proved, block by block, as the site shows it (docs_site/hooks/block_marks.py)."""
