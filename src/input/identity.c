/* identity.c - what makes two rows the same item: the key `import`
 * stores as the row's id, `report` dedupes on and label samples carry. */
#include <string.h>

#include <nettle/sha2.h>

#include "input/input.h"

void ef_item_hash(const ef_item *it, char out[EF_KEY_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    char date[EF_DATETIME_UTC_SIZE];
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE], low[64];
    size_t cl = strlen(it->channel) + 1; /* the NUL included */

    ef_datetime_format_utc(it->date, date);
    sha256_init(&c);
    sha256_update(&c, strlen(date) + 1, (const uint8_t *)date);
    /* the channel ASCII lower-cased, as sources gave it before channels
     * kept their spelling: "Twitter" and "twitter" are one channel, and
     * stores keep the ids they had */
    for (size_t i = 0; i < cl; i += sizeof low) {
        size_t k = cl - i < sizeof low ? cl - i : sizeof low;
        for (size_t j = 0; j < k; j++) {
            uint8_t ch = (uint8_t)it->channel[i + j];
            low[j] = ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
        }
        sha256_update(&c, k, low);
    }
    sha256_update(&c, strlen(it->author) + 1, (const uint8_t *)it->author);
    sha256_update(&c, it->text_len, (const uint8_t *)it->text);
    sha256_digest(&c, sizeof d, d);
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[16] = '\0';
}

const char *ef_item_key(const ef_item *it, char buf[EF_KEY_SIZE])
{
    if (it->id[0])
        return it->id;
    ef_item_hash(it, buf);
    return buf;
}
