/*
 * insn.c: a minimal QEMU TCG plugin that counts the guest instructions executed.
 *
 *   qemu-aarch64 -plugin ./libinsn.so -d plugin -D out.txt ./prog
 *   qemu-x86_64  -plugin ./libinsn.so,mix=on,sym=on -d plugin -D out.txt ./prog
 *
 * At exit it writes `insns <total>` through qemu_plugin_outs (QEMU's log: `-d plugin`
 * enables it, `-D file` sends it to a file). With `mix=on` it also counts by mnemonic
 * (the first word of QEMU's disassembly of each instruction; `.byte` where QEMU's
 * disassembler does not know it) and writes one `mnem <name> <count>` line for each;
 * with `sym=on`, by the symbol the instruction is in (the main executable's symbols
 * only: code in shared libraries, memcpy for one, counts as `?`), one `sym <name>
 * <count>` line each. The counts are inline adds, not atomic: exact for a
 * single-threaded guest, which is what tools/insn_count.sh runs.
 *
 * Debian's qemu packages ship no qemu-plugin.h, so the few declarations used are written
 * out below, as include/qemu/qemu-plugin.h has them at plugin API version 1 (QEMU 4.2 to
 * 8.0; the Debian 12 qemu-user is 7.2). Nothing here changed in later versions except
 * that the inline registration became qemu_plugin_register_vcpu_*_exec_inline_per_vcpu
 * (the old names stay, deprecated). Build: gcc -shared -fPIC -O2 -o libinsn.so insn.c
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plugin API, version 1 (include/qemu/qemu-plugin.h) ---- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);
/* ---- end of the API ---- */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

static uint64_t total;

/* The breakdowns: one counter per mnemonic or symbol, found when a block is translated. */
#define MAX_KEYS 4096
struct key {
    const char *kind; /* "mnem" or "sym" */
    char name[200];
    uint64_t count;
};
static struct key keys[MAX_KEYS]; /* static: the inline ops hold their addresses */
static size_t n_keys;
static bool mix, sym;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The counter of (kind, the first word of `text`); the last slot takes any overflow. */
static uint64_t *counter(const char *kind, const char *text)
{
    char name[sizeof keys[0].name];
    size_t n = strcspn(text, " \t");
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, text, n);
    name[n] = '\0';
    for (size_t i = 0; i < n_keys; i++)
        if (keys[i].kind == kind && strcmp(keys[i].name, name) == 0)
            return &keys[i].count;
    if (n_keys == MAX_KEYS - 1) {
        keys[n_keys].kind = "mnem";
        strcpy(keys[n_keys].name, "(other)");
        return &keys[n_keys].count;
    }
    keys[n_keys].kind = kind;
    strcpy(keys[n_keys].name, name);
    return &keys[n_keys++].count;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
    if (!mix && !sym)
        return;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (mix) {
            char *disas = qemu_plugin_insn_disas(insn);
            uint64_t *c = counter("mnem", disas ? disas : "?");
            free(disas); /* g_strdup'd: glib's g_free is free */
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, c, 1);
        }
        if (sym) {
            const char *name = qemu_plugin_insn_symbol(insn);
            uint64_t *c = counter("sym", name ? name : "?");
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, c, 1);
        }
    }
    pthread_mutex_unlock(&lock);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
    char line[sizeof keys[0].name + 32];
    (void)id;
    (void)userdata;
    snprintf(line, sizeof line, "insns %" PRIu64 "\n", total);
    qemu_plugin_outs(line);
    for (size_t i = 0; i < n_keys + (keys[MAX_KEYS - 1].count != 0); i++) {
        const struct key *k = &keys[i < n_keys ? i : MAX_KEYS - 1];
        snprintf(line, sizeof line, "%s %s %" PRIu64 "\n", k->kind, k->name, k->count);
        qemu_plugin_outs(line);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "mix=on") == 0) {
            mix = true;
        } else if (strcmp(argv[i], "sym=on") == 0) {
            sym = true;
        } else if (strcmp(argv[i], "mix=off") != 0 && strcmp(argv[i], "sym=off") != 0) {
            fprintf(stderr, "insn plugin: unknown argument %s (expected mix=on|off, sym=on|off)\n",
                    argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
