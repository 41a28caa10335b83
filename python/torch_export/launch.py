"""Starts N local training processes with the rendezvous variables set, where torchrun is unavailable or broken.

    python -m PKG.launch --nproc 2 -- --out runs/x --steps 100

Each process runs `python -m PKG.train ARGS` with MASTER_ADDR=127.0.0.1, MASTER_PORT (a free port unless
--master-port), WORLD_SIZE=N, RANK=LOCAL_RANK=i: what torchrun --nproc_per_node=N sets on one machine. If one
process fails the others are stopped, and the launcher exits with the first failure's status.
"""
import argparse
import os
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    rest = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(prog=f"python -m {__package__}.launch", description=__doc__.split("\n\n")[0])
    ap.add_argument("--nproc", type=int, required=True)
    ap.add_argument("--master-port", type=int)
    args, unknown = ap.parse_known_args(argv)
    rest = unknown + rest
    port = str(args.master_port or free_port())
    procs = []
    for rank in range(args.nproc):
        env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=port, WORLD_SIZE=str(args.nproc), RANK=str(rank), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(args.nproc))
        procs.append(subprocess.Popen([sys.executable, "-m", f"{__package__}.train", *rest], env=env))
    status = 0
    while procs:
        for p in list(procs):
            code = p.poll()
            if code is None:
                continue
            procs.remove(p)
            if code != 0 and status == 0:
                status = code
                for q in procs:
                    q.terminate()
        time.sleep(0.05)
    sys.exit(status)


if __name__ == "__main__":
    main()
