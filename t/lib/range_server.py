#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""t/lib/range_server.py DIR PORTFILE [DELAY] - serves DIR over HTTP on 127.0.0.1
with byte ranges (206), as librbd's import from a URL needs: Python's own
http.server answers every GET whole. Binds a free port and writes it to
PORTFILE once listening. DELAY: seconds each answer waits (for a test
that cancels an import while it runs). For t/54-import-url.t."""
import http.server
import os
import re
import sys
import time

DELAY = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send_head(self):
        time.sleep(DELAY)
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            self.send_error(404, "not found")
            return None
        size = os.path.getsize(path)
        first, last = 0, size - 1
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        f = open(path, "rb")
        if match:
            first = int(match.group(1))
            last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            if first >= size:
                f.close()
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
        else:
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        f.seek(first)
        self.remaining = last - first + 1
        return f

    def copyfile(self, source, outputfile):
        while self.remaining > 0:
            chunk = source.read(min(self.remaining, 1 << 20))
            if not chunk:
                break
            outputfile.write(chunk)
            self.remaining -= len(chunk)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))


def main():
    os.chdir(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2] + ".tmp", "w") as out:
        out.write("%d\n" % server.server_address[1])
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
