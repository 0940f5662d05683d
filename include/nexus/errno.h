/*
 * Error numbers shared by the kernel, the hypervisor, apps and host tools.
 * Functions return 0 or a negative NX_E value. Part of the frozen ABI.
 */
#ifndef NEXUS_ERRNO_H
#define NEXUS_ERRNO_H

#define NX_EPERM	1	/* operation not permitted by pledge or capability */
#define NX_ENOENT	2	/* no such object, or hidden by unveil */
#define NX_EIO		5	/* device error */
#define NX_E2BIG	7	/* argument too large */
#define NX_EAGAIN	11	/* would block; try again */
#define NX_ENOMEM	12	/* out of memory or over quota */
#define NX_EACCES	13	/* unveiled, but not with the permission asked for */
#define NX_EFAULT	14	/* bad address */
#define NX_EBUSY	16	/* resource in use */
#define NX_EEXIST	17	/* object already exists */
#define NX_EXDEV	18	/* rename across filesystems */
#define NX_ENOTDIR	20	/* a path component is not a directory */
#define NX_EISDIR	21	/* a directory where a file is needed */
#define NX_EINVAL	22	/* invalid argument */
#define NX_ENOSPC	28	/* no space left */
#define NX_EROFS	30	/* read-only file system */
#define NX_ERANGE	34	/* value out of range */
#define NX_ENAMETOOLONG	36	/* a path or name component is too long */
#define NX_ENOSYS	38	/* no such call */
#define NX_ENOTEMPTY	39	/* directory not empty */
#define NX_ETIMEDOUT	110	/* deadline passed */
#define NX_ECORRUPT	117	/* on-disk structure fails its checks */

#endif
