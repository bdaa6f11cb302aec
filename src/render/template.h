/* template.h - a Mustache-subset template engine for the report templates.
 *
 * Syntax: {{name}} (escaped by the caller's escape function), {{{name}}}
 * and {{& name}} (raw), {{#name}}...{{/name}} (section), {{^name}}...
 * {{/name}} (inverted section), {{! comment }} and {{.}} (the current
 * item). Names are dotted ("kpi.negative.share"); each part is made of
 * ASCII letters, digits, '_' and '-'. The first part is searched in the
 * context stack from the innermost section outward, the rest strictly
 * inside what it found. Partials ({{>x}}), set-delimiter tags ({{=x y=}})
 * and inheritance ({{<x}}, {{$x}}) are rejected.
 *
 * Missing names:
 *   {{x}} {{{x}}} {{&x}}  error "FILE:LINE: unknown variable {{x}}"
 *   {{#x}} {{^x}}         x is false: the section is skipped, the inverted
 *                         section rendered (data that may be absent)
 * A dotted name with a part that is missing or not an object is missing.
 * Truth: bool as set; a string when non-empty (the string "false" is
 * true; use ef_tobj_set_bool); a list when non-empty; an object always.
 * A section over a list renders once per item with the item pushed; over
 * any other true value, once with that value pushed ({{.}} is then the
 * string, or "true"). {{x}} of a bool writes "true"/"false"; of an object
 * or a list it is an error. Unknown names are found while rendering, so
 * a typo inside a section that is skipped (an empty list) goes unseen.
 *
 * A line holding only one section, inverted, closing or comment tag, and
 * spaces or tabs, is removed with its LF or CR LF (Mustache "standalone").
 */
#ifndef EF_RENDER_TEMPLATE_H
#define EF_RENDER_TEMPLATE_H

#include <stddef.h>

#include "util/util.h"

/* Sections nested deeper than this are a parse error. */
#define EF_TEMPLATE_MAX_DEPTH 64

/* ==== Context: the values a template reads ============================== */

typedef struct ef_tvalue ef_tvalue; /* a string, bool, object or list */
typedef struct ef_tctx ef_tctx;     /* owns every value made in it */

/* Creates an empty context whose root is an empty object. Never fails
 * (exits on OOM). Free with ef_tctx_free, which frees every value. */
ef_tctx *ef_tctx_new(void);

/* Frees c and every value in it; NULL is a no-op. */
void ef_tctx_free(ef_tctx *c);

/* The root object of c; freed with c. */
ef_tvalue *ef_tctx_root(ef_tctx *c);

/* The setters below store a member of the object obj. key is copied and
 * must be a valid name part (letters, digits, '_', '-'), else a tag cannot
 * reach it. Setting an existing key replaces its value and keeps its place
 * in the ef_tctx_list order. Values live until ef_tctx_free. */

/* Sets key to a copy of the string s; returns obj, for chaining. */
ef_tvalue *ef_tobj_set_str(ef_tvalue *obj, const char *key, const char *s);

/* Sets key to the string printf(fmt, ...) gives. */
void ef_tobj_set_strf(ef_tvalue *obj, const char *key, const char *fmt, ...)
    EF_PRINTF(3, 4);

/* Sets key to true (b != 0) or false. */
void ef_tobj_set_bool(ef_tvalue *obj, const char *key, int b);

/* Sets key to a new empty object and returns it. */
ef_tvalue *ef_tobj_set_obj(ef_tvalue *obj, const char *key);

/* Sets key to a new empty list and returns it. */
ef_tvalue *ef_tobj_set_list(ef_tvalue *obj, const char *key);

/* Appends a new empty object to list and returns it. */
ef_tvalue *ef_tlist_add_obj(ef_tvalue *list);

/* Appends a copy of the string s to list ({{.}} in a section over it). */
void ef_tlist_add_str(ef_tvalue *list, const char *s);

/* Appends every value under root to out, one "dotted.name<TAB>value" line
 * each, depth first in the order the keys were first set: list items as
 * name[i].key (or name[i] for strings), bools as true/false, a list also
 * as "name<TAB>(list of N)". Values are written as TSV fields
 * (ef_text_tsv_escape): backslash, tab, CR and LF as \\ \t \r \n, other
 * control characters as \xHH. For `earful report --list-vars`. */
void ef_tctx_list(const ef_tvalue *root, ef_buf *out);

/* ==== Templates ========================================================= */

typedef struct ef_template ef_template;

/* Appends s (n bytes) to out, escaped for the output format. */
typedef void (*ef_escape_fn)(ef_buf *out, const char *s, size_t n);

/* Parses the len bytes at src (copied); name is used in messages
 * ("templates/report.md"). Fails with EF_ERR_PARSE, "NAME:LINE: reason",
 * and *out = NULL. Free the template with ef_template_free. */
ef_status ef_template_parse(const char *name, const char *src, size_t len,
                            ef_template **out, ef_err *e);

/* Renders t over the values under root, appending to out; escape is
 * applied to {{var}} values (NULL: none). Fails with EF_ERR_PARSE,
 * "NAME:LINE: reason" (unknown variable, object used as a value), and
 * then leaves out as it was. t is not changed: render it any number of
 * times. */
ef_status ef_template_render(const ef_template *t, const ef_tvalue *root,
                             ef_escape_fn escape, ef_buf *out, ef_err *e);

/* Frees t; NULL is a no-op. */
void ef_template_free(ef_template *t);

#endif
