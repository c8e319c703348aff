/* check_fault_stack.c - the revert stack: reverse order, logged only
 * after the attempt, a failed revert reported and never taken for done,
 * and (as root) a real firewall rule really gone from the lab after the
 * unwind. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "faults/fault.h"
#include "faults/residue.h"
#include "faults/stack.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "suites.h"

/* ---- a fake fault kind that records what happened to it ------------------ */

struct fake_spec {
	const char *word;       /* describes it */
	int fail_revert;        /* its revert fails */
};

static char order[64];          /* the names of the reverts, in order */

static int fake_parse(const char *args, void **spec,
		      struct ga_fault_diag *diag)
{
	(void)args;
	(void)spec;
	(void)diag;
	return -1;
}

static int fake_validate(const void *spec, struct ga_fault_diag *diag)
{
	(void)spec;
	(void)diag;
	return 0;
}

static void fake_describe(const void *spec, char *buf, size_t len)
{
	const struct fake_spec *fs = spec;

	snprintf(buf, len, "%s", fs->word);
}

static void fake_free(void *spec)
{
	(void)spec;
}

static int fake_apply(const void *spec, const struct ga_fault_target *t,
		      void **state, struct ga_error *err)
{
	(void)spec;
	(void)t;
	(void)err;
	*state = NULL;
	return 0;
}

static int fake_revert(const void *spec, const struct ga_fault_target *t,
		       void *state, struct ga_error *err)
{
	const struct fake_spec *fs = spec;
	size_t n = strlen(order);

	(void)t;
	(void)state;
	snprintf(order + n, sizeof(order) - n, "%s;", fs->word);
	if (fs->fail_revert)
		return ga_error_set(err, "the %s would not go", fs->word);
	return 0;
}

static const struct ga_fault_ops fake_ops = {
	.apply = fake_apply,
	.revert = fake_revert,
};

static const struct ga_fault_kind fake_kind = {
	.name = "fake",
	.usage = "fake",
	.parse = fake_parse,
	.validate = fake_validate,
	.describe = fake_describe,
	.free_spec = fake_free,
	.ops = &fake_ops,
};

START_TEST(test_unwind_reverse_and_failures)
{
	struct fake_spec a = { "a", 0 }, b = { "b", 1 }, c = { "c", 0 };
	struct ga_fault_stack fs;
	struct ga_fault_target t;
	struct ga_error err;

	memset(&fs, 0, sizeof(fs));
	memset(&t, 0, sizeof(t));
	order[0] = '\0';
	ck_assert_int_eq(ga_fault_stack_apply(&fs, &fake_kind, &a, "fa", 3, &t,
					      &err), 0);
	ck_assert_int_eq(ga_fault_stack_apply(&fs, &fake_kind, &b, "fb", 4, &t,
					      &err), 0);
	ck_assert_int_eq(ga_fault_stack_apply(&fs, &fake_kind, &c, "fc", 5, &t,
					      &err), 0);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &t, &err), 1);
	/* every one was tried, last applied first, the failure included */
	ck_assert_str_eq(order, "c;b;a;");
	/* only what really went is logged as reverted */
	ck_assert_str_eq(fs.reverted, "fc (fake c), fa (fake a)");
	ck_assert_msg(strstr(fs.failed, "fb (fake b): lifting fault 'fb': "
			     "the b would not go") != NULL, "%s", fs.failed);
	ck_assert_msg(strstr(err.msg, "the b would not go") != NULL, "%s",
		      err.msg);
	ck_assert_int_eq((int)fs.n, 0);
}
END_TEST

START_TEST(test_lift_then_unwind)
{
	struct fake_spec a = { "a", 0 }, b = { "b", 0 };
	struct ga_fault_stack fs;
	struct ga_fault_target t;
	struct ga_error err;

	memset(&fs, 0, sizeof(fs));
	memset(&t, 0, sizeof(t));
	order[0] = '\0';
	ga_fault_stack_apply(&fs, &fake_kind, &a, "fa", 3, &t, &err);
	ga_fault_stack_apply(&fs, &fake_kind, &b, "fb", 4, &t, &err);
	ck_assert_int_eq(ga_fault_stack_lift(&fs, 3, &t, &err), 0);
	/* lifted once: not in place any more */
	ck_assert_int_eq(ga_fault_stack_lift(&fs, 3, &t, &err), -1);
	ck_assert_msg(strstr(err.msg, "not in place") != NULL, "%s", err.msg);
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &t, &err), 0);
	ck_assert_str_eq(order, "a;b;");
	ck_assert_str_eq(fs.reverted, "fb (fake b)");
	ck_assert_str_eq(fs.failed, "");
}
END_TEST

START_TEST(test_lift_failure_is_reported)
{
	struct fake_spec b = { "b", 1 };
	struct ga_fault_stack fs;
	struct ga_fault_target t;
	struct ga_error err;

	memset(&fs, 0, sizeof(fs));
	memset(&t, 0, sizeof(t));
	order[0] = '\0';
	ga_fault_stack_apply(&fs, &fake_kind, &b, "fb", 4, &t, &err);
	ck_assert_int_eq(ga_fault_stack_lift(&fs, 4, &t, &err), -1);
	ck_assert_msg(strstr(err.msg, "lifting fault 'fb'") != NULL, "%s",
		      err.msg);
	/* a lift that failed is not reverted a second time at the end */
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &t, &err), 0);
	ck_assert_str_eq(order, "b;");
}
END_TEST

/* ---- as root: a real rule, really gone ------------------------------------- */

struct nft_list {
	char out[8192];
};

