/* driver.c - a small fuzzing engine for the gcc builds: gcc has no
 * libFuzzer, so every tests/fuzz/fuzz_NAME.c (libFuzzer's interface,
 * LLVMFuzzerTestOneInput) is linked with this main() instead, and built
 * with -fsanitize=address,undefined.
 *
 *   fuzz_NAME [-t SECONDS] [-n RUNS] [-s SEED] [-x DICT] [-C CRASHDIR]
 *             [-T MS] [-m MB] [-l BYTES] CORPUS...
 *   fuzz_NAME -r FILE...          run each file once (a reproducer)
 *
 * It runs every seed of the corpus (directories of files, or files)
 * once, then mutated copies of them until SECONDS or RUNS is reached:
 * bit flips, interesting bytes and numbers, inserted, deleted and
 * duplicated bytes and lines, splices of two seeds, and the tokens of a
 * libFuzzer-style dictionary (-x).  The mutator is a seeded
 * xorshift64*: the same seed, corpus and dictionary give the same
 * inputs, in the same order (no coverage feedback; the corpus is the
 * guide).  Each input is handed over in a buffer of its exact size, so
 * that AddressSanitizer sees a read past its end.
 *
 * What counts as a finding, and is kept under CRASHDIR as
 * crash-NAME-HASH (timeout-..., oom-...) before the program ends with
 * status 1: a sanitizer's report (through its death callback), a fatal
 * signal, an input that runs longer than MS milliseconds, or a peak RSS
 * above MB.  Leaks are LeakSanitizer's to report, at exit.  The last
 * line says how many inputs ran, for how long, and whether anything
 * was found.
 *
 * File-scope state below is what the signal handlers and the sanitizer's
 * death callback need to save the input under way; nothing else is
 * global.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

#define SEED_MAX_BYTES (1L << 20)       /* a seed longer is cut */
#define DICT_MAX 512                    /* dictionary tokens */

struct blob {
	uint8_t *p;
	size_t n;
};

struct blobs {
	struct blob *v;
	size_t n, cap;
};

/* the input under way, for the handlers (see the header comment) */
static const uint8_t *volatile cur_data;
static volatile size_t cur_size;
static char crash_dir[PATH_MAX] = "fuzz-crashes";
static const char *prog = "fuzz";
static volatile sig_atomic_t stop;

/* ---- saving an input ----------------------------------------------------- */

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Async-signal-safe: writes s to stderr. */
static void say(const char *s)
{
	ssize_t w = write(2, s, strlen(s));

	(void)w;
}

/* Keeps the input under way as CRASHDIR/KIND-PROG-HASH (async-signal-
 * safe: no stdio, no malloc). */
static void save_input(const char *kind)
{
	static const char hex[] = "0123456789abcdef";
	char path[PATH_MAX + 128];
	uint64_t h;
	size_t n = 0, len, i;
	ssize_t w;
	int fd;

	if (!cur_data)
		return;
	h = fnv1a(cur_data, cur_size);
	len = strlen(crash_dir);
	if (len > PATH_MAX)
		return;
	memcpy(path, crash_dir, len);
	n = len;
	path[n++] = '/';
	memcpy(path + n, kind, strlen(kind));
	n += strlen(kind);
	path[n++] = '-';
	len = strlen(prog);
	if (len > 64)
		len = 64;
	memcpy(path + n, prog, len);
	n += len;
	path[n++] = '-';
	for (i = 0; i < 16; i++)
		path[n++] = hex[(h >> (60 - 4 * i)) & 0xf];
	path[n] = '\0';
	mkdir(crash_dir, 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		say("fuzz: cannot keep the input in ");
		say(path);
		say("\n");
		return;
	}
	for (i = 0; i < cur_size; i += (size_t)w) {
		w = write(fd, cur_data + i, cur_size - i);
		if (w <= 0)
			break;
	}
	close(fd);
	say("fuzz: the input is kept in ");
	say(path);
	say(" (rerun it with -r)\n");
}

static void on_death(void)
{
	save_input("crash");
}

static void on_fatal(int sig)
{
	say(sig == SIGALRM ? "fuzz: an input ran too long\n" :
	    "fuzz: a fatal signal\n");
	save_input(sig == SIGALRM ? "timeout" : "crash");
	signal(sig, SIG_DFL);
	if (sig == SIGALRM)
		_exit(1);
	raise(sig);
}

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- the corpus and the dictionary --------------------------------------- */

