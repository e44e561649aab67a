#!/bin/sh
# A small shell whose child holds the memory: the worker's tree, not its own process, is big.
node "$(dirname "$0")/allocates.js" &
wait
