/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the size parser must never crash, and whatever it
 * accepts must follow the grammar ("<digits>[KMGTP][i][B]"). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	uint64_t bytes;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (size_parse(text, &bytes) == 0 && (text[0] < '0' || text[0] > '9'))
		abort();
	free(text);
	return 0;
}