static void push(struct blobs *b, uint8_t *p, size_t n)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->v = realloc(b->v, b->cap * sizeof(*b->v));
		if (!b->v) {
			perror("fuzz");
			exit(2);
		}
	}
	b->v[b->n].p = p;
	b->v[b->n++].n = n;
}

/* The first SEED_MAX_BYTES of the file path, or NULL. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p, *q;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	p = malloc(SEED_MAX_BYTES);
	if (!p) {
		perror("fuzz");
		exit(2);
	}
	*n = fread(p, 1, SEED_MAX_BYTES, f);
	fclose(f);
	q = realloc(p, *n ? *n : 1);
	return q ? q : p;
}

/* path's files (in name order, for the same inputs on every machine),
 * or path itself. */
static void load(struct blobs *seeds, const char *path)
{
	struct dirent **names;
	struct stat st;
	char file[PATH_MAX];
	size_t n;
	int k, i;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		uint8_t *p = slurp(path, &n);

		push(seeds, p, n);
		return;
	}
	k = scandir(path, &names, NULL, alphasort);
	if (k < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	for (i = 0; i < k; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(file, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			uint8_t *p = slurp(file, &n);

			push(seeds, p, n);
		}
		free(names[i]);
	}
	free(names);
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	       c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A libFuzzer dictionary: one "token" a line (NAME="token" too), with
 * \\, \" and \xNN escapes; '#' lines are comments. */
static void load_dict(struct blobs *dict, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f) && dict->n < DICT_MAX) {
		char *q = strchr(line, '"'), *end = strrchr(line, '"');
		uint8_t *tok;
		size_t n = 0;

		lineno++;
		if (line[strspn(line, " \t")] == '#' || !q || end == q)
			continue;
		tok = malloc((size_t)(end - q));
		if (!tok) {
			perror("fuzz");
			exit(2);
		}
		for (q++; q < end; q++) {
			if (*q != '\\') {
				tok[n++] = (uint8_t)*q;
			} else if (q[1] == 'x' && hexval(q[2]) >= 0 &&
				   hexval(q[3]) >= 0) {
				tok[n++] = (uint8_t)(hexval(q[2]) * 16 +
						     hexval(q[3]));
				q += 3;
			} else if (q + 1 < end) {
				tok[n++] = (uint8_t)*++q;
			}
		}
		if (n)
			push(dict, tok, n);
		else
			free(tok);
	}
	fclose(f);
	(void)lineno;
}

/* ---- the mutator ---------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* A number below n (n > 0). */
static size_t below(uint64_t *s, size_t n)
{
	return (size_t)(rnd(s) % n);
}

static const uint8_t interesting_bytes[] = {
	0, 1, 0x7f, 0x80, 0xff, 0xc0, 0xe0, 0xf0, 0xf4, 0xed, '\n', '\r',
	'\t', ' ', '"', '\\', '{', '}', '[', ']', ':', ',', '0', '9', '-',
	'.', '#', '%', '/', '=', '*', 'u', 'e',
};

static const char *const interesting_numbers[] = {
	"0", "-1", "1", "-0", "1e999", "1e-999", "0.5", "65535", "65536",
	"2147483647", "2147483648", "4294967295", "4294967296",
	"9007199254740991", "9007199254740993", "18446744073709551616",
	"1000", "1000000", "100000", "1000001", "99999999999999999999",
	"-9223372036854775808",
};

/* Inserts src[0..n) at pos of b (len *len, room cap); false if no room. */
static int insert(uint8_t *b, size_t *len, size_t cap, size_t pos,
		  const uint8_t *src, size_t n)
{
	if (*len + n > cap || pos > *len)
		return 0;
	memmove(b + pos + n, b + pos, *len - pos);
	memcpy(b + pos, src, n);
	*len += n;
	return 1;
}

static void erase(uint8_t *b, size_t *len, size_t pos, size_t n)
{
	if (pos >= *len)
		return;
	if (n > *len - pos)
		n = *len - pos;
	memmove(b + pos, b + pos + n, *len - pos - n);
	*len -= n;
}

