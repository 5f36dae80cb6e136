/* SPDX-License-Identifier: Apache-2.0 */
/* policy.h - who may do what: users and groups -> roles -> verbs on
 * scopes, read from the policy file (docs/operations.md, "Authorization").
 *
 * Pure data and matching, no I/O besides reading the file, so the master
 * can validate a new file before it replaces workers and the unit tests
 * can drive every rule. A NULL policy is "no policy file": everyone who
 * is authenticated is admin on everything, as before policies existed. */
#ifndef RBD_REST_API_POLICY_H
#define RBD_REST_API_POLICY_H

#include <stddef.h>

/* One bit a verb; a route needs exactly one (routes.c). */
enum policy_verb {
	VERB_READ = 1 << 0, /* every GET and HEAD */
	VERB_CREATE = 1 << 1, /* images, clones, snapshots, copies */
	VERB_CHANGE = 1 << 2, /* resize, rename, rollback, flatten, metadata */
	VERB_DELETE = 1 << 3, /* images, snapshots */
	VERB_TRASH = 1 << 4, /* move to, restore from, purge from the trash */
	VERB_TASKS = 1 << 5, /* cancel tasks */
	VERB_QOS = 1 << 6, /* QoS limits of images and pools; an image's librbd options */
	VERB_POOLS = 1 << 7, /* create and delete pools */
	VERB_NAMESPACES = 1 << 8, /* create and delete namespaces */
	VERB_FEATURES = 1 << 9, /* enable or disable features of an existing image */
	VERB_MIRRORING = 1 << 10, /* mirroring: pool mode, peers, tokens, schedules, image failover */
	VERB_READ_DATA = 1 << 11, /* download image and snapshot content (it can hold secrets) */
	VERB_WRITE_DATA = 1 << 12, /* upload image content, create images from an upload */
	VERB_LOCKS = 1 << 13, /* take and break the locks of images (blocklisting their holders) */
};
#define VERB_ALL ((1u << 14) - 1)

struct policy;

/* Reads a policy file. Returns 0 and *out (the caller frees it with
 * policy_free), or a negative errno with "path:line: why" in err. */
int policy_load_file(const char *path, struct policy **out, char *err, size_t errlen);

/* The same from text, for tests; name stands for the path in messages. */
int policy_parse(const char *text, const char *name, struct policy **out, char *err, size_t errlen);

void policy_free(struct policy *policy);

/* "read" for VERB_READ; NULL for anything but a single known verb. */
const char *policy_verb_name(unsigned verb);

/* The verbs user holds on pool/ns. pool NULL asks about the whole
 * cluster (only scope "*" covers it). ns NULL asks about the pool as a
 * whole (only scopes naming the pool without a namespace count). *role is
 * set to the role that granted the most of them, or the user's first
 * role when none does, or NULL when the user has no role at all. */
unsigned policy_verbs(const struct policy *policy, const char *user, const char *pool,
		      const char *ns, const char **role);

/* The verbs user holds on some scope inside pool (the pool itself or
 * any of its namespaces), for routes whose namespace only the handler
 * finds out (a trash entry's); *role as above. */
unsigned policy_verbs_inside(const struct policy *policy, const char *user, const char *pool,
			     const char **role);

/* The verbs user holds on any scope at all, for routes whose object only
 * the handler knows (tasks); *role as above. */
unsigned policy_verbs_anywhere(const struct policy *policy, const char *user, const char **role);

/* May user see pool/ns at all (any role on it)? With ns NULL: any scope
 * inside the pool, so a namespace-scoped user sees its pool. */
int policy_sees(const struct policy *policy, const char *user, const char *pool, const char *ns);

/* Walks the grants of user (directly or through a group), for whoami. */
typedef void (*policy_grant_fn)(void *arg, const char *role, const char *scope);
void policy_each_grant(const struct policy *policy, const char *user, policy_grant_fn fn, void *arg);

#endif
