"""The paste check (guide_runner/paste.py): a block a reader pastes runs every
line, as the runner runs it (issue #39)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide_runner import PlanError, plan_file, read_page
from guide_runner.paste import swallowed

pytestmark = pytest.mark.reads_pages()


def problems(tmp_path: Path, block: str, language: str = "bash") -> list[str]:
    page = tmp_path / "page.md"
    page.write_text(f"# Page\n\n```{language}\n{block}\n```\n")
    return [problem for b in read_page(page).blocks for problem in swallowed(b)]


@pytest.mark.parametrize("block", [
    "docker compose exec -T db dropdb rowbook\ndocker compose up -d",
    "docker compose exec db psql\necho next",
    "docker exec -i rowbook-db psql -U postgres\necho next",
    "docker run --rm -it debian:12 bash\necho next",
    "sudo docker compose run --rm rowbook rowbook check\necho next",
    "ssh admin@server uptime\necho next",
    "cd ~/rowbook && docker compose exec -T db dropdb rowbook\necho next",
    "docker compose exec -T db \\\n  dropdb rowbook\necho next",
    # A group is read whole, then run: what a command inside reads are the lines after the group.
    "{\n  echo report\n  docker compose run --rm rowbook rowbook check\n} > report.txt\necho next",
    "for name in a b; do\n  docker compose exec -T db dropdb \"$name\"\ndone\necho next",
])
def test_a_command_that_reads_the_terminal_before_more_lines_is_refused_naming_it(tmp_path, block):
    (problem,) = problems(tmp_path, block)
    assert problem.startswith("page.md:4: `") or ":4: `" in problem
    assert "a reader who pastes this block gives it the lines after it" in problem
    assert "`echo next`" in problem or "`docker compose up -d`" in problem


@pytest.mark.parametrize("block", [
    "docker compose exec -T db dropdb rowbook",  # the last command: nothing after it to swallow
    "echo next\ndocker compose exec -T db dropdb rowbook",
    "docker compose exec -T db dropdb rowbook < /dev/null\necho next",
    "docker compose exec -T db pg_restore --dbname=rowbook < rowbook.dump\necho next",
    "docker compose exec -T db pg_dump rowbook > rowbook.dump < /dev/null\necho next",
    "gzip -dc dump.gz | docker compose exec -T db psql\necho next",
    "docker compose exec -T db psql <<'SQL'\nSELECT 1;\nSQL\necho next",
    "docker exec rowbook rowbook check\necho next",  # plain docker exec without -i reads nothing
    "docker run --rm debian:12 true\necho next",
    "ssh -n admin@server uptime\necho next",
    "tee backup.sh > /dev/null <<'EOF'\ndocker compose exec -T db pg_dump rowbook\ncp .env x\nEOF\nchmod +x backup.sh",
    "# docker compose exec -T db psql\necho next",
    # The group is the block's last command: bash has read every pasted line before it runs.
    "echo first\n{\n  docker compose run --rm rowbook rowbook check\n  echo done\n} > report.txt",
    "if true; then\n  docker compose exec -T db psql\n  echo inside\nfi",
    "{\n  docker compose run --rm rowbook rowbook check\n  echo more\n} < /dev/null > report.txt\necho next",
    "echo wait for it\ndocker compose exec -T db psql",  # `for` as a word opens nothing
])
def test_a_command_with_its_input_given_or_last_is_fine(tmp_path, block):
    assert problems(tmp_path, block) == []


def test_console_blocks_are_checked_by_their_commands_only(tmp_path):
    block = "$ docker compose exec -T db dropdb rowbook\n$ docker compose up -d\n[+] Running 2/2"
    (problem,) = problems(tmp_path, block, "console")
    assert "`docker compose up -d`" in problem
    assert problems(tmp_path, "$ docker compose exec -T db psql -c 'SELECT 1'\n ?column? \n 1", "console") == []


def test_a_page_that_would_lose_pasted_lines_fails_at_collection_naming_the_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Page\n\nSome text.\n\n```bash\ndocker compose exec -T db dropdb rowbook\necho next\n```\n")
    with pytest.raises(PlanError, match=r"page.md:6: `docker compose exec -T db dropdb rowbook` reads its input"):
        plan_file(page)


def test_hidden_blocks_are_not_pasted_and_not_checked(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n<!-- test-hidden: bash\ndocker compose exec -T db dropdb rowbook\necho next\n-->\n")
    assert [problem for b in read_page(page).blocks for problem in swallowed(b)] == []
