"""A tiny SMTP server with TLS for the relay's integration tests (smtp-sink has no TLS).

tls_smtp_peer.py PORT CERT KEY MODE OUTDIR
MODE: starttls | implicit | inject (answers STARTTLS with 220 plus an injected plaintext line).
Binds 127.0.0.1 only; serves connections until killed. Each message's DATA, unstuffed and
with its CRLFs kept, is written to OUTDIR/msg.N.
"""
import os
import socket
import ssl
import sys


def serve(conn, ctx, mode, outdir, counter):
    f = conn.makefile("rwb", buffering=0)

    def say(line):
        f.write(line.encode() + b"\r\n")

    say("220 peer.test ESMTP")
    tls = mode == "implicit"
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.decode("latin-1").strip()
        verb = cmd.split(" ")[0].upper()
        if verb == "EHLO":
            caps = ["AUTH PLAIN LOGIN", "8BITMIME", "SIZE 1000000"] if tls else ["STARTTLS", "8BITMIME"]
            say("250-peer.test")  # the first line greets, the keywords follow
            for c in caps[:-1]:
                say("250-" + c)
            say("250 " + caps[-1])
        elif verb == "STARTTLS" and not tls:
            if mode == "inject":
                f.write(b"220 go ahead\r\n250 injected\r\n")
                return
            say("220 go ahead")
            conn = ctx.wrap_socket(conn, server_side=True)
            f = conn.makefile("rwb", buffering=0)
            tls = True
        elif verb == "AUTH":
            say("235 2.7.0 ok" if tls else "503 5.5.1 not before TLS")
        elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
            say("250 2.0.0 ok" if tls else "530 5.7.0 must issue STARTTLS first")
        elif verb == "DATA":
            say("354 go")
            data = b""
            while True:
                l = f.readline()
                if l in (b".\r\n", b""):
                    break
                data += l[1:] if l.startswith(b".") else l
            counter[0] += 1
            with open(os.path.join(outdir, "msg.%d" % counter[0]), "wb") as out:
                out.write(data)
            say("250 2.0.0 queued as TLS%d" % counter[0])
        elif verb == "QUIT":
            say("221 bye")
            return
        else:
            say("502 5.5.2 what")


def main():
    port, cert, key, mode, outdir = sys.argv[1:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(8)
    counter = [0]
    while True:
        conn, _ = srv.accept()
        try:
            if mode == "implicit":
                conn = ctx.wrap_socket(conn, server_side=True)
            serve(conn, ctx, mode, outdir, counter)
        except (ssl.SSLError, OSError):
            pass  # a client that rejected our certificate, or went away
        finally:
            conn.close()


if __name__ == "__main__":
    main()
