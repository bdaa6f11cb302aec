/* template.c - a Mustache-subset template engine (see template.h).
 *
 * ef_template_parse scans the source once, left to right, into a flat
 * array of nodes: text runs, variables, and sections, each section node
 * holding the index just past its last child, so that rendering a section
 * is a loop over an index range and skipping one is a jump. Standalone
 * lines are removed while scanning, by trimming the text run before the
 * tag and resuming after its line end. Rendering walks the nodes with a
 * fixed-size context stack (one entry per open section, plus the root).
 *
 * Context values live in one pool per ef_tctx: a list of chunks that
 * values and strings are bump-allocated from, all freed by ef_tctx_free.
 */
#include "render/template.h"

#include <assert.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

/* ==== Context pool ====================================================== */

enum { CHUNK_SIZE = 16 * 1024 };

typedef struct chunk {
    struct chunk *next; /* the chunk filled before this one */
    size_t used, cap;   /* bytes of data used and allocated */
    max_align_t data[]; /* the memory handed out */
} chunk;

enum { TV_STR, TV_BOOL, TV_OBJ, TV_LIST };

struct ef_tvalue {
    ef_tctx *ctx;            /* the pool it lives in */
    const char *key;         /* member name in its object; NULL in a list */
    size_t klen;             /* strlen(key) */
    ef_tvalue *next;         /* next member or item, in the order set */
    int kind;                /* TV_* */
    int b;                   /* TV_BOOL: 0 or 1 */
    const char *s;           /* TV_STR: NUL-terminated */
    size_t len;              /* TV_STR: bytes; else members or items */
    ef_tvalue *first, *last; /* TV_OBJ, TV_LIST: members or items */
};

struct ef_tctx {
    chunk *chunks; /* the one being filled first */
    ef_tvalue *root;
};

/* Returns n bytes aligned for any type, from c's pool. */
static void *pool_alloc(ef_tctx *c, size_t n)
{
    const size_t al = alignof(max_align_t);
    chunk *k = c->chunks;
    void *p;

    if (n > SIZE_MAX - al)
        n = SIZE_MAX; /* ef_xmalloc below fails and exits */
    else
        n = (n + al - 1) / al * al;
    if (k == NULL || k->cap - k->used < n) {
        size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;

        if (cap > SIZE_MAX - sizeof *k)
            cap = SIZE_MAX - sizeof *k;
        k = ef_xmalloc(sizeof *k + cap);
        k->used = 0;
        k->cap = cap;
        k->next = c->chunks;
        c->chunks = k;
    }
    p = (unsigned char *)k->data + k->used;
    k->used += n;
    return p;
}