/* The start of the line pos is in, and its length with its newline. */
static size_t line_at(const uint8_t *b, size_t len, size_t pos, size_t *n)
{
	size_t start = pos, end = pos;

	while (start > 0 && b[start - 1] != '\n')
		start--;
	while (end < len && b[end] != '\n')
		end++;
	if (end < len)
		end++;
	*n = end - start;
	return start;
}

/* One mutation of b. */
static void mutate_once(uint64_t *s, uint8_t *b, size_t *len, size_t cap,
			const struct blobs *seeds, const struct blobs *dict)
{
	size_t pos = *len ? below(s, *len) : 0, n, k, from;
	uint8_t tmp[64];
	const struct blob *o;
	const char *num;

	switch (below(s, 14)) {
	case 0:         /* a bit */
		if (*len)
			b[pos] ^= (uint8_t)(1u << below(s, 8));
		break;
	case 1:         /* an interesting byte */
		if (*len)
			b[pos] = interesting_bytes[below(s,
						sizeof(interesting_bytes))];
		break;
	case 2:         /* random bytes in */
		n = 1 + below(s, 8);
		for (k = 0; k < n; k++)
			tmp[k] = (uint8_t)rnd(s);
		insert(b, len, cap, pos, tmp, n);
		break;
	case 3:         /* bytes out */
		erase(b, len, pos, 1 + below(s, 16));
		break;
	case 4:         /* a stretch repeated */
		if (!*len)
			break;
		from = below(s, *len);
		n = 1 + below(s, *len - from < 256 ? *len - from : 256);
		if (*len + n <= cap) {
			memmove(b + pos + n, b + pos, *len - pos);
			memmove(b + pos, b + from + (from >= pos ? n : 0), n);
			*len += n;
		}
		break;
	case 5:         /* a line repeated */
		if (!*len)
			break;
		from = line_at(b, *len, below(s, *len), &n);
		if (n && *len + n <= cap) {
			memmove(b + pos + n, b + pos, *len - pos);
			memmove(b + pos, b + from + (from >= pos ? n : 0), n);
			*len += n;
		}
		break;
	case 6:         /* a line out */
		if (*len) {
			from = line_at(b, *len, pos, &n);
			erase(b, len, from, n);
		}
		break;
	case 7:         /* spliced with another seed */
		o = &seeds->v[below(s, seeds->n)];
		if (!o->n)
			break;
		from = below(s, o->n);
		n = o->n - from;
		if (pos + n > cap)
			n = cap - pos;
		memcpy(b + pos, o->p + from, n);
		*len = pos + n;
		break;
	case 8:         /* a piece of another seed in */
		o = &seeds->v[below(s, seeds->n)];
		if (!o->n)
			break;
		from = below(s, o->n);
		n = 1 + below(s, o->n - from < 512 ? o->n - from : 512);
		insert(b, len, cap, pos, o->p + from, n);
		break;
	case 9:         /* a dictionary token in */
	case 10:        /* ... or over */
		if (!dict->n)
			break;
		o = &dict->v[below(s, dict->n)];
		if (below(s, 2) == 0 || pos + o->n > *len) {
			insert(b, len, cap, pos, o->p, o->n);
		} else {
			memcpy(b + pos, o->p, o->n);
		}
		break;
	case 11:        /* a number in place of the digits there */
		num = interesting_numbers[below(s, sizeof(interesting_numbers) /
						   sizeof(*interesting_numbers))];
		for (from = 0; pos < *len; pos++) {     /* the next digits */
			if (b[pos] >= '0' && b[pos] <= '9')
				break;
			if (++from > 64)
				break;
		}
		for (k = pos; k < *len && b[k] >= '0' && b[k] <= '9'; k++)
			;
		erase(b, len, pos, k - pos);
		insert(b, len, cap, pos, (const uint8_t *)num, strlen(num));
		break;
	case 12:        /* cut short */
		*len = pos;
		break;
	case 13:        /* a byte counted up or down */
		if (*len)
			b[pos] = (uint8_t)(b[pos] + (below(s, 2) ? 1 : -1));
		break;
	}
}

/* ---- running ------------------------------------------------------------------ */

