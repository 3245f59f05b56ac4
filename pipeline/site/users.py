"""Who may read the inside column when it is served: names and password hashes in the workspace
(site_users.json, never inside site/). Hashing is werkzeug's (scrypt, salted); checking compares in
constant time, and an unknown name costs the same as a wrong password."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from ..errors import UsageError
from ..workspace import Settings

USERS_FILE = "site_users.json"
SECRET_FILE = "site_secret.key"
_DUMMY = "scrypt:32768:8:1$0000000000000000$" + "0" * 128


def users_path(settings: Settings) -> Path:
    return settings.root / USERS_FILE


def load_users(settings: Settings) -> dict[str, str]:
    try:
        data = json.loads(users_path(settings).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as e:
        raise UsageError(f"{USERS_FILE} 格式有误（{e}）；请删除后用 gongkai serve --add-user 重新设置。") from e
    return {str(k): str(v) for k, v in (data.get("users") or {}).items()}


def add_user(settings: Settings, name: str, password: str) -> bool:
    """Set a user's password (True when the user is new)."""
    from werkzeug.security import generate_password_hash

    name = name.strip()
    if not name or len(name) > 50 or any(not c.isprintable() for c in name):
        raise UsageError("用户名须为 1–50 个可见字符。")
    if len(password) < 8:
        raise UsageError("密码至少 8 位。")
    users = load_users(settings)
    new = name not in users
    users[name] = generate_password_hash(password)
    _write_private(users_path(settings), json.dumps({"users": users}, ensure_ascii=False, indent=1))
    return new


def check_user(users: dict[str, str], name: str, password: str) -> bool:
    from werkzeug.security import check_password_hash

    stored = users.get(name)
    ok = check_password_hash(stored or _DUMMY, password)  # hmac.compare_digest inside
    return ok and stored is not None


def secret_key(settings: Settings) -> bytes:
    """The key that signs login sessions and form tokens, made once per workspace."""
    path = settings.root / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        key = secrets.token_bytes(32)
        _write_private(path, key.hex())
        return key


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
