"""Each credential's home replica: where its own upstreams (``per_user``, stateless ``per_session``) run.

A credential's ``per_user`` upstream is one process shared by all of that credential's sessions, and a
2026-07-28 client's ``per_session`` upstream serves all of its stateless requests. With several
replicas behind a load balancer without affinity, those requests land anywhere: each replica would
start a copy and a stateful server would show different state from one request to the next. So
they are served by one replica, the credential's home, found by rendezvous hashing over the replicas
alive now (every replica computes the same answer; when one joins or leaves, only the credentials
whose home it is or becomes move).
"""

from __future__ import annotations

from hashlib import blake2b


def home_of(credential: str, replicas: list[str]) -> str:
    """The replica (of ``replicas``, not empty) that serves ``credential``'s own upstreams."""
    return max(replicas, key=lambda replica: blake2b(f"{replica}\0{credential}".encode(), digest_size=8).digest())
