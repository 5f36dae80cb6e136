#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""t/bench/fcgi_time.py - latency of requests sent straight to a daemon's
FastCGI socket (no nginx, no TLS: only what the daemon adds).

    fcgi_time.py SOCKET N METHOD URI [BODY] [HEADER=VALUE ...]

Sends the request N times, one after the other, each on a new connection,
and prints "median_ms p90_ms statuses". A URI or body containing {i} gets
the request's number, so creates can make a new name each time. Used by
t/bench/conditional.sh.
"""
import socket
import struct
import sys
import time


def record(kind, content, req_id=1):
    return struct.pack("!BBHHBx", 1, kind, req_id, len(content), 0) + content


def pair(name, value):
    def length(n):
        return struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def request(path, params, body):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    data = record(1, struct.pack("!HB5x", 1, 0))
    encoded = b"".join(pair(k.encode(), v.encode()) for k, v in params.items())
    data += record(4, encoded) + record(4, b"")
    if body:
        data += record(5, body)
    data += record(5, b"")
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    stdout = b""
    pos = 0
    while pos + 8 <= len(out):
        _, kind, _, clen, plen = struct.unpack("!BBHHB", out[pos:pos + 7])
        if kind == 6:
            stdout += out[pos + 8:pos + 8 + clen]
        pos += 8 + clen + plen
    status = stdout.split(b"\r\n", 1)[0].split(b" ")[1].decode() if stdout else "-"
    return status


def main():
    sock, n, method, uri = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    body = sys.argv[5] if len(sys.argv) > 5 else ""
    extra = dict(a.split("=", 1) for a in sys.argv[6:])
    times, statuses = [], {}
    for i in range(n):
        b = body.replace("{i}", str(i)).encode()
        params = {"REQUEST_METHOD": method, "REQUEST_URI": uri.replace("{i}", str(i)),
                  "REMOTE_USER": "admin", "CONTENT_TYPE": "application/json",
                  "CONTENT_LENGTH": str(len(b))}
        params.update({k: v.replace("{i}", str(i)) for k, v in extra.items()})
        start = time.perf_counter()
        status = request(sock, params, b)
        times.append((time.perf_counter() - start) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    times.sort()
    print("%.3f %.3f %s" % (times[len(times) // 2], times[int(len(times) * 0.9)],
                            ",".join("%s:%d" % kv for kv in sorted(statuses.items()))))


if __name__ == "__main__":
    main()