static int list_tables(void *arg, struct ga_error *err)
{
	struct nft_list *l = arg;
	struct nft_ctx *ctx;

	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return ga_error_set(err, "nft_ctx_new failed");
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	if (nft_run_cmd_from_buffer(ctx, "list ruleset") != 0) {
		ga_error_set(err, "nft: %s", nft_ctx_get_error_buffer(ctx));
		nft_ctx_free(ctx);
		return -1;
	}
	snprintf(l->out, sizeof(l->out), "%s", nft_ctx_get_output_buffer(ctx));
	nft_ctx_free(ctx);
	return 0;
}

/* A private network namespace for the forked test (the host's is never
 * touched), a lab in it, and the target of a fault made there. */
static void lab_target(struct ga_lab *lab, struct ga_fault_target *t,
		       unsigned tag)
{
	struct ga_error err;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(ga_lab_create(lab, tag, &err) == 0, "lab: %s",
		      err.msg);
	memset(t, 0, sizeof(*t));
	t->client_ns = lab->client_ns;
	t->server_ns = lab->server_ns;
	t->client_if = lab->client_if;
	t->server_if = lab->server_if;
	t->client_addr = GA_LAB_CLIENT_ADDR;
	t->server_addr = GA_LAB_SERVER_ADDR;
	t->server_port = 3306;
	t->tag = tag;
}

START_TEST(test_real_rule_gone_after_unwind)
{
	const struct ga_fault_kind *fw = ga_fault_kind_find("firewall");
	struct ga_fault_diag diag;
	struct ga_fault_stack fs;
	struct ga_fault_target t;
	struct nft_list l;
	struct ga_error err;
	struct ga_lab lab;
	void *spec = NULL;

	lab_target(&lab, &t, 0x5ac);
	ck_assert_int_eq(fw->parse("drop both", &spec, &diag), 0);
	memset(&fs, 0, sizeof(fs));
	ck_assert_msg(ga_fault_stack_apply(&fs, fw, spec, "wall", 7, &t,
					   &err) == 0, "apply: %s", err.msg);
	ck_assert_msg(ga_netns_run(lab.server_ns, list_tables, &l, &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(strstr(l.out, "drop") != NULL, "no rule: %s", l.out);
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &t, &err), 0);
	ck_assert_msg(ga_netns_run(lab.server_ns, list_tables, &l, &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(strstr(l.out, "goneaway") == NULL,
		      "the rule is still there: %s", l.out);
	ck_assert_str_eq(fs.reverted, "wall (firewall drop both)");
	fw->free_spec(spec);
	ga_lab_destroy(&lab);
}
END_TEST

/* A lab's state (faults/residue.h) shows a firewall fault's table and a
 * tbf fault's qdisc while they are applied, and is as before once the
 * stack is unwound: what run/reuse.c relies on to keep a lab after its
 * faults.  Also a table a fault leaves (its revert failed or never ran)
 * is seen. */
START_TEST(test_lab_state_after_unwind)
{
	const struct ga_fault_kind *fw = ga_fault_kind_find("firewall");
	const struct ga_fault_kind *tbf = ga_fault_kind_find("tbf");
	struct ga_fault_diag diag;
	struct ga_fault_stack fs;
	struct ga_fault_target t;
	struct ga_error err;
	struct ga_lab lab;
	char *before = NULL, *during = NULL, *after = NULL;
	void *spec1 = NULL, *spec2 = NULL;

	lab_target(&lab, &t, 0x5ad);
	ck_assert_msg(ga_fault_lab_state(&t, &before, &err) == 0, "%s",
		      err.msg);
	ck_assert_ptr_null(strstr(before, "nft"));
	ck_assert_ptr_null(strstr(before, "tbf"));
	ck_assert_int_eq(fw->parse("drop both", &spec1, &diag), 0);
	ck_assert_int_eq(tbf->parse("on server rate 6kbit burst 1600b limit 64k",
				    &spec2, &diag), 0);
	memset(&fs, 0, sizeof(fs));
	ck_assert_msg(ga_fault_stack_apply(&fs, fw, spec1, "wall", 7, &t,
					   &err) == 0, "apply: %s", err.msg);
	ck_assert_msg(ga_fault_stack_apply(&fs, tbf, spec2, "slow", 8, &t,
					   &err) == 0, "apply: %s", err.msg);
	ck_assert_msg(ga_fault_lab_state(&t, &during, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(strstr(during, "server nft table inet goneaway_5ad_7"),
		      "%s", during);
	ck_assert_msg(strstr(during, " tbf "), "%s", during);
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &t, &err), 0);
	ck_assert_msg(ga_fault_lab_state(&t, &after, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(after, before);
	fw->free_spec(spec1);
	tbf->free_spec(spec2);
	free(during);
	free(after);
	/* a table left behind is a difference */
	ck_assert_int_eq(fw->parse("drop both", &spec1, &diag), 0);
	memset(&fs, 0, sizeof(fs));
	ck_assert_msg(ga_fault_stack_apply(&fs, fw, spec1, "wall", 9, &t,
					   &err) == 0, "apply: %s", err.msg);
	ck_assert_msg(ga_fault_lab_state(&t, &after, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_ne(after, before);
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &t, &err), 0);
	fw->free_spec(spec1);
	free(after);
	free(before);
	ga_lab_destroy(&lab);
}
END_TEST

Suite *make_fault_stack_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("fault_stack");
	TCase *tc;

	tc = tcase_create("stack");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_unwind_reverse_and_failures);
	tcase_add_test(tc, test_lift_then_unwind);
	tcase_add_test(tc, test_lift_failure_is_reported);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "fault_stack", "kernel",
			    "network namespaces, nftables")) {
		tc = tcase_create("kernel");
		tcase_set_timeout(tc, 20);
		tcase_add_test(tc, test_real_rule_gone_after_unwind);
		tcase_add_test(tc, test_lab_state_after_unwind);
		suite_add_tcase(s, tc);
	}
	return s;
}