static char *pool_strdup(ef_tctx *c, const char *s, size_t n)
{
    char *p = pool_alloc(c, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static ef_tvalue *value_new(ef_tctx *c, int kind)
{
    ef_tvalue *v = pool_alloc(c, sizeof *v);

    memset(v, 0, sizeof *v);
    v->ctx = c;
    v->kind = kind;
    return v;
}

/* Appends v to the members or items of parent. */
static void append(ef_tvalue *parent, ef_tvalue *v)
{
    if (parent->last)
        parent->last->next = v;
    else
        parent->first = v;
    parent->last = v;
    parent->len++;
}

static const ef_tvalue *member(const ef_tvalue *obj, const char *key, size_t n)
{
    const ef_tvalue *v;

    for (v = obj->first; v; v = v->next)
        if (v->klen == n && memcmp(v->key, key, n) == 0)
            return v;
    return NULL;
}

/* Returns the member key of obj, emptied and made of the given kind:
 * the existing one (keeping its place) or a new one appended. */
static ef_tvalue *slot(ef_tvalue *obj, const char *key, int kind)
{
    ef_tvalue *v;
    size_t n;

    assert(obj && obj->kind == TV_OBJ && key);
    n = strlen(key);
    v = (ef_tvalue *)member(obj, key, n);
    if (v == NULL) {
        v = value_new(obj->ctx, kind);
        v->key = pool_strdup(obj->ctx, key, n);
        v->klen = n;
        append(obj, v);
    }
    v->kind = kind;
    v->b = 0;
    v->s = NULL;
    v->len = 0;
    v->first = v->last = NULL;
    return v;
}

ef_tctx *ef_tctx_new(void)
{
    ef_tctx *c = ef_xcalloc(1, sizeof *c);

    c->root = value_new(c, TV_OBJ);
    return c;
}

void ef_tctx_free(ef_tctx *c)
{
    chunk *k, *next;

    if (c == NULL)
        return;
    for (k = c->chunks; k; k = next) {
        next = k->next;
        free(k);
    }
    free(c);
}

ef_tvalue *ef_tctx_root(ef_tctx *c)
{
    return c->root;
}

ef_tvalue *ef_tobj_set_str(ef_tvalue *obj, const char *key, const char *s)
{
    ef_tvalue *v = slot(obj, key, TV_STR);

    v->len = strlen(s);
    v->s = pool_strdup(obj->ctx, s, v->len);
    return obj;
}

/* Returns printf(fmt, ap) in c's pool; *n gets its length. */
static char *pool_vprintf(ef_tctx *c, size_t *n, const char *fmt, va_list ap)
    EF_PRINTF(3, 0);
static char *pool_vprintf(ef_tctx *c, size_t *n, const char *fmt, va_list ap)
{
    char small[256], *p;
    va_list ap2;
    int len;

    if (fmt == NULL) /* also keeps gcc -fsanitize=undefined from warning */
        fmt = "";
    va_copy(ap2, ap);
    len = vsnprintf(small, sizeof small, fmt, ap);
    if (len < 0)
        len = 0; /* a bad format: store "" rather than garbage */
    p = pool_alloc(c, (size_t)len + 1);
    if ((size_t)len < sizeof small) {
        memcpy(p, small, (size_t)len);
        p[len] = '\0';
    } else {
        vsnprintf(p, (size_t)len + 1, fmt, ap2);
    }
    va_end(ap2);
    *n = (size_t)len;
    return p;
}

void ef_tobj_set_strf(ef_tvalue *obj, const char *key, const char *fmt, ...)
{
    ef_tvalue *v = slot(obj, key, TV_STR);
    va_list ap;

    va_start(ap, fmt);
    v->s = pool_vprintf(obj->ctx, &v->len, fmt, ap);
    va_end(ap);
}

void ef_tobj_set_bool(ef_tvalue *obj, const char *key, int b)
{
    slot(obj, key, TV_BOOL)->b = b != 0;
}

ef_tvalue *ef_tobj_set_obj(ef_tvalue *obj, const char *key)
{
    return slot(obj, key, TV_OBJ);
}

ef_tvalue *ef_tobj_set_list(ef_tvalue *obj, const char *key)
{
    return slot(obj, key, TV_LIST);
}

ef_tvalue *ef_tlist_add_obj(ef_tvalue *list)
{
    ef_tvalue *v;

    assert(list && list->kind == TV_LIST);
    v = value_new(list->ctx, TV_OBJ);
    append(list, v);
    return v;
}

void ef_tlist_add_str(ef_tvalue *list, const char *s)
{
    ef_tvalue *v;

    assert(list && list->kind == TV_LIST);
    v = value_new(list->ctx, TV_STR);
    v->len = strlen(s);
    v->s = pool_strdup(list->ctx, s, v->len);
    append(list, v);
}

/* ==== Listing the context =============================================== */

static void list_value(const ef_tvalue *v, ef_buf *path, ef_buf *out)
{
    const ef_tvalue *m;
    size_t keep = path->len, i = 0;

    switch (v->kind) {
    case TV_STR:
    case TV_BOOL:
        ef_buf_put(out, path->data, path->len);
        ef_buf_putc(out, '\t');
        if (v->kind == TV_STR)
            ef_text_tsv_escape(out, v->s, v->len); /* no ESC either */
        else
            ef_buf_puts(out, v->b ? "true" : "false");
        ef_buf_putc(out, '\n');
        break;
    case TV_OBJ:
        for (m = v->first; m; m = m->next) {
            if (path->len)
                ef_buf_putc(path, '.');
            ef_buf_put(path, m->key, m->klen);
            list_value(m, path, out);
            path->len = keep;
        }
        break;
    case TV_LIST:
        ef_buf_put(out, path->data, path->len);
        ef_buf_printf(out, "\t(list of %zu)\n", v->len);
        for (m = v->first; m; m = m->next, i++) {
            ef_buf_printf(path, "[%zu]", i);
            list_value(m, path, out);
            path->len = keep;
        }
        break;
    }
}

void ef_tctx_list(const ef_tvalue *root, ef_buf *out)
{
    ef_buf path = EF_BUF_INIT;

    if (root == NULL)
        return;
    if (root->kind != TV_OBJ)
        ef_buf_putc(&path, '.'); /* a bare value has no name of its own */
    list_value(root, &path, out);
    ef_buf_reset(&path);
}

/* ==== Parsing =========================================================== */

enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED };

typedef struct {
    int kind;         /* N_* */
    size_t off, len;  /* N_TEXT: the text; others: the name; in t->src */
    size_t tag, tlen; /* the whole tag in t->src, for messages */
    size_t end;       /* sections: the index just past the last child */
    size_t line;      /* line of the tag (1-based) */
} tnode;

struct ef_template {
    char *name; /* for messages */
    char *src;  /* a copy of the source, NUL-terminated */
    size_t len;
    tnode *node;
    size_t n, cap;
};

/* Tag kinds that are not nodes. */
enum { T_CLOSE = 100, T_COMMENT };

/* Longest piece of a tag quoted in a message. */
enum { QUOTE_MAX = 60 };

/* Returns the index of pat (plen bytes) in s[from, len), or len. */
static size_t find(const char *s, size_t from, size_t len, const char *pat,
                   size_t plen)
{
    const char *p;

    while (from + plen <= len) {
        p = memchr(s + from, pat[0], len - from - plen + 1);
        if (p == NULL)
            break;
        if (memcmp(p, pat, plen) == 0)
            return (size_t)(p - s);
        from = (size_t)(p - s) + 1;
    }
    return len;
}

static size_t count_nl(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    size_t c = 0;

    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        c++;
        p++;
    }
    return c;
}

