/* gendata.c - generate build/gen/vader_data.c at build time.
 *
 * usage: gendata LEXICON EMOJI_TEST UNICODE_DATA DERIVED_CORE_PROPERTIES
 *
 * Third-party data is never committed; this program turns it into C arrays:
 *   - the VADER lexicon (vader_lexicon.txt from vader-sentiment@1.1.3):
 *     word and valence, in file order (a later duplicate wins at load time);
 *   - the emoji map from Unicode's emoji-test.txt: for each line, the emoji
 *     after '#' maps to the words after the "E<major>.<minor>" token; only
 *     single-code-point emoji can ever match (the scorer scans one code
 *     point at a time), and a later line replaces an earlier one;
 *   - case data for code points >= 0x80: the simple lowercase mapping
 *     (UnicodeData.txt), the Lowercase and Uppercase derived properties
 *     and the Lt category, which is what Python's str.lower() and
 *     str.isupper() use.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CP 0x110000

enum { F_LOWER = 1, F_UPPER = 2, F_TITLE = 4 };

static void die(const char *what, const char *path)
{
    fprintf(stderr, "gendata: %s: %s\n", path, what);
    exit(1);
}

static FILE *xfopen(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("cannot open", path);
    return f;
}

/* Writes s as a C string literal; octal escapes for anything unusual. */
static void put_cstr(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f || c == '?')
            printf("\\%03o", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Decodes one UTF-8 code point; returns its length or 0 if invalid. */
static int utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (n >= 1 && s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (n >= 2 && (s[0] & 0xe0) == 0xc0) {
        *cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
        return 2;
    }
    if (n >= 3 && (s[0] & 0xf0) == 0xe0) {
        *cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 |
              (s[2] & 0x3f);
        return 3;
    }
    if (n >= 4 && (s[0] & 0xf8) == 0xf0) {
        *cp = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
              (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
        return 4;
    }
    return 0;
}

static void gen_lexicon(const char *path)
{
    FILE *f = xfopen(path);
    char line[4096];
    size_t count = 0;

    puts("const ef_lexicon_entry ef_vader_lexicon[] = {");
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end, *tab, *val, *vend;
        /* like Python's line.strip().split('\t')[0:2] */
        while (*p && isspace((unsigned char)*p))
            p++;
        end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*p == '\0')
            continue;
        tab = strchr(p, '\t');
        if (tab == NULL)
            die("line without a valence", path);
        val = tab + 1;
        vend = strchr(val, '\t');
        if (vend)
            *vend = '\0';
        strtod(val, &end);
        if (end == val || *end != '\0')
            die("bad valence", path);
        printf("    {");
        put_cstr(p, (size_t)(tab - p));
        printf(", %s},\n", val);
        count++;
    }
    fclose(f);
    puts("};");
    printf("const size_t ef_vader_lexicon_len = %zu;\n\n", count);
}

typedef struct {
    unsigned cp;
    char *desc;
} emoji;

static int emoji_cmp(const void *a, const void *b)
{
    unsigned x = ((const emoji *)a)->cp, y = ((const emoji *)b)->cp;
    return x < y ? -1 : x > y;
}

