"""Listening sockets inside another network namespace, for fakes that must look like a node's network
(IMDS on 169.254.169.254:80). Linux only; needs CAP_SYS_ADMIN (root).

A namespace switch (setns) applies to the calling thread only, and a socket stays in the namespace it
was created in: so a short-lived thread enters the namespace, binds, and ends; the socket is then served
by ordinary threads of this process, which stay in the original namespace.
"""
import ctypes
import os
import socket
import threading

CLONE_NEWNET = 0x40000000


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def listening_socket(netns_path: str, host: str, port: int) -> socket.socket:
    """A TCP socket listening on host:port inside the namespace at netns_path (e.g. /run/netns/NAME)."""
    result: dict = {}

    def bind_inside():
        try:
            target = os.open(netns_path, os.O_RDONLY)
            try:
                _setns(target)
            finally:
                os.close(target)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(128)
            result["sock"] = sock
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=bind_inside, name="fakeazure-netns-bind")  # ends inside the namespace
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["sock"]
