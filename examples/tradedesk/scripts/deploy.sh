#!/usr/bin/env bash
# Deploys tradedesk to an environment. Here "staging" is a process on this machine, so the
# pipeline can be exercised end to end without a cloud account.
set -euo pipefail
environment="${1:?usage: deploy.sh ENVIRONMENT [--rollback]}"
state_dir="${DEPLOY_STATE_DIR:-${RUNNER_TEMP:-/tmp}/tradedesk-$environment}"
mkdir -p "$state_dir"
if [ -f "$state_dir/pid" ]; then
  kill "$(cat "$state_dir/pid")" 2>/dev/null || true
fi
if [ "${2:-}" = "--rollback" ]; then
  echo "rolled back $environment"
  exit 0
fi
PORT="${PORT:-8080}" nohup python -m tradedesk.api >"$state_dir/log" 2>&1 &
echo $! >"$state_dir/pid"
echo "deployed tradedesk to $environment (pid $(cat "$state_dir/pid"))"
