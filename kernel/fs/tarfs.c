/*
 * tarfs (see tarfs.h). The archive format is POSIX.1-2008 "pax" ustar
 * interchange format (XCU pax, "ustar Interchange Format"): 512-byte
 * headers, each followed by its data rounded up to 512 bytes, and two
 * zero blocks at the end. Every number field is octal text; the header
 * checksum is the sum of its bytes with the checksum field read as spaces.
 */
#include <stdbool.h>
#include <string.h>

#include <nexus/errno.h>

#include "fmt.h"
#include "fs/tarfs.h"

#define WHY(code, ...) \
	((void)(why ? fmt_snprintf(why, whylen, __VA_ARGS__) : 0), -(code))

/* Field offsets and lengths in a ustar header. */
#define H_NAME		0
#define H_NAME_LEN	100
#define H_MODE		100
#define H_SIZE		124
#define H_CHKSUM	148
#define H_TYPE		156
#define H_MAGIC		257	/* "ustar\0" then version "00" */
#define H_PREFIX	345
#define H_PREFIX_LEN	155

#define IMPLIED_DIR_MODE	0755

enum entry_kind { KIND_FILE, KIND_DIR, KIND_SKIP };

/* One header, decoded. */
struct entry {
	char path[TARFS_PATH_MAX];	/* normalised, no leading '/'; "" the root */
	enum entry_kind kind;
	uint32_t mode;
	uint64_t size;
	size_t data;		/* offset of the data */
	size_t next;		/* offset of the next header */
};

/*
 * An octal field: optional leading spaces, digits, then only NULs or
 * spaces. Base-256 fields (a GNU extension, first byte >= 0x80) fail.
 */
static bool octal(const unsigned char *f, size_t n, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	bool digits = false;

	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits = true) {
		if (v > (UINT64_MAX >> 3))
			return false;
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return digits;
}

static bool zero_block(const unsigned char *b)
{
	for (size_t i = 0; i < TARFS_BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static uint64_t header_sum(const unsigned char *b)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < TARFS_BLOCK; i++)
		sum += (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' : b[i];
	return sum;
}

/*
 * Appends the components of @src[@n] to @out (@len bytes so far), skipping
 * empty and "." components. Returns 0, 1 for a ".." component, 2 if the
 * result would not fit TARFS_PATH_MAX.
 */
static int path_append(char *out, size_t *len, const char *src, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && src[j] != '/' && src[j] != '\0')
			j++;
		if (j - i == 2 && src[i] == '.' && src[i + 1] == '.')
			return 1;
		if (j > i && !(j - i == 1 && src[i] == '.')) {
			if (*len + 1 + (j - i) >= TARFS_PATH_MAX)
				return 2;
			if (*len)
				out[(*len)++] = '/';
			memcpy(out + *len, src + i, j - i);
			*len += j - i;
		}
		if (j < n && src[j] == '\0')
			break;
		i = j + 1;
	}
	out[*len] = '\0';
	return 0;
}

/* ustar's path is prefix "/" name; each field NUL-terminated unless full. */
static bool entry_path(const unsigned char *b, char *out)
{
	size_t len = 0;

	out[0] = '\0';
	return path_append(out, &len, (const char *)b + H_PREFIX, H_PREFIX_LEN) == 0 &&
	       path_append(out, &len, (const char *)b + H_NAME, H_NAME_LEN) == 0;
}

/*
 * An all-zero block ends the archive if the image ends after it or a
 * second zero block follows; anything else after it is corruption.
 */
static int end_marker(const struct tarfs *fs, size_t off, char *why, size_t whylen)
{
	size_t rest = fs->size - off - TARFS_BLOCK;

	if (rest == 0 || (rest >= TARFS_BLOCK && zero_block(fs->img + off + TARFS_BLOCK)))
		return 0;
	return WHY(NX_EINVAL, "offset 0x%zx: zero block not followed by another", off);
}

static int entry_kind(size_t off, char type, enum entry_kind *kind,
		      char *why, size_t whylen)
{
	switch (type) {
	case '0': case '\0': case '7':
		*kind = KIND_FILE;
		return 0;
	case '5':
		*kind = KIND_DIR;
		return 0;
	case 'x': case 'g': case 'L': case 'K':
		return WHY(NX_EINVAL, "offset 0x%zx: pax/GNU extended header '%c' (build with tar --format=ustar)",
			   off, type);
	default:
		*kind = KIND_SKIP;	/* links, devices, FIFOs, vendor types */
		return 0;
	}
}

