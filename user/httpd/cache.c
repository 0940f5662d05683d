/*
 * Small files of a read-only web root, kept in memory after their first
 * request. Whether the root can change is asked once, of its file
 * system: on tarfs (the initial image) nothing changes under httpd, so a
 * cached copy is never stale, and a request for it costs no file system
 * call at all. On any other file system nothing is cached. Entries are
 * never evicted: the first HTTPD_CACHE_FILES files stay.
 */
#include "nexus.h"

#include "httpd.h"

struct cache_entry {
	char path[HTTP_PATH_MAX];	/* the request path, clean */
	char file[NX_PATH_MAX];		/* what it named: for the type */
	size_t len;
	char data[HTTPD_CACHE_FILE_MAX];
};

static struct cache_entry cache[HTTPD_CACHE_FILES];
static unsigned cached;
static bool enabled;

void cache_init(const char *root)
{
	struct nx_statfs st;

	enabled = nx_statfs(root, &st) == 0 && !strcmp(st.type, "tarfs");
}

bool cache_find(const char *path, const char **file, const char **data, size_t *len)
{
	for (unsigned i = 0; i < cached; i++)
		if (!strcmp(cache[i].path, path)) {
			*file = cache[i].file;
			*data = cache[i].data;
			*len = cache[i].len;
			return true;
		}
	return false;
}

bool cache_add(const char *path, const char *file, int fd, uint64_t size)
{
	struct cache_entry *e = &cache[cached];
	uint64_t got = 0;
	int64_t n;

	if (!enabled || cached == HTTPD_CACHE_FILES || size > sizeof(e->data) ||
	    strlen(path) >= sizeof(e->path) || strlen(file) >= sizeof(e->file))
		return false;
	while (got < size && (n = read(fd, e->data + got, (size_t)(size - got))) > 0)
		got += (uint64_t)n;
	if (got != size) {
		lseek(fd, 0);
		return false;
	}
	memcpy(e->path, path, strlen(path) + 1);
	memcpy(e->file, file, strlen(file) + 1);
	e->len = (size_t)size;
	cached++;
	return true;
}
