/* Freestanding libc subset.  GCC may emit calls to memset/memcpy/memmove/
 * memcmp on its own, so they must exist even if no program calls them.
 * Guests build with -fno-tree-loop-distribute-patterns, so these loops are
 * not turned back into calls to themselves. */
#include "rt.h"

void *memset(void *dst, int c, size_t n)
{
  unsigned char *d = dst;
  while (n--)
    *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--)
    *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d < s) {
    while (n--)
      *d++ = *s++;
  } else {
    while (n--)
      d[n] = s[n];
  }
  return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x < *y ? -1 : 1;
  return 0;
}

size_t strlen(const char *s)
{
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

int strcmp(const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

uint64_t rt_fnv1a(const void *p, size_t n)
{
  const unsigned char *s = p;
  uint64_t h = 0xcbf29ce484222325ull;
  while (n--) {
    h ^= *s++;
    h *= 0x100000001b3ull;
  }
  return h;
}
