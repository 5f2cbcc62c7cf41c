# shellcheck shell=bash
# Sourced by ./thinly and ./run-tests: sets JAVA_HOME to a JDK >= 25 or explains what to install.
# Order: $JAVA_HOME, the java on $PATH, then /usr/lib/jvm/*.

thinly_java_major() { # prints the feature version of the JDK at $1, or nothing
  local java="$1/bin/java" v
  [ -x "$java" ] && [ -x "$1/bin/javac" ] || return 0
  v=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  printf '%s' "${v%%.*}"
}

thinly_find_jdk() {
  local candidates=() c m
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if c=$(command -v javac 2>/dev/null); then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$c")")")")
  fi
  for c in /usr/lib/jvm/*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    m=$(thinly_java_major "$c")
    if [ -n "$m" ] && [ "$m" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  cat >&2 <<'MSG'
thinly: no JDK 25 or newer found (looked at $JAVA_HOME, the java on $PATH and /usr/lib/jvm/*).
Install one, for example on Debian/Ubuntu:
    sudo apt-get install temurin-25-jdk      # from https://packages.adoptium.net
or download a JDK 25 from https://adoptium.net and set JAVA_HOME to its directory.
MSG
  return 1
}