/* The length of s[from, len) to quote: up to the line end, at most
 * QUOTE_MAX bytes. */
static int quote_len(const char *s, size_t from, size_t len)
{
    size_t i = from;

    while (i < len && i - from < QUOTE_MAX && s[i] != '\n' && s[i] != '\r')
        i++;
    return (int)(i - from);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* 1 if s[0, n) is "." or non-empty name parts joined by single dots. */
static int name_ok(const char *s, size_t n)
{
    size_t i, part = 0;

    if (n == 1 && s[0] == '.')
        return 1;
    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (part == 0)
                return 0;
            part = 0;
        } else if (is_name_char(s[i])) {
            part++;
        } else {
            return 0;
        }
    }
    return part > 0;
}

static tnode *node_add(ef_template *t, int kind, size_t off, size_t len)
{
    tnode *nd;

    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->node = ef_xrealloc(t->node, t->cap * sizeof *t->node);
    }
    nd = &t->node[t->n++];
    memset(nd, 0, sizeof *nd);
    nd->kind = kind;
    nd->off = off;
    nd->len = len;
    return nd;
}

/* Classifies the tag whose content (between the delimiters) is
 * s[c, cend): sets *kind and the trimmed name s[*name, *name + *nlen).
 * Fails on unsupported tags and bad names. */
