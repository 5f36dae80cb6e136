/* SPDX-License-Identifier: Apache-2.0 */
/* stub_handlers.h - what the generated stub handlers (t/unit/
 * gen-stub-handlers.sh) call: test_dispatch.c records which handler the
 * dispatch reached and answers as the test asks. */
#ifndef RBD_REST_API_STUB_HANDLERS_H
#define RBD_REST_API_STUB_HANDLERS_H

#include "router.h"

int stub_handler(route_handler self, const char *name, struct request *req,
		 struct response *resp);

#endif
