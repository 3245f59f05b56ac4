"""The LibreOffice end of the converter: run by a Python that can `import uno` (Debian's python3 with
python3-uno), never imported by gongkai itself. It starts soffice listening on a private UNO pipe,
connects, then converts one file per JSON line read on stdin and answers one JSON line on stdout.
End of stdin: LibreOffice is closed. gongkai kills the whole process group when a conversion hangs.

A LibreOffice that died is never used again: found dead before a job, the bridge answers
{"ok": false, "dead": "before"} (the file is not to blame: gongkai starts a fresh one and sends the job
again); dying during a job, {"ok": false, "dead": "during"} (the file gets an error). Either way the
bridge exits after answering.

Usage: python3 uno_bridge.py SOFFICE PROFILE_URL PIPE_NAME
"""
import json
import subprocess
import sys
import time

import uno  # noqa: F401 — provided by LibreOffice (python3-uno)
from com.sun.star.beans import PropertyValue

FILTER = "MS Word 2007 XML"  # plain .docx: a .docm/.dotx saved through it loses its macros


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start(soffice, profile, pipe):
    cmd = [soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
           "--nofirststartwizard", "--norestore", f"-env:UserInstallation={profile}",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException until soffice listens
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("soffice did not start") from None
            time.sleep(0.1)
    return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def convert(desktop, src, dst, infilter):
    args = (prop("Hidden", True), prop("ReadOnly", True), prop("MacroExecutionMode", 0),
            prop("UpdateDocMode", 0), prop("RepairPackage", False))
    if infilter:  # never let junk fall through to the plain-text import
        args += (prop("FilterName", infilter),)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, args)
    if doc is None:
        raise RuntimeError("LibreOffice could not load the file")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", FILTER), prop("Overwrite", True)))
    finally:
        doc.close(True)


def alive(proc, desktop):
    """soffice still running and answering on the bridge."""
    if proc.poll() is not None:
        return False
    try:
        desktop.getComponents()
        return True
    except Exception:  # DisposedException, RuntimeException: the connection is gone
        return False


def main():
    soffice, profile, pipe = sys.argv[1:4]
    proc, desktop = start(soffice, profile, pipe)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": proc.pid}) + "\n")
    out.flush()
    for line in sys.stdin:
        job = json.loads(line)
        if not alive(proc, desktop):
            answer = {"ok": False, "dead": "before", "error": "LibreOffice is gone"}
        else:
            try:
                convert(desktop, job["src"], job["dst"], job.get("filter"))
                answer = {"ok": True}
            except Exception as e:  # a file LibreOffice refuses: reported for that file, the bridge goes on
                answer = {"ok": False, "error": f"{type(e).__name__}: {getattr(e, 'Message', '') or e}"}
                if not alive(proc, desktop):
                    answer["dead"] = "during"
        out.write(json.dumps(answer) + "\n")
        out.flush()
        if answer.get("dead"):
            break
    try:
        desktop.terminate()
    except Exception:  # the connection drops as LibreOffice exits
        pass
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


if __name__ == "__main__":
    main()
