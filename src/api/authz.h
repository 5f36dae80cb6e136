/* SPDX-License-Identifier: Apache-2.0 */
/* authz.h - the policy (policy.h) applied to a request: the check before
 * any cluster call, and the filter that keeps listings to the user's
 * scopes. http.c calls both around the handler. */
#ifndef RBD_REST_API_AUTHZ_H
#define RBD_REST_API_AUTHZ_H

struct request;
struct response;

/* Decides whether req's user may run req's route on its object, before
 * the handler and before the body is read. Sets req->role and
 * req->decision for the audit line. Returns 0 when allowed; else the
 * answer is in resp (403 naming user, role, verb and object, or 404 for
 * an object outside the user's scopes, worded as a missing one). */
int authz_check(struct request *req, struct response *resp);

/* The same for what the request body names (copy destination, clone
 * parent, a feature change in an image PATCH), once the body is read; a malformed body is left to the
 * handler. Returns 0 or the 403 in resp. */
int authz_check_body(struct request *req, struct response *resp);

/* For ROUTE_SCOPE_ITEMS routes, whose entries' namespaces only the
 * handler finds out (the trash of a pool): may the user see pool/ns at
 * all (handlers skip what it may not, so a hidden entry is a missing
 * one)? And may it run the route's verb there: 0, or the 403 in resp. */
int authz_sees(const struct request *req, const char *pool, const char *ns);
int authz_check_item(struct request *req, struct response *resp, const char *pool,
		     const char *ns);

/* After the handler: drops listing items outside the user's scopes, and
 * turns a task outside them into the 404 of a missing one. */
void authz_filter(struct request *req, struct response *resp);

#endif