static void gen_emoji(const char *path)
{
    static emoji map[8192];
    size_t n = 0, i;
    FILE *f = xfopen(path);
    char line[1024];

    while (fgets(line, sizeof line, f)) {
        char *hash, *glyph, *sp, *desc, *end;
        unsigned cp;
        int len;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        hash = strstr(line, "# ");
        if (hash == NULL)
            continue;
        glyph = hash + 2;
        sp = strchr(glyph, ' ');
        if (sp == NULL)
            continue;
        len = utf8_decode((unsigned char *)glyph, (size_t)(sp - glyph), &cp);
        if (len == 0 || glyph + len != sp)
            continue; /* a sequence: can never match one code point */
        /* the version token: E<major>.<minor> */
        if (sp[1] != 'E' || !isdigit((unsigned char)sp[2]))
            die("no E<version> token after the emoji", path);
        desc = strchr(sp + 1, ' ');
        if (desc == NULL)
            die("no description", path);
        desc++;
        end = desc + strlen(desc);
        while (end > desc && isspace((unsigned char)end[-1]))
            *--end = '\0';
        for (i = 0; i < n; i++)
            if (map[i].cp == cp)
                break;
        if (i == n) {
            if (n == sizeof map / sizeof map[0])
                die("too many emoji", path);
            map[n++].cp = cp;
        } else {
            free(map[i].desc);
        }
        map[i].desc = strdup(desc);
    }
    fclose(f);
    qsort(map, n, sizeof map[0], emoji_cmp);
    puts("const ef_emoji_entry ef_vader_emoji[] = {");
    for (i = 0; i < n; i++) {
        printf("    {0x%X, ", map[i].cp);
        put_cstr(map[i].desc, strlen(map[i].desc));
        puts("},");
        free(map[i].desc);
    }
    puts("};");
    printf("const size_t ef_vader_emoji_len = %zu;\n\n", n);
}

static void gen_case(const char *udata, const char *props)
{
    static unsigned char flags[MAX_CP];
    static unsigned lower[MAX_CP];
    char line[1024];
    FILE *f;
    unsigned cp, count = 0;

    for (cp = 0; cp < MAX_CP; cp++)
        lower[cp] = cp;

    f = xfopen(udata);
    while (fgets(line, sizeof line, f)) {
        char *field[15];
        char *p = line;
        int i;
        for (i = 0; i < 15 && p; i++) {
            field[i] = p;
            p = strchr(p, ';');
            if (p)
                *p++ = '\0';
        }
        if (i < 15)
            continue;
        cp = (unsigned)strtoul(field[0], NULL, 16);
        if (cp >= MAX_CP)
            continue;
        if (strcmp(field[2], "Lt") == 0)
            flags[cp] |= F_TITLE;
        if (field[13][0])
            lower[cp] = (unsigned)strtoul(field[13], NULL, 16);
    }
    fclose(f);

    f = xfopen(props);
    while (fgets(line, sizeof line, f)) {
        unsigned lo, hi;
        char name[64];
        int flag;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%x..%x ; %63s", &lo, &hi, name) != 3) {
            if (sscanf(line, "%x ; %63s", &lo, name) != 2)
                continue;
            hi = lo;
        }
        if (strcmp(name, "Lowercase") == 0)
            flag = F_LOWER;
        else if (strcmp(name, "Uppercase") == 0)
            flag = F_UPPER;
        else
            continue;
        for (cp = lo; cp <= hi && cp < MAX_CP; cp++)
            flags[cp] |= (unsigned char)flag;
    }
    fclose(f);

    puts("const ef_case_entry ef_vader_case[] = {");
    for (cp = 0x80; cp < MAX_CP; cp++) {
        if (flags[cp] == 0 && lower[cp] == cp)
            continue;
        printf("    {0x%X, 0x%X, %u},\n", cp, lower[cp], flags[cp]);
        count++;
    }
    puts("};");
    printf("const size_t ef_vader_case_len = %u;\n", count);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: gendata LEXICON EMOJI_TEST UNICODE_DATA "
              "DERIVED_CORE_PROPERTIES\n",
              stderr);
        return 2;
    }
    puts("/* Generated by tools/gendata.c at build time: do not edit.");
    puts(" * Sources: vader_lexicon.txt (vader-sentiment@1.1.3),");
    puts(" * emoji-test.txt, UnicodeData.txt, DerivedCoreProperties.txt");
    puts(" * (Debian unicode-data). */");
    puts("#include \"sentiment/vader_data.h\"\n");
    gen_lexicon(argv[1]);
    gen_emoji(argv[2]);
    gen_case(argv[3], argv[4]);
    return ferror(stdout) ? 1 : 0;
}
