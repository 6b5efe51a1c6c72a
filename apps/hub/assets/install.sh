#!/bin/sh
# Installs janitor-agent from a Janitor hub, which serves this script at GET /install.sh with its own address below:
#
#   curl -fsSL http://hub:5000/install.sh | sh -s -- --token TOKEN
#
# It checks Node (22.18 or newer), downloads the single-file agent from the hub and checks its SHA-256, installs it
# under /opt/janitor-agent (as root) or ~/.local/share/janitor-agent, keeps the token in a file of mode 0600 (never on
# a command line), sends a first report, then sets up a systemd service (as root, where systemd runs) or a crontab
# line that reports every minute. Run it again to update the agent; the token and settings stay.
#
# Options:
#   --token TOKEN   the token this machine presents to the hub (also: $JANITOR_HUB_TOKEN); without one, the hub must
#                   accept this machine's network without a token
#   --hub URL       the hub to report to (default: the hub this script came from)
#   --prefix DIR    install there (default: /opt/janitor-agent as root, else ~/.local/share/janitor-agent)
#   --node PATH     the Node to run the agent with (default: the first `node` on the PATH)
#   --cron          a crontab line even where systemd runs
#   --no-service    no service and no crontab line: install, send one report, print the command to run
#   --no-check      do not send the first report
#   -h, --help      this text
set -eu

# Filled in by the hub that serves this script.
hub='@HUB_URL@'
from_hub=$hub

token=${JANITOR_HUB_TOKEN:-}
prefix=
node_bin=
service=auto
check=yes
min_major=22
min_minor=18
min_token_length=16
marker='# janitor-agent (install.sh)'

say() { printf 'janitor-agent install: %s\n' "$*"; }
fail() {
  printf 'janitor-agent install: %s\n' "$*" >&2
  exit 1
}
usage() {
  cat <<EOF
Installs janitor-agent from the Janitor hub at $from_hub:

  curl -fsSL $from_hub/install.sh | sh -s -- --token TOKEN [options]

  --token TOKEN   the token this machine presents to the hub (also: \$JANITOR_HUB_TOKEN)
  --hub URL       the hub to report to (default: $from_hub)
  --prefix DIR    install there (default: /opt/janitor-agent as root, else ~/.local/share/janitor-agent)
  --node PATH     the Node (22.18 or newer) to run the agent with (default: the first node on the PATH)
  --cron          a crontab line even where systemd runs
  --no-service    no service and no crontab line: install, send one report, print the command to run
  --no-check      do not send the first report
EOF
}