/* Decodes the fields of the header at @off, its checksum already good. */
static int entry_fields(const struct tarfs *fs, size_t off, struct entry *e,
			char *why, size_t whylen)
{
	const unsigned char *b = fs->img + off;
	char type = (char)b[H_TYPE];
	uint64_t mode, size;
	int err;

	if (memcmp(b + H_MAGIC, "ustar\0" "00", 8) != 0)
		return WHY(NX_EINVAL, "offset 0x%zx: not a POSIX ustar header (build with tar --format=ustar)",
			   off);
	if ((err = entry_kind(off, type, &e->kind, why, whylen)) != 0)
		return err;
	if (!octal(b + H_MODE, 8, &mode))
		return WHY(NX_EINVAL, "offset 0x%zx: mode field not octal", off);
	if (!octal(b + H_SIZE, 12, &size))
		return WHY(NX_EINVAL, "offset 0x%zx: size field not octal", off);
	if (!entry_path(b, e->path))
		return WHY(NX_EINVAL, "offset 0x%zx: path has a '..' component", off);
	if (e->kind == KIND_FILE && e->path[0] == '\0')
		return WHY(NX_EINVAL, "offset 0x%zx: file with an empty path", off);
	/* Links, directories, devices and FIFOs carry no data blocks. */
	if (type >= '1' && type <= '6')
		size = 0;
	e->mode = (uint32_t)(mode & 07777);
	e->size = size;
	return 0;
}

/*
 * The entry at @off: 1 and @e filled, 0 at the end of the archive, or
 * -NX_EINVAL with a reason. Never reads outside the image.
 */
static int entry_at(const struct tarfs *fs, size_t off, struct entry *e,
		    char *why, size_t whylen)
{
	const unsigned char *b = fs->img + off;
	size_t rest = fs->size - off, data, room;
	uint64_t sum;
	int err;

	if (rest == 0)
		return 0;
	if (rest < TARFS_BLOCK)
		return WHY(NX_EINVAL, "offset 0x%zx: truncated header (%zu bytes left)", off, rest);
	if (zero_block(b))
		return end_marker(fs, off, why, whylen);
	if (!fs->checked && (!octal(b + H_CHKSUM, 8, &sum) || sum != header_sum(b)))
		return WHY(NX_EINVAL, "offset 0x%zx: header checksum mismatch (computed 0%llo)",
			   off, (unsigned long long)header_sum(b));
	if ((err = entry_fields(fs, off, e, why, whylen)) != 0)
		return err;
	data = off + TARFS_BLOCK;
	room = fs->size - data;
	if (e->size > room)
		return WHY(NX_EINVAL, "offset 0x%zx: '%s' has %llu bytes, %zu left in the image",
			   off, e->path, (unsigned long long)e->size, room);
	e->data = data;
	/* The last block's padding may be cut off; the data itself may not. */
	e->next = data + (size_t)e->size;
	if (e->size % TARFS_BLOCK)
		e->next += TARFS_BLOCK - e->size % TARFS_BLOCK;
	if (e->next > fs->size)
		e->next = fs->size;
	return 1;
}

/* Walking a mounted image: entry_at cannot fail there. */
#define FOR_EACH_ENTRY(fs, off, e) \
	for (size_t off = 0; off < (fs)->end && entry_at(fs, off, e, NULL, 0) == 1; \
	     off = (e)->next)

/* True if @path is @dir itself or lies below it ("" is the root). */
static const char *below(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (n == 0)
		return path[0] ? path : NULL;
	if (strncmp(dir, path, n) != 0 || path[n] != '/')
		return NULL;
	return path + n + 1;
}

/* A file must not be named twice, nor have anything below it. */
static int check_file(const struct tarfs *fs, size_t at, const struct entry *f,
		      char *why, size_t whylen)
{
	struct entry e;

	FOR_EACH_ENTRY(fs, off, &e) {
		if (off == at || e.kind == KIND_SKIP)
			continue;
		if (strcmp(e.path, f->path) == 0)
			return WHY(NX_EINVAL, "'%s' appears twice", f->path);
		if (below(f->path, e.path))
			return WHY(NX_EINVAL, "'%s' is a file, yet '%s' lies below it",
				   f->path, e.path);
	}
	return 0;
}

int tarfs_mount(struct tarfs *fs, const void *img, size_t size,
		char *why, size_t whylen)
{
	struct entry e;
	size_t off = 0;
	int r;

	memset(fs, 0, sizeof(*fs));
	fs->img = img;
	fs->size = size;
	while ((r = entry_at(fs, off, &e, why, whylen)) == 1) {
		fs->nfiles += e.kind == KIND_FILE;
		fs->ndirs += e.kind == KIND_DIR;
		fs->nskipped += e.kind == KIND_SKIP;
		off = e.next;
	}
	if (r < 0)
		return r;
	fs->end = off;
	fs->checked = true;
	FOR_EACH_ENTRY(fs, at, &e)
		if (e.kind == KIND_FILE && (r = check_file(fs, at, &e, why, whylen)) != 0)
			return r;
	return 0;
}

/* @path made relative and normalised into @out; false if it cannot name
 * anything in an image. */
static bool query_path(const char *path, char *out)
{
	size_t len = 0;

	out[0] = '\0';
	return path_append(out, &len, path, strlen(path)) == 0;
}

