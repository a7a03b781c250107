#!/usr/bin/env bash
# `make docs`: the DocC documentation of the library targets, one combined archive, and no broken symbol link.
#
#   scripts/docs.sh GIPCKit GIPCTransport GIPCCodecs
#
# The targets are built together with the plugin's combined mode, so that a page links to another module's symbols
# with a leading slash: ``/GIPCCodecs/MessageCodec``. Every DocC warning (a link that does not resolve, an ambiguous
# one, a parameter that does not exist) fails the run, except the ones listed in scripts/docc-known-warnings.txt, each
# of which names a doc comment still to fix; with that list empty, DocC itself runs with --warnings-as-errors.
# The whole log is in $DOCS_LOG (.build/docs.log).
set -euo pipefail

SWIFT=${SWIFT:-swift}
DOCS_LOG=${DOCS_LOG:-.build/docs.log}
KNOWN=scripts/docc-known-warnings.txt
ARCHIVE=.build/plugins/Swift-DocC/outputs/GIPCKit.doccarchive
[ $# -gt 0 ] || { echo "usage: $0 TARGET..." >&2; exit 2; }

known=$(grep -v '^#' "$KNOWN" | sed '/^$/d' | sort -u || true)
options=(--enable-experimental-combined-documentation)
for target in "$@"; do options+=(--target "$target"); done
[ -n "$known" ] || options+=(--warnings-as-errors)

mkdir -p "$(dirname "$DOCS_LOG")"
echo "$SWIFT package generate-documentation ${options[*]} (full log: $DOCS_LOG)"
status=0
"$SWIFT" package generate-documentation "${options[@]}" >"$DOCS_LOG" 2>&1 || status=$?

# DocC prints each diagnostic as "warning: <message>", then the place and the source around it.
seen=$(sed -n 's/^warning: //p' "$DOCS_LOG" | sort -u)
new=$(comm -23 <(printf '%s\n' "$seen" | sed '/^$/d') <(printf '%s\n' "$known" | sed '/^$/d'))
fixed=$(comm -13 <(printf '%s\n' "$seen" | sed '/^$/d') <(printf '%s\n' "$known" | sed '/^$/d'))

if [ -n "$new" ]; then
    echo "DocC warnings (each with its place in $DOCS_LOG):"
    printf '%s\n' "$new" | while IFS= read -r message; do
        grep -F -x -A1 "warning: $message" "$DOCS_LOG" | grep -v '^--$' | sed 's/^/  /'
    done
    [ "$status" != 0 ] || status=1
fi
if [ -n "$fixed" ]; then
    echo "Fixed, so delete these lines from $KNOWN:"
    printf '  %s\n' "$fixed"
fi
if [ "$status" != 0 ]; then
    grep -E -A1 '^(error|Error):' "$DOCS_LOG" | grep -v '^--$' || true
    echo "make docs failed (status $status); full log: $DOCS_LOG"
    exit "$status"
fi
if [ -n "$known" ]; then
    echo "$(printf '%s\n' "$known" | wc -l) known DocC warnings left in doc comments ($KNOWN)"
fi
echo "documentation: $ARCHIVE (python3 -m http.server -d $ARCHIVE, then /documentation/gipckit)"
