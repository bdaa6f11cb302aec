/* test_dedup.c - the set of items seen (dedup.c), against a simple twin
 * that keeps the strings themselves: an id (or, without one, the UTC
 * date, channel, author and text) and the first content seen for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/dedup.h"
#include "test.h"
#include "util/strmap.h"

/* The twin: the rule of identity.c, on strings. */
typedef struct {
    ef_strmap *keys; /* key -> index into content */
    char **content;
    size_t n;
} twin;

static ef_dedup_verdict twin_add(twin *t, const ef_item *it)
{
    char content[600], key[700], channel[64];
    size_t k, i;
    int added;

    /* a channel in any case is the same channel */
    for (i = 0; it->channel[i] && i + 1 < sizeof channel; i++)
        channel[i] = (char)(it->channel[i] >= 'A' && it->channel[i] <= 'Z'
                                ? it->channel[i] + 32
                                : it->channel[i]);
    channel[i] = '\0';
    snprintf(content, sizeof content, "%lld|%s|%s|%.*s", (long long)it->date,
             channel, it->author, (int)it->text_len, it->text);
    if (it->id[0])
        snprintf(key, sizeof key, "id:%s", it->id);
    else
        snprintf(key, sizeof key, "content:%s", content);
    k = ef_strmap_get_or_add(t->keys, key, strlen(key), t->n, &added);
    if (added) {
        t->content = ef_xrealloc(t->content, (t->n + 1) * sizeof(char *));
        t->content[t->n++] = ef_xstrdup(content);
        return EF_DEDUP_NEW;
    }
    return strcmp(t->content[k], content) == 0 ? EF_DEDUP_DUPLICATE
                                               : EF_DEDUP_CONFLICT;
}

static uint64_t next_rand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

void test_dedup(void)
{
    static const char *const channels[] = {"twitter", "forum", "", "Forum"};
    static const char *const authors[] = {"ann", "bob", "", "@united"};
    static const char *const texts[] = {"Great product", "Battery died", "ok",
                                        "Great product "};
    twin t = {ef_strmap_new(), NULL, 0};
    ef_dedup *d = ef_dedup_new();
    uint64_t seed = 14, agree = 0, counts[3] = {0, 0, 0};
    const int n = 200000;
    char id[32];

    /* Few ids, dates, channels, authors and texts, so that duplicates
     * and conflicts are common; a third of the rows have no id. */
    for (int i = 0; i < n; i++) {
        ef_item it = {0};
        ef_dedup_sig s;
        ef_dedup_verdict got, want;

        if (next_rand(&seed) % 3 == 0)
            id[0] = '\0';
        else
            snprintf(id, sizeof id, "%llu",
                     (unsigned long long)(next_rand(&seed) % 60000));
        it.id = id;
        it.date = 1741082400 + (int64_t)(next_rand(&seed) % 4) * 3600;
        it.channel = channels[next_rand(&seed) % 4];
        it.author = authors[next_rand(&seed) % 4];
        it.text = texts[next_rand(&seed) % 4];
        it.text_len = strlen(it.text);
        ef_dedup_sign(&it, &s);
        got = ef_dedup_add(d, &s);
        want = twin_add(&t, &it);
        agree += got == want;
        counts[want]++;
    }
    INT_EQ(agree, n, "the set agrees with the string twin on every row");
    OK(counts[EF_DEDUP_NEW] > 1000 && counts[EF_DEDUP_DUPLICATE] > 1000 &&
           counts[EF_DEDUP_CONFLICT] > 1000,
       "the rows hold new items, duplicates and conflicts");
    INT_EQ(ef_dedup_count(d), t.n, "one key per distinct item");
    {
        double per = (double)ef_dedup_bytes(d) / (double)ef_dedup_count(d);
        OK(per >= 16 && per <= 24, "16 to 24 bytes per item");
    }
    ef_dedup_free(d);
    for (size_t i = 0; i < t.n; i++)
        free(t.content[i]);
    free(t.content);
    ef_strmap_free(t.keys);

    /* The signature: the key is the id's when there is one; without, two
     * items with the same content are one, and any field tells them
     * apart, even a word moved from the author to the channel. */
    {
        ef_item a = {.id = "",
                     .date = 1741082400,
                     .channel = "forum",
                     .author = "bob",
                     .text = "Great",
                     .text_len = 5};
        ef_item b = a;
        ef_dedup_sig sa, sb;

        ef_dedup_sign(&a, &sa);
        ef_dedup_sign(&b, &sb);
        OK(sa.key == sb.key && sa.content == sb.content, "same content");
        b.channel = "forumbob";
        b.author = "";
        ef_dedup_sign(&b, &sb);
        OK(sa.key != sb.key && sa.content != sb.content,
           "a word moved between fields");
        b = a;
        b.date++;
        ef_dedup_sign(&b, &sb);
        OK(sa.key != sb.key, "a second later");
        a.id = b.id = "570301130888122368";
        ef_dedup_sign(&a, &sa);
        ef_dedup_sign(&b, &sb);
        OK(sa.key == sb.key && sa.content != sb.content,
           "one id, other content: a conflict");
    }
}