# Everything runs from here, once the whole script has arrived: a download cut short runs nothing.
main() {
  while [ $# -gt 0 ]; do
    case $1 in
      --token) [ $# -ge 2 ] || fail '--token needs a value'; token=$2; shift 2 ;;
      --token=*) token=${1#--token=}; shift ;;
      --hub) [ $# -ge 2 ] || fail '--hub needs a value'; hub=$2; shift 2 ;;
      --hub=*) hub=${1#--hub=}; shift ;;
      --prefix) [ $# -ge 2 ] || fail '--prefix needs a value'; prefix=$2; shift 2 ;;
      --prefix=*) prefix=${1#--prefix=}; shift ;;
      --node) [ $# -ge 2 ] || fail '--node needs a value'; node_bin=$2; shift 2 ;;
      --node=*) node_bin=${1#--node=}; shift ;;
      --cron) service=cron; shift ;;
      --no-service) service=none; shift ;;
      --no-check) check=no; shift ;;
      -h | --help) usage; exit 0 ;;
      *) fail "unknown option: $1 (the options: --token, --hub, --prefix, --node, --cron, --no-service, --no-check)" ;;
    esac
  done

  # What goes into a crontab line, a systemd unit and single quotes: no quote, no space, no % (cron's newline).
  safe() { case $1 in '' | *[!A-Za-z0-9._~/:@+=,\[\]-]*) return 1 ;; esac; }

  hub=${hub%/}
  case $hub in
    http://?* | https://?*) ;;
    *) fail "--hub: expected the hub's address, e.g. http://hub.lan:5000 (got '$hub')" ;;
  esac
  safe "$hub" || fail "--hub: the address '$hub' has characters this script does not put on a command line"

  if [ -n "$token" ]; then
    case $token in *[[:space:]]* | *[[:cntrl:]]*) fail 'the token has spaces or control characters' ;; esac
    [ ${#token} -ge $min_token_length ] || fail "the token is ${#token} characters long; hub tokens have at least $min_token_length"
  fi

  # Node: the one the agent will run with, 22.18 or newer.
  if [ -z "$node_bin" ]; then
    node_bin=$(command -v node 2>/dev/null || true)
    [ -n "$node_bin" ] || fail "janitor-agent needs Node.js $min_major.$min_minor or newer, and there is no 'node' on the PATH. Install it (https://nodejs.org/en/download, or your system's packages), or give its path with --node, then run this again."
  fi
  [ -x "$node_bin" ] || fail "--node: $node_bin is not an executable file"
  case $node_bin in /*) ;; *) node_bin=$(cd "$(dirname "$node_bin")" && pwd -P)/$(basename "$node_bin") ;; esac
  node_version=$("$node_bin" --version 2>/dev/null || true)
  version=${node_version#v}
  major=${version%%.*}
  rest=${version#*.}
  minor=${rest%%.*}
  case "$major.$minor" in
    *[!0-9.]* | .* | *.) fail "cannot tell which version $node_bin is (it printed '$node_version'); janitor-agent needs Node.js $min_major.$min_minor or newer" ;;
  esac
  if [ "$major" -lt $min_major ] || { [ "$major" -eq $min_major ] && [ "$minor" -lt $min_minor ]; }; then
    fail "Node.js $node_version ($node_bin) is too old: janitor-agent needs $min_major.$min_minor or newer. Install a newer one (https://nodejs.org/en/download), or give its path with --node, then run this again."
  fi
  safe "$node_bin" || fail "--node: the path '$node_bin' has characters this script does not put on a command line"
  say "Node $node_version: $node_bin"

  command -v curl >/dev/null 2>&1 || fail 'curl is needed to download the agent'
  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t janitor-agent)
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # A hub that builds its agent on demand answers 503 with Retry-After meanwhile: curl waits and retries.
  # The token (when there is one) goes in a header read from a file, not on curl's command line.
  fetch() {
    if [ -n "$token" ]; then
      printf 'Authorization: Bearer %s\n' "$token" >"$tmp/auth"
      curl -fsSL --retry 10 --retry-max-time 180 -H "@$tmp/auth" -o "$2" "$1"
    else
      curl -fsSL --retry 10 --retry-max-time 180 -o "$2" "$1"
    fi
  }

  say "downloading the agent from $from_hub (a hub run from its sources may build it first: curl waits for it)"
  fetch "$from_hub/agent/janitor-agent.mjs.sha256" "$tmp/sha256" || fail "cannot download $from_hub/agent/janitor-agent.mjs.sha256"
  expected=$(cut -d ' ' -f 1 <"$tmp/sha256")
  case $expected in *[!0-9a-f]* | '') fail "$from_hub/agent/janitor-agent.mjs.sha256 is not a SHA-256" ;; esac
  [ ${#expected} -eq 64 ] || fail "$from_hub/agent/janitor-agent.mjs.sha256 is not a SHA-256"
  fetch "$from_hub/agent/janitor-agent.mjs" "$tmp/janitor-agent.mjs" || fail "cannot download $from_hub/agent/janitor-agent.mjs"
  actual=$("$node_bin" -e 'process.stdout.write(require("node:crypto").createHash("sha256").update(require("node:fs").readFileSync(process.argv[1])).digest("hex"))' "$tmp/janitor-agent.mjs")
  if [ "$actual" != "$expected" ]; then
    fail "the agent downloaded from $from_hub has SHA-256 $actual, not the $expected the hub announced: nothing installed"
  fi
  size=$(wc -c <"$tmp/janitor-agent.mjs" | tr -d ' ')
  say "downloaded $size bytes, SHA-256 $actual checked"

  is_root=no
  [ "$(id -u)" -eq 0 ] && is_root=yes
  if [ -z "$prefix" ]; then
    if [ $is_root = yes ]; then
      prefix=/opt/janitor-agent
    else
      [ -n "${HOME:-}" ] || fail 'HOME is not set: give --prefix'
      prefix=${XDG_DATA_HOME:-$HOME/.local/share}/janitor-agent
    fi
  fi
  mkdir -p "$prefix" || fail "cannot create $prefix"
  prefix=$(cd "$prefix" && pwd -P)
  safe "$prefix" || fail "--prefix: the path '$prefix' has characters this script does not put on a command line"

  if [ $service = auto ]; then
    if [ $is_root = yes ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      service=systemd
    else
      service=cron
    fi
  fi

  umask 022
  cp "$tmp/janitor-agent.mjs" "$prefix/janitor-agent.mjs.new"
  chmod 755 "$prefix/janitor-agent.mjs.new"
  mv -f "$prefix/janitor-agent.mjs.new" "$prefix/janitor-agent.mjs"
  say "installed $prefix/janitor-agent.mjs"

  if [ -n "$token" ]; then
    (
      umask 077
      printf '%s\n' "$token" >"$prefix/token.new"
    )
    chmod 600 "$prefix/token.new"
    mv -f "$prefix/token.new" "$prefix/token"
    say "token kept in $prefix/token (mode 600)"
  elif [ -f "$prefix/token" ]; then
    say "token: kept the one in $prefix/token"
  else
    say 'no token: the hub must accept this machine without one (a tokenless hub on a private network, or allow_networks)'
  fi

  # The agent's own settings: its state in the prefix, sends for real, and (run by cron, which mails what it prints)
  # only problems in its output. Kept when changed by hand (the first line is the mark).
  config_mark='# Written by the janitor-agent install script.'
  if [ ! -f "$prefix/config.yaml" ] || [ "$(head -n 1 "$prefix/config.yaml")" = "$config_mark" ]; then
    loglevel=info
    [ $service = cron ] && loglevel=warning
    cat >"$prefix/config.yaml" <<EOF
$config_mark
# Running the script again rewrites this file unless its first line is changed: edit that line to keep yours.
# janitor-agent's settings on this machine; it reports to the hub given by --hub on its command line.
app:
  run_control:
    dry_run: false
  # Counters kept between runs, and the reports the hub has not taken yet (spool/).
  state_dir: "state"
logger:
  # Run by cron, the agent prints (and cron mails) only problems: a refused token, a hub that stays down.
  loglevel: "$loglevel"
EOF
    say "settings in $prefix/config.yaml"
  else
    say "settings: kept $prefix/config.yaml (changed by hand)"
  fi

  token_args=
  [ -f "$prefix/token" ] && token_args=" --token-file '$prefix/token'"
  run="cd '$prefix' && NODE_COMPILE_CACHE='$prefix/cache' '$node_bin' '$prefix/janitor-agent.mjs' --config '$prefix/config.yaml' --hub '$hub'$token_args"

  if [ $check = yes ]; then
    if out=$(sh -c "$run --once" </dev/null 2>&1); then
      say "first report sent to $hub"
      [ -z "$out" ] || printf '%s\n' "$out"
    else
      code=$?
      printf '%s\n' "$out" >&2
      fail "installed, but the first report failed (exit $code; see above): fix it, then run this again"
    fi
  fi

  case $service in
    systemd)
      unit=/etc/systemd/system/janitor-agent.service
      cat >"$unit" <<EOF
# Written by the janitor-agent install script from $from_hub. Remove: systemctl disable --now janitor-agent; rm $unit
[Unit]
Description=Janitor agent: sends this machine's metrics to the Janitor hub at $hub
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=$prefix
Environment=NODE_COMPILE_CACHE=$prefix/cache
ExecStart=$node_bin $prefix/janitor-agent.mjs --config $prefix/config.yaml --hub $hub${token_args:+ --token-file $prefix/token}
Restart=on-failure
RestartSec=10s
KillMode=mixed
TimeoutStopSec=15s
UMask=0077
# It reads /proc, /sys and statfs(2) of every mount, and writes only its own folder.
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$prefix
ProtectHome=read-only
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes

[Install]
WantedBy=multi-user.target
EOF
      systemctl daemon-reload </dev/null
      systemctl enable janitor-agent.service </dev/null >/dev/null 2>&1 || fail "systemctl enable janitor-agent.service failed"
      systemctl restart janitor-agent.service </dev/null || fail "systemctl restart janitor-agent.service failed: see journalctl -u janitor-agent"
      say "systemd service janitor-agent.service enabled and started: a report every minute (journalctl -u janitor-agent)"
      remove="systemctl disable --now janitor-agent; rm -f $unit; rm -rf $prefix"
      ;;
    cron)
      command -v crontab >/dev/null 2>&1 || fail "no crontab command here: install cron, or run with --no-service and start this every minute yourself: $run --once"
      line="* * * * * $run --once $marker"
      { crontab -l 2>/dev/null | grep -vF "$marker" || true; printf '%s\n' "$line"; } | crontab - || fail 'crontab refused the new line'
      say "crontab line added for $(id -un): a report every minute (crontab -l)"
      remove="crontab -l | grep -vF '$marker' | crontab -; rm -rf $prefix"
      ;;
    none)
      say 'no service set up (--no-service); run this every minute, or without --once to keep it running:'
      remove="rm -rf $prefix"
      ;;
  esac
  say "command: $run --once"
  say "remove: $remove"
}

main "$@"
