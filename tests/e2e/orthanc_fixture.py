#!/usr/bin/env python3
"""Starts and stops a private Orthanc (with its DICOMweb plugin) for the DICOMweb
tests: loopback only, a free port, its own config and storage in the build tree,
basic authentication on. Used as a CTest fixture (FIXTURES_SETUP / CLEANUP).

  orthanc_fixture.py start DIR   writes DIR/server.json: {"url", "dicomweb", "user", "password", "pid"}
                                 or {"skip": reason} when Orthanc is not installed
  orthanc_fixture.py stop DIR    stops the instance started in DIR (only that one)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import base64

ORTHANC = "/usr/sbin/Orthanc"
PLUGIN_CANDIDATES = ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"]
PLUGIN_DIRS = ["/usr/lib/orthanc", "/usr/share/orthanc/plugins", "/usr/lib/x86_64-linux-gnu/orthanc"]
USER, PASSWORD = "margo", "margo-test-password"
START_TIMEOUT_S = 20


def find_plugin():
    for path in PLUGIN_CANDIDATES:
        if os.path.exists(path):
            return path
    for d in PLUGIN_DIRS:
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                if name.startswith("libOrthancDicomWeb.so"):
                    return os.path.join(d, name)
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port):
    request = urllib.request.Request("http://127.0.0.1:%d/dicom-web/studies" % port)
    token = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
    request.add_header("Authorization", "Basic " + token)
    try:
        with urllib.request.urlopen(request, timeout=2) as r:
            return r.status in (200, 204)
    except (urllib.error.URLError, OSError):
        return False


def write_json(path, data):
    with open(path + ".tmp", "w") as f:
        json.dump(data, f, indent=2)
    os.replace(path + ".tmp", path)


def ours(pid, config):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return config.encode() in f.read()
    except OSError:
        return False


def stop(d):
    server = os.path.join(d, "server.json")
    config = os.path.join(d, "orthanc.json")
    try:
        with open(server) as f:
            pid = json.load(f).get("pid")
    except (OSError, ValueError):
        pid = None
    if pid and ours(pid, config):
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not ours(pid, config):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        print("orthanc_fixture: stopped Orthanc pid %d" % pid)
    if os.path.exists(server):
        os.remove(server)
    shutil.rmtree(os.path.join(d, "storage"), ignore_errors=True)


def start(d):
    os.makedirs(d, exist_ok=True)
    stop(d)  # an instance left by an interrupted run
    server = os.path.join(d, "server.json")
    plugin = find_plugin()
    if not os.access(ORTHANC, os.X_OK) or plugin is None:
        reason = "Orthanc (%s) or its DICOMweb plugin is not installed (Debian: orthanc, orthanc-dicomweb)" % ORTHANC
        write_json(server, {"skip": reason})
        print("orthanc_fixture: " + reason + "; the DICOMweb tests will be skipped")
        return 0
    storage = os.path.join(d, "storage")
    config_path = os.path.join(d, "orthanc.json")
    log_path = os.path.join(d, "orthanc.log")
    for attempt in range(5):
        port = free_port()
        config = {
            "Name": "margo-test", "HttpPort": port, "RemoteAccessAllowed": False,
            "DicomServerEnabled": False, "HttpServerEnabled": True,
            "StorageDirectory": storage, "IndexDirectory": storage,
            "Plugins": [plugin], "AuthenticationEnabled": True, "RegisteredUsers": {USER: PASSWORD},
            "OrthancExplorerEnabled": False, "WebDavEnabled": False, "HttpCompressionEnabled": False,
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": False, "Host": "127.0.0.1"},
        }
        write_json(config_path, config)
        with open(log_path, "w") as log:
            proc = subprocess.Popen([ORTHANC, config_path], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + START_TIMEOUT_S
        while time.time() < deadline and proc.poll() is None and not answers(port):
            time.sleep(0.1)
        if proc.poll() is None and answers(port):
            write_json(server, {"url": "http://127.0.0.1:%d" % port,
                                "dicomweb": "http://127.0.0.1:%d/dicom-web" % port,
                                "user": USER, "password": PASSWORD, "pid": proc.pid})
            print("orthanc_fixture: Orthanc pid %d on 127.0.0.1:%d (%s)" % (proc.pid, port, plugin))
            return 0
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        print("orthanc_fixture: Orthanc did not start on port %d (attempt %d); see %s" % (port, attempt + 1, log_path))
    with open(log_path) as f:
        sys.stderr.write(f.read()[-2000:])
    return 1


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.stderr.write("usage: orthanc_fixture.py start|stop DIR\n")
        return 2
    d = os.path.abspath(sys.argv[2])
    if sys.argv[1] == "start":
        return start(d)
    stop(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
