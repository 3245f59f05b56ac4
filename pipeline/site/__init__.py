"""网络式公开 — the intranet column (党务公开专栏) and the leadership group's status page.

build.py (atomic, incremental build) ← collect.py (ledger → entries per column, through view.py)
← content.py (document → safe HTML) ← pages.py (Jinja templates in templates/) ; status.py (工作台) ;
serve.py (Flask app behind waitress: public/, login for inside/, feedback form) ; users.py (passwords)."""
