#!/usr/bin/env bash
# Fetch the non-Python engines of the conformance suite into a cache dir ($MLKG_CI_CACHE, default ~/.cache/mlkg-ci),
# so a second run costs nothing:
#   - jsonld.js (npm `jsonld`, pinned in tests/conformance/js/package.json) -> $CACHE/js/node_modules
#   - Apache Jena 5.6.0 jars incl. Fuseki (Maven jena-fuseki-main, jena-cmds, jena-shacl; tests/conformance/java/
#     pom.xml) -> $CACHE/jena-5.6.0/lib, when Maven Central answers. Without it the suite uses Debian's
#     libapache-jena-java 4.5.0 (SHACL, ARQ, RIOT) and the Fuseki tests skip, saying why.
# Needs: node + npm, java + javac, mvn (optional). Never fails the CI run by itself: it reports what it could not get.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MLKG_CI_CACHE:-$HOME/.cache/mlkg-ci}
mkdir -p "$CACHE"

echo "== jsonld.js"
if command -v npm >/dev/null 2>&1; then
  mkdir -p "$CACHE/js"
  if ! cmp -s "$HERE/js/package.json" "$CACHE/js/package.json" || [ ! -f "$CACHE/js/node_modules/jsonld/package.json" ]; then
    cp "$HERE/js/package.json" "$CACHE/js/package.json"
    (cd "$CACHE/js" && npm install --no-audit --no-fund --loglevel=error) || echo "jsonld.js: npm install failed"
  fi
  [ -f "$CACHE/js/node_modules/jsonld/package.json" ] && echo "jsonld.js $(node -p "require('$CACHE/js/node_modules/jsonld/package.json').version")"
else
  echo "npm not found: JSON-LD conformance against jsonld.js will skip"
fi

echo "== Apache Jena 5.6.0 + Fuseki (Maven)"
LIB="$CACHE/jena-5.6.0/lib"
if ls "$LIB"/jena-fuseki-main-*.jar >/dev/null 2>&1; then
  echo "cached: $LIB"
elif command -v mvn >/dev/null 2>&1; then
  if timeout 600 mvn -q -B -f "$HERE/java/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies -DoutputDirectory="$LIB.tmp" \
      >"$CACHE/mvn.log" 2>&1; then
    rm -rf "$LIB" && mv "$LIB.tmp" "$LIB" && echo "fetched: $LIB"
  else
    rm -rf "$LIB.tmp"
    echo "Maven could not fetch Jena 5.6.0/Fuseki ($(grep -m1 -o 'Unknown host [^ :]*\|Could not [^:]*' "$CACHE/mvn.log" || echo see $CACHE/mvn.log)):"
    echo "  the suite uses Debian's Jena 4.5.0; the Fuseki store tests skip"
  fi
else
  echo "mvn not found: the suite uses Debian's Jena 4.5.0; the Fuseki store tests skip"
fi
exit 0
