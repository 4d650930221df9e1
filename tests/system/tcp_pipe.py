"""QEMU guestfwd helper: QEMU starts it once per guest connection to 10.0.2.100:25 with the
connection on stdin/stdout; it pipes that to the host SMTP peer (argv: HOST PORT)."""
import os
import selectors
import socket
import sys

sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
sock.settimeout(None)


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


sel = selectors.DefaultSelector()
sel.register(0, selectors.EVENT_READ)
sel.register(sock, selectors.EVENT_READ)
while True:
    for key, _ in sel.select(timeout=600):
        if key.fileobj == 0:
            data = os.read(0, 65536)
            if not data:
                sock.shutdown(socket.SHUT_WR)
                sel.unregister(0)
                continue
            sock.sendall(data)
        else:
            data = sock.recv(65536)
            if not data:
                sys.exit(0)
            write_all(1, data)
