/* SPDX-License-Identifier: Apache-2.0 */
/* policy.c - the policy file: parsing with line-numbered errors, and the
 * questions the request path asks of it (which verbs, what is visible).
 *
 * The file is small and read once per load, so the parsed form is plain
 * arrays walked linearly: a request asks a few fnmatch() calls per grant,
 * well under a microsecond for the policies people write. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct policy_role {
	char *name;
	unsigned verbs;
};

struct policy_group {
	char *name;
	char **members;
	size_t nmembers;
};

struct policy_scope {
	char *text; /* as written, for whoami */
	char *pool; /* glob */
	char *ns; /* glob, or NULL for the whole pool */
};

struct policy_grant {
	char *subject; /* user, or group name when is_group */
	int is_group;
	size_t role; /* index into roles */
	struct policy_scope *scopes;
	size_t nscopes;
};

struct policy {
	struct policy_role *roles;
	size_t nroles;
	struct policy_group *groups;
	size_t ngroups;
	struct policy_grant *grants;
	size_t ngrants;
};

static const char *const verb_names[] = {"read",  "create", "change", "delete",	    "trash",
					 "tasks", "qos",    "pools",  "namespaces", "features",
					 "mirroring", "read_data", "write_data", "locks"};
#define NVERBS (sizeof(verb_names) / sizeof(verb_names[0]))

const char *policy_verb_name(unsigned verb)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (verb == 1u << i)
			return verb_names[i];
	return NULL;
}

static unsigned verb_parse(const char *name)
{
	if (strcmp(name, "*") == 0)
		return VERB_ALL;
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(name, verb_names[i]) == 0)
			return 1u << i;
	return 0;
}

/* The contract's built-in roles; a file may add roles, not redefine these. */
static const struct {
	const char *name;
	unsigned verbs;
} builtin_roles[] = {
	{"viewer", VERB_READ},
	{"operator", VERB_READ | VERB_CREATE | VERB_CHANGE | VERB_DELETE | VERB_TRASH | VERB_TASKS |
			     VERB_READ_DATA | VERB_WRITE_DATA | VERB_LOCKS},
	{"admin", VERB_ALL},
};
#define NBUILTIN (sizeof(builtin_roles) / sizeof(builtin_roles[0]))

void policy_free(struct policy *policy)
{
	if (!policy)
		return;
	for (size_t i = 0; i < policy->nroles; i++)
		free(policy->roles[i].name);
	free(policy->roles);
	for (size_t i = 0; i < policy->ngroups; i++) {
		for (size_t j = 0; j < policy->groups[i].nmembers; j++)
			free(policy->groups[i].members[j]);
		free(policy->groups[i].members);
		free(policy->groups[i].name);
	}
	free(policy->groups);
	for (size_t i = 0; i < policy->ngrants; i++) {
		for (size_t j = 0; j < policy->grants[i].nscopes; j++) {
			free(policy->grants[i].scopes[j].text);
			free(policy->grants[i].scopes[j].pool);
			free(policy->grants[i].scopes[j].ns);
		}
		free(policy->grants[i].scopes);
		free(policy->grants[i].subject);
	}
	free(policy->grants);
	free(policy);
}

