/* poolevent.c - see scenario.h: the words of a pool's events, from
 * GA_POOL_EVENT_MAP. */
#include "lang/scenario.h"

#include <stdio.h>
#include <string.h>

static const char *const names[GA_POOL_EVENT_COUNT] = {
#define GA_POOL_EVENT_NAME(name, word, meaning) \
	[GA_POOL_EVENT_I_##name] = word,
	GA_POOL_EVENT_MAP(GA_POOL_EVENT_NAME)
#undef GA_POOL_EVENT_NAME
};

const char *ga_pool_event_name(unsigned index)
{
	return index < GA_POOL_EVENT_COUNT ? names[index] : NULL;
}

int ga_pool_event_find(const char *word, size_t len)
{
	unsigned i;

	for (i = 0; i < GA_POOL_EVENT_COUNT; i++)
		if (strlen(names[i]) == len && memcmp(names[i], word, len) == 0)
			return (int)i;
	return -1;
}

/* word appended to buf[0..len) (*used so far), after sep unless it is
 * the first; false when it does not fit. */
static bool join(char *buf, size_t len, size_t *used, const char *sep,
		 const char *word)
{
	int n = snprintf(buf + *used, len - *used, "%s%s", *used ? sep : "",
			 word);

	if (n < 0 || (size_t)n >= len - *used)
		return false;
	*used += (size_t)n;
	return true;
}

const char *ga_pool_events_text(unsigned set, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < GA_POOL_EVENT_COUNT; i++)
		if ((set & (1u << i)) && !join(buf, len, &used, "+", names[i]))
			break;
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

const char *ga_pool_sets_text(uint32_t sets, char *buf, size_t len)
{
	char one[128];
	size_t used = 0;
	unsigned s;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (s = 0; s < 32; s++)
		if ((sets & GA_POOL_SET(s)) &&
		    !join(buf, len, &used, " | ",
			  ga_pool_events_text(s, one, sizeof(one))))
			break;
	return buf;
}
