/* SPDX-License-Identifier: Apache-2.0 */
/* names.c - validation of resource names (see names.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "names.h"
#include "utf8.h"

int name_check(const char *name, size_t len, const char **why)
{
	if (len == 0) {
		*why = "is empty";
		return -EINVAL;
	}
	if (len > NAME_MAX_BYTES) {
		*why = "is longer than 250 bytes";
		return -EINVAL;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		*why = "may not be \".\" or \"..\"";
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == 0) {
			*why = "contains a NUL byte";
			return -EINVAL;
		}
		if (c == '/') {
			*why = "contains '/'";
			return -EINVAL;
		}
		if (c == '@') {
			*why = "contains '@'";
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(name + i, len - i, &cp);

		if (n == 0) {
			*why = "is not valid UTF-8";
			return -EILSEQ;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			*why = "contains a control character";
			return -EILSEQ;
		}
		i += n;
	}
	return 0;
}
