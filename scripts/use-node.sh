# Puts a current Node.js first on PATH, for CI and for machines whose system Node is too old.
# A laptop with Node 22, 24 or 26 does not need it. Node's official Linux builds are published on
# the npm registry as `node-linux-<arch>`, so this needs no network but npm's.
#
#   source scripts/use-node.sh 24      # or 22, 26, or an exact version such as 24.22.3
#
# Sourced, not run: it changes the calling shell's PATH. It also points native addons at that
# Node's headers (npm may be configured with another `nodedir`; an addon built against the
# wrong headers crashes at load).
use_node() {
  local wanted="$1" arch version root tmp
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "use-node: no Node build on the npm registry for $(uname -m)" >&2; return 1 ;;
  esac
  # `npm view pkg@24 version` prints one line per matching version; the last is the newest.
  version="$(npm view "node-linux-${arch}@${wanted}" version 2>/dev/null | tail -n 1 | sed -E "s/^.* '(.*)'$/\1/")"
  [ -n "$version" ] || { echo "use-node: no node-linux-${arch}@${wanted} on the npm registry" >&2; return 1; }
  root="${XDG_CACHE_HOME:-$HOME/.cache}/draw64-node/${version}"
  if [ ! -x "$root/bin/node" ]; then
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-${arch}@${version}" >/dev/null && tar xzf ./*.tgz) || return 1
    mkdir -p "$(dirname "$root")" && rm -rf "$root" && mv "$tmp/package" "$root" && rm -rf "$tmp"
  fi
  export PATH="$root/bin:$PATH"
  export npm_config_nodedir="$root"
  echo "use-node: $(node --version) from $root" >&2
}

use_node "${1:?usage: source scripts/use-node.sh <major or version>}"
