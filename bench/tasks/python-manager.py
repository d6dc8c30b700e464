# Scenario 10's peer: round trips to a multiprocessing.Manager from Python, the seeds' own tool.
# Usage: python3 python-manager.py <calls> <warmup>; prints calls per second from the main process and from
# a worker process, as JSON on one line.
import json
import sys
import time
from multiprocessing import Manager, Process, Queue


def reads(value, calls, warmup):
    for _ in range(warmup):
        value.value
    start = time.perf_counter()
    for _ in range(calls):
        value.value
    return calls / (time.perf_counter() - start)


def worker(value, calls, warmup, out):
    out.put(reads(value, calls, warmup))


if __name__ == "__main__":
    calls, warmup = int(sys.argv[1]), int(sys.argv[2])
    with Manager() as manager:
        value = manager.Value("i", 0)
        main = reads(value, calls, warmup)
        out = Queue()
        p = Process(target=worker, args=(value, calls, warmup, out))
        p.start()
        in_worker = out.get()
        p.join()
    print(json.dumps({"main": main, "worker": in_worker}))
