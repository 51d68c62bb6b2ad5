"""The bubblewrap sandbox every stdio upstream runs in: paths, homes, availability, the command line.

Parts: ``_common`` (user, home, errors, command checks), ``_folders`` (homes on the host), ``_argv`` (the
command line) and ``_launch`` (availability, :func:`prepare_launch`); import from this package.

Layout of one launch when the API runs as root::

    bwrap (root: mount/pid/ipc/uts[/net] namespaces, minimal read-only view, private home and /tmp)
      └ prlimit (memory, processes, open files)
          └ setpriv (uid U of this server, no groups, no capabilities, no_new_privs)
              └ bwrap --unshare-user (uid 65534 in a new user namespace; the server's environment)
                  └ the server's command

As root, bwrap cannot take ``--uid`` without a user namespace, and an unprivileged bwrap cannot
bind the paths under ``/root``; the outer bwrap mounts as root and the inner one, already unprivileged,
only adds the user namespace. When the API is not root, one ``bwrap --unshare-user`` does both.
The server's environment never reaches the outer processes (loader variables would run as root):
the inner bwrap reads it as ``--setenv`` arguments from an in-memory file (``--args FD``), which also
keeps secret values out of every command line.
"""

from backend.mcp.sandbox._common import (
    SANDBOX_HOME,
    SANDBOX_UID,
    SANDBOX_USER,
    CommandNotFoundError,
    SandboxError,
    is_sandbox_error,
    normalise_cwd,
    resolve_command,
)
from backend.mcp.sandbox._folders import remove_server_home, remove_tree, server_dir, server_home
from backend.mcp.sandbox._launch import Launch, outer_uid, prepare_launch, sandbox_problem, sandbox_status

__all__ = [
    "SANDBOX_HOME",
    "SANDBOX_UID",
    "SANDBOX_USER",
    "CommandNotFoundError",
    "Launch",
    "SandboxError",
    "is_sandbox_error",
    "normalise_cwd",
    "outer_uid",
    "prepare_launch",
    "remove_server_home",
    "remove_tree",
    "resolve_command",
    "sandbox_problem",
    "sandbox_status",
    "server_dir",
    "server_home",
]
