"""A task for the two-worker test: it appends "<job number> <worker pid>" to a file, so the test can
count how often each job ran and which process ran it (the test module enqueues it)."""

import os
import time

from django.tasks import task


@task(queue_name="default")
def probe(number: int, path: str, wait_for_both: bool = False) -> int:
    # O_APPEND writes of one short line are atomic, so two processes never interleave a line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{number} {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    if wait_for_both:
        # The first job waits (up to a minute) until another process has run a job too: the other
        # worker can only get one by claiming past this worker's claim, so the run proves both
        # processes worked the one queue at the same time.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(path) as f:
                if len({line.split()[1] for line in f if line.strip()}) > 1:
                    break
            time.sleep(0.05)
    return number
