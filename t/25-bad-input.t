#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A table of malformed requests, each answered with the documented 4xx and
# a JSON Status, and none of which changes anything in the cluster.
. "$(dirname "$0")/lib/test-lib.sh"

img=$(unique bad)
pool=rbd
I=/api/v1/pools/$pool/images
long=$(head -c 251 /dev/zero | tr '\0' 'n')
deep=$(printf '%.0s[' $(seq 40))1$(printf '%.0s]' $(seq 40))
big=$(head -c 70000 /dev/zero | tr '\0' 'x')
longq=$(head -c 9000 /dev/zero | tr '\0' 'q')

state() {  # what must not change: pools, and each pool's images and snapshots
	ceph osd pool ls 2>/dev/null
	for p in $(ceph osd pool ls 2>/dev/null); do
		echo "== $p"
		rbd ls "$p" 2>/dev/null
	done
}
before=$(state)

# code | method | path | body (printf %b escapes) | content type (default JSON) | message regex | curl option
cases=$(cat <<EOT
400|POST|$I|{"name":"$img",||not valid JSON
400|POST|$I|{"name":"$img","size":1||not valid JSON.*end of input
400|POST|$I|{"name":"$img" "size":1}||not valid JSON
400|POST|$I|{'name':'$img'}||not valid JSON
400|POST|$I|{"name":"$img","size":1,}||not valid JSON
400|POST|$I|{"name":"$img","size":01}||not valid JSON
400|POST|$I|{"name":"$img","size":1}{}||not valid JSON
400|POST|$I|{"name":"$img","size":NaN}||field "size"|
400|POST|$I|{"comment":$deep}||not valid JSON
400|POST|$I|{"name":"$img","size":99999999999999999999999}||larger than 2.64-1
400|POST|$I|{"name":"$img","size":1,"size":2}||repeats a key
400|POST|$I|{"name":"a\\\\u0000b","size":1}||NUL
400|POST|$I|{"name":"a\\x00b","size":1}||NUL byte
400|POST|$I|{"name":"\\xff\\xfe","size":1}||not valid JSON
400|POST|$I|{"name":"\\xc3\\x28","size":1}||not valid JSON
400|POST|$I|[]||must be a JSON object
400|POST|$I|"$img"||must be a JSON object
400|POST|$I|null||must be a JSON object
400|POST|$I|42||must be a JSON object
400|POST|$I|{}||field "name" is required
400|POST|$I|{"name":"$img"}||field "size" is required
400|POST|$I|{"name":"$img","size":1,"szie":1}||unknown field "szie"
400|POST|$I|{"name":"$img","size":1,"Name":"x"}||unknown field "Name"
400|POST|$I|{"name":5,"size":1}||field "name".*must be
400|POST|$I|{"name":null,"size":1}||field "name"
400|POST|$I|{"name":["$img"],"size":1}||field "name"
400|POST|$I|{"name":"$img","size":[1]}||field "size"
400|POST|$I|{"name":"$img","size":{"v":1}}||field "size"
400|POST|$I|{"name":"$img","size":true}||field "size"
400|POST|$I|{"name":"$img","size":-1}||must not be negative
400|POST|$I|{"name":"$img","size":"-1"}||not a size
400|POST|$I|{"name":"$img","size":1e9}||field "size"
400|POST|$I|{"name":"$img","size":1.5}||field "size"
400|POST|$I|{"name":"$img","size":"10X"}||not a size
400|POST|$I|{"name":"$img","size":"1.5G"}||not a size
400|POST|$I|{"name":"$img","size":""}||not a size
400|POST|$I|{"name":"$img","size":" 1G"}||not a size
400|POST|$I|{"name":"$img","size":"16384P"}||larger than 2.64-1
400|POST|$I|{"name":"","size":1}||name is empty
400|POST|$I|{"name":"../x","size":1}||contains '/'
400|POST|$I|{"name":"a/b","size":1}||contains '/'
400|POST|$I|{"name":"a@b","size":1}||contains '@'
400|POST|$I|{"name":"..","size":1}||may not be
400|POST|$I|{"name":"a\\\\nb","size":1}||control character
400|POST|$I|{"name":"$long","size":1}||longer than 250
400|POST|$I|{"name":"$img","size":1,"features":"layering"}||field "features"
400|POST|$I|{"name":"$img","size":1,"features":["teleport"]}||unknown feature "teleport"
400|POST|$I|{"name":"$img","size":1,"object_size":1000}||power of two
400|POST|$I|{"name":"$img","size":1,"stripe_count":0,"stripe_unit":"4K"}||at least 1
400|POST|/api/v1/pools|{"name":"p","pg_num":"lots"}||field "pg_num"
400|POST|/api/v1/pools|{"name":"p/q"}||contains '/'
400|PATCH|$I/$img|{"size":"1G","allow_shrink":"yes"}||field "allow_shrink"
400|PATCH|$I/$img|{"name":"x@y"}||contains '@'
415|POST|$I|{"name":"$img","size":1}|text/plain|Content-Type: application/json
415|POST|$I|{"name":"$img","size":1}|application/x-www-form-urlencoded|Content-Type
415|POST|$I|{"name":"$img","size":1}|application/jsonp|Content-Type
415|PATCH|$I/$img|{"size":1}|text/json|Content-Type
413|POST|$I|{"name":"$big"}||
404|GET|/api/v1/pool|||no such endpoint
404|GET|/api/v2/pools|||no such endpoint
404|GET|/api/v1/pools/$pool/imagez|||no such endpoint
404|GET|/api/v1/pools/$pool/images/x/y/z|||no such endpoint
400|GET|/api/v1/pools/$pool/images/..%2Fx|||contains '/'
400|GET|/api/v1/pools/$pool/images/a%2Fb|||contains '/'
400|GET|/api/v1/pools/$pool/images/a%40b|||contains '@'
400|GET|/api/v1/pools/$pool/images/a%0Db|||control character
400|GET|/api/v1/pools/$pool/images/a%00b|||
400|GET|/api/v1/pools/$pool/images/%zz|||
400|GET|/api/v1/pools/$pool/images/$long|||longer than 250
405|PUT|$I|||not allowed
405|DELETE|/api/v1/pools|||not allowed
405|POST|/api/v1/health|||not allowed
405|OPTIONS|$I|||not allowed
405|TRACE|$I|||
400|GET|$I?detail=yes|||detail must be true or false
400|GET|$I?limit=-1|||limit must be
400|GET|$I?limit=99999999999999999999|||limit must be
400|GET|$I?limit=10&limit=20|||given more than once
400|GET|$I?bogus=1|||unknown query parameter "bogus"
400|GET|$I?%zz=1|||malformed
400|GET|$I?continue=%2F%2F|||not a token
414|GET|$I?detail=$longq||||--http1.1
400|DELETE|/api/v1/pools/$pool|||repeat its name
EOT
)

n=0
while IFS='|' read -r code method path body type regex extra; do
	[ -n "$code" ] || continue
	n=$((n + 1))
	file=$(mktemp)
	printf '%b' "$body" >"$file"
	args=(-sS --cacert "$RBD_API_CACERT" -u "$RBD_API_USER:$RBD_API_PASSWORD" -X "$method"
		-D - -o "$_t_body_file" --max-time 30)
	[ -s "$file" ] && args+=(--data-binary "@$file" -H "Content-Type: ${type:-application/json}")
	[ -n "$extra" ] && args+=("$extra")
	HEADERS=$(curl "${args[@]}" "$RBD_API_URL$path" 2>/dev/null)
	STATUS=$(printf '%s\n' "$HEADERS" | awk 'NR==1 {print $2}')
	BODY=$(cat "$_t_body_file")
	_t_last_request="$method ${path:0:80} ${body:0:60}"
	rm -f "$file"
	short="$method ${path:0:50}${body:+ ${body:0:40}}"
	if [ "$STATUS" = "$code" ] && [ "$(field .Kind)" = Status ] && [ "$(field .code)" = "$code" ] &&
		[[ $(field .message) =~ $regex ]]; then
		ok 0 "$code for $short"
	else
		ok 1 "$code for $short (got $STATUS, message: $(field .message))"
	fi
done <<<"$cases"
echo "# bad inputs tried: $n"

is "$(state)" "$before" "the cluster is unchanged: same pools, same images"

done_testing
