/* test_identity.c - the item key (identity.c). Expected hashes were
 * computed apart from earful: python3's hashlib.sha256 over the same
 * bytes, first 16 hex digits. */
#include "input/input.h"
#include "test.h"

void test_identity(void)
{
    char buf[EF_KEY_SIZE];
    ef_item it = {0};

    it.date = 1741082400; /* 2025-03-04T10:00:00Z */
    it.id = "";
    it.channel = "forum";
    it.author = "bob";
    it.text = "Great product";
    it.text_len = 13;
    /* sha256(b'2025-03-04T10:00:00Z\0forum\0bob\0Great product') */
    ef_item_hash(&it, buf);
    STR_EQ(buf, "ace7870ecb9dce10", "hash of date, channel, author, text");
    STR_EQ(ef_item_key(&it, buf), "ace7870ecb9dce10", "no id: the hash");
    it.channel = "Forum";
    ef_item_hash(&it, buf);
    STR_EQ(buf, "ace7870ecb9dce10", "the channel's case does not count");

    /* sha256(b'2025-03-04T10:00:00Z\0\0\0'): empty fields still end in
     * NUL, so moving a word between fields changes the hash */
    it.channel = it.author = "";
    it.text_len = 0;
    STR_EQ(ef_item_key(&it, buf), "794c44db61596889", "empty fields");

    it.id = "570301130888122368";
    STR_EQ(ef_item_key(&it, buf), "570301130888122368", "an id is the key");
}