/* Grows an array by one zeroed element; returns it or NULL. */
static void *grow(void *array_ptr, size_t *count, size_t size)
{
	void **array = array_ptr;
	char *grown = realloc(*array, (*count + 1) * size);

	if (!grown)
		return NULL;
	*array = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

static ssize_t role_find(const struct policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->nroles; i++)
		if (strcmp(policy->roles[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static struct policy_group *group_find(const struct policy *policy, const char *name)
{
	for (size_t i = 0; i < policy->ngroups; i++)
		if (strcmp(policy->groups[i].name, name) == 0)
			return &policy->groups[i];
	return NULL;
}

struct parse {
	struct policy *policy;
	const char *name;
	unsigned line;
	char *err;
	size_t errlen;
};

static int parse_fail(struct parse *p, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int parse_fail(struct parse *p, int r, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->name, p->line, why);
	return r;
}

static int add_role(struct parse *p, char **words, size_t nwords)
{
	struct policy_role *role;
	unsigned verbs = 0;

	if (nwords < 3)
		return parse_fail(p, -EINVAL,
				  "\"role NAME VERB...\" needs a name and at least one verb");
	if (role_find(p->policy, words[1]) >= 0)
		return parse_fail(p, -EINVAL, "role %s is already defined%s", words[1],
				  (size_t)role_find(p->policy, words[1]) < NBUILTIN ? " (built in)"
										    : "");
	for (size_t i = 2; i < nwords; i++) {
		unsigned verb = verb_parse(words[i]);

		if (!verb)
			return parse_fail(p, -EINVAL,
					  "unknown verb \"%s\"; verbs are read, create, change, delete, trash, tasks, qos, pools, namespaces, features, mirroring, read_data, write_data, locks or *",
					  words[i]);
		verbs |= verb;
	}
	role = grow(&p->policy->roles, &p->policy->nroles, sizeof(*role));
	if (!role)
		return parse_fail(p, -ENOMEM, "out of memory");
	role->verbs = verbs;
	role->name = strdup(words[1]);
	if (!role->name)
		return parse_fail(p, -ENOMEM, "out of memory");
	return 0;
}

static int add_group(struct parse *p, char **words, size_t nwords)
{
	struct policy_group *group;

	if (nwords < 3)
		return parse_fail(p, -EINVAL,
				  "\"group NAME USER...\" needs a name and at least one user");
	group = group_find(p->policy, words[1]);
	if (!group) {
		group = grow(&p->policy->groups, &p->policy->ngroups, sizeof(*group));
		if (!group)
			return parse_fail(p, -ENOMEM, "out of memory");
		group->name = strdup(words[1]);
		if (!group->name)
			return parse_fail(p, -ENOMEM, "out of memory");
	}
	for (size_t i = 2; i < nwords; i++) {
		char **member = grow(&group->members, &group->nmembers, sizeof(*member));

		if (!member)
			return parse_fail(p, -ENOMEM, "out of memory");
		*member = strdup(words[i]);
		if (!*member)
			return parse_fail(p, -ENOMEM, "out of memory");
	}
	return 0;
}

/* "*", "pool-glob" or "pool-glob/namespace-glob", neither part empty. */
static int add_scope(struct parse *p, struct policy_grant *grant, const char *text)
{
	const char *slash = strchr(text, '/');
	struct policy_scope *scope;

	if (!*text || slash == text || (slash && (!slash[1] || strchr(slash + 1, '/'))))
		return parse_fail(p, -EINVAL,
				  "scope \"%s\" must be POOL or POOL/NAMESPACE (globs allowed)", text);
	scope = grow(&grant->scopes, &grant->nscopes, sizeof(*scope));
	if (!scope)
		return parse_fail(p, -ENOMEM, "out of memory");
	scope->text = strdup(text);
	scope->pool = slash ? strndup(text, (size_t)(slash - text)) : strdup(text);
	scope->ns = slash ? strdup(slash + 1) : NULL;
	if (!scope->text || !scope->pool || (slash && !scope->ns))
		return parse_fail(p, -ENOMEM, "out of memory");
	return 0;
}

static int add_grant(struct parse *p, char **words, size_t nwords)
{
	struct policy_grant *grant;
	const char *subject = words[1];
	ssize_t role;
	int r;

	if (nwords < 4)
		return parse_fail(p, -EINVAL,
				  "\"grant USER|@GROUP ROLE SCOPE...\" needs a user or group, a role and at least one scope");
	role = role_find(p->policy, words[2]);
	if (role < 0)
		return parse_fail(p, -EINVAL,
				  "unknown role \"%s\" (define it with a role line first)", words[2]);
	if (*subject == '@' && !group_find(p->policy, subject + 1))
		return parse_fail(p, -EINVAL,
				  "unknown group \"%s\" (define it with a group line first)",
				  subject + 1);
	if (strcmp(subject, "@") == 0 || strcmp(subject, "-") == 0)
		return parse_fail(p, -EINVAL, "\"%s\" is not a user name", subject);
	grant = grow(&p->policy->grants, &p->policy->ngrants, sizeof(*grant));
	if (!grant)
		return parse_fail(p, -ENOMEM, "out of memory");
	grant->is_group = *subject == '@';
	grant->subject = strdup(subject + grant->is_group);
	grant->role = (size_t)role;
	if (!grant->subject)
		return parse_fail(p, -ENOMEM, "out of memory");
	for (size_t i = 3; i < nwords; i++) {
		r = add_scope(p, grant, words[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

#define MAX_WORDS 256

static int parse_line(struct parse *p, char *line)
{
	char *words[MAX_WORDS];
	size_t nwords = 0;
	char *hash = strchr(line, '#');
	char *save = NULL;

	if (hash)
		*hash = '\0';
	for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (nwords == MAX_WORDS)
			return parse_fail(p, -EINVAL, "more than %d words on one line", MAX_WORDS);
		words[nwords++] = w;
	}
	if (nwords == 0)
		return 0;
	if (strcmp(words[0], "role") == 0)
		return add_role(p, words, nwords);
	if (strcmp(words[0], "group") == 0)
		return add_group(p, words, nwords);
	if (strcmp(words[0], "grant") == 0)
		return add_grant(p, words, nwords);
	return parse_fail(p, -EINVAL, "unknown directive \"%s\"; expected role, group or grant",
			  words[0]);
}

int policy_parse(const char *text, const char *name, struct policy **out, char *err, size_t errlen)
{
	struct parse p = {.name = name, .err = err, .errlen = errlen};
	char *copy = strdup(text);
	char *line, *next;
	int r = 0;

	*out = NULL;
	p.policy = calloc(1, sizeof(*p.policy));
	if (!copy || !p.policy) {
		r = parse_fail(&p, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < NBUILTIN; i++) {
		struct policy_role *role = grow(&p.policy->roles, &p.policy->nroles, sizeof(*role));

		if (!role || !(role->name = strdup(builtin_roles[i].name))) {
			r = parse_fail(&p, -ENOMEM, "out of memory");
			goto out;
		}
		role->verbs = builtin_roles[i].verbs;
	}
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		r = parse_line(&p, line);
		if (r < 0)
			goto out;
	}
	*out = p.policy;
	p.policy = NULL;
out:
	policy_free(p.policy);
	free(copy);
	return r;
}

int policy_load_file(const char *path, struct policy **out, char *err, size_t errlen)
{
	FILE *file = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (!file) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot open the policy file: %s", path, strerror(-r));
		return r;
	}
	/* getdelim with NUL reads the whole (text) file at once. */
	if (getdelim(&text, &len, '\0', file) < 0 && ferror(file)) {
		r = -EIO;
		snprintf(err, errlen, "%s: cannot read the policy file", path);
		goto out;
	}
	r = policy_parse(text ? text : "", path, out, err, errlen);
out:
	free(text);
	fclose(file);
	return r;
}

static int user_in_grant(const struct policy *policy, const struct policy_grant *grant, const char *user)
{
	const struct policy_group *group;

	if (!grant->is_group)
		return strcmp(grant->subject, user) == 0;
	group = group_find(policy, grant->subject);
	for (size_t i = 0; group && i < group->nmembers; i++)
		if (strcmp(group->members[i], user) == 0)
			return 1;
	return 0;
}

/* Does scope cover pool/ns? pool NULL is every pool (only "*" does); ns NULL (the pool as a whole) needs a scope
 * without a namespace part; wide = 0 asks "does it reach inside". */
static int scope_covers(const struct policy_scope *scope, const char *pool, const char *ns, int wide)
{
	if (!pool)
		return strcmp(scope->pool, "*") == 0 && !scope->ns;
	if (fnmatch(scope->pool, pool, 0) != 0)
		return 0;
	if (!scope->ns)
		return 1;
	if (!ns)
		return !wide;
	return fnmatch(scope->ns, ns, 0) == 0;
}

/* The verbs of user's grants whose scopes cover pool/ns; wide as in
 * scope_covers (0 also counts scopes that only reach inside). */
static unsigned verbs_covering(const struct policy *policy, const char *user, const char *pool,
			       const char *ns, int wide, const char **role)
{
	unsigned verbs = 0, best = 0;

	if (!policy) {
		*role = "admin";
		return VERB_ALL;
	}
	*role = NULL;
	for (size_t i = 0; i < policy->ngrants; i++) {
		const struct policy_grant *grant = &policy->grants[i];
		const struct policy_role *r = &policy->roles[grant->role];

		if (!user_in_grant(policy, grant, user))
			continue;
		if (!*role)
			*role = r->name;
		for (size_t j = 0; j < grant->nscopes; j++) {
			if (!scope_covers(&grant->scopes[j], pool, ns, wide))
				continue;
			verbs |= r->verbs;
			if (__builtin_popcount(r->verbs) > __builtin_popcount(best)) {
				best = r->verbs;
				*role = r->name;
			}
		}
	}
	return verbs;
}

unsigned policy_verbs(const struct policy *policy, const char *user, const char *pool,
		      const char *ns, const char **role)
{
	return verbs_covering(policy, user, pool, ns, 1, role);
}

unsigned policy_verbs_inside(const struct policy *policy, const char *user, const char *pool,
			     const char **role)
{
	return verbs_covering(policy, user, pool, NULL, 0, role);
}

int policy_sees(const struct policy *policy, const char *user, const char *pool, const char *ns)
{
	if (!policy)
		return 1;
	for (size_t i = 0; i < policy->ngrants; i++) {
		const struct policy_grant *grant = &policy->grants[i];

		if (!user_in_grant(policy, grant, user))
			continue;
		for (size_t j = 0; j < grant->nscopes; j++)
			if (scope_covers(&grant->scopes[j], pool, ns, 0))
				return 1;
	}
	return 0;
}

void policy_each_grant(const struct policy *policy, const char *user, policy_grant_fn fn, void *arg)
{
	if (!policy) {
		fn(arg, "admin", "*");
		return;
	}
	for (size_t i = 0; i < policy->ngrants; i++) {
		const struct policy_grant *grant = &policy->grants[i];

		if (!user_in_grant(policy, grant, user))
			continue;
		for (size_t j = 0; j < grant->nscopes; j++)
			fn(arg, policy->roles[grant->role].name, grant->scopes[j].text);
	}
}

unsigned policy_verbs_anywhere(const struct policy *policy, const char *user, const char **role)
{
	unsigned verbs = 0;

	if (!policy) {
		*role = "admin";
		return VERB_ALL;
	}
	*role = NULL;
	for (size_t i = 0; i < policy->ngrants; i++) {
		const struct policy_grant *grant = &policy->grants[i];
		const struct policy_role *r = &policy->roles[grant->role];

		if (!user_in_grant(policy, grant, user))
			continue;
		if (!*role || __builtin_popcount(r->verbs) > __builtin_popcount(verbs))
			*role = r->name;
		verbs |= r->verbs;
	}
	return verbs;
}