static ef_status classify(const ef_template *t, size_t tag, size_t tlen,
                          size_t c, size_t cend, int triple, size_t line,
                          int *kind, size_t *name, size_t *nlen, ef_err *e)
{
    const char *s = t->src;
    const char *what = NULL;
    int q = (int)(tlen < QUOTE_MAX ? tlen : QUOTE_MAX);

    *kind = N_VAR;
    if (triple) {
        *kind = N_RAW;
    } else if (c < cend) {
        switch (s[c]) {
        case '!': *kind = T_COMMENT; break;
        case '#': *kind = N_SECTION; break;
        case '^': *kind = N_INVERTED; break;
        case '/': *kind = T_CLOSE; break;
        case '&': *kind = N_RAW; break;
        case '>': what = "partials are not supported"; break;
        case '=': what = "set-delimiter tags are not supported"; break;
        case '<':
        case '$': what = "template inheritance is not supported"; break;
        }
        if (what)
            return ef_fail(e, EF_ERR_PARSE, "%s:%zu: %s: %.*s", t->name, line,
                           what, q, s + tag);
        if (*kind != N_VAR)
            c++;
    }
    if (*kind == T_COMMENT)
        return EF_OK;
    while (c < cend && is_space(s[c]))
        c++;
    while (cend > c && is_space(s[cend - 1]))
        cend--;
    *name = c;
    *nlen = cend - c;
    if (*nlen == 0)
        return ef_fail(e, EF_ERR_PARSE, "%s:%zu: empty tag %.*s", t->name,
                       line, q, s + tag);
    if (!name_ok(s + c, *nlen))
        return ef_fail(e, EF_ERR_PARSE,
                       "%s:%zu: bad name in %.*s (want letters, digits, "
                       "'_' or '-', parts joined by '.')",
                       t->name, line, q, s + tag);
    return EF_OK;
}

/* Builds t->node from t->src. */
static ef_status parse(ef_template *t, ef_err *e)
{
    const char *s = t->src;
    size_t len = t->len;
    size_t pos = 0;   /* where the scan goes on */
    size_t text = 0;  /* start of the text run not yet stored */
    int text_bol = 1; /* text starts a line */
    size_t line = 1;  /* the line at pos */
    size_t open[EF_TEMPLATE_MAX_DEPTH]; /* open sections, as node indexes */
    size_t depth = 0;
    ef_status rc = EF_OK;

    for (;;) {
        size_t tag = find(s, pos, len, "{{", 2);
        size_t c, cend, after, b, a, name = 0, nlen = 0, tline;
        int triple, kind, standalone = 0;

        if (tag == len)
            break;
        line += count_nl(s + pos, tag - pos);
        tline = line;
        triple = tag + 2 < len && s[tag + 2] == '{';
        c = tag + 2 + (size_t)triple;
        cend = find(s, c, len, triple ? "}}}" : "}}", 2 + (size_t)triple);
        if (cend == len || find(s, c, cend, "{{", 2) != cend) {
            rc = ef_fail(e, EF_ERR_PARSE, "%s:%zu: unclosed tag %.*s", t->name,
                         tline, quote_len(s, tag, len), s + tag);
            goto out;
        }
        after = cend + 2 + (size_t)triple;
        line += count_nl(s + tag, after - tag);
        if ((rc = classify(t, tag, after - tag, c, cend, triple, tline, &kind,
                           &name, &nlen, e)) != EF_OK)
            goto out;

        /* Standalone: only spaces and tabs around it on its line(s). */
        b = tag;
        a = after;
        if (kind != N_VAR && kind != N_RAW) {
            while (b > text && (s[b - 1] == ' ' || s[b - 1] == '\t'))
                b--;
            while (a < len && (s[a] == ' ' || s[a] == '\t'))
                a++;
            if (b > text ? s[b - 1] == '\n' : text_bol) {
                if (a == len) {
                    standalone = 1;
                } else if (s[a] == '\n') {
                    standalone = 1;
                    a++;
                } else if (s[a] == '\r' && a + 1 < len && s[a + 1] == '\n') {
                    standalone = 1;
                    a += 2;
                }
            }
        }
        if (!standalone) {
            b = tag;
            a = after;
        } else if (a > after && s[a - 1] == '\n') {
            line++;
        }
        if (b > text)
            node_add(t, N_TEXT, text, b - text);
        pos = text = a;
        text_bol = standalone;

        if (kind == T_COMMENT)
            continue;
        if (kind == T_CLOSE) {
            tnode *op;

            if (depth == 0) {
                rc = ef_fail(e, EF_ERR_PARSE,
                             "%s:%zu: %.*s has no open section", t->name,
                             tline, (int)(after - tag), s + tag);
                goto out;
            }
            op = &t->node[open[depth - 1]];
            if (op->len != nlen || memcmp(s + op->off, s + name, nlen) != 0) {
                rc = ef_fail(e, EF_ERR_PARSE,
                             "%s:%zu: %.*s closes %.*s opened on line %zu",
                             t->name, tline, (int)(after - tag), s + tag,
                             (int)op->tlen, s + op->tag, op->line);
                goto out;
            }
            op->end = t->n;
            depth--;
            continue;
        }
        if ((kind == N_SECTION || kind == N_INVERTED) &&
            depth == EF_TEMPLATE_MAX_DEPTH) {
            rc = ef_fail(e, EF_ERR_PARSE,
                         "%s:%zu: sections nested more than %d deep", t->name,
                         tline, EF_TEMPLATE_MAX_DEPTH);
            goto out;
        }
        {
            tnode *nd = node_add(t, kind, name, nlen);

            nd->tag = tag;
            nd->tlen = after - tag;
            nd->line = tline;
            if (kind == N_SECTION || kind == N_INVERTED)
                open[depth++] = t->n - 1;
        }
    }
    if (len > text)
        node_add(t, N_TEXT, text, len - text);
    if (depth > 0) {
        const tnode *op = &t->node[open[depth - 1]];

        rc = ef_fail(e, EF_ERR_PARSE, "%s:%zu: unclosed section %.*s", t->name,
                     op->line, (int)op->tlen, s + op->tag);
    }
out:
    return rc;
}

