"""OLE containers: a legacy .doc (renamed or not) and a password-protected .docx get different advice."""
from pathlib import Path

import pytest

from optional import need_binary
from pipeline.errors import InputError
from pipeline.read import Limits, read_draft

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(path: Path, streams: list[str]) -> Path:
    body = OLE + b"\0" * 504
    for name in streams:  # directory entries store names in UTF-16LE
        body += name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
    path.write_bytes(body + b"\0" * 4096)
    return path


@pytest.mark.parametrize("name", ["旧版.doc", "改名.docx", "金山.wps"])
def test_legacy_word_is_sent_to_libreoffice_not_called_encrypted(tmp_path, name):
    """A legacy OLE file (renamed or not) goes to the converter; this one is junk inside, so it fails there."""
    need_binary("soffice", "LibreOffice (libreoffice-writer-nogui)")
    f = ole_file(tmp_path / name, ["Root Entry", "WordDocument", "1Table"])
    with pytest.raises(InputError) as e:
        read_draft(f, Limits())
    assert e.value.code == "CONVERT_FAILED"
    assert "另存为" in e.value.message


def test_password_protected_docx_is_encrypted(tmp_path):
    f = ole_file(tmp_path / "加密.docx", ["Root Entry", "EncryptionInfo", "EncryptedPackage"])
    with pytest.raises(InputError) as e:
        read_draft(f, Limits())
    assert e.value.code == "ENCRYPTED" and "密码" in e.value.message
