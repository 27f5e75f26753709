# Sourced by ./mvnw and ./mailward: sets JAVA_HOME to a JDK >= 21.
# Order: $JAVA_HOME if it is new enough, then the JDKs installed system-wide, newest first.
# Prints what to install and returns 1 when there is none.

mailward_java_major() {
  # $1: a java executable. Prints its feature version (17, 21, 25...).
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

mailward_find_jdk() {
  local min=21 candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(mailward_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(mailward_java_major "$candidate/bin/java")
    [ -n "$major" ] || continue
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(mailward_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then best="$candidate"; fi
  fi
  if [ -z "$best" ]; then
    echo "Mailward needs a JDK $min or newer and found none (JAVA_HOME=${JAVA_HOME:-unset}; looked in /usr/lib/jvm and the PATH)." >&2
    echo "Install one, for example on Debian/Ubuntu: apt-get install openjdk-21-jdk-headless (or any Temurin 21+), or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  return 0
}
