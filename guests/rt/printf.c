/* Small printf for guests: formats into a buffer and writes it with one UHI
 * write to fd 1.  No floating point. */
#include "rt.h"

struct out {
  char *buf;   /* NULL: flush to fd 1 whenever full */
  size_t size; /* capacity of buf */
  size_t pos;  /* bytes in buf (or in the flush buffer) */
  size_t total;
  char local[256];
};

static void out_flush(struct out *o)
{
  if (o->buf == NULL && o->pos > 0) {
    uhi_write(1, o->local, o->pos);
    o->pos = 0;
  }
}

static inline __attribute__((always_inline)) void out_char(struct out *o, char c)
{
  o->total++;
  if (o->buf != NULL) {
    if (o->pos + 1 < o->size)
      o->buf[o->pos++] = c;
    return;
  }
  if (o->pos == sizeof o->local)
    out_flush(o);
  o->local[o->pos++] = c;
}

static void out_pad(struct out *o, char c, int n)
{
  while (n-- > 0)
    out_char(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void out_number(struct out *o, unsigned long long v, int negative, unsigned base,
                       int upper, int flags, int width, int prec)
{
  char digits[24];
  const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  int n = 0;
  if (base == 16) { /* shifts: this is the common case and divisions are slow */
    for (; v != 0; v >>= 4)
      digits[n++] = set[v & 15];
  } else {
    for (; v != 0; v /= base)
      digits[n++] = set[v % base];
  }
  if (prec < 0 && n == 0)
    digits[n++] = '0'; /* plain zero; with precision 0 a zero prints nothing */
  int zeros = prec > n ? prec - n : 0;
  const char *prefix = "";
  if (negative)
    prefix = "-";
  else if (flags & F_PLUS)
    prefix = "+";
  else if (flags & F_SPACE)
    prefix = " ";
  else if ((flags & F_ALT) && base == 16 && n > 0)
    prefix = upper ? "0X" : "0x";
  else if ((flags & F_ALT) && base == 8 && zeros == 0)
    zeros = 1;
  int plen = (int)strlen(prefix);
  int len = plen + zeros + n;
  int pad = width > len ? width - len : 0;
  if (!(flags & F_LEFT) && !((flags & F_ZERO) && prec < 0))
    out_pad(o, ' ', pad);
  for (int i = 0; i < plen; i++)
    out_char(o, prefix[i]);
  if (!(flags & F_LEFT) && (flags & F_ZERO) && prec < 0)
    out_pad(o, '0', pad);
  out_pad(o, '0', zeros);
  while (n > 0)
    out_char(o, digits[--n]);
  if (flags & F_LEFT)
    out_pad(o, ' ', pad);
}

static void format(struct out *o, const char *fmt, va_list ap)
{
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      out_char(o, *fmt);
      continue;
    }
    fmt++;
    int flags = 0;
    for (;; fmt++) {
      if (*fmt == '-') flags |= F_LEFT;
      else if (*fmt == '0') flags |= F_ZERO;
      else if (*fmt == '+') flags |= F_PLUS;
      else if (*fmt == ' ') flags |= F_SPACE;
      else if (*fmt == '#') flags |= F_ALT;
      else break;
    }
    int width = 0;
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        flags |= F_LEFT;
        width = -width;
      }
      fmt++;
    } else {
      while (*fmt >= '0' && *fmt <= '9')
        width = width * 10 + (*fmt++ - '0');
    }
    int prec = -1;
    if (*fmt == '.') {
      fmt++;
      prec = 0;
      if (*fmt == '*') {
        prec = va_arg(ap, int);
        fmt++;
      } else {
        while (*fmt >= '0' && *fmt <= '9')
          prec = prec * 10 + (*fmt++ - '0');
      }
    }
    int len = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
    for (;; fmt++) {
      if (*fmt == 'l') len++;
      else if (*fmt == 'h') len--;
      else if (*fmt == 'z') len = 1;
      else break;
    }
    char c = *fmt;
    if (c == '\0')
      break;
    switch (c) {
    case 'd':
    case 'i': {
      long long v = len >= 1 ? (len == 1 ? va_arg(ap, long) : va_arg(ap, long long))
                             : va_arg(ap, int);
      if (len == -1) v = (short)v;
      if (len <= -2) v = (signed char)v;
      unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
      out_number(o, mag, v < 0, 10, 0, flags, width, prec);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      unsigned long long v = len >= 1 ? (len == 1 ? va_arg(ap, unsigned long)
                                                  : va_arg(ap, unsigned long long))
                                      : va_arg(ap, unsigned int);
      if (len == -1) v = (unsigned short)v;
      if (len <= -2) v = (unsigned char)v;
      unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
      out_number(o, v, 0, base, c == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
      break;
    }
    case 'p': {
      uintptr_t v = (uintptr_t)va_arg(ap, void *);
      out_number(o, v, 0, 16, 0, F_ALT, width, prec);
      break;
    }
    case 'c': {
      char ch = (char)va_arg(ap, int);
      if (!(flags & F_LEFT)) out_pad(o, ' ', width - 1);
      out_char(o, ch);
      if (flags & F_LEFT) out_pad(o, ' ', width - 1);
      break;
    }
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == NULL) s = "(null)";
      int n = 0;
      while (s[n] && (prec < 0 || n < prec))
        n++;
      if (!(flags & F_LEFT)) out_pad(o, ' ', width - n);
      for (int i = 0; i < n; i++)
        out_char(o, s[i]);
      if (flags & F_LEFT) out_pad(o, ' ', width - n);
      break;
    }
    default: /* %% and unknown conversions print the character */
      out_char(o, c);
      break;
    }
  }
}

int vprintf(const char *fmt, va_list ap)
{
  struct out o; /* not zero-initialised: local[] needs no clearing */
  o.buf = NULL;
  o.size = 0;
  o.pos = 0;
  o.total = 0;
  format(&o, fmt, ap);
  out_flush(&o);
  return (int)o.total;
}

int printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
  char dummy;
  struct out o;
  o.buf = size ? buf : &dummy;
  o.size = size ? size : 1;
  o.pos = 0;
  o.total = 0;
  format(&o, fmt, ap);
  o.buf[o.pos] = '\0';
  return (int)o.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

int puts(const char *s)
{
  size_t n = strlen(s);
  uhi_write(1, s, n);
  uhi_write(1, "\n", 1);
  return (int)n + 1;
}

int putchar(int c)
{
  char ch = (char)c;
  uhi_write(1, &ch, 1);
  return (unsigned char)ch;
}