static void dir_node(struct tarfs_node *n, uint32_t mode)
{
	n->type = TARFS_DIR;
	n->mode = mode;
	n->size = 0;
	n->data = NULL;
}

int tarfs_lookup(const struct tarfs *fs, const char *path, struct tarfs_node *out)
{
	char q[TARFS_PATH_MAX];
	struct entry e;
	bool implied;

	if (path[0] != '/')
		return -NX_EINVAL;
	if (!query_path(path, q))
		return -NX_ENOENT;
	implied = q[0] == '\0';		/* the root always exists */
	FOR_EACH_ENTRY(fs, off, &e) {
		if (e.kind == KIND_SKIP)
			continue;
		if (strcmp(e.path, q) == 0 && e.kind == KIND_DIR) {
			dir_node(out, e.mode);
			return 0;
		}
		if (strcmp(e.path, q) == 0) {
			out->type = TARFS_FILE;
			out->mode = e.mode;
			out->size = e.size;
			out->data = fs->img + e.data;
			return 0;
		}
		implied = implied || below(q, e.path);
	}
	if (!implied)
		return -NX_ENOENT;
	dir_node(out, IMPLIED_DIR_MODE);
	return 0;
}

int tarfs_stat(const struct tarfs *fs, const char *path, struct tarfs_stat *st)
{
	struct tarfs_node n;
	int err = tarfs_lookup(fs, path, &n);

	if (err)
		return err;
	st->type = n.type;
	st->mode = n.mode;
	st->size = n.size;
	return 0;
}

int64_t tarfs_read(const struct tarfs *fs, const struct tarfs_node *n,
		   uint64_t off, void *buf, size_t len)
{
	uint64_t count;

	(void)fs;
	if (n->type != TARFS_FILE)
		return -NX_EINVAL;
	if (off >= n->size)
		return 0;
	count = n->size - off < len ? n->size - off : len;
	memcpy(buf, n->data + off, (size_t)count);
	return (int64_t)count;
}

const void *tarfs_data(const struct tarfs_node *n)
{
	return n->data;
}

/* The first component of @path below @dir: its length, and in @deeper
 * whether more follows (then it is a directory). 0 if not below. */
static size_t child(const char *dir, const char *path, const char **name,
		    bool *deeper)
{
	const char *rest = below(dir, path), *slash;

	if (!rest)
		return 0;
	slash = strchr(rest, '/');
	*name = rest;
	*deeper = slash != NULL;
	return slash ? (size_t)(slash - rest) : strlen(rest);
}

/* True if an entry before @at already has child @name[@n] of @dir. */
static bool seen_before(const struct tarfs *fs, size_t at, const char *dir,
			const char *name, size_t n)
{
	struct entry e;
	const char *c;
	bool deeper;

	FOR_EACH_ENTRY(fs, off, &e) {
		if (off == at)
			return false;
		if (e.kind != KIND_SKIP && child(dir, e.path, &c, &deeper) == n &&
		    memcmp(c, name, n) == 0)
			return true;
	}
	return false;
}

static void fill_dirent(struct tarfs_dirent *out, const struct entry *e,
			const char *name, size_t n, bool deeper)
{
	memcpy(out->name, name, n);
	out->name[n] = '\0';
	out->type = deeper || e->kind == KIND_DIR ? TARFS_DIR : TARFS_FILE;
	out->size = out->type == TARFS_FILE ? e->size : 0;
}

int tarfs_readdir(struct tarfs *fs, const char *dir, size_t index,
		  struct tarfs_dirent *out)
{
	char d[TARFS_PATH_MAX];
	struct tarfs_node n;
	struct entry e;
	size_t count = 0, start = 0;
	int err = tarfs_lookup(fs, dir, &n);

	if (err)
		return err;
	if (n.type != TARFS_DIR)
		return -NX_EINVAL;
	query_path(dir, d);	/* cannot fail: the lookup did it */
	if (fs->cursor.valid && index == fs->cursor.index + 1 && !strcmp(fs->cursor.dir, d)) {
		entry_at(fs, fs->cursor.off, &e, NULL, 0);
		start = e.next;
		count = index;
	}
	for (size_t off = start; off < fs->end && entry_at(fs, off, &e, NULL, 0) == 1;
	     off = e.next) {
		const char *name;
		bool deeper;
		size_t len = e.kind == KIND_SKIP ? 0 : child(d, e.path, &name, &deeper);

		if (len == 0 || seen_before(fs, off, d, name, len))
			continue;
		if (count++ == index) {
			fill_dirent(out, &e, name, len, deeper);
			memcpy(fs->cursor.dir, d, sizeof(d));
			fs->cursor.index = index;
			fs->cursor.off = off;
			fs->cursor.valid = true;
			return 0;
		}
	}
	return -NX_ENOENT;
}