ef_status ef_template_parse(const char *name, const char *src, size_t len,
                            ef_template **out, ef_err *e)
{
    ef_template *t = ef_xcalloc(1, sizeof *t);
    ef_status rc;

    t->name = ef_xstrdup(name ? name : "template");
    t->src = ef_xmalloc(len + 1);
    if (len)
        memcpy(t->src, src, len);
    t->src[len] = '\0';
    t->len = len;
    if ((rc = parse(t, e)) != EF_OK) {
        ef_template_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

void ef_template_free(ef_template *t)
{
    if (t == NULL)
        return;
    free(t->name);
    free(t->src);
    free(t->node);
    free(t);
}

/* ==== Rendering ========================================================= */

typedef struct {
    const ef_template *t;
    ef_escape_fn escape;
    ef_buf *out;
    ef_err *e;
    const ef_tvalue *stack[EF_TEMPLATE_MAX_DEPTH + 1]; /* root, sections */
    size_t depth;
} rstate;

/* Resolves the name of nd: the first part through the stack, innermost
 * first, the others inside what it found. Returns NULL when missing, with
 * *miss the offset in the name of the part that failed. */
static const ef_tvalue *resolve(const rstate *r, const tnode *nd, size_t *miss)
{
    const char *s = r->t->src + nd->off;
    size_t n = nd->len, i = 0, plen, d;
    const ef_tvalue *v = NULL;

    *miss = 0;
    if (n == 1 && s[0] == '.')
        return r->depth ? r->stack[r->depth - 1] : NULL;
    for (plen = 0; plen < n && s[plen] != '.'; plen++)
        ;
    for (d = r->depth; d > 0 && v == NULL; d--)
        if (r->stack[d - 1]->kind == TV_OBJ)
            v = member(r->stack[d - 1], s, plen);
    for (i = plen; v && i < n; i += plen) {
        *miss = ++i; /* past the dot */
        for (plen = 0; i + plen < n && s[i + plen] != '.'; plen++)
            ;
        v = v->kind == TV_OBJ ? member(v, s + i, plen) : NULL;
    }
    return v;
}

static int truthy(const ef_tvalue *v)
{
    if (v == NULL)
        return 0;
    switch (v->kind) {
    case TV_BOOL: return v->b;
    case TV_STR:
    case TV_LIST: return v->len > 0;
    default: return 1;
    }
}

/* Fails with "unknown variable", naming the part that was not found
 * when it is not the first (miss: its offset in the name). */
static ef_status unknown(const rstate *r, const tnode *nd, size_t miss)
{
    const char *s = r->t->src, *name = s + nd->off;
    size_t plen = 0;

    if (miss == 0)
        return ef_fail(r->e, EF_ERR_PARSE, "%s:%zu: unknown variable %.*s",
                       r->t->name, nd->line, (int)nd->tlen, s + nd->tag);
    while (miss + plen < nd->len && name[miss + plen] != '.')
        plen++;
    return ef_fail(r->e, EF_ERR_PARSE,
                   "%s:%zu: unknown variable %.*s (no \"%.*s\" in %.*s)",
                   r->t->name, nd->line, (int)nd->tlen, s + nd->tag, (int)plen,
                   name + miss, (int)(miss - 1), name);
}

/* Renders the nodes [from, to). */
static ef_status render(rstate *r, size_t from, size_t to)
{
    const tnode *node = r->t->node;
    const char *s = r->t->src;
    size_t i = from, miss;
    const ef_tvalue *v, *it;
    ef_status rc = EF_OK;

    while (i < to) {
        const tnode *nd = &node[i];

        switch (nd->kind) {
        case N_TEXT:
            ef_buf_put(r->out, s + nd->off, nd->len);
            i++;
            break;
        case N_VAR:
        case N_RAW:
            if ((v = resolve(r, nd, &miss)) == NULL) {
                rc = unknown(r, nd, miss);
                goto out;
            }
            if (v->kind == TV_OBJ || v->kind == TV_LIST) {
                rc = ef_fail(r->e, EF_ERR_PARSE,
                             "%s:%zu: %.*s is %s, not a value (use a "
                             "section)",
                             r->t->name, nd->line, (int)nd->tlen, s + nd->tag,
                             v->kind == TV_OBJ ? "an object" : "a list");
                goto out;
            }
            if (v->kind == TV_BOOL)
                ef_buf_puts(r->out, v->b ? "true" : "false");
            else if (nd->kind == N_VAR && r->escape)
                r->escape(r->out, v->s, v->len);
            else
                ef_buf_put(r->out, v->s, v->len);
            i++;
            break;
        case N_SECTION:
            v = resolve(r, nd, &miss);
            if (truthy(v) && v->kind == TV_LIST) {
                for (it = v->first; it; it = it->next) {
                    r->stack[r->depth++] = it;
                    rc = render(r, i + 1, nd->end);
                    r->depth--;
                    if (rc != EF_OK)
                        goto out;
                }
            } else if (truthy(v)) {
                r->stack[r->depth++] = v;
                rc = render(r, i + 1, nd->end);
                r->depth--;
                if (rc != EF_OK)
                    goto out;
            }
            i = nd->end;
            break;
        case N_INVERTED:
            if (!truthy(resolve(r, nd, &miss)) &&
                (rc = render(r, i + 1, nd->end)) != EF_OK)
                goto out;
            i = nd->end;
            break;
        }
    }
out:
    return rc;
}

ef_status ef_template_render(const ef_template *t, const ef_tvalue *root,
                             ef_escape_fn escape, ef_buf *out, ef_err *e)
{
    rstate r;
    size_t keep = out->len;
    ef_status rc;

    r.t = t;
    r.escape = escape;
    r.out = out;
    r.e = e;
    r.depth = 0;
    if (root)
        r.stack[r.depth++] = root;
    if ((rc = render(&r, 0, t->n)) != EF_OK) {
        out->len = keep;
        if (out->data)
            out->data[keep] = '\0';
    }
    return rc;
}
