"""Schema and table names in URLs: any name PostgreSQL allows, `/` included.

A `/` cannot stay as it is (it splits the path) nor as `%2F` (the WSGI server
decodes it before Django routes). So `~` escapes: `/` is written `~s` and `~`
itself `~~`. Names without either keep the URL they always had.
"""


class NameConverter:
    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        out, chars = [], iter(value)
        for char in chars:
            if char != "~":
                out.append(char)
                continue
            escaped = next(chars, "")
            if escaped not in ("~", "s"):
                raise ValueError("not a name in a URL")  # Django answers 404
            out.append("/" if escaped == "s" else "~")
        return "".join(out)

    def to_url(self, value: str) -> str:
        return value.replace("~", "~~").replace("/", "~s")
