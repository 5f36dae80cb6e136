/* SPDX-License-Identifier: Apache-2.0 */
/* size.h - parse human sizes such as "10G", "512MiB", "1t" into bytes.
 *
 * The grammar is the contract's: "<digits>[K|M|G|T|P][i][B]", case
 * insensitive, binary multiples only (K = 1024), nothing before or after. */
#ifndef RBD_REST_API_SIZE_H
#define RBD_REST_API_SIZE_H

#include <stdint.h>

/* Returns 0 and the byte count, -EINVAL when text does not follow the
 * grammar, -ERANGE when the value exceeds 2^64-1 bytes. */
int size_parse(const char *text, uint64_t *bytes);

#endif
