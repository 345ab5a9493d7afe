// tests/isa/compare.cc - see compare.h.
#include "tests/isa/compare.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "tests/isa/binutils.h"

namespace vzt {

const Mode kModes[] = {
    {"gpr-names=64", "gpr-names=64", {0, 0, 0}},
    {"gpr-names=numeric", "gpr-names=numeric", {1, 0, 0}},
    {"no-aliases,gpr-names=numeric", "no-aliases,gpr-names=numeric", {1, 1, 0}},
    {"no-aliases,reg-names=numeric", "no-aliases,reg-names=numeric", {1, 1, 1}},
};
const size_t kNumModes = sizeof kModes / sizeof kModes[0];

namespace {

bool is_word(const std::string &t)
{
    return t.compare(0, 6, ".word\t") == 0;
}

// Known objdump quirks: words vzsim implements (as the architecture manual defines
// them) that objdump 2.40 prints differently. Each is documented in docs/isa.md.
const char *quirk(vz_insn_id id, uint32_t w, const std::string &od)
{
    // NAL: the R6 manual (MD00087, NAL) says the 16-bit offset field is ignored;
    // objdump knows only the word 0x04100000 and prints other offsets as .word.
    if (id == VZ_I_NAL && (w & 0xffff) != 0 && is_word(od))
        return "nal-with-offset";
    return nullptr;
}

}  // namespace

const char *classify(uint32_t w, uint64_t pc, const std::string &od, const vz_disasm_opts &opts,
                     Comparison *c, std::string *vz_text)
{
    char buf[160];
    vz_disasm(w, pc, &opts, buf, sizeof buf);
    *vz_text = buf;
    c->words++;
    vz_insn_id id = vz_decode(w);
    if (id == VZ_I_INVALID) {
        if (is_word(od)) {
            c->both_word++;
            return nullptr;
        }
        c->failures++;
        return "objdump decodes a word that matches no vzsim row";
    }
    const vz_insn_info *r = &vz_insn_table[id];
    if (r->flags & (VZ_F_REMOVED | VZ_F_UNIMPL)) {
        if (is_word(od))
            c->reserved_word[id]++;
        else
            c->reserved_decoded[id]++;
        return nullptr;
    }
    if (*vz_text == od) {
        c->equal++;
        return nullptr;
    }
    if (const char *q = quirk(id, w, od)) {
        c->quirks[q]++;
        return nullptr;
    }
    c->failures++;
    return is_word(od) ? "vzsim implements a word that objdump prints as .word"
                       : "different text";
}

Comparison compare_with_objdump(const std::vector<uint32_t> &words, const Mode &mode,
                                size_t max_reported, uint64_t vma)
{
    Comparison c;
    std::vector<std::string> od = objdump_words(words, mode.m_opts, &c.error, vma);
    if (od.empty() && !words.empty())
        return c;
    std::string vzt;
    for (size_t i = 0; i < words.size(); i++) {
        const char *why = classify(words[i], vma + 4 * i, od[i], mode.opts, &c, &vzt);
        if (why && c.first_failures.size() < max_reported) {
            char line[512];
            std::snprintf(line, sizeof line, "%08x  objdump: %-36s vzsim: %-36s [%s; row %s]",
                          words[i], od[i].c_str(), vzt.c_str(), why,
                          vz_insn_table[vz_decode(words[i])].name);
            c.first_failures.push_back(line);
        }
    }
    return c;
}

std::string summary(const Comparison &c, const Mode &mode)
{
    std::string s;
    char line[256];
    uint64_t res = 0;
    for (auto &kv : c.reserved_decoded)
        res += kv.second;
    for (auto &kv : c.reserved_word)
        res += kv.second;
    uint64_t quirks = 0;
    for (auto &kv : c.quirks)
        quirks += kv.second;
    std::snprintf(line, sizeof line,
                  "mode -M %s: %" PRIu64 " words: %" PRIu64 " equal, %" PRIu64
                  " reserved in vzsim with a justifying row, %" PRIu64 " .word in both, %" PRIu64
                  " known objdump quirks, %" PRIu64 " failures\n",
                  mode.m_opts, c.words, c.equal, res, c.both_word, quirks, c.failures);
    s += line;
    std::map<vz_insn_id, std::pair<uint64_t, uint64_t>> rows;
    for (auto &kv : c.reserved_decoded)
        rows[kv.first].first = kv.second;
    for (auto &kv : c.reserved_word)
        rows[kv.first].second = kv.second;
    for (auto &kv : rows) {
        const vz_insn_info *r = &vz_insn_table[kv.first];
        std::snprintf(line, sizeof line, "  reserved %-14s %-8s objdump decodes %7" PRIu64
                      ", objdump .word %7" PRIu64 "\n",
                      r->name, (r->flags & VZ_F_REMOVED) ? "REMOVED" : "UNIMPL",
                      kv.second.first, kv.second.second);
        s += line;
    }
    for (auto &kv : c.quirks) {
        std::snprintf(line, sizeof line, "  objdump quirk %-20s %7" PRIu64 "\n", kv.first.c_str(),
                      kv.second);
        s += line;
    }
    for (auto &f : c.first_failures)
        s += "  FAIL " + f + "\n";
    return s;
}

}  // namespace vzt
