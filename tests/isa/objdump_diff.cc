// tests/isa/objdump_diff.cc - developer tool: compare vzsim's disassembler with GNU
// objdump on a chosen set of words and print the classification (docs/isa.md).
//
//   isa_objdump_diff [--mode K] [--random N] [--seed S] [--base B --mask M]
//                    [--range START COUNT] [--vma ADDR] [--max-report N] [FILE.bin]
//
// --random N   N words: (random & ~mask) | (base & mask); default mask 0 (uniform)
// --range      consecutive words START, START+1, ... (COUNT of them)
// FILE.bin     raw little-endian words instead
// --mode K     index into kModes (0 gpr-names=64, 1 numeric, 2 no-aliases numeric,
//              3 no-aliases reg-names=numeric); default: all modes.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/isa/binutils.h"
#include "tests/isa/compare.h"

int main(int argc, char **argv)
{
    long mode = -1;
    uint64_t n = 0, seed = 1, start = 0, count = 0;
    uint32_t base = 0, mask = 0;
    uint64_t vma = 0;
    size_t max_report = 50;
    std::string file;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto num = [&](void) -> uint64_t {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s: missing value\n", a.c_str());
                std::exit(2);
            }
            return std::strtoull(argv[++i], nullptr, 0);
        };
        if (a == "--mode") mode = (long)num();
        else if (a == "--random") n = num();
        else if (a == "--seed") seed = num();
        else if (a == "--base") base = (uint32_t)num();
        else if (a == "--mask") mask = (uint32_t)num();
        else if (a == "--max-report") max_report = num();
        else if (a == "--vma") vma = num();
        else if (a == "--range") { start = num(); count = num(); }
        else file = a;
    }
    if (!vzt::binutils_available()) {
        std::fprintf(stderr, "cross binutils (%sobjdump) not found on PATH\n", vzt::kCross);
        return 2;
    }
    std::vector<uint32_t> words;
    if (!file.empty())
        words = vzt::read_words(file);
    std::mt19937_64 rng(seed);
    for (uint64_t i = 0; i < n; i++)
        words.push_back(((uint32_t)rng() & ~mask) | (base & mask));
    for (uint64_t i = 0; i < count; i++)
        words.push_back((uint32_t)(start + i));
    int bad = 0;
    for (size_t m = 0; m < vzt::kNumModes; m++) {
        if (mode >= 0 && (size_t)mode != m)
            continue;
        vzt::Comparison c = vzt::compare_with_objdump(words, vzt::kModes[m], max_report, vma);
        if (!c.error.empty()) {
            std::fprintf(stderr, "%s\n", c.error.c_str());
            return 2;
        }
        std::fputs(vzt::summary(c, vzt::kModes[m]).c_str(), stdout);
        bad |= c.failures != 0;
    }
    return bad;
}
