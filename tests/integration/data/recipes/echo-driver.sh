#!/bin/sh
# driver.sh - a client driver of t0006-recipes: it greets and then reads
# its requests until the end of its input, answering none (it goes in as
# docs/ARCHITECTURE.md's recipe says: its directory, its line in
# drivers.list and its case in install-deps.sh).
printf '%s\n' '{"hello": "goneaway-driver", "protocol": 2, "features": [], "driver": "echo", "library": "echo 1.0", "runtime": "sh"}'
while read -r line; do :; done
