/* driver.c - what every driver has: its name, its library and the call
 * names its replies gave (see driver.h). */
#include "client/driver.h"

#include <stdlib.h>
#include <string.h>

#include "client/protocol.h"
#include "util/grow.h"

void ga_driver_release(struct ga_driver *drv)
{
	size_t i;

	if (drv->argv) {
		for (i = 0; drv->argv[i]; i++)
			free(drv->argv[i]);
		free(drv->argv);
	}
	drv->argv = NULL;
	ga_strings_free(drv->apis, drv->napis);
	drv->apis = NULL;
	drv->napis = 0;
}

void ga_driver_identify(const struct ga_driver *drv, struct ga_server_id *id)
{
	id->client = drv->name;
	id->client_alias = drv->alias[0] ? drv->alias : NULL;
	id->client_version = drv->version;
}

const char *ga_driver_intern(struct ga_driver *drv, const char *api)
{
	char **grown;
	size_t i;

	for (i = 0; i < drv->napis; i++)
		if (strcmp(drv->apis[i], api) == 0)
			return drv->apis[i];
	grown = realloc(drv->apis, (drv->napis + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	drv->apis = grown;
	grown[drv->napis] = strdup(api);
	if (!grown[drv->napis])
		return NULL;
	return grown[drv->napis++];
}

bool ga_driver_cannot_connect(const struct ga_driver *drv,
			      const struct ga_connection *c)
{
	struct ga_step connect = { .kind = GA_STEP_CONNECT };
	struct ga_server_id who;

	if (drv->protocol == 0)         /* built in: libmysqlclient has no
					 * pool (client/builtin.c) */
		return c->pool.line != 0;
	memset(&who, 0, sizeof(who));
	ga_driver_identify(drv, &who);
	return (ga_protocol_step_needs(&connect, c, &who) & ~drv->features) !=
	       0;
}