static void run_one(const uint8_t *data, size_t n, unsigned timeout_ms)
{
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy) {
		perror("fuzz");
		exit(2);
	}
	memcpy(copy, data, n);
	cur_size = n;
	cur_data = copy;
	if (timeout_ms)
		alarm((timeout_ms + 999) / 1000);
	LLVMFuzzerTestOneInput(copy, n);
	if (timeout_ms)
		alarm(0);
	cur_data = NULL;
	free(copy);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [-t SECONDS] [-n RUNS] [-s SEED] [-x DICT] "
		"[-C CRASHDIR] [-T MS] [-m MB] [-l BYTES] CORPUS...\n"
		"       %s -r FILE...   (each file once: a reproducer)\n",
		prog, prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct blobs seeds = { 0 }, dict = { 0 };
	double seconds = 10, start;
	unsigned long long runs = 0, limit = 0;
	unsigned timeout_ms = 10000;
	uint64_t seed = 1, s;
	long rss_mb = 2048, maxlen = 0;
	int opt, replay = 0, i;
	size_t k, cap = 0, len;
	uint8_t *b;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	while ((opt = getopt(argc, argv, "t:n:s:x:C:T:m:l:r")) != -1) {
		switch (opt) {
		case 't': seconds = atof(optarg); break;
		case 'n': limit = strtoull(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'x': load_dict(&dict, optarg); break;
		case 'C': snprintf(crash_dir, sizeof(crash_dir), "%s", optarg);
			  break;
		case 'T': timeout_ms = (unsigned)atoi(optarg); break;
		case 'm': rss_mb = atol(optarg); break;
		case 'l': maxlen = atol(optarg); break;
		case 'r': replay = 1; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	signal(SIGALRM, on_fatal);
	signal(SIGABRT, on_fatal);      /* a target's own check failed */
	if (!__sanitizer_set_death_callback) {
		/* no sanitizer: its handlers report these otherwise */
		signal(SIGSEGV, on_fatal);
		signal(SIGBUS, on_fatal);
		signal(SIGFPE, on_fatal);
		signal(SIGILL, on_fatal);
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	for (i = optind; i < argc; i++)
		load(&seeds, argv[i]);
	if (!seeds.n) {
		fprintf(stderr, "%s: no seed in the corpus\n", prog);
		return 2;
	}
	start = now_s();
	for (k = 0; k < seeds.n && !stop; k++) {
		run_one(seeds.v[k].p, seeds.v[k].n, timeout_ms);
		runs++;
		if (seeds.v[k].n > cap)
			cap = seeds.v[k].n;
	}
	cap = maxlen > 0 ? (size_t)maxlen : cap * 2 + 4096;
	b = malloc(cap);
	if (!b) {
		perror("fuzz");
		return 2;
	}
	s = seed * 0x9E3779B97F4A7C15ULL + 1;
	while (!replay && !stop && (!limit || runs < limit) &&
	       (seconds <= 0 || now_s() - start < seconds)) {
		const struct blob *o = &seeds.v[below(&s, seeds.n)];
		int m, nmut = 1 + (int)below(&s, 8);

		len = o->n < cap ? o->n : cap;
		memcpy(b, o->p, len);
		for (m = 0; m < nmut; m++)
			mutate_once(&s, b, &len, cap, &seeds, &dict);
		run_one(b, len, timeout_ms);
		runs++;
		if ((runs & 255) == 0 && rss_mb > 0 && peak_rss_mb() > rss_mb) {
			cur_data = b;
			cur_size = len;
			fprintf(stderr, "%s: peak RSS %ld MB is above -m %ld "
				"(the last input, or one before it)\n", prog,
				peak_rss_mb(), rss_mb);
			save_input("oom");
			return 1;
		}
	}
	if (replay)
		printf("%s: %llu inputs ran, nothing found\n", prog, runs);
	else
		printf("%s: %llu runs in %.1f s (%.0f/s) from %zu seeds, seed "
		       "%llu: nothing found\n", prog, runs, now_s() - start,
		       (double)runs / (now_s() - start + 1e-9), seeds.n,
		       (unsigned long long)seed);
	free(b);
	for (k = 0; k < seeds.n; k++)
		free(seeds.v[k].p);
	free(seeds.v);
	for (k = 0; k < dict.n; k++)
		free(dict.v[k].p);
	free(dict.v);
	return 0;
}
