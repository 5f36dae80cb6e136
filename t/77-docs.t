#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The documentation's examples work: every `api` example in README.md and
# docs/*.md names a route the daemon has, with a method it accepts; and
# the README's tour runs for real, line by line, each answering the
# status its comment promises.
. "$(dirname "$0")/lib/test-lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
routes=$("$(daemon_bin)" --routes)

# Every example: METHOD and path (query dropped) against the route table,
# where {name} in a route matches one path segment.
python3 - "$top" <<'PY' >"$_t_body_file.examples"
import glob, re, sys
top = sys.argv[1]
for doc in [f"{top}/README.md"] + sorted(glob.glob(f"{top}/docs/*.md")):
    text = open(doc).read()
    # Join continued lines, then take each line that calls the shorthand.
    text = re.sub(r"\\\n\s*", " ", text)
    for number, line in enumerate(text.split("\n"), 1):
        m = re.match(r"\s*api\s(.*)", line)
        if not m or "$RBD_API_URL/api/" not in line:
            continue
        args = m.group(1)
        method = re.search(r"-X\s+([A-Z]+)", args)
        method = method.group(1) if method else ("HEAD" if " -I " in f" {args} " else "GET")
        path = re.search(r'\$RBD_API_URL(/api/[^"\s\']*)', args).group(1).split("?")[0]
        print(f"{doc[len(top) + 1:]}\t{method}\t{path}")
PY
n_examples=$(wc -l <"$_t_body_file.examples")
bad=
while IFS=$'\t' read -r doc method path; do
	found=
	while read -r rmethod rpath; do
		if [ "$rmethod" != "$method" ] && ! { [ "$method" = HEAD ] && [ "$rmethod" = GET ]; }; then
			continue
		fi
		regex="^$(printf '%s' "$rpath" | sed 's/{[^}]*}/[^\/]+/g')/?\$"
		if [[ $path =~ $regex ]]; then
			found=1
			break
		fi
		# Every image path exists under a namespace too.
		nsregex=$(printf '%s' "$regex" | sed 's#/images#/namespaces/[^/]+/images#')
		if [[ $path =~ $nsregex ]]; then
			found=1
			break
		fi
	done <<<"$routes"
	[ -n "$found" ] || bad+="$doc: $method $path"$'\n'
done <"$_t_body_file.examples"
rm -f "$_t_body_file.examples"
[ "$n_examples" -gt 50 ]
ok $? "the docs hold examples ($n_examples)"
[ -z "$bad" ]
ok $? "every example names a route and a method the daemon has"
[ -z "$bad" ] || printf '%s' "$bad" | sed 's/^/#   /'

# The tour, for real: each `api` line of the README's "A tour of the API"
# block, with the status its comment names.
tour=$(awk '/^## A tour of the API/ { on = 1 } on && /^```sh/ { inblock = 1; next }
	inblock && /^```/ { exit } inblock' "$top/README.md" | sed -e ':a' -e '/\\$/N; s/\\\n *//; ta')
[ -n "$tour" ]
ok $? "the README has a tour"
story tour
while IFS= read -r line; do
	want=$(printf '%s' "$line" | sed -n 's/.*# \([0-9][0-9][0-9]\).*/\1/p')
	args=$(printf '%s' "$line" | sed 's/^api //; s/ *# [0-9][0-9][0-9].*$//')
	eval "set -- $args"
	method=GET body= extra=()
	while [ $# -gt 0 ]; do
		case $1 in
		-X) method=$2; shift 2 ;;
		-d) body=$2; shift 2 ;;
		-r) extra+=(-r "$2"); shift 2 ;;
		-o) shift 2 ;;    # api keeps the body itself
		*) url=$1; shift ;;
		esac
	done
	api "$method" "${url#"$RBD_API_URL"}" "$body" "${extra[@]}"
	is "$STATUS" "$want" "tour: $method ${url#"$RBD_API_URL"} answers $want"
done <<<"$tour"
done_testing
