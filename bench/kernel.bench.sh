#!/usr/bin/env bash
# Part of `make bench` (bench/run.sh runs every bench/*.bench.sh): kernel latency.
exec bash "$(dirname "$0")/kernel.sh"
