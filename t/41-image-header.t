#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# An image reads the same whether the service describes it from its header
# object alone (the fast path: format 2, no snapshots, no parent, no
# striping) or opens it with librbd (everything else): for images of many
# kinds, GET without a snapshot (header) and GET once a snapshot exists
# (open) agree on every field but the snapshot count, and so does the
# detail listing.
. "$(dirname "$0")/lib/test-lib.sh"

pool=$(unique hdr)
data=$(unique hdrdata)
base=/api/v1/pools/$pool

cleanup() {
	ceph osd pool rm "$pool" "$pool" --yes-i-really-really-mean-it >/dev/null 2>&1
	ceph osd pool rm "$data" "$data" --yes-i-really-really-mean-it >/dev/null 2>&1
}
at_exit cleanup

ceph osd pool create "$pool" 8 >/dev/null 2>&1
ceph osd pool create "$data" 8 >/dev/null 2>&1
rbd pool init "$pool"
rbd pool init "$data"
rbd namespace create "$pool/inner"

# name, then rbd create options
kinds=(
	"plain -s 1G"
	"layering -s 100M --image-feature layering"
	"locked -s 10M --image-feature layering,exclusive-lock"
	"journaled -s 5M --image-feature layering,exclusive-lock,journaling"
	"datapool -s 3M --data-pool $data"
	"smallobj -s 64M --object-size 64K"
	"odd -s 1000001"
	"inner/spaced -s 2M"
)
for kind in "${kinds[@]}"; do
	read -r name opts <<<"$kind"
	# shellcheck disable=SC2086
	rbd create $opts "$pool/$name"
done
rbd bench --io-type write --io-size 64K --io-total 1M "$pool/plain" >/dev/null 2>&1
rbd resize -s 20M "$pool/locked" >/dev/null 2>&1
rbd feature disable "$pool/layering" layering >/dev/null 2>&1 || true
rbd create -s 4M "$pool/parent"
rbd snap create "$pool/parent@s" >/dev/null 2>&1
rbd snap protect "$pool/parent@s"
rbd clone "$pool/parent@s" "$pool/flattened"
rbd flatten "$pool/flattened" >/dev/null 2>&1

path() {
	case $1 in
	*/*) echo "$base/namespaces/${1%%/*}/images/${1#*/}" ;;
	*) echo "$base/images/$1" ;;
	esac
}

same_but_snapshots='del(.Kind, .APIVersion, .snapshot_count, .modify_timestamp, .access_timestamp)'
for name in plain layering locked journaled datapool smallobj odd inner/spaced flattened; do
	api GET "$(path "$name")"
	is "$STATUS $(field .snapshot_count)" "200 0" "$name: read from its header"
	header=$(field "$same_but_snapshots")
	if [[ $name == */* ]]; then
		api GET "$base/namespaces/inner/images?detail=true"
	else
		api GET "$base/images?detail=true"
	fi
	listed=$(field ".Items[] | select(.name == \"${name#*/}\") | $same_but_snapshots")
	is "$(jq -S . <<<"$listed")" "$(jq -S . <<<"$header")" "$name: the detail listing says the same"
	rbd snap create "$pool/$name@probe" >/dev/null 2>&1
	api GET "$(path "$name")"
	is "$(field .snapshot_count)" 1 "$name: with a snapshot, opened"
	is "$(field "$same_but_snapshots" | jq -S .)" "$(jq -S . <<<"$header")" \
		"$name: opened, it reads the same"
	rbd snap rm "$pool/$name@probe" >/dev/null 2>&1
done
is "$(rbd info --format json "$pool/datapool" | jq -r .data_pool)" "$data" "rbd info names the data pool"
api GET "$(path datapool)"
is "$(field .data_pool)" "$data" "and so does the header read"

done_testing
