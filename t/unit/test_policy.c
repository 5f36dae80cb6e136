/* SPDX-License-Identifier: Apache-2.0 */
/* The policy file: its grammar, line-numbered errors, built-in and
 * custom roles, scopes with globs, groups, and what a missing file means. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../src/core/policy.h"
#include "tap.h"

static const char example[] = "# a team's operators and a monitoring job\n"
			      "role auditor read tasks\n"
			      "group team-a alice bob\n"
			      "grant @team-a operator rbd/team-a   # only their namespace\n"
			      "grant mon viewer *\n"
			      "grant carol auditor rbd ssd-*\n"
			      "grant root admin *\n";

static void refuses(const char *text, const char *want_err)
{
	struct policy *policy = NULL;
	char err[512] = "";
	int r = policy_parse(text, "p.conf", &policy, err, sizeof(err));

	ok(r == -EINVAL && !policy && strcmp(err, want_err) == 0, "refused: %s", want_err);
	if (strcmp(err, want_err) != 0)
		printf("#   got \"%s\"\n", err);
}

int main(void)
{
	struct policy *policy = NULL;
	const char *role = NULL;
	char err[512] = "";
	struct timespec t0, t1;
	unsigned verbs;

	is_int(policy_parse(example, "p.conf", &policy, err, sizeof(err)), 0, "example parses %s", err);

	verbs = policy_verbs(policy, "alice", "rbd", "team-a", &role);
	ok((verbs & VERB_DELETE) && !(verbs & VERB_NAMESPACES) && !(verbs & VERB_QOS),
	   "a group member is operator in the namespace");
	is_str(role, "operator", "and the role is named");
	is_int(policy_verbs(policy, "alice", "rbd", "", &role), 0, "not in the default namespace");
	is_int(policy_verbs(policy, "alice", "rbd", NULL, &role), 0, "nor on the pool as a whole");
	is_str(role, "operator", "the role still names the user's role");
	ok(policy_sees(policy, "alice", "rbd", NULL), "sees the pool of its namespace");
	ok(policy_sees(policy, "alice", "rbd", "team-a"), "sees its namespace");
	ok(!policy_sees(policy, "alice", "rbd", "team-b"), "not another namespace");
	ok(!policy_sees(policy, "alice", "ssd-1", NULL), "nor another pool");
	verbs = policy_verbs_inside(policy, "alice", "rbd", &role);
	ok((verbs & VERB_TRASH) && !(verbs & VERB_NAMESPACES),
	   "inside the pool: the verbs of its namespace");
	is_int(policy_verbs_inside(policy, "alice", "ssd-1", &role), 0, "none inside another pool");
	is_int(policy_verbs_inside(policy, "mon", "rbd", &role), VERB_READ,
	       "a viewer on * reads inside any pool");

	is_int(policy_verbs(policy, "mon", "any", "ns", &role), VERB_READ, "viewer reads anything");
	is_int(policy_verbs(policy, "carol", "ssd-7", NULL, &role), VERB_READ | VERB_TASKS,
	       "custom role on a glob");
	is_str(role, "auditor", "custom role named");
	is_int(policy_verbs(policy, "carol", "hdd", NULL, &role), 0, "glob does not match hdd");
	is_int(policy_verbs(policy, "root", "x", "y", &role), VERB_ALL, "admin does everything");
	is_int(policy_verbs(policy, "mallory", "rbd", NULL, &role), 0, "unknown user: nothing");
	ok(role == NULL, "and no role");
	ok(!policy_sees(policy, "mallory", "rbd", NULL), "and sees nothing");
	is_int(policy_verbs(policy, "-", "rbd", NULL, &role), 0, "the no-user mark: nothing");

	/* The request path asks this once a request: the bench figure. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100000; i++)
		policy_verbs(policy, "alice", "rbd", "team-a", &role);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		double us =
			((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
			1e3 / 100000;

		printf("# policy check: %.3f us per request\n", us);
		ok(us < 5.0, "a check costs under 5 us (%.3f)", us);
	}
	policy_free(policy);

	is_int(policy_verbs(NULL, "anyone", "rbd", NULL, &role), VERB_ALL, "no policy: admin");
	ok(strcmp(policy_verb_name(VERB_MIRRORING), "mirroring") == 0, "the mirroring verb is named");
	is_str(role, "admin", "named admin");

	refuses("role viewer read\n", "p.conf:1: role viewer is already defined (built in)");
	refuses("\n\nrole r frobnicate\n",
		"p.conf:3: unknown verb \"frobnicate\"; verbs are read, create, change, delete, trash, tasks, qos, pools, namespaces, features, mirroring, read_data, write_data, locks or *");
	refuses("grant bob superuser rbd\n",
		"p.conf:1: unknown role \"superuser\" (define it with a role line first)");
	refuses("# c\ngrant @ops viewer rbd\n",
		"p.conf:2: unknown group \"ops\" (define it with a group line first)");
	refuses("grant bob viewer rbd/\n",
		"p.conf:1: scope \"rbd/\" must be POOL or POOL/NAMESPACE (globs allowed)");
	refuses("grant bob viewer a/b/c\n",
		"p.conf:1: scope \"a/b/c\" must be POOL or POOL/NAMESPACE (globs allowed)");
	refuses("grant bob viewer\n",
		"p.conf:1: \"grant USER|@GROUP ROLE SCOPE...\" needs a user or group, a role and at least one scope");
	refuses("allow bob\n", "p.conf:1: unknown directive \"allow\"; expected role, group or grant");
	refuses("grant - admin *\n", "p.conf:1: \"-\" is not a user name");

	is_int(policy_load_file("/nonexistent/policy.conf", &policy, err, sizeof(err)), -ENOENT,
	       "a missing file is an error");
	is_str(policy_verb_name(VERB_DELETE), "delete", "verb names");
	return done_testing();
}
