/* A FAKE of WeCom's archive SDK (libWeWorkFinanceSdk_C.so): the vendor's binary is a boundary we cannot
 * reach in tests. Same C ABI as WeWorkFinanceSdk_C.h. Behaviour, driven by environment variables:
 *   Init          succeeds when secret == $FAKE_FINANCE_SECRET
 *   GetChatData   returns the file $FAKE_FINANCE_DIR/<seq>.json (the batch after <seq>), or {"chatdata":[]}
 *   DecryptData   succeeds when encrypt_key == $FAKE_FINANCE_KEY; the "ciphertext" is the hex of the JSON
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct WeWorkFinanceSdk_t { int ready; } WeWorkFinanceSdk_t;
typedef struct Slice_t { char *buf; int len; } Slice_t;

WeWorkFinanceSdk_t *NewSdk(void) { return calloc(1, sizeof(WeWorkFinanceSdk_t)); }
void DestroySdk(WeWorkFinanceSdk_t *sdk) { free(sdk); }
Slice_t *NewSlice(void) { return calloc(1, sizeof(Slice_t)); }
void FreeSlice(Slice_t *s) { if (s) { free(s->buf); free(s); } }
char *GetContentFromSlice(Slice_t *s) { return s->buf; }
int GetSliceLen(Slice_t *s) { return s->len; }

static void put(Slice_t *s, const char *data, int len) {
    s->buf = malloc(len + 1);
    memcpy(s->buf, data, len);
    s->buf[len] = 0;
    s->len = len;
}

int Init(WeWorkFinanceSdk_t *sdk, const char *corpid, const char *secret) {
    const char *want = getenv("FAKE_FINANCE_SECRET");
    if (!corpid || !*corpid || !want || strcmp(secret, want) != 0) return 10002;
    sdk->ready = 1;
    return 0;
}

int GetChatData(WeWorkFinanceSdk_t *sdk, unsigned long long seq, unsigned int limit, const char *proxy,
                const char *passwd, int timeout, Slice_t *out) {
    (void)limit; (void)proxy; (void)passwd; (void)timeout;
    if (!sdk->ready) return 10001;
    char path[4096];
    snprintf(path, sizeof path, "%s/%llu.json", getenv("FAKE_FINANCE_DIR"), seq);
    FILE *f = fopen(path, "rb");
    if (!f) { const char *empty = "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[]}"; put(out, empty, strlen(empty)); return 0; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(size);
    size_t got = fread(data, 1, size, f);
    fclose(f);
    put(out, data, (int)got);
    free(data);
    return 0;
}

static int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int DecryptData(const char *encrypt_key, const char *encrypt_msg, Slice_t *out) {
    const char *want = getenv("FAKE_FINANCE_KEY");
    if (!want || strcmp(encrypt_key, want) != 0) return 10003;
    size_t n = strlen(encrypt_msg) / 2;
    char *plain = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(encrypt_msg[2 * i]), lo = nibble(encrypt_msg[2 * i + 1]);
        if (hi < 0 || lo < 0) { free(plain); return 10004; }
        plain[i] = (char)(hi * 16 + lo);
    }
    put(out, plain, (int)n);
    free(plain);
    return 0;
}
